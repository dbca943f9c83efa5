"""The JSON format: export → import round-trips exactly; bad files name the path and save nothing."""

from __future__ import annotations

import copy
import html
import io
import json
import math

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ideas.maps import json_format, queries
from ideas.maps.models import ValueStreamMap, ValueStreamStep
from leanhub.models import AuditEvent
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


# --- Bad input: refused with a clear message, never a crash, and nothing saved ------------------


def _nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def _as_file(change):
    """A change to the exported rich map, written out as a JSON file would be (ASCII escapes,
    so lone surrogates and NUL travel as \\ud800 and \\u0000; NaN as the NaN literal)."""

    def build(doc: dict) -> bytes:
        doc = copy.deepcopy(doc)
        change(doc)
        return json.dumps(doc).encode()

    return build


def _set(path: str, value):
    """A change setting ``doc[a][b]...`` (path "a.b.0.c") to ``value``."""
    *parents, last = path.split(".")

    def change(doc: dict) -> None:
        target = doc
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return _as_file(change)


def _raw(content: bytes):
    return lambda doc: content


# (name, the file's bytes from the exported map, the message the person is shown)
BAD_FILES = [
    ("nested 100,000 levels", _raw(_nested(100_000)), "$: nested more than 20 levels deep"),
    (
        "objects nested 100,000 levels",
        _raw(b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        "$: nested more than 20 levels deep",
    ),
    (
        "nested 21 levels inside a note",
        _set("steps.0.notes", json.loads(_nested(21))),
        "$: nested more than 20 levels deep",
    ),
    ("larger than 2 MB", _raw(b" " * 2_000_001), "$: the file is larger than 2 MB."),
    ("not UTF-8", _raw('{"format": "café"}'.encode("latin-1")), "$: the file is not UTF-8 text"),
    ("UTF-16", _raw('{"format": 1}'.encode("utf-16")), "$: the file is not UTF-8 text"),
    ("not JSON", _raw(b"{nope"), "$: not valid JSON (Expecting property name"),
    ("an integer of 5,000 digits", _raw(b"[" + b"9" * 5000 + b"]"), "$: expected an object."),
    ("a list, not an object", _raw(b"[]"), "$: expected an object."),
    ("the map a list", _set("map", []), "$.map: expected an object."),
    ("a step null", _set("steps.0", None), "$.steps[0]: expected an object."),
    ("steps an object", _set("steps", {"0": {}}), "$.steps: expected a list."),
    ("a name a list", _set("map.name", ["New claim"]), "$.map.name: expected a string."),
    (
        "a number a string",
        _set("steps.0.people", "3"),
        "$.steps[0].people: expected a number or null.",
    ),
    (
        "a duration a number",
        _set("steps.0.process_time", 600),
        "$.steps[0].process_time: expected an object.",
    ),
    (
        "a unit a list",
        _set("map.breaks.unit", ["min"]),
        "$.map.breaks.unit: must be one of s, min, h, d.",
    ),
    (
        "a unit an object",
        _set("steps.0.lead_time.unit", {"d": 1}),
        "$.steps[0].lead_time.unit: must be one of s, min, h, d.",
    ),
    (
        "a wait a string",
        _set("steps.1.wait_before", "soon"),
        "$.steps[1].wait_before: expected an object.",
    ),
    (
        "wait variants a list",
        _set("steps.0.wait_before.variants", [40, 20]),
        "$.steps[0].wait_before.variants: expected an object of name: quantity.",
    ),
    (
        "a variant a string",
        _set("map.variants.0", "Single"),
        "$.map.variants[0]: expected an object.",
    ),
    (
        "a negative time",
        _set("steps.0.process_time.seconds", -1),
        "$.steps[0].process_time.seconds: cannot be negative.",
    ),
    ("NaN", _set("steps.0.people", math.nan), "$.steps[0].people: expected a number or null."),
    (
        "Infinity",
        _set("steps.0.process_time.seconds", math.inf),
        "$.steps[0].process_time.seconds: is too large (at most 10,000,000,000,000).",
    ),
    (
        "a huge float",
        _set("steps.0.wait_before.variants.Single", 1e308),
        "$.steps[0].wait_before.variants.Single: is too large",
    ),
    (
        "a huge integer",
        _set("map.shift_length.seconds", 10**30),
        "$.map.shift_length.seconds: is too large",
    ),
    (
        "a divisor too small",
        _set("steps.0.batch_size", 1e-300),
        "$.steps[0].batch_size: must be at least 0.0001.",
    ),
    (
        "a decimal with a vast exponent",
        _set("map.demand", "1e999999999"),
        "$.map.demand: has too many digits",
    ),
    (
        "a decimal a list",
        _set("map.days_per_period", ["5"]),
        "$.map.days_per_period: expected a number",
    ),
    (
        "a NUL in a name",
        _set("steps.0.name", "Register\x00claim"),
        "$.steps[0].name: holds a character that cannot be stored",
    ),
    (
        "a lone surrogate in a note",
        _set("map.information_flows", "\ud800"),
        "$.map.information_flows: holds a character that cannot be stored",
    ),
    (
        "a lone surrogate in a field name",
        _set("steps.0.wait_before.variants.\udc80", 3),
        "$.steps[0].wait_before.variants.\\udc80: the name holds a character that cannot be",
    ),
    ("an unknown field", _set("colour", "red"), "$.colour: is not a field of the format"),
    (
        "a misspelt step field",
        _set("steps.1.proces_time", {"seconds": 60, "unit": "s"}),
        "$.steps[1].proces_time: is not a field of the format (check the spelling).",
    ),
    (
        "an unknown field in a duration",
        _set("map.breaks.minutes", 30),
        "$.map.breaks.minutes: is not a field of the format",
    ),
]


@pytest.fixture
def rich_export(vsm_rich_map) -> dict:
    return export(vsm_rich_map)


def _saved() -> tuple[int, int, int]:
    return (
        ValueStreamMap.objects.count(),
        ValueStreamStep.objects.count(),
        AuditEvent.objects.filter(verb="vsm.imported").count(),
    )


@pytest.mark.parametrize(
    ("build", "message"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_the_page_refuses_a_bad_file_saying_why_and_saves_nothing(
    client, cast, rich_export, team_a, build, message
):
    client.force_login(cast["sam"])
    before = _saved()
    upload = io.BytesIO(build(rich_export))
    upload.name = "map.json"
    response = client.post(reverse("maps:import"), {"team": team_a.pk, "file": upload})
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert _saved() == before


@pytest.mark.parametrize(
    ("build", "message"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_the_import_command_refuses_a_bad_file_saying_why_and_saves_nothing(
    tmp_path, rich_export, team_a, ada, build, message
):
    path = tmp_path / "map.json"
    path.write_bytes(build(rich_export))
    before = _saved()
    with pytest.raises(CommandError) as refused:
        call_command("vsm_import", str(path), team=team_a.pk)
    assert str(refused.value).startswith("Nothing imported:")
    assert message in str(refused.value)
    assert _saved() == before


def test_a_file_exactly_at_the_limits_still_imports(client, cast, rich_export, team_a):
    """The limits refuse only what is beyond them: a file padded to 2 MB, with a BOM, the largest
    and smallest numbers allowed, imports."""
    rich_export["steps"][1]["lead_time"] = {"seconds": json_format.MAX_NUMBER, "unit": "d"}
    rich_export["steps"][0]["people"] = json_format.SMALLEST
    content = "\ufeff".encode() + json.dumps(rich_export).encode()
    content += b" " * (json_format.MAX_BYTES - len(content))
    client.force_login(cast["sam"])
    upload = io.BytesIO(content)
    upload.name = "map.json"
    response = client.post(reverse("maps:import"), {"team": team_a.pk, "file": upload})
    assert response.status_code == 302
    new = ValueStreamMap.objects.latest("pk")
    assert client.get(new.get_absolute_url()).status_code == 200


def test_nesting_is_refused_only_beyond_the_limit():
    def nested(levels: int) -> object:
        return json.loads(_nested(levels))

    within = {"format": "leanhub-vsm", "version": 1, "x": nested(json_format.MAX_DEPTH - 1)}
    beyond = {**within, "x": nested(json_format.MAX_DEPTH)}
    with pytest.raises(json_format.ImportRefused) as refused:
        json_format.parse(within)
    assert not any("nested" in p for p in refused.value.problems)
    assert "$.x: is not a field of the format (check the spelling)." in refused.value.problems
    with pytest.raises(json_format.ImportRefused) as refused:
        json_format.parse(beyond)
    assert refused.value.problems == [
        "$: nested more than 20 levels deep; a map file nests at most 5."
    ]


def test_an_upload_too_big_is_refused_by_its_size_without_being_read():
    class Huge(io.BytesIO):
        size = 50 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read")

    with pytest.raises(json_format.ImportRefused, match=r"larger than 2 MB"):
        json_format.read_upload(Huge())


def test_a_refusal_lists_at_most_a_hundred_problems(rich_export):
    rich_export.update({f"extra{i}": i for i in range(250)})
    with pytest.raises(json_format.ImportRefused) as refused:
        json_format.parse(rich_export)
    assert len(refused.value.problems) == json_format.MAX_PROBLEMS + 1
    assert refused.value.problems[-1] == "… and 150 more problems."


def test_the_import_command_refuses_a_path_that_is_not_a_file(tmp_path, team_a, ada):
    with pytest.raises(CommandError, match="No file at"):
        call_command("vsm_import", str(tmp_path), team=team_a.pk)
