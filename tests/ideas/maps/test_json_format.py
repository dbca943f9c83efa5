"""The JSON format: export → import round-trips exactly; bad files name the path and save nothing."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ideas.maps import json_format, queries
from ideas.maps.models import ValueStreamMap, ValueStreamStep
from tests.ideas.maps.conftest import make_map


@pytest.fixture
def vsm_rich_map(team_a, lee) -> ValueStreamMap:
    """A map using every field: variants, a queue split by variant, days, changeovers, notes."""
    m = make_map(
        team_a,
        lee,
        variants=[{"name": "Single", "demand": 300.0}, {"name": "Couple", "demand": 160.0}],
        information_flows="Daily allocation list from the team lead",
        end_wait_s=None,
        end_wait_quantity=None,
        end_wait_variants={"Single": 12.0, "Couple": 4.5},
        day_convention="calendar",
    )
    ValueStreamStep.objects.create(
        map=m,
        position=0,
        name="Register claim",
        performed_by="Contact centre",
        cycle_s=600,
        cycle_unit="min",
        lead_s=2 * 86400,
        lead_unit="d",
        changeover_s=90,
        changeover_unit="s",
        uptime_pct=97.5,
        operators=2.5,
        pct_ca=82,
        batch_size=10,
        system_used="UC system",
        rework="Missing ID → back to claimant",
        notes="Peaks on Monday",
        wait_quantity=None,
        wait_variants={"Single": 40.0, "Couple": 20.0},
    )
    ValueStreamStep.objects.create(
        map=m, position=1, name="Decide", cycle_s=1200, cycle_unit="min", wait_s=5400, wait_unit="h"
    )
    return m


def export(m: ValueStreamMap) -> dict:
    return json_format.export_map(m, queries.steps_of(m))


def test_export_then_import_round_trips_exactly(vsm_rich_map, team_a, lee):
    original = export(vsm_rich_map)
    copy_ = json_format.import_map(json.loads(json.dumps(original)), team=team_a, by=lee)
    assert copy_.pk != vsm_rich_map.pk
    assert export(copy_) == original
    assert original["steps"][0]["wait_before"] == {
        "seconds": None,
        "unit": "h",
        "quantity": None,
        "variants": {"Single": 40.0, "Couple": 20.0},
    }
    assert original["map"]["demand"] == "460.00"


def test_the_summary_of_an_imported_map_is_the_same(vsm_rich_map, team_a, lee):
    copy_ = json_format.import_map(export(vsm_rich_map), team=team_a, by=lee)
    same = [queries.workspace(m).result.summary() for m in (vsm_rich_map, copy_)]
    assert same[0] == same[1]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda d: d["steps"][1].update(uptime_pct=140),
            "$.steps[1].uptime_pct: must be between 0 and 100.",
        ),
        (
            lambda d: d["steps"][0]["process_time"].update(seconds="ten"),
            "$.steps[0].process_time.seconds: expected a number or null.",
        ),
        (
            lambda d: d["steps"][0]["process_time"].update(unit="weeks"),
            "$.steps[0].process_time.unit: must be one of s, min, h, d.",
        ),
        (lambda d: d["map"].update(demand="0"), "$.map.demand: must be more than zero."),
        (lambda d: d["map"].pop("name"), "$.map.name: is required."),
        (
            lambda d: d["map"]["variants"][0].update(demand=10),
            "$.map.variants: The variants add up to 170",
        ),
        (
            lambda d: d["map"]["breaks"].update(seconds=99999),
            "$.map.breaks.seconds: Breaks must be shorter",
        ),
        (
            lambda d: d["steps"][0]["wait_before"]["variants"].update(Triple=3),
            "$.steps[0].wait_before.variants.Triple: Triple is not one of the map's variants.",
        ),
        (lambda d: d.update(steps="none"), "$.steps: expected a list."),
        (lambda d: d.update(format="other"), '$.format: must be "leanhub-vsm".'),
    ],
)
def test_a_malformed_import_names_the_path_and_saves_nothing(
    vsm_rich_map, team_a, lee, change, problem
):
    data = copy.deepcopy(export(vsm_rich_map))
    change(data)
    before = (ValueStreamMap.objects.count(), ValueStreamStep.objects.count())
    with pytest.raises(json_format.ImportRefused) as refused:
        json_format.import_map(data, team=team_a, by=lee)
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems
    assert (ValueStreamMap.objects.count(), ValueStreamStep.objects.count()) == before


def test_not_json_at_all_is_refused():
    with pytest.raises(json_format.ImportRefused, match=r"\$: not valid JSON"):
        json_format.read_json(b"{nope")


def test_import_is_refused_into_a_team_the_person_does_not_work_in(vsm_rich_map, team_b, lee):
    from django.http import Http404

    with pytest.raises(Http404):
        json_format.import_map(export(vsm_rich_map), team=team_b, by=lee)


def test_the_page_exports_and_imports(client, cast, vsm_rich_map, team_a):
    client.force_login(cast["sam"])
    response = client.get(reverse("maps:export", args=[vsm_rich_map.pk]))
    assert response["Content-Type"] == "application/json"
    upload = io.BytesIO(response.content)
    upload.name = "map.json"
    created = client.post(reverse("maps:import"), {"team": team_a.pk, "file": upload})
    assert created.status_code == 302
    new = ValueStreamMap.objects.exclude(pk=vsm_rich_map.pk).get()
    assert export(new) == json.loads(response.content)


def test_the_page_lists_every_problem_in_a_bad_file(client, cast, vsm_rich_map, team_a):
    client.force_login(cast["sam"])
    data = export(vsm_rich_map)
    data["steps"][0]["pct_complete_accurate"] = 101
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "map.json"
    response = client.post(reverse("maps:import"), {"team": team_a.pk, "file": upload})
    assert response.status_code == 422
    assert (
        "$.steps[0].pct_complete_accurate: must be between 0 and 100." in response.content.decode()
    )
    assert ValueStreamMap.objects.count() == 1


def test_the_commands_export_import_and_summarise(tmp_path, vsm_rich_map, team_a, ada):
    path = tmp_path / "map.json"
    call_command("vsm_export", str(vsm_rich_map.pk), output=str(path))
    out = io.StringIO()
    call_command("vsm_import", str(path), team=team_a.pk, stdout=out)
    new = ValueStreamMap.objects.exclude(pk=vsm_rich_map.pk).get()
    assert f"Imported map {new.pk}" in out.getvalue()
    assert export(new) == json.loads(path.read_text())
    out = io.StringIO()
    call_command("vsm_summary", str(new.pk), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["steps"] == 2 and summary["figures"]["takt"]["formula"].startswith(
        "Available time"
    )
    # Calendar days: 2 d elapsed + 1.5 h wait + 60 queued ÷ 92 a day + 16.5 ÷ 92 after.
    expected = 2 * 86400 + 5400 + 1200 + (60 / 92) * 86400 + (16.5 / 92) * 86400
    assert summary["lead_time_s"] == pytest.approx(expected, abs=0.01)


def test_the_import_command_refuses_a_bad_file_and_says_where(tmp_path, team_a, ada):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "leanhub-vsm", "version": 1, "map": {}, "steps": []}))
    with pytest.raises(CommandError, match=r"\$\.map\.name: is required"):
        call_command("vsm_import", str(path), team=team_a.pk)
    assert not ValueStreamMap.objects.exists()


def test_a_double_submitted_import_makes_one_map(client, cast, vsm_rich_map, team_a):
    client.force_login(cast["sam"])
    content = json.dumps(export(vsm_rich_map)).encode()
    for _ in range(2):
        upload = io.BytesIO(content)
        upload.name = "map.json"
        client.post(
            reverse("maps:import"),
            {"team": team_a.pk, "file": upload, "submission_token": "same"},
        )
    assert ValueStreamMap.objects.count() == 2  # the original and one import
