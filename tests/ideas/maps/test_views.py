"""Value-stream map pages: who may see and change them, htmx partials, and editing steps."""

from __future__ import annotations

import pytest
from django.templatetags.static import static
from django.urls import reverse

from ideas.maps.models import ValueStreamMap, ValueStreamStep
from leanhub.models import AuditEvent
from tests.ideas.maps.conftest import (
    add_steps,
    make_map,
    make_textbook_map,
    map_post,
    step_post,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def detail(m) -> str:
    return reverse("maps:detail", args=[m.pk])


def test_the_navigation_links_to_the_map_list(client, cast):
    client.force_login(cast["sam"])
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("maps:list")}"' in body


def test_anonymous_people_are_sent_to_sign_in(client, vsm_map):
    for url in (reverse("maps:list"), detail(vsm_map), reverse("maps:new")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_map_is_404_outside_the_organisation(client, cast, vsm_map):
    client.force_login(cast["priya"])
    assert client.get(detail(vsm_map)).status_code == 404
    assert client.get(reverse("maps:svg", args=[vsm_map.pk])).status_code == 404
    assert client.post(reverse("maps:step-add", args=[vsm_map.pk]), step_post()).status_code == 404
    assert vsm_map.name not in client.get(reverse("maps:list")).content.decode()


def test_a_colleague_in_another_team_can_read_but_not_change_it(client, cast, vsm_map):
    client.force_login(cast["wendy"])
    body = client.get(detail(vsm_map)).content.decode()
    assert "Where the time goes" in body and "Add a step" not in body
    response = client.post(reverse("maps:step-add", args=[vsm_map.pk]), step_post())
    assert response.status_code == 403
    assert vsm_map.steps.count() == 3


def test_the_page_shows_figures_with_formulas_drawing_and_table(client, cast, vsm_map):
    client.force_login(cast["sam"])
    response = client.get(detail(vsm_map))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Takt time" in body and "273.9 s" in body
    assert "Available time 7 h a day ÷ demand 92 a day = 273.9 s (4.6 min) per unit" in body
    assert "<svg" in body and "<title id=" in body and "<desc id=" in body
    assert "The map as a table" in body and "working days of demand" in body
    assert " style=" not in body


def test_htmx_gets_only_the_workspace(client, cast, vsm_map):
    client.force_login(cast["sam"])
    body = client.get(detail(vsm_map), **HTMX).content.decode()
    assert body.lstrip().startswith('<div id="vsm-workspace"')
    assert "<html" not in body


def test_each_swapped_workspace_asks_kaizen_for_the_steps_cards_again(client, cast, vsm_map):
    # The cards are kaizen's: every step has an empty box for them, and the workspace (the
    # whole page, or what an edit swaps in) carries the one request that fills them.
    client.force_login(cast["sam"])
    cards_url = reverse("kaizen:map-cards", args=[vsm_map.pk])
    swapped = client.post(
        reverse("maps:step-add", args=[vsm_map.pk]), step_post(expected_steps="3"), **HTMX
    ).content.decode()
    for body in (client.get(detail(vsm_map)).content.decode(), swapped):
        assert body.count(f'data-hx-get="{cards_url}" data-hx-trigger="load"') == 1
        assert f'<a href="{cards_url}">' in body
        for step in vsm_map.steps.all():
            assert f'<div id="step-cards-{step.pk}"></div>' in body


def test_wrong_methods_are_refused(client, cast, vsm_map):
    client.force_login(cast["sam"])
    step = vsm_map.steps.first()
    assert client.put(detail(vsm_map)).status_code == 405
    assert client.get(reverse("maps:step-add", args=[vsm_map.pk])).status_code == 405
    assert client.get(reverse("maps:step-move", args=[vsm_map.pk, step.pk])).status_code == 405
    assert client.get(reverse("maps:clone", args=[vsm_map.pk])).status_code == 405


def test_staff_add_a_step_inline_and_the_figures_update(client, cast, vsm_map):
    client.force_login(cast["sam"])
    response = client.post(
        reverse("maps:step-add", args=[vsm_map.pk]), step_post(expected_steps="3"), **HTMX
    )
    assert response.status_code == 200
    step = vsm_map.steps.get(name="Check identity")
    assert (step.position, step.cycle_s, step.cycle_unit, step.wait_s) == (3, 900, "min", 7200)
    body = response.content.decode()
    assert "<html" not in body and "Check identity" in body and 'data-focus="add"' in body


def test_a_double_submitted_step_is_added_once(client, cast, vsm_map):
    client.force_login(cast["sam"])
    url = reverse("maps:step-add", args=[vsm_map.pk])
    client.post(url, step_post(expected_steps="3"), **HTMX)
    client.post(url, step_post(expected_steps="3"), **HTMX)
    assert vsm_map.steps.filter(name="Check identity").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pct_ca", "120", "Enter a percentage between 0 and 100."),
        ("uptime_pct", "-5", "Enter a percentage between 0 and 100."),
        ("cycle", "-3", "A time cannot be negative."),
        ("cycle", "ten", "Enter a number"),
        ("wait_variants", "Single: 4", "Single is not one of this map&#x27;s variants"),
    ],
)
def test_a_bad_step_is_refused_with_the_field_named_and_nothing_lost(
    client, cast, vsm_map, field, value, message
):
    client.force_login(cast["sam"])
    response = client.post(
        reverse("maps:step-add", args=[vsm_map.pk]),
        step_post(**{field: value}, name="Typed carefully"),
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps it in; a plain post answers 422
    assert message in body
    assert f'id="add_{field}_error"' in body
    assert 'value="Typed carefully"' in body
    assert not vsm_map.steps.filter(name="Typed carefully").exists()


def test_a_plain_browser_gets_422_for_a_bad_step(client, cast, vsm_map):
    client.force_login(cast["sam"])
    response = client.post(reverse("maps:step-add", args=[vsm_map.pk]), step_post(pct_ca="101"))
    assert response.status_code == 422 and "<html" in response.content.decode()


def test_steps_move_up_and_down_with_buttons(client, cast, vsm_map):
    client.force_login(cast["sam"])
    first, _second, third = vsm_map.steps.order_by("position")
    url = reverse("maps:step-move", args=[vsm_map.pk, third.pk])
    response = client.post(url, {"direction": "up"}, **HTMX)
    assert 'data-focus="move-up-' in response.content.decode()
    assert list(vsm_map.steps.order_by("position").values_list("name", flat=True)) == [
        "Step 1",
        "Step 3",
        "Step 2",
    ]
    client.post(reverse("maps:step-move", args=[vsm_map.pk, first.pk]), {"direction": "up"})
    client.post(reverse("maps:step-move", args=[vsm_map.pk, first.pk]), {"direction": "down"})
    assert list(vsm_map.steps.order_by("position").values_list("name", flat=True)) == [
        "Step 3",
        "Step 1",
        "Step 2",
    ]
    assert client.post(url, {"direction": "sideways"}).status_code == 400


def test_a_step_is_edited_inline_and_deleted(client, cast, vsm_map):
    client.force_login(cast["sam"])
    step = vsm_map.steps.order_by("position").first()
    edit = reverse("maps:step-edit", args=[vsm_map.pk, step.pk])
    form = client.get(edit, **HTMX).content.decode()
    assert form.lstrip().startswith("<form") and 'value="Step 1"' in form and 'value="10"' in form
    bad = client.post(edit, step_post(name="Triage", pct_ca="150"), **HTMX).content.decode()
    assert f'id="edit{step.pk}_pct_ca_error"' in bad and 'value="Triage"' in bad
    client.post(edit, step_post(name="Triage", cycle="1.5", cycle_unit="h"), **HTMX)
    step.refresh_from_db()
    assert (step.name, step.cycle_s, step.cycle_unit) == ("Triage", 5400, "h")
    client.post(reverse("maps:step-delete", args=[vsm_map.pk, step.pk]), **HTMX)
    assert list(vsm_map.steps.values_list("position", flat=True)) == [0, 1]
    assert AuditEvent.objects.filter(verb="vsm.step_deleted").exists()


def test_a_map_is_created_once_even_when_submitted_twice(client, cast, team_a):
    client.force_login(cast["sam"])
    first = client.post(reverse("maps:new"), map_post(team_a))
    second = client.post(reverse("maps:new"), map_post(team_a))
    m = ValueStreamMap.objects.get()
    assert first["Location"] == second["Location"] == m.get_absolute_url()
    assert (m.shift_s, m.breaks_s, m.created_by) == (28800, 1800, cast["sam"])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"demand": "0"}, "demand", "Customer demand must be more than zero."),
        ({"breaks": "9", "breaks_unit": "h"}, "breaks", "Breaks must be shorter than the shift"),
        (
            {"variants": "Burglary: 100, Theft: 50"},
            "variants",
            "add up to 150, but customer demand is 300",
        ),
        ({"variants": "Burglary 100"}, "variants", "has no quantity"),
        ({"shift": "-1"}, "shift", "A time cannot be negative."),
    ],
)
def test_a_bad_map_is_refused_naming_the_field(client, cast, team_a, changes, field, message):
    client.force_login(cast["sam"])
    response = client.post(reverse("maps:new"), map_post(team_a, **changes))
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert f'id="id_{field}_error"' in body
    assert 'value="Crime report — current state"' in body
    assert not ValueStreamMap.objects.exists()


def test_people_cannot_create_maps_for_teams_they_do_not_work_in(client, cast, team_a, team_b):
    client.force_login(cast["sam"])
    response = client.post(reverse("maps:new"), map_post(team_b))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    client.force_login(cast["nobody"])
    assert client.get(reverse("maps:new")).status_code == 404


def test_the_map_details_are_edited_and_shown_back_in_the_units_typed(client, cast, vsm_map):
    client.force_login(cast["lee"])
    url = reverse("maps:edit", args=[vsm_map.pk])
    body = client.get(url).content.decode()
    assert 'value="7.5"' in body and 'value="30"' in body
    data = map_post(
        vsm_map.team, variants="Single: 200, Couple: 100", end_wait="", end_wait_quantity="30"
    )
    data.pop("team")
    response = client.post(url, data)
    assert response.status_code == 302
    vsm_map.refresh_from_db()
    assert vsm_map.variants == [
        {"name": "Single", "demand": 200.0},
        {"name": "Couple", "demand": 100.0},
    ]
    assert (vsm_map.end_wait_s, vsm_map.end_wait_quantity) == (None, 30.0)


def test_drawing_downloads_as_svg_and_png(client, cast, vsm_map):
    client.force_login(cast["sam"])
    svg = client.get(reverse("maps:svg", args=[vsm_map.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert "attachment" in svg["Content-Disposition"]
    text = svg.content.decode()
    assert text.startswith("<svg") and "<title" in text and "<desc" in text and "style=" not in text
    png = client.get(reverse("maps:png", args=[vsm_map.pk]))
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_print_page_is_laid_out_for_a3_landscape(client, cast, vsm_map):
    client.force_login(cast["sam"])
    body = client.get(reverse("maps:print", args=[vsm_map.pk])).content.decode()
    assert static("ideas/maps/print.css") in body and "Worked out as" in body
    assert "Step 1: effective cycle time = (process time 10 min ÷ 3 people" in body
    from django.contrib.staticfiles import finders

    with open(finders.find("ideas/maps/print.css")) as f:
        css = f.read()
    assert "size: A3 landscape" in css


def test_a_map_with_inconsistent_data_says_what_to_fix(client, cast, vsm_map):
    # Variants removed after a queue was split by them: the page names the bad field.
    ValueStreamStep.objects.filter(map=vsm_map, position=0).update(
        wait_s=None, wait_variants={"Gone": 3}
    )
    client.force_login(cast["sam"])
    body = client.get(detail(vsm_map)).content.decode()
    assert "This map cannot be worked out yet" in body
    assert "steps[0].wait_before" in body


@pytest.mark.parametrize("n", [5, 60])
def test_the_map_page_query_count_is_flat(
    client, cast, team_a, lee, n, django_assert_max_num_queries
):
    m = make_map(team_a, lee)
    add_steps(m, n)
    client.force_login(cast["sam"])
    with django_assert_max_num_queries(12):
        assert client.get(detail(m)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(detail(m), **HTMX).status_code == 200


@pytest.mark.parametrize("n", [1, 30])
def test_the_map_list_query_count_is_flat(
    client, cast, team_a, lee, n, django_assert_max_num_queries
):
    for i in range(n):
        make_map(team_a, lee, name=f"Map {i}")
    client.force_login(cast["sam"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("maps:list")).status_code == 200


def test_information_flows_and_rework_appear_on_the_page_and_drawing(client, cast, vsm_map):
    vsm_map.information_flows = "Allocation list each morning"
    vsm_map.save()
    vsm_map.steps.filter(position=1).update(rework="Wrong evidence → back to step 1")
    client.force_login(cast["sam"])
    body = client.get(detail(vsm_map)).content.decode()
    assert "<strong>Information flows:</strong> Allocation list each morning" in body
    assert "Information: Allocation list each morning</text>" in body
    assert "↺ Rework: Wrong evidence" in body and "Rework: Wrong evidence → back to step 1" in body


@pytest.mark.parametrize("n", [5, 60])
@pytest.mark.parametrize("page", ["compare", "print", "svg", "png", "export", "edit"])
def test_every_map_page_query_count_is_flat(
    client, cast, team_a, lee, n, page, django_assert_max_num_queries
):
    from ideas.maps import actions

    m = make_map(team_a, lee)
    add_steps(m, n)
    actions.clone_to_future(m, name="Future", by=lee)
    client.force_login(cast["lee"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse(f"maps:{page}", args=[m.pk])).status_code == 200


# --- The figures of the textbook map, as people see them ------------------------------------------


def test_the_textbook_map_flags_one_step_and_says_what_capacity_leaves_out(client, cast, team_a):
    m = make_textbook_map(team_a, cast["lee"])
    client.force_login(cast["sam"])
    body = client.get(detail(m)).content.decode()
    # Only Assembly #1 (62 s) is slower than the 60 s takt; S.Weld #2 is 46 ÷ 0.8 = 57.5 s.
    assert "<strong>Slower than takt:</strong> Assembly #1.</p>" in body
    assert body.count('class="vsm-row--bottleneck"') == 1
    assert body.count("vsm-step--bottleneck") == 1
    # The changeovers are shown in the units typed, and said to be left out of capacity.
    assert "C/O 1 h</text>" in body and "C/O 10 min</text>" in body
    assert "Changeover 1 h left out until a batch size is given" in body
    assert body.count("left out until a batch size is given") == 3
    assert "changeover 10 min left out of capacity until a batch size is given" in body


def test_the_textbook_map_totals_in_seconds_and_has_no_rolled_ca(client, cast, team_a):
    m = make_textbook_map(team_a, cast["lee"])
    client.force_login(cast["sam"])
    body = client.get(detail(m)).content.decode()
    # The figures, the table's totals and the drawing's totals box.
    assert '<span class="vsm-value">188 s (3.1 min)</span>' in body
    assert "process time 188 s (3.1 min); takt 60 s" in body
    assert "Process time 188 s (3.1 min)</text>" in body
    assert '<span class="vsm-value">not recorded</span>' in body
    assert "No step has a %C&amp;A recorded, so there is nothing to multiply" in body
    assert "Rolled %C&amp;A not recorded</text>" in body
    assert "rolled %C&amp;A not recorded." in body  # the drawing's description
    assert '<span class="vsm-value">100 %</span>' not in body and "C&amp;A 100 %" not in body
    # Each step's process time as typed.
    assert '<td class="num">62 s</td>' in body and "P/T 1 s</text>" in body


def test_the_print_page_shows_the_textbook_figures(client, cast, team_a):
    m = make_textbook_map(team_a, cast["lee"])
    client.force_login(cast["sam"])
    body = client.get(reverse("maps:print", args=[m.pk])).content.decode()
    assert "<td>188 s (3.1 min)</td>" in body and "<td>not recorded</td>" in body
    assert "changeover 1 h left out of capacity until a batch size is given" in body
    assert "<td>100 %</td>" not in body and "C&amp;A 100 %" not in body


def test_the_compare_page_says_not_recorded_and_keeps_seconds(client, cast, team_a):
    from ideas.maps import actions

    m = make_textbook_map(team_a, cast["lee"])
    actions.clone_to_future(m, name="ACME Stamping — future state", by=cast["sam"])
    client.force_login(cast["sam"])
    body = client.get(reverse("maps:compare", args=[m.pk])).content.decode()
    assert (
        '<tr><th scope="row">Rolled %C&amp;A</th><td class="num">not recorded</td>'
        '<td class="num">not recorded</td>'
    ) in body
    assert (
        '<tr><th scope="row">Process time</th><td class="num">188 s (3.1 min)</td>'
        '<td class="num">188 s (3.1 min)</td>'
    ) in body
    assert "C&amp;A 100 %" not in body


def test_the_summary_command_says_not_recorded_and_totals_in_seconds(cast, team_a):
    import io
    import json

    from django.core.management import call_command

    m = make_textbook_map(team_a, cast["lee"])
    out = io.StringIO()
    call_command("vsm_summary", str(m.pk), stdout=out)
    text = out.getvalue()
    assert "Rolled % complete and accurate: not recorded" in text
    assert "Total process time: 188 s (3.1 min)" in text
    assert "Slower than takt: Assembly #1" in text
    stamping = next(line for line in text.splitlines() if line.startswith("  Stamping: "))
    assert stamping.endswith("; changeover 1 h left out of capacity until a batch size is given")
    out = io.StringIO()
    call_command("vsm_summary", str(m.pk), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["rolled_ca_pct"] is None and summary["figures"]["rolled_ca"]["value"] is None
    assert summary["process_time_s"] == 188 and summary["process_time_unit"] == "s"
    assert summary["bottlenecks"] == ["Assembly #1"]
    assert [s["changeover_left_out_s"] for s in summary["per_step"]] == [3600, 600, 600, None, None]
