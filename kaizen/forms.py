"""Validation and normalisation of what people type on boards and cycles."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ideas.maps.models import ValueStreamStep
from ideas.models import Idea
from kaizen.models import Board, Column, Cycle
from leanhub import policy
from leanhub.forms import DateInput, RowsChoiceIterator
from leanhub.models import Organisation, Site, Team, User


def _choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field ``name``, declared as a ModelChoiceField (or ModelMultipleChoiceField):
    its queryset is only known once the form knows whose it is."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class StepChoiceField(forms.ModelChoiceField):
    """A value-stream map step, named with its map."""

    def label_from_instance(self, obj: ValueStreamStep) -> str:
        return f"{obj.map.name}: {obj.name}"


class TeamsChoiceField(forms.ModelMultipleChoiceField):
    """Teams, each named with its site (team names repeat across sites); the boxes are read
    as rows, not teams (an administrator is offered every team)."""

    iterator = RowsChoiceIterator
    label_fields = ("name", "site__name")

    def label_from_instance(self, obj: Team) -> str:
        return self.label_from_row(obj.name, obj.site.name)

    def label_from_row(self, name: str, site_name: str) -> str:
        return f"{name}, {site_name}"


class PersonChoiceField(forms.ModelChoiceField):
    """People, each named as the viewer may read the name on the card the form is for: the
    author of the card's idea who hid their name is "the person who raised it" to others
    (:func:`leanhub.policy.shown_name`)."""

    viewer: User | AnonymousUser | None = None
    idea: Idea | None = None

    def label_from_instance(self, obj: User) -> str:
        hidden = policy.hides_name(self.idea, obj)
        return capfirst(policy.shown_name(self.viewer, obj, hidden=hidden))


class CardForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=140, help_text=_("A short name the team will recognise.")
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    labels = forms.CharField(
        label=_("Labels"),
        max_length=200,
        required=False,
        help_text=_("Separate labels with commas."),
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(gettext("Give the card a title."))
        return title


class NewCardForm(CardForm):
    column = forms.ModelChoiceField(
        label=_("Column"), queryset=Column.objects.none(), empty_label=None
    )
    wip_reason = forms.CharField(
        max_length=280, required=False, label=_("Reason for going over the WIP limit")
    )

    def __init__(
        self, *args: Any, board: Board, columns: list[Column] | None = None, **kwargs: Any
    ) -> None:
        """``columns``: the board's columns, when the page has read them already (the board
        page): the list is written from them instead of being read again."""
        super().__init__(*args, **kwargs)
        field = _choice_field(self, "column")
        field.queryset = board.columns.all()  # what a posted column is checked against
        if columns is not None:
            field.choices = [(column.pk, field.label_from_instance(column)) for column in columns]
        # Its own id: open boards get this list anew by id when columns change, and a card's
        # "Move to…" form has a column list too.
        self.fields["column"].widget.attrs["id"] = "new-card-column"


class EditCardForm(CardForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    vsm_step = StepChoiceField(
        queryset=ValueStreamStep.objects.none(),
        required=False,
        label=_("Value-stream map step it improves"),
        empty_label=_("None"),
    )

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Steps of the maps of the teams working on this board.
        teams = (
            [board.team_id]
            if board.team_id
            else list(board.member_teams.values_list("pk", flat=True))
        )
        _choice_field(self, "vsm_step").queryset = (
            ValueStreamStep.objects.filter(map__team__in=teams)
            .select_related("map")
            .order_by("map__name", "position")
        )


class MoveForm(forms.Form):
    # An id, not a choice among this board's columns: the action itself refuses another
    # board's column, with a message that says so.
    column = forms.IntegerField(label=_("Column"))
    position = forms.IntegerField(min_value=1, label=_("Position (1 = top)"))
    version = forms.IntegerField(widget=forms.HiddenInput)
    wip_reason = forms.CharField(
        max_length=280, required=False, label=_("Reason for going over the WIP limit")
    )


class BlockForm(forms.Form):
    reason = forms.CharField(max_length=280, label=_("What is blocking it?"))


class PlanForm(forms.ModelForm):
    whys_text = forms.CharField(
        label=_("5 whys"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One “why?” answer per line, in order."),
    )

    class Meta:
        model = Cycle
        fields = [
            "problem",
            "root_cause",
            "hypothesis",
            "baseline",
            "target",
            "planned_actions",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "root_cause": forms.Textarea(attrs={"rows": 2}),
            "hypothesis": forms.Textarea(attrs={"rows": 2}),
            "planned_actions": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "baseline": _("Where the measure is now, e.g. “38 minutes per claim”."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and not self.is_bound:
            self.initial["whys_text"] = "\n".join(self.instance.whys or [])
        self.order_fields(["problem", "whys_text"])

    def clean_whys_text(self) -> list[str]:
        whys = [
            line.strip() for line in self.cleaned_data["whys_text"].splitlines() if line.strip()
        ]
        if len(whys) > 7:
            raise forms.ValidationError(gettext("Keep to five or so whys."))
        return whys

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["whys"] = self.cleaned_data["whys_text"]
        return data


class CheckForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["result", "evidence"]
        widgets = {
            "result": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
        }


class ActionForm(forms.Form):
    description = forms.CharField(max_length=200, label=_("Action"))
    owner = PersonChoiceField(
        queryset=User.objects.none(),
        label=_("Owner"),
        error_messages={"required": _("Every action needs an owner.")},
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        people: QuerySet[User],
        viewer: User | AnonymousUser | None = None,
        idea: Idea | None = None,
        **kwargs: Any,
    ) -> None:
        """``viewer`` and ``idea`` (the card's): whose names the owner list may show."""
        super().__init__(*args, **kwargs)
        owner = cast(PersonChoiceField, self.fields["owner"])
        owner.queryset = people
        owner.viewer, owner.idea = viewer, idea


class PhotoForm(forms.Form):
    photo = forms.ImageField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, up to 5 MB. Location and camera data are removed."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Cycle.Decision.choices, widget=forms.RadioSelect
    )
    standard = forms.CharField(
        label=_("The new standard work"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    learning = forms.CharField(
        label=_("What we learned"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    mark_idea_implemented = forms.BooleanField(label=_("Mark the idea implemented"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("decision") == Cycle.Decision.ADOPT
            and not (data.get("standard") or "").strip()
        ):
            self.add_error("standard", gettext("Write down the new standard work."))
        if (
            data.get("decision") == Cycle.Decision.ABANDON
            and not (data.get("learning") or "").strip()
        ):
            self.add_error(
                "learning", gettext("Say what was learned, so others need not repeat it.")
            )
        return data


class BoardSettingsForm(forms.Form):
    stale_after_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        label=_("Flag a card as stale after this many days without moving"),
    )

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = list(board.columns.all())
        for column in self.columns:
            self.fields[f"name_{column.pk}"] = forms.CharField(
                max_length=60,
                label=gettext("Name of column %(number)s") % {"number": column.position + 1},
                initial=column.name,
                error_messages={"required": gettext("A column needs a name.")},
            )
            self.fields[f"wip_{column.pk}"] = forms.IntegerField(
                min_value=0,
                max_value=99,
                required=False,
                label=gettext("WIP limit for %(column)s") % {"column": column.name},
                help_text=gettext("Leave empty for no limit."),
                initial=column.wip_limit,
            )
        self.fields["stale_after_days"].initial = board.stale_after_days
        self.fields["new_column"] = forms.CharField(
            max_length=60,
            required=False,
            label=gettext("Add a column"),
            help_text=gettext("It goes in before the last column (where finished cards end up)."),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        first_named: dict[str, Column] = {}
        for column in self.columns:
            name = (cleaned.get(f"name_{column.pk}") or "").strip()
            if not name:
                continue
            first = first_named.setdefault(name.lower(), column)
            if first is not column:
                self.add_error(
                    f"name_{column.pk}",
                    gettext(
                        "Column %(number)s is already called “%(name)s”: "
                        "two columns cannot have the same name."
                    )
                    % {"number": first.position + 1, "name": name},
                )
        new = (cleaned.get("new_column") or "").strip()
        if new and new.lower() in first_named:
            self.add_error("new_column", gettext("There is already a column with that name."))
        return cleaned

    def wip_limits(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"wip_{c.pk}") for c in self.columns}

    def names(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"name_{c.pk}"].strip() for c in self.columns}


class FlowWindowForm(forms.Form):
    """How many days of cumulative flow to draw. Anything else shows the default window."""

    WINDOWS = (30, 90, 180)

    days = forms.TypedChoiceField(
        choices=[(n, n) for n in WINDOWS],
        coerce=int,
        initial=WINDOWS[0],
        label=_("Show the last"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Named here, not in the class, so each request gets them in its own language.
        cast(forms.ChoiceField, self.fields["days"]).choices = [
            (n, ngettext("%(count)s day", "%(count)s days", n) % {"count": n}) for n in self.WINDOWS
        ]

    def days_to_show(self) -> int:
        return self.cleaned_data["days"] if self.is_bound and self.is_valid() else self.WINDOWS[0]


class JointBoardForm(forms.Form):
    """A board several teams or agencies work on together (a Total Place joint project)."""

    name = forms.CharField(
        max_length=120,
        label=_("Name of the joint board"),
        error_messages={"required": _("Give the board a name.")},
    )
    teams = TeamsChoiceField(
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Teams working on it"),
        help_text=_("Teams you lead or manage."),
    )
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Partner agencies whose people can see and work on it"),
    )

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(policy.team_q(user, "lead")).select_related("site")
        _choice_field(self, "teams").queryset = teams
        places = policy.scope_of(user).place_ids
        _choice_field(self, "organisations").queryset = Organisation.objects.filter(
            pk__in=Site.objects.filter(place__in=places).values("organisation")
        )
        self.can_start = teams.exists()
