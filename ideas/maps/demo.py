"""Demo value-stream maps: a new benefit claim at Carrow Jobcentre New Claims, as it is today and
as the team wants it to be. Idempotent: re-running refreshes the maps to exactly this content."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from ideas.maps.models import ValueStreamMap, ValueStreamStep
from leanhub.models import Team, User

MIN = 60
H = 3600
DAY = 86400

TEAM = {
    "site__organisation__name": "Eskdale Jobcentre Plus district",
    "site__name": "Carrow Jobcentre",
    "name": "New Claims",
}
CURRENT = "New benefit claim — current state"
FUTURE = "New benefit claim — future state (same-day ID check)"

MAP = {
    "process": "Claim submitted online to first decision",
    "customer": "Claimant",
    "supplier": "Online claim service",
    "demand": Decimal("460"),
    "demand_period": "week",
    "days_per_period": Decimal("5"),
    "shifts_per_day": Decimal("1"),
    "shift_s": 7.5 * H,
    "shift_unit": "h",
    "breaks_s": 30 * MIN,
    "breaks_unit": "min",
    "day_convention": "working",
    "variants": [{"name": "Single", "demand": 300.0}, {"name": "Couple", "demand": 160.0}],
    "information_flows": "Daily allocation list from the team lead; appointment slots booked in the diary system; "
    "evidence requests sent by letter.",
    "end_wait_s": 1 * DAY,
    "end_wait_unit": "d",
}

# name, done by, process s (unit), lead s (unit) or None, %C&A, people, wait before (s, unit) or queue
CURRENT_STEPS = [
    (
        "Register claim",
        "Contact centre",
        (8 * MIN, "min"),
        None,
        70,
        4,
        {"wait_s": 1 * DAY, "wait_unit": "d"},
        "UC system",
        "Missing national insurance number → phone the claimant",
    ),
    (
        "Book first interview",
        "Contact centre",
        (5 * MIN, "min"),
        None,
        95,
        4,
        {"wait_quantity": None, "wait_variants": {"Single": 120.0, "Couple": 64.0}},
        "Diary system",
        "",
    ),
    (
        "Identity and evidence interview",
        "Work coach",
        (40 * MIN, "min"),
        (45 * MIN, "min"),
        60,
        8,
        {"wait_s": 5 * DAY, "wait_unit": "d"},
        "UC system",
        "Evidence missing → second appointment",
    ),
    (
        "Evidence check",
        "Decision maker",
        (20 * MIN, "min"),
        (2 * DAY, "d"),
        80,
        3,
        {"wait_s": 4 * H, "wait_unit": "h"},
        "Evidence checklist (form EV1)",
        "",
    ),
    (
        "Decision",
        "Decision maker",
        (15 * MIN, "min"),
        None,
        95,
        3,
        {"wait_quantity": 184.0},
        "UC system",
        "",
    ),
]


def _steps(m: ValueStreamMap, rows: list) -> None:
    m.steps.all().delete()
    ValueStreamStep.objects.bulk_create(
        [
            ValueStreamStep(
                map=m,
                position=i,
                name=name,
                performed_by=by,
                cycle_s=cycle[0],
                cycle_unit=cycle[1],
                lead_s=lead[0] if lead else None,
                lead_unit=lead[1] if lead else "min",
                pct_ca=ca,
                operators=people,
                system_used=system,
                rework=rework,
                **wait,
            )
            for i, (name, by, cycle, lead, ca, people, wait, system, rework) in enumerate(rows)
        ]
    )


@transaction.atomic
def seed() -> dict[str, int]:
    team = Team.objects.filter(**TEAM).first()
    author = User.objects.filter(username="lee").first()
    if team is None or author is None:
        return {"value-stream maps": 0}
    current, _ = ValueStreamMap.objects.update_or_create(
        team=team, name=CURRENT, defaults={**MAP, "state": "current", "created_by": author}
    )
    _steps(current, CURRENT_STEPS)
    # The future state: book and check identity on the day the claim arrives, one person from
    # booking to decision for straightforward claims, evidence asked for up front.
    future_steps = [
        (
            "Register and book while the claimant is online",
            "Contact centre",
            (10 * MIN, "min"),
            None,
            95,
            4,
            {"wait_s": 2 * H, "wait_unit": "h"},
            "UC system",
            "",
        ),
        (
            "Identity and evidence interview",
            "Work coach",
            (35 * MIN, "min"),
            None,
            90,
            8,
            {"wait_s": 2 * DAY, "wait_unit": "d"},
            "UC system",
            "",
        ),
        (
            "Evidence check and decision",
            "Work coach",
            (20 * MIN, "min"),
            None,
            95,
            8,
            {"wait_s": 1 * H, "wait_unit": "h"},
            "Evidence checklist (form EV1)",
            "",
        ),
    ]
    future, _ = ValueStreamMap.objects.update_or_create(
        team=team,
        name=FUTURE,
        defaults={
            **MAP,
            "state": "future",
            "current": current,
            "is_target": True,
            "created_by": author,
            "end_wait_s": 2 * H,
            "end_wait_unit": "h",
        },
    )
    _steps(future, future_steps)
    return {"value-stream maps": 2}
