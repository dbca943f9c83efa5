"""Validation and normalisation only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from kaizen.models import Board, Card
from leanhub import documents, images
from leanhub.forms import DateInput
from leanhub.models import Organisation, Team, User
from metrics import csvimport, spc
from metrics.models import (
    Annotation,
    CycleMeasure,
    Measure,
    MeasureTarget,
    Observation,
    OrganisationSPC,
    Outcome,
    Saving,
    Survey,
)

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = {
    b"%PDF": "application/pdf",
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def _choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field ``name``, declared as a ModelChoiceField: its queryset is only known once
    the form knows whose it is."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class CardChoiceField(forms.ModelChoiceField):
    """A kaizen card, named with its board (card titles repeat across boards)."""

    def label_from_instance(self, obj: Card) -> str:
        return f"{obj.title} ({obj.board.name})"


class PeriodForm(forms.Form):
    start = forms.DateField(widget=DateInput, required=False, label=_("From"))
    end = forms.DateField(widget=DateInput, required=False, label=_("To"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", gettext("The end date must be on or after the start date."))
        return data


class _ScreeningSelect(forms.NullBooleanSelect):
    """Unknown (the rules' default), yes or no, in words about screening."""

    def __init__(self) -> None:
        super().__init__()
        self.choices = [
            ("unknown", _("The rules' default")),
            ("true", _("Yes: a one-off jump does not widen the limits")),
            ("false", _("No: use every moving range")),
        ]


class MeasureForm(forms.ModelForm):
    screen_moving_ranges = forms.NullBooleanField(
        label=_("Screen out unusually large moving ranges"),
        required=False,
        widget=_ScreeningSelect(),
        help_text=_(
            "Off in NHS England's SQL (where it also leaves the outlying points out of the "
            "mean), on in NHSRplotthedots."
        ),
    )

    class Meta:
        model = Measure
        fields = [
            "name",
            "unit",
            "improvement",
            "target",
            "frequency",
            "rules",
            "chart_type",
            "fix_after_n_points",
            "screen_moving_ranges",
            "shift_points",
            "trend_points",
            "minimum_points",
            "conflict_rule",
            "public",
        ]
        labels = {"fix_after_n_points": _("Baseline: fix the limits on the first N points")}
        help_texts = {
            "target": _("Leave empty if there is no target."),
            "fix_after_n_points": _(
                "Leave empty to use every point. NHS England's SQL carries the baseline's limits "
                "into the next section only; NHSRplotthedots fixes each segment's limits on its "
                "first N (at least 12)."
            ),
            "rules": _("Which published method draws the chart."),
            "chart_type": _(
                "T and G charts are for rare events (NHS England's SQL only): a T chart's "
                "figures are the dates of events, a G chart's the count of cases between them."
            ),
            "shift_points": _("6, 7 or 8; empty for the rules' default (6 in the SQL, 7 in R)."),
            "trend_points": _("6, 7 or 8; empty for the rules' default (6 in the SQL, 7 in R)."),
            "minimum_points": _(
                "NHS England's SQL draws a plain run chart until there are this many (13)."
            ),
            "conflict_rule": _(
                "For example a rising trend below the mean. Empty: shown as a concern."
            ),
        }

    def __init__(
        self,
        *args: Any,
        siblings: QuerySet[Measure],
        default_rules: str | None = None,
        **kwargs: Any,
    ) -> None:
        """``siblings``: the measures already in the team, site, organisation or place;
        ``default_rules``: the preset a new measure starts with (its organisation's)."""
        super().__init__(*args, **kwargs)
        self.siblings = siblings
        self.default_rules = self.instance.rules if self.instance.pk else default_rules
        if default_rules and not self.instance.pk:
            self.initial.setdefault("rules", default_rules)
        # Left out of a post, they keep what the measure has (or the organisation's default).
        self.fields["rules"].required = False
        self.fields["chart_type"].required = False
        self.previous_rules = self.instance.rules if self.instance.pk else ""
        # What the chart was drawn by, for the record of a change of rules.
        self.previous_settings = self.instance.rules_snapshot() if self.instance.pk else None
        # A staff pulse's weekly figures are staff's own answers: never published.
        if (
            self.instance.pk
            and Survey.objects.filter(measure=self.instance, kind=Survey.Kind.STAFF).exists()
        ):
            del self.fields["public"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        key = csvimport.measure_key(name)
        # Compared in Python, not with iexact: SQLite folds the case of ASCII letters only.
        others = self.siblings.exclude(pk=self.instance.pk).values_list("name", flat=True)
        for other in others:
            if csvimport.measure_key(other) == key:
                raise forms.ValidationError(
                    gettext(
                        "There is already a measure called “%(name)s” here. Choose another "
                        "name: imported figures find their measure by its name."
                    )
                    % {"name": other}
                )
        return name

    def clean(self) -> dict[str, Any]:
        """Settings the rules cannot draw with are refused, each with its reason."""
        super().clean()
        data = self.cleaned_data
        rules = data["rules"] = data.get("rules") or self.default_rules or Measure.Rules.NHSE
        data["chart_type"] = data.get("chart_type") or self.instance.chart_type
        n = data.get("fix_after_n_points")
        # Shifts and trends of 6, 7 or 8 under either rules (the SQL's range; the package's 7
        # is in it), so a shift of 3 is refused whichever rules draw the chart.
        for field_name in ("shift_points", "trend_points"):
            value = data.get(field_name)
            if value is not None and value not in spc.RUN_LENGTHS:
                what = gettext("shift") if field_name == "shift_points" else gettext("trend")
                self.add_error(
                    field_name,
                    gettext("A %(what)s is 6, 7 or 8 points in a row (not %(n)s).")
                    % {"what": what, "n": value},
                )
        minimum = data.get("minimum_points")
        if minimum is not None and minimum < 2:
            self.add_error("minimum_points", gettext("Limits need at least 2 points."))
        counted = None
        if self.instance.pk:
            counted = self.instance.observations.filter(ghost=False).count()
        if rules == Measure.Rules.PLOTTHEDOTS:
            if n is not None and n < 12:
                self.add_error(
                    "fix_after_n_points",
                    gettext("Fix the limits on at least 12 points, or leave it empty."),
                )
            elif n is not None and counted is not None and n > counted:
                self.add_error(
                    "fix_after_n_points",
                    gettext(
                        "The baseline of %(baseline)s points is longer than the data "
                        "(%(points)s points)."
                    )
                    % {"baseline": n, "points": counted},
                )
            if data.get("chart_type", "xmr") != Measure.ChartType.XMR:
                self.add_error("chart_type", gettext("NHSRplotthedots draws XmR charts only."))
            return data
        probe = Measure(
            rules=rules,
            shift_points=data.get("shift_points"),
            trend_points=data.get("trend_points"),
            minimum_points=data.get("minimum_points"),
            conflict_rule=data.get("conflict_rule") or "",
            screen_moving_ranges=data.get("screen_moving_ranges"),
        )
        chart_type = data["chart_type"]
        if self.instance.pk:
            held = self.instance.observations
            if chart_type != Measure.ChartType.XMR and held.filter(ghost=True).exists():
                self.add_error(
                    "chart_type",
                    gettext("Only XmR charts ghost points: count the ghosted ones again first."),
                )
            if chart_type == Measure.ChartType.G and any(
                v < 0 or v != int(v) for v in held.values_list("value", flat=True)
            ):
                self.add_error(
                    "chart_type",
                    gettext(
                        "A G chart counts cases between events: every figure must be a whole "
                        "number, 0 or more."
                    ),
                )
        settings = probe.spc_rules()
        if n is not None:
            for problem in spc.check_settings(
                replace(settings, shift=6, trend=6, minimum_points=13),
                baseline_points=n,
                points=counted,
            ):
                self.add_error("fix_after_n_points", problem)
        return data

    def save(self, commit: bool = True) -> Measure:
        measure = super().save(commit=False)
        if self.previous_rules and measure.rules != self.previous_rules:
            # The chart says when its rules changed, and from which; the data stays as it is.
            measure.previous_rules = self.previous_rules
            measure.rules_changed_at = timezone.now()
        if commit:
            measure.save()
        return measure


class MeasureTargetForm(forms.ModelForm):
    class Meta:
        model = MeasureTarget
        fields = ["value", "start", "end"]
        widgets = {"start": DateInput, "end": DateInput}
        help_texts = {"start": _("Empty: from the first point."), "end": _("Empty: onwards.")}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", gettext("The end date must be on or after the start date."))
        return data


class OrganisationSPCForm(forms.ModelForm):
    class Meta:
        model = OrganisationSPC
        fields = ["rules"]
        help_texts = {
            "rules": _(
                "New measures start with these rules; each measure's lead can change its own. "
                "Existing measures keep theirs."
            )
        }


class ObservationForm(forms.ModelForm):
    class Meta:
        model = Observation
        fields = ["date", "value", "note", "ghost"]
        widgets = {"date": DateInput}

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        value = data.get("value")
        kind = self.measure.chart_type
        if data.get("ghost") and kind != Measure.ChartType.XMR:
            self.add_error("ghost", gettext("Only XmR charts ghost points."))
        if kind == Measure.ChartType.G and value is not None and (value < 0 or value != int(value)):
            self.add_error(
                "value",
                gettext("A G chart counts cases between events: a whole number, 0 or more."),
            )
        return data

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if self.measure.observations.filter(date=day).exists():
            raise forms.ValidationError(
                gettext("%(date)s is already recorded for this measure.")
                % {"date": dateformat.format(day, "d F Y")}
            )
        return day


class AnnotationForm(forms.ModelForm):
    class Meta:
        model = Annotation
        fields = ["date", "label", "idea", "rebase"]
        labels = {"idea": _("The improvement (PDCA change) behind it")}
        widgets = {"date": DateInput}

    def __init__(
        self, *args: Any, measure: Measure, user: User | AnonymousUser, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        ideas = Idea.objects.visible_to(user)
        if measure.team_id:
            ideas = ideas.filter(team=measure.team_id)
        else:
            # A site, organisation or place has far more ideas than a team: offer those that
            # became changes, which is what a mark on the chart records.
            ideas = ideas.filter(
                status__in=[Idea.Status.ACCEPTED, Idea.Status.IN_PROGRESS, Idea.Status.IMPLEMENTED]
            )
            if measure.site_id:
                ideas = ideas.filter(team__site=measure.site_id)
            elif measure.organisation_id:
                ideas = ideas.filter(team__site__organisation=measure.organisation_id)
            else:
                ideas = ideas.filter(team__site__place=measure.place_id)
        # Its options read only what they show (an idea's other columns are long texts).
        _choice_field(self, "idea").queryset = ideas.order_by("-created_at").only("pk", "title")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        # Translators: measure, date, value, note, ghost, recalculate and target are the names
        # the file's columns must have: keep them as they are.
        help_text=_(
            "Columns: measure, date (YYYY-MM-DD), value, note (optional); ghost and recalculate "
            "(optional, yes or no); target (optional: the target from that date on, until a "
            "later row gives another). Up to 10 MB."
        ),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(
                gettext("The file is over 10 MB: split it into smaller files.")
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                gettext("Save the file as CSV (UTF-8) and try again.")
            ) from None


class SavingForm(forms.ModelForm):
    class Meta:
        model = Saving
        fields = [
            "title",
            "card",
            "idea",
            "kind",
            "amount",
            "recurrence",
            "start_date",
            "stage",
            "invested_by",
            "benefits",
            "evidence",
            "evidence_file",
            "measure",
        ]
        labels = {
            "card": _("Kaizen card it comes from"),
            "idea": _("Idea it comes from"),
            "measure": _("Linked measure"),
        }
        help_texts = {"card": _("A card that works on an idea links that idea too.")}
        field_classes = {"card": CardChoiceField}
        widgets = {"start_date": DateInput}

    def __init__(self, *args: Any, team: Team, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "idea").queryset = Idea.objects.filter(team=team).order_by(
            "-created_at"
        )
        _choice_field(self, "card").queryset = (
            Card.objects.filter(
                Q(board__team=team) | Q(board__in=Board.objects.filter(member_teams=team))
            )
            .select_related("board")
            .order_by("-created_at", "-pk")
        )
        _choice_field(self, "measure").queryset = Measure.objects.relevant_to(team)
        orgs = Organisation.objects.filter(sites__place=team.site.place_id).distinct()
        _choice_field(self, "invested_by").queryset = orgs
        _choice_field(self, "benefits").queryset = orgs
        if not self.instance.pk:
            self.initial.setdefault("invested_by", team.site.organisation_id)
            self.initial.setdefault("benefits", team.site.organisation_id)
        self.fields["evidence_file"].help_text = gettext("PDF, PNG or JPEG, up to 5 MB.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        card, idea = data.get("card"), data.get("idea")
        if card and idea and card.idea_id and card.idea_id != idea.pk:
            self.add_error(
                "idea",
                gettext("That card works on another idea: choose that idea, or leave this empty."),
            )
        return data

    def clean_amount(self) -> Decimal | None:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(gettext("Enter an amount above zero."))
        return amount

    def clean_evidence_file(self) -> Any:
        upload = self.cleaned_data.get("evidence_file")
        if not upload or not hasattr(upload, "content_type"):
            return upload
        if upload.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(gettext("The file is over 5 MB."))
        head = upload.read(8)
        upload.seek(0)
        for magic, content_type in EVIDENCE_TYPES.items():
            if head.startswith(magic):
                if content_type == "application/pdf":
                    clean = _pdf_without_metadata(upload)
                    self.evidence_content_type = content_type
                else:
                    clean, self.evidence_content_type = _without_metadata(upload)
                return clean
        raise forms.ValidationError(gettext("Upload a PDF, PNG or JPEG file."))


def _pdf_without_metadata(upload: UploadedFile) -> ContentFile:
    """Rewrite a PDF from its pages alone (leanhub.documents), so its author, software, dates,
    XMP and scripts never get stored."""
    try:
        clean = documents.clean_pdf(upload.read(), max_bytes=MAX_EVIDENCE_BYTES)
    except documents.DocumentRefused as refusal:
        raise forms.ValidationError(str(refusal)) from None
    return ContentFile(clean, name=Path(upload.name or "").stem + ".pdf")


def _without_metadata(upload: UploadedFile) -> tuple[ContentFile, str]:
    """Re-encode an image from its pixels alone (leanhub.images), so location and camera data
    never get stored. Evidence keeps up to 4000 px a side: a photo of a whiteboard must stay
    legible."""
    try:
        processed = images.process(
            upload.read(),
            filename=Path(upload.name or "").name,
            max_bytes=MAX_EVIDENCE_BYTES,
            display_size=(4000, 4000),
        )
    except images.ImageRefused as refusal:
        raise forms.ValidationError(str(refusal)) from None
    extension = ".png" if processed.content_type == "image/png" else ".jpg"
    return ContentFile(processed.display, name=Path(upload.name or "").stem + extension), (
        processed.content_type
    )


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=_("Reason (required to reject)"),
    )


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["measure", "baseline_start", "baseline_end", "after_start", "after_end"]
        widgets = {
            "baseline_start": DateInput,
            "baseline_end": DateInput,
            "after_start": DateInput,
            "after_end": DateInput,
        }

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        """``teams``: whose outcome it may be — an idea's team, a team board's team, or the
        member teams of a joint board the user leads; with more than one, the form asks."""
        super().__init__(*args, **kwargs)
        self.teams = teams
        if len(teams) > 1:
            self.fields["team"] = forms.ModelChoiceField(
                queryset=Team.objects.filter(pk__in=[t.pk for t in teams]).select_related("site"),
                label=gettext("Whose outcome is it?"),
            )
            self.order_fields(["team"])
        _choice_field(self, "measure").queryset = Measure.objects.relevant_to(*teams)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        team = data.get("team") or (self.teams[0] if len(self.teams) == 1 else None)
        data["team"] = team
        if team and data.get("measure") and not data["measure"].covers(team):
            self.add_error(
                "measure",
                gettext("Choose a measure of that team, its site, organisation or place."),
            )
        b0, b1 = data.get("baseline_start"), data.get("baseline_end")
        a0, a1 = data.get("after_start"), data.get("after_end")
        if b0 and b1 and b0 > b1:
            self.add_error("baseline_end", gettext("The baseline must end on or after it starts."))
        if a0 and a1 and a0 > a1:
            self.add_error("after_end", gettext("The after period must end on or after it starts."))
        if b1 and a0 and a0 <= b1:
            self.add_error(
                "after_start", gettext("The after period must start after the baseline ends.")
            )
        return data


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["kind", "title", "question"]


class ResponseForm(forms.Form):
    score = forms.TypedChoiceField(
        coerce=int,
        choices=[(5, _("5 — Very good")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 — Very poor"))],
        widget=forms.RadioSelect,
        label=_("Your score"),
    )
    comment = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Comment"),
    )
    # A field people never see or fill in: bots that fill every field give themselves away.
    website = forms.CharField(required=False, widget=forms.HiddenInput)


class CycleMeasureForm(forms.ModelForm):
    """The measure a PDCA cycle should move and the day its change went live: no day without
    a measure, and only a measure from ``measures``; and whether the chart's limits are worked
    out afresh from that day."""

    recalculate = forms.TypedChoiceField(
        label=_("Recalculate the chart's limits from the day the change went live?"),
        choices=[
            ("", _("Leave the limits as they are")),
            ("yes", _("Yes: new mean and limits from that day")),
            ("no", _("No: one set of limits across the change")),
        ],
        coerce=lambda answer: {"yes": True, "no": False}.get(answer),
        empty_value=None,
        required=False,
        help_text=_(
            "Only once the change has clearly shifted the process: the points after it then "
            "get their own mean and limits."
        ),
    )

    class Meta:
        model = CycleMeasure
        fields = ["measure", "change_date"]
        widgets = {"change_date": DateInput}
        help_texts = {
            "measure": _(
                "Optional: the team's measure this cycle should move. Its SPC chart then shows "
                "the change."
            ),
        }

    def __init__(self, *args: Any, measures: QuerySet[Measure], **kwargs: Any) -> None:
        """``measures``: those the cycle may be linked to (``queries.measures_for_cycle``)."""
        super().__init__(*args, **kwargs)
        measure = _choice_field(self, "measure")
        measure.queryset = measures
        measure.empty_label = _("No measure linked")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("change_date") and not data.get("measure"):
            self.add_error("measure", _("Choose the measure whose chart should show the change."))
        if data.get("recalculate") is not None and not data.get("change_date"):
            self.add_error(
                "recalculate", _("Say the day the change went live to recalculate from it.")
            )
        return data
