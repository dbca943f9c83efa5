"""Value-stream map test helpers: a believable map, bulk steps, and form posts. Other test
packages (kaizen, the browser tests) import them from here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ideas.maps.models import ValueStreamMap, ValueStreamStep

H = 3600
MIN = 60
DAY = 86400


def make_map(team, by, **changes) -> ValueStreamMap:
    """A new benefit claim: 460 a week over 5 days (92 a day), one 7.5 h shift with 30 min of
    breaks (25,200 s a day), so takt is 273.9 s."""
    fields = {
        "team": team,
        "created_by": by,
        "name": "New claim — current state",
        "process": "Claim received to first payment",
        "customer": "Claimant",
        "supplier": "Online claim form",
        "demand": Decimal("460"),
        "demand_period": "week",
        "days_per_period": Decimal("5"),
        "shifts_per_day": Decimal("1"),
        "shift_s": 7.5 * H,
        "shift_unit": "h",
        "breaks_s": 30 * MIN,
        "breaks_unit": "min",
        "end_wait_s": 1 * H,
        "end_wait_unit": "h",
    }
    fields.update(changes)
    return ValueStreamMap.objects.create(**fields)


def add_steps(m: ValueStreamMap, n: int) -> list[ValueStreamStep]:
    start = m.steps.count()
    return ValueStreamStep.objects.bulk_create(
        [
            ValueStreamStep(
                map=m,
                position=start + i,
                name=f"Step {start + i + 1}",
                cycle_s=10 * MIN,
                cycle_unit="min",
                operators=3,
                pct_ca=90,
                wait_s=1 * DAY,
                wait_unit="d",
                performed_by="Team" if i % 2 else "Decision maker",
            )
            for i in range(n)
        ]
    )


def make_textbook_map(team, by, **changes) -> ValueStreamMap:
    """ACME Stamping's current state from *Learning to See* (Rother & Shook), as
    ``tests.ideas.maps.test_calc.learning_to_see_map`` sets it out: takt 60 s, five steps of
    1-62 s typed in seconds, changeovers without batch sizes, no %C&A recorded."""
    m = make_map(
        team,
        by,
        name="ACME Stamping — current state",
        process="Steel coils to brackets shipped",
        customer="State Street Assembly",
        supplier="Michigan Steel Co.",
        demand=Decimal("18400"),
        demand_period="month",
        days_per_period=Decimal("20"),
        shifts_per_day=Decimal("2"),
        shift_s=8 * H,
        shift_unit="h",
        breaks_s=20 * MIN,
        breaks_unit="min",
        variants=[{"name": "L", "demand": 12000}, {"name": "R", "demand": 6400}],
        end_wait_s=None,
        end_wait_variants={"L": 2700, "R": 1440},
        **changes,
    )
    # name, C/T s, C/O (s, unit), uptime %, wait before
    rows: list[tuple[str, int, tuple[float, str], int, dict[str, Any]]] = [
        ("Stamping", 1, (1 * H, "h"), 85, {"wait_s": 5 * DAY, "wait_unit": "d"}),
        ("S.Weld #1", 39, (10 * MIN, "min"), 100, {"wait_variants": {"L": 4600, "R": 2400}}),
        ("S.Weld #2", 46, (10 * MIN, "min"), 80, {"wait_variants": {"L": 1100, "R": 600}}),
        ("Assembly #1", 62, (0, "min"), 100, {"wait_variants": {"L": 1600, "R": 850}}),
        ("Assembly #2", 40, (0, "min"), 100, {"wait_variants": {"L": 1200, "R": 640}}),
    ]
    ValueStreamStep.objects.bulk_create(
        ValueStreamStep(
            map=m,
            position=i,
            name=name,
            cycle_s=cycle,
            cycle_unit="s",
            changeover_s=changeover,
            changeover_unit=unit,
            uptime_pct=uptime,
            operators=None if i == 0 else 1,
            **wait,
        )
        for i, (name, cycle, (changeover, unit), uptime, wait) in enumerate(rows)
    )
    return m


def step_post(**changes) -> dict:
    data = {
        "name": "Check identity",
        "performed_by": "Work coach",
        "cycle": "15",
        "cycle_unit": "min",
        "lead": "",
        "lead_unit": "min",
        "wait": "2",
        "wait_unit": "h",
        "wait_quantity": "",
        "wait_variants": "",
        "pct_ca": "85",
        "operators": "",
        "uptime_pct": "",
        "changeover": "",
        "changeover_unit": "min",
        "batch_size": "",
        "system_used": "",
        "rework": "",
        "notes": "",
    }
    data.update(changes)
    return data


def map_post(team, **changes) -> dict:
    data = {
        "team": team.pk,
        "name": "Crime report — current state",
        "process": "Report received to crime recorded",
        "customer": "Victim",
        "supplier": "101 call",
        "demand": "300",
        "demand_period": "week",
        "days_per_period": "5",
        "shifts_per_day": "2",
        "shift": "8",
        "shift_unit": "h",
        "breaks": "30",
        "breaks_unit": "min",
        "day_convention": "working",
        "variants": "",
        "information_flows": "",
        "end_wait": "",
        "end_wait_unit": "h",
        "end_wait_quantity": "",
        "end_wait_variants": "",
        "submission_token": "token-1",
    }
    data.update(changes)
    return data
