"""A PDCA cycle's baseline and target linked to a measure: metrics holds the link (the measure
and the day the change went live), marks that day on the measure's SPC chart, and serves the
fragment the cycle page and the A3 load to show where the measure stands."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kaizen import actions as kaizen_actions
from leanhub.models import AuditEvent
from metrics import actions
from metrics.models import Annotation, CycleMeasure, Measure, Observation

HTMX = {"HX-Request": "true"}


@pytest.fixture
def card(team_a, lee):
    board = kaizen_actions.ensure_team_board(team_a)
    return kaizen_actions.create_card(board, title="Pre-fill the claim form", owners=[lee], by=lee)


@pytest.fixture
def cycle(card, lee):
    return kaizen_actions.start_cycle(card, by=lee)


def _weekly(measure: Measure, values: list[float]) -> Measure:
    start = date(2026, 1, 5)
    Observation.objects.bulk_create(
        Observation(measure=measure, date=start + timedelta(weeks=i), value=Decimal(v))
        for i, v in enumerate(values)
    )
    return measure


@pytest.fixture
def minutes(team_a) -> Measure:
    measure = Measure.objects.create(
        team=team_a, name="Minutes per new claim", unit="minutes", improvement="decrease"
    )
    return _weekly(
        measure, [40, 41, 39, 42, 40, 38, 41, 40, 39, 41, 40, 42, 30, 29, 31, 30, 28, 29, 30, 31]
    )


def _url(cycle, name: str = "metrics:cycle-measure") -> str:
    return reverse(name, args=[cycle.pk])


def _link(client, cycle, *, htmx: bool = True, **data):
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(_url(cycle), data, headers=HTMX if htmx else {})


# --- Linking and the mark on the chart ---------------------------------------------------------


def test_linking_a_measure_marks_the_change_on_its_chart(client, lee, cycle, minutes):
    client.force_login(lee)
    response = _link(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    assert response.status_code == 200
    link = CycleMeasure.objects.get(cycle=cycle)
    assert link.measure == minutes and link.change_date == date(2026, 3, 30)
    mark = Annotation.objects.get(cycle=cycle)
    assert mark.measure == minutes and mark.date == date(2026, 3, 30)
    assert "Pre-fill the claim form" in mark.label and "cycle 1" in mark.label
    assert not mark.rebase
    chart = client.get(minutes.get_absolute_url()).content.decode()
    assert "Pre-fill the claim form (PDCA cycle 1)" in chart


def test_the_saved_fragment_shows_where_the_measure_stands_and_the_form_again(
    client, lee, cycle, minutes
):
    client.force_login(lee)
    body = _link(client, cycle, measure=minutes.pk, change_date="2026-03-30").content.decode()
    assert body.startswith(f'<div id="cycle-measure-{cycle.pk}"')  # swapped in by id
    assert "<html" not in body
    assert "Measure saved." in body
    assert "Special cause variation: improvement (lower)" in body
    assert "The change went live on 30 Mar 2026: it is marked on the chart." in body
    assert 'type="date" name="change_date" value="2026-03-30"' in body
    assert f'<option value="{minutes.pk}" selected>' in body


def test_linking_is_written_to_the_audit_trail(lee, cycle, minutes):
    actions.link_cycle_to_measure(cycle, measure=minutes, change_date=date(2026, 3, 30), by=lee)
    event = AuditEvent.objects.get(verb="cycle.measure_changed")
    assert event.actor == lee and event.target_id == str(cycle.card_id)
    assert event.payload == {"cycle": 1, "measure": minutes.pk, "change_date": "2026-03-30"}


def test_moving_the_date_moves_the_mark_keeping_a_rebase_and_clearing_it_removes_it(
    client, lee, cycle, minutes
):
    client.force_login(lee)
    _link(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    Annotation.objects.filter(cycle=cycle).update(rebase=True)  # chosen on the chart
    _link(client, cycle, measure=minutes.pk, change_date="2026-03-23")
    mark = Annotation.objects.get(cycle=cycle)
    assert mark.date == date(2026, 3, 23) and mark.rebase
    _link(client, cycle, measure=minutes.pk)
    assert CycleMeasure.objects.get(cycle=cycle).change_date is None
    assert not Annotation.objects.filter(cycle=cycle).exists()
    assert Annotation.objects.filter(measure=minutes).count() == 0


def test_choosing_no_measure_unlinks_the_cycle(client, lee, cycle, minutes):
    client.force_login(lee)
    _link(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    response = _link(client, cycle, measure="")
    assert response.status_code == 200
    assert not CycleMeasure.objects.filter(cycle=cycle).exists()
    assert not Annotation.objects.exists()
    assert "Special cause variation" not in response.content.decode()


def test_a_change_date_needs_a_measure_and_the_date_typed_is_kept(client, lee, cycle):
    client.force_login(lee)
    response = _link(client, cycle, change_date="2026-03-30")
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps the form with its message into place
    assert "Choose the measure whose chart should show the change." in body
    assert 'class="field-error"' in body
    assert 'value="2026-03-30"' in body
    assert "The change went live on 30 Mar 2026" not in body  # not saved, so not shown as saved
    assert not CycleMeasure.objects.exists()
    plain = _link(client, cycle, htmx=False, change_date="2026-03-30")
    assert plain.status_code == 400 and "Choose the measure" in plain.content.decode()
    with pytest.raises(ValidationError):
        actions.link_cycle_to_measure(cycle, measure=None, change_date=date(2026, 3, 30), by=lee)


def test_a_refused_choice_leaves_the_saved_link_as_it_was(client, lee, cycle, minutes, team_b):
    client.force_login(lee)
    _link(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    theirs = Measure.objects.create(team=team_b, name="Crimes recorded", unit="reports")
    body = _link(client, cycle, measure=theirs.pk, change_date="2026-04-06").content.decode()
    assert 'class="field-error"' in body
    assert "The change went live on 30 Mar 2026" in body  # the summary shows what is saved
    assert 'value="2026-04-06"' in body  # the form keeps what was typed
    link = CycleMeasure.objects.get(cycle=cycle)
    assert link.measure == minutes and link.change_date == date(2026, 3, 30)


def test_another_teams_measure_cannot_be_linked(client, lee, cycle, team_b):
    theirs = Measure.objects.create(team=team_b, name="Crimes recorded", unit="reports")
    client.force_login(lee)
    response = _link(client, cycle, htmx=False, measure=theirs.pk, change_date="2026-03-30")
    assert response.status_code == 400
    assert not Annotation.objects.exists() and not CycleMeasure.objects.exists()
    with pytest.raises(ValidationError):
        actions.link_cycle_to_measure(cycle, measure=theirs, change_date=None, by=lee)


def test_a_site_measure_of_the_cards_team_can_be_linked(client, lee, cycle, site_a1):
    waiting = Measure.objects.create(site=site_a1, name="Minutes waiting", unit="minutes")
    client.force_login(lee)
    assert _link(client, cycle, measure=waiting.pk).status_code == 200
    assert CycleMeasure.objects.get(cycle=cycle).measure == waiting


def test_without_javascript_the_form_is_a_page_that_returns_to_the_cycle(
    client, lee, cycle, minutes
):
    client.force_login(lee)
    page = client.get(_url(cycle)).content.decode()
    assert "<html" in page and "The measure this cycle should move" in page
    assert "Measure it should move" in page
    response = _link(client, cycle, htmx=False, measure=minutes.pk, change_date="2026-03-30")
    assert response.status_code == 302
    assert response.url == reverse("kaizen:cycle", args=[cycle.pk])


def test_a_deleted_measure_leaves_the_day_and_the_plan_can_choose_another(
    client, lee, cycle, minutes, team_a
):
    actions.link_cycle_to_measure(cycle, measure=minutes, change_date=date(2026, 3, 30), by=lee)
    minutes.delete()
    link = CycleMeasure.objects.get(cycle=cycle)
    assert link.measure is None and link.change_date == date(2026, 3, 30)
    client.force_login(lee)
    assert client.get(_url(cycle), headers=HTMX).status_code == 200
    other = Measure.objects.create(team=team_a, name="Letters sent", unit="letters")
    _link(client, cycle, measure=other.pk, change_date="2026-03-30")
    assert Annotation.objects.get(cycle=cycle).measure == other


# --- Who may see and change it -------------------------------------------------------------------


def test_someone_who_may_see_but_not_edit_the_cycle_sees_the_measure_without_the_form(
    client, lee, sam, cycle, minutes
):
    actions.link_cycle_to_measure(cycle, measure=minutes, change_date=date(2026, 3, 30), by=lee)
    client.force_login(sam)  # a member of the team, not an owner of the card
    body = client.get(_url(cycle), headers=HTMX).content.decode()
    assert "Special cause variation: improvement (lower)" in body
    assert "<form" not in body
    assert _link(client, cycle, measure="").status_code == 403
    assert CycleMeasure.objects.filter(cycle=cycle).exists()
    with pytest.raises(PermissionDenied):
        actions.link_cycle_to_measure(cycle, measure=None, change_date=None, by=sam)


@pytest.mark.parametrize("name", ["metrics:cycle-measure", "metrics:cycle-measure-summary"])
def test_the_fragments_are_not_found_outside_the_organisation(client, priya, cycle, name):
    client.force_login(priya)
    assert client.get(_url(cycle, name), headers=HTMX).status_code == 404
    assert client.post(_url(cycle), {"measure": ""}, headers=HTMX).status_code == 404
    assert client.get(reverse(name, args=[cycle.pk + 1000])).status_code == 404


@pytest.mark.parametrize("name", ["metrics:cycle-measure", "metrics:cycle-measure-summary"])
def test_the_fragments_ask_to_sign_in(client, cycle, name):
    response = client.get(_url(cycle, name))
    assert response.status_code == 302 and response.url.startswith(reverse(settings.LOGIN_URL))


def test_the_fragments_refuse_other_methods(client, lee, cycle):
    client.force_login(lee)
    assert client.delete(_url(cycle)).status_code == 405
    assert client.post(_url(cycle, "metrics:cycle-measure-summary")).status_code == 405


# --- The cycle page and the A3 ---------------------------------------------------------------


def test_the_cycle_page_and_a3_load_where_the_measure_stands_from_metrics(
    client, lee, cycle, minutes
):
    client.force_login(lee)
    _link(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    page = client.get(reverse("kaizen:cycle", args=[cycle.pk])).content.decode()
    assert f'data-hx-get="{_url(cycle)}" data-hx-trigger="load"' in page
    assert f'<a href="{_url(cycle)}">' in page  # without JavaScript, a link to the same
    a3 = client.get(reverse("kaizen:card-a3", args=[cycle.card_id])).content.decode()
    summary_url = _url(cycle, "metrics:cycle-measure-summary")
    assert f'data-hx-get="{summary_url}" data-hx-trigger="load"' in a3
    fragment = client.get(_url(cycle), headers=HTMX).content.decode()
    assert "Minutes per new claim" in fragment
    assert "Special cause variation: improvement (lower)" in fragment
    assert "latest 31 minutes on 18 May 2026" in fragment
    summary = client.get(summary_url, headers=HTMX).content.decode()
    assert "Special cause variation: improvement (lower)" in summary
    assert "The change went live on 30 Mar 2026" in summary
    assert "<form" not in summary  # the A3 is printed


def test_a_measure_without_enough_points_says_so(client, lee, cycle, team_a):
    new = Measure.objects.create(team=team_a, name="Letters sent", unit="letters")
    client.force_login(lee)
    _link(client, cycle, measure=new.pk)
    assert "Not enough data" in client.get(_url(cycle), headers=HTMX).content.decode()


def test_the_form_shows_the_saved_date_so_saving_again_keeps_it(client, lee, cycle, minutes):
    client.force_login(lee)
    _link(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    fragment = client.get(_url(cycle), headers=HTMX).content.decode()
    # A date input only understands ISO dates; "30/03/2026" would show empty and be lost.
    assert 'type="date" name="change_date" value="2026-03-30"' in fragment


def test_an_unlinked_cycle_shows_nothing_to_those_who_cannot_link_it(client, sam, cycle):
    client.force_login(sam)
    fragment = client.get(_url(cycle), headers=HTMX).content.decode()
    assert f'id="cycle-measure-{cycle.pk}"' in fragment
    assert "<form" not in fragment and "Measure:" not in fragment


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 4])
def test_the_cycle_page_query_count_is_flat_in_linked_cycles(
    client, lee, card, team_a, n, django_assert_max_num_queries
):
    for i in range(n):
        cycle = kaizen_actions.start_cycle(card, by=lee)
        measure = _weekly(
            Measure.objects.create(team=team_a, name=f"Measure {i}", unit="minutes"),
            [40, 41, 39, 42, 40, 38, 41, 40, 39, 41, 40, 42],
        )
        actions.link_cycle_to_measure(cycle, measure=measure, change_date=date(2026, 3, 2), by=lee)
    client.force_login(lee)
    # Before metrics held the link these pages read each linked measure's chart themselves:
    # 13 queries and 10 with no measure linked, two more for every linked cycle.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("kaizen:cycle", args=[cycle.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("kaizen:card-a3", args=[card.pk])).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_the_fragment_query_count_is_flat_in_measures_and_points(
    client, lee, cycle, team_a, site_a1, n, django_assert_max_num_queries
):
    for i in range(n):
        _weekly(
            Measure.objects.create(team=team_a, name=f"Team measure {i}", unit="minutes"),
            [40.0 + i % 3] * (12 + n),
        )
        Measure.objects.create(site=site_a1, name=f"Site measure {i}", unit="minutes")
    actions.link_cycle_to_measure(
        cycle, measure=Measure.objects.first(), change_date=date(2026, 3, 2), by=lee
    )
    client.force_login(lee)
    # 11: the form shows whether the change marker recalculates the limits (one query).
    with django_assert_max_num_queries(11):
        assert client.get(_url(cycle), headers=HTMX).status_code == 200
    with django_assert_max_num_queries(10):
        assert (
            client.get(_url(cycle, "metrics:cycle-measure-summary"), headers=HTMX).status_code
            == 200
        )


# --- Kaizen knows nothing of measures --------------------------------------------------------


def test_kaizen_imports_nothing_from_metrics_not_even_inside_a_function():
    kaizen = Path(settings.BASE_DIR) / "kaizen"
    offenders = []
    for path in kaizen.rglob("*.py"):
        if "migrations" in path.parts:
            continue  # history: an old migration may name metrics' tables
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value] if node.value.startswith("metrics.") else []
            offenders += [
                f"{path.name}:{node.lineno} {n}" for n in names if n.split(".")[0] == "metrics"
            ]
    assert offenders == []
