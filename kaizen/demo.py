"""Demo boards for the Eskdale place: each demo team's huddle board with cards across the
columns, a history of moves for the flow page, one card with a full PDCA cycle, and a joint
board the agencies work together. Idempotent: cards are found by title on their board."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaizen.actions import ensure_team_board
from kaizen.models import Board, Card, CardMove, Column, Cycle, CycleAction
from leanhub.models import Organisation, Team, User

# (title, column, days ago created, days in column, owners, labels, blocked)
CardSpec = tuple[str, str, int, int, list[str], str, str]

# (organisation, site, team) -> lead username, [card spec, ...]
BOARDS: dict[tuple[str, str, str], tuple[str, list[CardSpec]]] = {
    ("Eskdale Jobcentre Plus district", "Carrow Jobcentre", "New Claims"): (
        "lee",
        [
            (
                "Pre-fill the claim form from the online application",
                "Check",
                30,
                4,
                ["lee", "sam"],
                "forms",
                "",
            ),
            (
                "Text customers the documents to bring",
                "Do",
                21,
                6,
                ["sam"],
                "customers, phones",
                "",
            ),
            ("Single queue at the front desk", "Do", 18, 3, ["jo"], "queues", ""),
            ("Stop double-keying address changes", "Plan", 12, 5, ["sam"], "red tape", ""),
            ("Move the scanner next to the interview booths", "Plan", 20, 16, ["jo"], "layout", ""),
            ("Shared calendar for interview rooms", "Act", 40, 2, ["lee"], "rooms", ""),
            ("Plain-English appointment letters", "Done", 60, 20, ["lee", "jo"], "letters", ""),
            ("Call-back slots instead of waiting on hold", "To try", 3, 3, ["sam"], "phones", ""),
            ("Check ID once, not three times", "To try", 2, 2, ["jo"], "red tape", ""),
            (
                "Daily printer toner check",
                "Do",
                9,
                8,
                ["sam"],
                "kit",
                "Waiting for the supplier contract",
            ),
        ],
    ),
    ("Eskdale Police", "Carrow Police Station", "Crime Recording Unit"): (
        "olu",
        [
            ("Drop the duplicate paper crime log", "Do", 25, 7, ["priya"], "red tape", ""),
            ("Pre-set fields for shoplifting reports", "Plan", 10, 4, ["olu"], "forms", ""),
            ("One handover note per shift", "Done", 45, 15, ["olu", "priya"], "handover", ""),
            ("Stop re-recording victim details", "To try", 4, 4, ["priya"], "red tape", ""),
        ],
    ),
    ("North Eskdale NHS Trust", "Carrow General Hospital", "Discharge Team"): (
        "nia",
        [
            (
                "Start discharge letters at the morning ward round",
                "Do",
                14,
                5,
                ["nia"],
                "discharge",
                "",
            ),
            ("Pharmacy to-take-out orders by 11:00", "Check", 28, 3, ["tom"], "pharmacy", ""),
            ("Board round at the patient bedside", "To try", 5, 5, ["tom"], "flow", ""),
        ],
    ),
    ("Eskdale County Council", "County Hall", "Revenues and Benefits"): (
        "beth",
        [
            (
                "Use the DWP data feed instead of asking for payslips",
                "Plan",
                16,
                6,
                ["ali"],
                "red tape, partners",
                "",
            ),
            ("Same-day decisions for simple claims", "Do", 22, 9, ["beth"], "claims", ""),
            ("Reminder texts before council tax is due", "Done", 50, 25, ["ali"], "customers", ""),
        ],
    ),
}

JOINT: dict[str, Any] = {
    "name": "Eskdale: one front door for people moving into work",
    "teams": [
        ("Eskdale Jobcentre Plus district", "Carrow Jobcentre", "New Claims"),
        ("Eskdale County Council", "County Hall", "Revenues and Benefits"),
    ],
    "members": ["pat"],
    "cards": [
        (
            "Tell Housing Benefit when a claimant starts work",
            "Plan",
            15,
            6,
            ["pat", "lee"],
            "partners",
            "",
        ),
        ("One consent form for both agencies", "To try", 6, 6, ["beth"], "partners, red tape", ""),
    ],
}


@transaction.atomic
def seed() -> dict[str, int]:
    now = timezone.now()
    people = {u.username: u for u in User.objects.all()}
    made = 0
    for (org, site, team_name), (lead, cards) in BOARDS.items():
        team = Team.objects.filter(
            site__organisation__name=org, site__name=site, name=team_name
        ).first()
        if team is None or lead not in people:
            continue
        board = ensure_team_board(team)
        Column.objects.filter(board=board, name="Do").update(wip_limit=3)
        made += _cards(board, cards, people, lead, now)
    found = [
        Team.objects.filter(site__organisation__name=o, site__name=s, name=t).first()
        for o, s, t in JOINT["teams"]
    ]
    teams = [t for t in found if t]
    if teams:
        board, created = Board.objects.get_or_create(name=JOINT["name"], team=None)
        if created:
            from kaizen.models import DEFAULT_COLUMNS

            Column.objects.bulk_create(
                Column(board=board, name=n, kind=k, position=i)
                for i, (n, k) in enumerate(DEFAULT_COLUMNS)
            )
        board.member_teams.set(teams)
        board.member_organisations.set(
            Organisation.objects.filter(pk__in={t.site.organisation_id for t in teams})
        )
        board.members.set([people[u] for u in JOINT["members"] if u in people])
        made += _cards(board, JOINT["cards"], people, "pat", now)
    _pdca_story(people, now)
    return {"boards": Board.objects.count(), "new cards": made}


def _cards(
    board: Board, specs: Iterable[CardSpec], people: dict[str, User], lead: str, now: datetime
) -> int:
    columns = list(board.columns.all())
    by_name = {c.name: c for c in columns}
    made = 0
    for title, column_name, created_days, days_in_column, owners, labels, blocked in specs:
        if Card.objects.filter(board=board, title=title).exists():
            continue
        column = by_name[column_name]
        created = now - timedelta(days=created_days)
        moved = now - timedelta(days=days_in_column)
        path = columns[: columns.index(column) + 1]
        card = Card.objects.create(
            board=board,
            column=column,
            position=Card.objects.filter(column=column).count(),
            title=title,
            labels=labels,
            blocked=bool(blocked),
            blocked_reason=blocked,
            created_by=people[lead] if lead in people else people[owners[0]],
            created_at=created,
            moved_at=moved,
            started_at=None,
            done_at=moved if column.kind == Column.Kind.DONE else None,
        )
        card.owners.set([people[u] for u in owners if u in people])
        # Spread the earlier columns evenly between creation and the last move.
        steps = max(len(path) - 1, 1)
        moments = [created + (moved - created) * i / steps for i in range(len(path))]
        moments[-1] = moved
        previous = None
        for step_column, at in zip(path, moments, strict=True):
            CardMove.objects.create(
                card=card, from_column=previous, to_column=step_column, at=at, by=card.created_by
            )
            if step_column.kind != Column.Kind.BACKLOG and card.started_at is None:
                card.started_at = at
            previous = step_column
        card.save(update_fields=["started_at"])
        made += 1
    return made


def _pdca_story(people: dict[str, User], now: datetime) -> None:
    card = Card.objects.filter(title="Pre-fill the claim form from the online application").first()
    if card is None or card.cycles.exists():
        return
    cycle = Cycle.objects.create(
        card=card,
        number=1,
        problem="New claims take 9 working days to first payment; a third of forms come back incomplete.",
        whys=[
            "Forms come back with missing fields",
            "Customers retype what they already gave online",
            "The paper form does not use the online application",
            "Nobody owns the link between the two systems",
            "It was never asked for",
        ],
        root_cause="The online application data is not used to pre-fill the claim form.",
        hypothesis="If we pre-fill the claim form from the online application, then incomplete forms fall below 10 % and first payment comes in 6 days.",
        baseline="34 % incomplete; 9 days",
        target="10 % incomplete; 6 days",
        planned_actions="Print pre-filled forms for two weeks at two desks; count returns.",
        result="Incomplete forms fell to 12 %; first payment in 6.5 days.",
        evidence="Counts from the returns tray, weeks 1–2, desks 3 and 4.",
    )
    for description, owner, done in [
        ("Export online applications each morning", "lee", True),
        ("Print pre-filled forms at desks 3 and 4", "sam", True),
        ("Count returned forms daily", "jo", False),
    ]:
        if owner in people:
            CycleAction.objects.create(
                cycle=cycle,
                description=description,
                owner=people[owner],
                done=done,
                due_date=(now + timedelta(days=3)).date(),
            )
