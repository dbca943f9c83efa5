"""Forms of the library: what an entry says (publishing and changing it), and the team a person
tries an entry on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from leanhub import policy
from leanhub.models import Team, User
from library.actions import Text
from library.models import Entry


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return policy.shown_name(None, obj, hidden=False)


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=140)
    summary = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 4}))
    why = forms.CharField(
        label=_("Why it was changed"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    standard = forms.CharField(
        label=_("The standard work"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    theme = forms.ChoiceField(label=_("Theme"), choices=[("", "—"), *Entry.Theme.choices])
    wastes = forms.MultipleChoiceField(
        label=_("Wastes it removes"),
        choices=Idea.Waste.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact = PersonChoiceField(
        label=_("Who to ask"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Someone in the team others can ask how it works."),
    )
    shared_with_partners = forms.BooleanField(
        label=_("Share with partner agencies in our place"), required=False
    )

    def __init__(self, *args: Any, people: Iterable[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[p.pk for p in people]).order_by(
            "full_name", "pk"
        )

    def text(self) -> Text:
        data = self.cleaned_data
        return Text(
            title=data["title"],
            summary=data["summary"],
            why=data["why"],
            standard=data["standard"],
            theme=data["theme"],
            wastes=list(data["wastes"]),
            shared_with_partners=data["shared_with_partners"],
            contact=data["contact"],
        )

    @staticmethod
    def initial_from(text: Text) -> dict[str, Any]:
        return {
            "title": text.title,
            "summary": text.summary,
            "why": text.why,
            "standard": text.standard,
            "theme": text.theme,
            "wastes": text.wastes,
            "shared_with_partners": text.shared_with_partners,
            "contact": text.contact.pk if text.contact else None,
        }


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name} ({obj.site.name})"


class TryForm(forms.Form):
    team = TeamChoiceField(
        label=_("Put it on the board of"), queryset=Team.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teams
        field.widget.attrs["id"] = "try-team"
