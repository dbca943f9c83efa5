"""Drop-down lists written in Python are the markup Django's templates write."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates

from leanhub.models import Team
from leanhub.renderers import Renderer


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A & B"), ("<b>", "Less <than>"), (3, 1234)])
    grouped = forms.ChoiceField(
        choices=[("", "Any"), ("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("x", "X")],
        required=False,
    )
    many = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.SelectMultiple(attrs={"size": 3})
    )
    radios = forms.ChoiceField(choices=[("1", "One")], widget=forms.RadioSelect)
    flag = forms.NullBooleanField()


def test_selects_render_as_djangos_templates_do(db, team_a: Team) -> None:
    data = {"plain": "<b>", "grouped": "pear", "many": ["1", "2"], "flag": "true"}
    for form_data in (None, data):
        ours = Choices(form_data, renderer=Renderer())
        theirs = Choices(form_data, renderer=DjangoTemplates())
        for name in ("plain", "grouped", "many", "radios", "flag"):
            assert str(ours[name]) == str(theirs[name]), name
    # A model's choices, with its label.
    field = forms.ModelChoiceField(Team.objects.all(), empty_label="Any team")

    class Teams(forms.Form):
        team = field

    assert team_a.name in str(Teams(renderer=Renderer())["team"])
    assert str(Teams(renderer=Renderer())["team"]) == str(Teams(renderer=DjangoTemplates())["team"])


def test_a_select_of_another_option_template_renders_with_it() -> None:
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    class Form(forms.Form):
        thing = forms.ChoiceField(choices=[("a", "A")], widget=Special)

    assert "<option" not in str(Form(renderer=Renderer())["thing"])
