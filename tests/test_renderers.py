"""Drop-down lists, choice boxes and choice groups written in Python are the markup Django's
templates write."""

from __future__ import annotations

from unittest import mock

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template

from kaizen.forms import TeamsChoiceField
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


class Boxes(forms.Form):
    radios = forms.ChoiceField(
        choices=[("a", "A & B"), ("<b>", "Less <than>"), (3, 1234)], widget=forms.RadioSelect
    )
    boxes = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "<Two>")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "x", "data-note": 'a"b'}),
        required=False,
    )
    unnamed = forms.ChoiceField(
        choices=[("1", "One")], widget=forms.RadioSelect(attrs={"id": ""}), required=False
    )


class Teams(forms.Form):
    teams = TeamsChoiceField(Team.objects.all(), widget=forms.CheckboxSelectMultiple)


def test_choice_boxes_render_as_djangos_templates_do(db, team_a: Team) -> None:
    for data in (None, {"radios": "<b>", "boxes": ["2"]}):
        ours, theirs = Boxes(data, renderer=Renderer()), Boxes(data, renderer=DjangoTemplates())
        for name in ("radios", "boxes", "unnamed"):
            mine, django = list(ours[name]), list(theirs[name])
            with mock.patch.object(DjangoTemplates, "get_template", side_effect=AssertionError):
                tags, labelled = [c.tag() for c in mine], [str(c) for c in mine]
            assert tags == [c.tag() for c in django], name
            assert labelled == [str(c) for c in django], name
            assert str(ours[name]) == str(theirs[name]), name
    checked = list(Boxes({"radios": "<b>"}, renderer=Renderer())["radios"])[1]
    assert 'value="&lt;b&gt;" id="id_radios_1" required checked>' in str(checked)


def test_a_choice_group_writes_its_boxes_as_a_template_loop_would(db, team_a: Team) -> None:
    loop = Template(
        '{% for choice in field %}<div class="choice">{{ choice.tag }} <label for="'
        '{{ choice.id_for_label }}">{{ choice.choice_label }}</label></div>{% endfor %}'
    )
    written = Template("{% load leanhub %}{{ field|choice_boxes }}")
    for form in (Boxes({"boxes": ["2"]}), Teams({"teams": [team_a.pk]})):
        for field in form:
            context = Context({"field": field})
            assert written.render(context) == loop.render(context), field.name
    assert team_a.name in written.render(Context({"field": Teams()["teams"]}))


def test_teams_offered_as_rows_are_labelled_as_teams(db, team_a: Team) -> None:
    choices = list(Teams()["teams"].field.widget.choices)
    assert [(str(value), label) for value, label in choices] == [
        (str(team.pk), f"{team.name}, {team.site.name}")
        for team in Team.objects.select_related("site")
    ]
    assert all(value.instance is None for value, _label in choices)
    assert Teams({"teams": [team_a.pk]}).is_valid()
