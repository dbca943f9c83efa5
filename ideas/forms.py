"""Idea forms: validation and normalisation only."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea, IdeaComment, IdeaPhoto, PendingPhoto
from leanhub import images
from leanhub.forms import DateInput
from leanhub.models import Team, User

if TYPE_CHECKING:
    # Django's form classes are generic only in the stubs; at run time they take no arguments.
    _CommentModelForm = forms.ModelForm[IdeaComment]
else:
    _CommentModelForm = forms.ModelForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


@dataclass
class PhotoBatch:
    """The photos one request sent: those verified and re-encoded, in the order they came, and
    why any others were refused (one sentence per photo, naming it)."""

    accepted: list[images.ProcessedImage] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


class PhotosField(forms.FileField):
    """Up to five photos, each verified and re-encoded. The cleaned value is a PhotoBatch: a
    refused photo does not cost the others (the form decides what to do with both); more than
    five is refused as a whole, since which to leave out is the sender's choice."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(
        self, data: UploadedFile | Sequence[UploadedFile] | None, initial: object = None
    ) -> PhotoBatch:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > IdeaPhoto.MAX_PER_IDEA:
            raise forms.ValidationError(
                gettext("Choose at most %(limit)s photos (%(count)s chosen).")
                % {"limit": IdeaPhoto.MAX_PER_IDEA, "count": len(files)}
            )
        batch = PhotoBatch()
        for upload in files:
            if upload.size > images.MAX_BYTES:
                batch.refused.append(
                    gettext("%(file)s is %(size)s MB; photos can be at most %(limit)s MB.")
                    % {
                        "file": upload.name,
                        "size": f"{upload.size / 1024 / 1024:.1f}",
                        "limit": images.MAX_BYTES // 1024 // 1024,
                    }
                )
                continue
            try:
                batch.accepted.append(images.process(upload.read(), filename=upload.name))
            except images.ImageRefused as refusal:
                batch.refused.append(str(refusal))
        return batch


class PhotoIds(forms.Field):
    """Numbers of pending photos named by the page (hidden inputs or checkboxes); anything that
    is not a number is ignored. Whether they are the sender's own is the form's question."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        values = value if isinstance(value, list | tuple) else []
        return sorted({int(v) for v in values if isinstance(v, str) and v.isdigit()})


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=140,
        help_text=_("A few words, e.g. “Pre-fill the address on the claim form”."),
        # Similar ideas appear as the title is typed, so people can back one instead.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "data-hx-get": reverse_lazy("ideas:similar"),
                "data-hx-trigger": "keyup changed delay:400ms",
                "data-hx-target": "#similar-ideas",
                "data-hx-swap": "outerHTML",
            }
        ),
    )
    problem = forms.CharField(
        label=_("What is the problem now?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    proposal = forms.CharField(
        label=_("What could we do?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), empty_label=None)
    kind = forms.ChoiceField(
        label=_("What kind of idea?"), choices=Idea.Kind.choices, widget=forms.RadioSelect
    )
    wastes = forms.MultipleChoiceField(
        label=_("Which wastes does it remove?"),
        choices=Idea.Waste.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    burden_name = forms.CharField(
        label=_("Name of the form, report or rule"),
        max_length=200,
        required=False,
        help_text=_("For “stop doing” ideas: what should we stop doing?"),
    )
    burden_owner = forms.ChoiceField(
        label=_("Who owns it?"),
        choices=[("", _("Choose…")), *Idea.BurdenOwner.choices],
        required=False,
    )
    minutes_per_occurrence = forms.DecimalField(
        label=_("Minutes saved each time"),
        min_value=0,
        max_value=100000,
        decimal_places=2,
        required=False,
        help_text=_("For red tape: minutes each completion takes."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    occurrences_per_year = forms.IntegerField(
        label=_("Times a year"), min_value=0, max_value=10_000_000, required=False
    )
    money_per_year = forms.DecimalField(
        label=_("Money saved a year (£)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    quality_benefit = forms.CharField(
        label=_("Better quality: how?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    customer_benefit = forms.CharField(
        label=_("Better for customers: how?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 5 photos: JPEG, PNG or WebP, 8 MB each."),
    )
    hide_name = forms.BooleanField(
        label=_("Hide my name"),
        required=False,
        help_text=_("Your name is hidden from everyone except LeanHub administrators."),
    )
    shared_with_partners = forms.BooleanField(
        label=_("Share with partner organisations in our place"),
        required=False,
        help_text=_(
            "Partner agencies in the same place can see and adopt it. Otherwise it stays "
            "inside your organisation."
        ),
    )
    # Photos kept from an earlier try of this form: the page names them (to notice one that
    # has since expired) and the sender may tick some to remove.
    shown_photos = PhotoIds(required=False)
    remove_photos = PhotoIds(required=False, widget=forms.CheckboxSelectMultiple)
    token = forms.UUIDField(widget=forms.HiddenInput)
    step = forms.IntegerField(widget=forms.HiddenInput, required=False)

    RED_TAPE_FIELDS = ("burden_name", "burden_owner")

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("token", uuid.uuid4())
        initial.setdefault("kind", Idea.Kind.IMPROVEMENT)
        super().__init__(*args, **kwargs)
        from leanhub import policy

        # The teams the person may raise ideas for: none means they cannot raise one.
        self.teams: QuerySet[Team] = Team.objects.filter(
            policy.team_q(user, "member") | policy.team_q(user, "lead")
        ).select_related("site")
        cast("forms.ModelChoiceField[Team]", self.fields["team"]).queryset = self.teams
        home = policy.scope_of(user).home_team_ids
        if home and "team" not in initial:
            self.initial["team"] = home[0]
        # What this sender kept with this form before; only theirs, only this form's.
        self.posted_token = self._posted_token()
        self.pending: QuerySet[PendingPhoto] = (
            PendingPhoto.objects.uploaded_by(user).for_form(self.posted_token)
            if self.is_bound
            else PendingPhoto.objects.none()
        )
        # Set by clean(): the photos this request brought that passed the checks (kept even when
        # the form is refused for something else), and the earlier ones kept and removed.
        self.new_photos: list[images.ProcessedImage] = []
        self.kept_photos: list[PendingPhoto] = []
        self.removed_photos: list[PendingPhoto] = []
        if self.stop_doing:
            for name in self.RED_TAPE_FIELDS:
                self.fields[name].widget.attrs["aria-required"] = "true"

    def _posted_token(self) -> uuid.UUID | None:
        """The one-time token the form was sent with, if it is one."""
        if not self.is_bound:
            return None
        try:
            return uuid.UUID(str(self.data.get("token", "")))
        except ValueError:
            return None

    @property
    def stop_doing(self) -> bool:
        """Whether the kind chosen (or offered first) is "stop doing": the red-tape fields are
        then required, and the page says so."""
        return bool(self["kind"].value() == Idea.Kind.STOP_DOING)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._clean_photos(data)
        if data.get("kind") == Idea.Kind.STOP_DOING:
            if not data.get("burden_name"):
                self.add_error("burden_name", gettext("Name the form, report or rule to stop."))
            if not data.get("burden_owner"):
                self.add_error("burden_owner", gettext("Say who owns it, so it can reach them."))
        minutes, times = data.get("minutes_per_occurrence"), data.get("occurrences_per_year")
        if (minutes is None) != (times is None):
            field = "occurrences_per_year" if times is None else "minutes_per_occurrence"
            self.add_error(
                field, gettext("Give both the minutes each time and the times a year, or neither.")
            )
        return data

    def _clean_photos(self, data: dict[str, Any]) -> None:
        batch: PhotoBatch | None = data.get("photos")
        pending = list(self.pending)
        removing = set(data.get("remove_photos") or ())
        self.removed_photos = [p for p in pending if p.pk in removing]
        self.kept_photos = [p for p in pending if p.pk not in removing]
        self.new_photos = list(batch.accepted) if batch else []
        errors = list(batch.refused) if batch else []
        if set(data.get("shown_photos") or ()) - {p.pk for p in pending}:
            errors.append(
                gettext(
                    "A photo you added earlier is no longer kept (photos wait a day at most): "
                    "choose it again if you still want it."
                )
            )
        room = IdeaPhoto.MAX_PER_IDEA - len(self.kept_photos)
        if len(self.new_photos) > room:
            # Which of them to leave out is the sender's choice, so none of the new ones is kept.
            errors.append(
                ngettext(
                    "%(kept)s photo is already added here, so choose at most %(room)s more "
                    "(%(count)s chosen), or remove it.",
                    "%(kept)s photos are already added here, so choose at most %(room)s more "
                    "(%(count)s chosen), or remove some.",
                    len(self.kept_photos),
                )
                % {"kept": len(self.kept_photos), "room": room, "count": len(self.new_photos)}
            )
            self.new_photos = []
        if errors:
            self.add_error("photos", errors)
        elif batch is not None:
            data["photos"] = self.new_photos


class ResponseForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Idea.Status.choices)
    note = forms.CharField(
        label=_("Note to the person who raised it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining: say why."),
    )
    revisit_on = forms.DateField(
        label=_("Revisit on"),
        required=False,
        help_text=_("When parking: the date it will be looked at again."),
        widget=DateInput(),
    )
    duplicate_of = forms.IntegerField(
        label=_("Duplicate of idea number"),
        required=False,
        min_value=1,
        help_text=_("When marking a duplicate: the number of the idea to merge it into."),
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ideas.actions import TRANSITIONS

        allowed = TRANSITIONS[idea.status]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            c for c in Idea.Status.choices if c[0] in allowed
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        status = data.get("status")
        if status == Idea.Status.DECLINED and not (data.get("note") or "").strip():
            self.add_error(
                "note",
                gettext("Say why the idea is declined: the person who raised it will read it."),
            )
        if status == Idea.Status.PARKED:
            revisit = data.get("revisit_on")
            if revisit is None or revisit <= timezone.localdate():
                self.add_error(
                    "revisit_on", gettext("Give a date in the future to look at it again.")
                )
        if status == Idea.Status.DUPLICATE and not data.get("duplicate_of"):
            self.add_error(
                "duplicate_of", gettext("Give the number of the idea this one duplicates.")
            )
        return data


class CommentForm(_CommentModelForm):
    class Meta:
        model = IdeaComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class AdoptForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Adopt for team"), queryset=Team.objects.none(), empty_label=None
    )

    def __init__(
        self, *args: Any, user: User | AnonymousUser, exclude_team_id: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        from leanhub import policy

        # The person's other teams: none means there is no team to adopt the idea for.
        self.teams: QuerySet[Team] = (
            Team.objects.filter(policy.team_q(user, "member") | policy.team_q(user, "lead"))
            .exclude(pk=exclude_team_id)
            .select_related("site")
        )
        cast("forms.ModelChoiceField[Team]", self.fields["team"]).queryset = self.teams


class RouteForm(forms.Form):
    reply_due_on = forms.DateField(label=_("Reply due by"), widget=DateInput())

    def clean_reply_due_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["reply_due_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError(gettext("The reply date must be in the future."))
        return value


class PublicationForm(forms.Form):
    """Whether an implemented idea is shown on the public pages, and in what words."""

    public = forms.BooleanField(
        label=_("Show on the public pages of its site and place"),
        required=False,
        help_text=_(
            "Only the public title and summary below and the day it was implemented are shown: "
            "never who raised it, its photos or its comments."
        ),
    )
    public_title = forms.CharField(
        label=_("Public title"),
        max_length=140,
        required=False,
        help_text=_("What changed, in words for the public. Name nobody."),
    )
    public_summary = forms.CharField(
        label=_("Public summary"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: a sentence on what is better now. Name nobody."),
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "public": idea.public,
                "public_title": idea.public_title or idea.title,
                "public_summary": idea.public_summary,
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("public") and not " ".join(str(data.get("public_title", "")).split()):
            self.add_error("public_title", gettext("Give it a title for the public."))
        return data


class BoxForm(forms.Form):
    """An idea sent through a team's idea box, by someone with no account: nothing about them."""

    title = forms.CharField(label=_("In a few words, what is your idea?"), max_length=140)
    problem = forms.CharField(
        label=_("What is the problem now?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proposal = forms.CharField(
        label=_("What could we do?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo = forms.FileField(
        label=_("A photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 8 MB. Leave people out of it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    # A field people never see or fill in: bots that fill every field give themselves away.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.processed: images.ProcessedImage | None = None

    def clean_photo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("photo")
        if upload:
            try:
                self.processed = images.process(upload.read(), filename=upload.name or "photo")
            except images.ImageRefused as refusal:
                raise forms.ValidationError(
                    gettext("%(reason)s Your words are kept: choose another photo or send without.")
                    % {"reason": refusal}
                ) from None
        return upload


class BoxDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept into the team's ideas")), ("decline", _("Decline"))],
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
