"""Ideas for the Eskdale demo place: believable, across statuses, kinds and agencies.

Run after ``leanhub.demo.seed()`` (the people and teams must exist). Idempotent: an idea is
found by its team and title, and its history is written only when it is first created."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ideas.actions import recount_supports
from ideas.models import (
    BoxSubmission,
    Idea,
    IdeaBox,
    IdeaComment,
    IdeaEvent,
    IdeaFollow,
    IdeaSupport,
)
from leanhub.models import Team, User

S = Idea.Status
JCP = "Eskdale Jobcentre Plus district"
POL = "Eskdale Police"
NHS = "North Eskdale NHS Trust"
CC = "Eskdale County Council"


@dataclass(frozen=True)
class DemoIdea:
    team: str  # "<org>/<site>/<team>"
    author: str
    responder: str
    title: str
    problem: str
    proposal: str
    days_ago: int
    path: tuple[str, ...] = ()  # statuses it has been through, in order
    kind: str = Idea.Kind.IMPROVEMENT
    wastes: str = ""
    minutes: str | None = None
    times: int | None = None
    money: str | None = None
    burden_name: str = ""
    burden_owner: str = ""
    hide_name: bool = False
    shared: bool = False
    supporters: tuple[str, ...] = ()
    comments: tuple[tuple[str, str], ...] = field(default=())
    notes: dict[str, str] = field(default_factory=dict)


IDEAS = [
    DemoIdea(
        f"{JCP}/Carrow Jobcentre/New Claims",
        "sam",
        "lee",
        "Pre-fill the address on the new claim form",
        "Customers give us their address three times during one new claim appointment.",
        "Copy the address from the identity check screen into the claim form.",
        days_ago=41,
        path=(S.UNDER_REVIEW, S.ACCEPTED, S.IN_PROGRESS, S.IMPLEMENTED),
        wastes="defects,processing",
        minutes="4",
        times=9000,
        supporters=("jo", "maya"),
        comments=(("jo", "Same on the change of circumstances form."),),
        notes={
            S.ACCEPTED: "Good catch — trial at Carrow for two weeks.",
            S.IMPLEMENTED: "Live for all new claims.",
        },
        shared=True,
    ),
    DemoIdea(
        f"{JCP}/Carrow Jobcentre/New Claims",
        "jo",
        "lee",
        "Stop the weekly paper tally of appointments",
        "We count appointments by hand every Friday although the diary system already has them.",
        "Run the diary report instead and drop the paper tally sheet.",
        days_ago=20,
        path=(S.ACCEPTED,),
        kind=Idea.Kind.STOP_DOING,
        wastes="processing,motion",
        minutes="45",
        times=52 * 6,
        burden_name="Weekly appointment tally sheet",
        burden_owner=Idea.BurdenOwner.ORGANISATION,
        supporters=("sam",),
    ),
    DemoIdea(
        f"{JCP}/Carrow Jobcentre/New Claims",
        "sam",
        "lee",
        "Queue ticket machine jams every morning",
        "The ticket machine by the door jams most mornings and customers queue without tickets.",
        "Move it out of the draught from the door and book a service.",
        days_ago=12,
        wastes="waiting",
        hide_name=True,
    ),
    DemoIdea(
        f"{JCP}/Carrow Jobcentre/New Claims",
        "jo",
        "lee",
        "Text reminders the day before appointments",
        "About one in eight first appointments are missed; most say they forgot.",
        "Send a text the afternoon before each appointment.",
        days_ago=30,
        path=(S.UNDER_REVIEW, S.PARKED),
        wastes="waiting,overproduction",
        minutes="20",
        times=1500,
        notes={S.PARKED: "Waiting for the national texting service next quarter."},
    ),
    DemoIdea(
        f"{POL}/Carrow Police Station/Crime Recording Unit",
        "priya",
        "olu",
        "Stop re-keying the same crime details into two systems",
        "Every crime report is typed into the records system and again into the "
        "performance spreadsheet.",
        "Export the figures from the records system instead of a second spreadsheet.",
        days_ago=25,
        path=(S.UNDER_REVIEW,),
        kind=Idea.Kind.STOP_DOING,
        wastes="processing,defects",
        minutes="12",
        times=14000,
        burden_name="Local performance spreadsheet",
        burden_owner=Idea.BurdenOwner.GOVERNMENT,
        shared=True,
    ),
    DemoIdea(
        f"{POL}/Carrow Police Station/Crime Recording Unit",
        "priya",
        "olu",
        "Declined: a second printer for the front desk",
        "The front desk walks to the back office to collect every print.",
        "Buy a second printer for the front desk.",
        days_ago=35,
        path=(S.DECLINED,),
        wastes="motion",
        notes={S.DECLINED: "Printing is being phased out at the desk from next month."},
    ),
    DemoIdea(
        f"{NHS}/Carrow General Hospital/Discharge Team",
        "tom",
        "nia",
        "Start discharge paperwork at the morning ward round",
        "Patients wait for hours on the day of discharge while letters are written.",
        "Draft the discharge letter when the decision is made on the ward round.",
        days_ago=16,
        path=(S.ACCEPTED, S.IN_PROGRESS),
        wastes="waiting,inventory",
        minutes="90",
        times=2600,
        shared=True,
        supporters=("nia",),
    ),
    DemoIdea(
        f"{CC}/County Hall/Revenues and Benefits",
        "ali",
        "beth",
        "One form for council tax and housing benefit changes",
        "Residents fill in two forms with the same details when their circumstances change.",
        "A single change-of-circumstances form feeding both teams.",
        days_ago=9,
        wastes="processing,defects",
        minutes="15",
        times=6000,
        money="18000",
    ),
]


def _team(path: str) -> Team | None:
    org, site, name = path.split("/")
    return Team.objects.filter(site__organisation__name=org, site__name=site, name=name).first()


@transaction.atomic
def seed() -> dict[str, int]:
    """Create the demo ideas that do not exist yet. Returns how many ideas the demo teams hold."""
    people = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    now = timezone.now()
    created_count = 0
    for spec in IDEAS:
        team = _team(spec.team)
        if team is None or spec.author not in people:
            continue
        raised = now - datetime.timedelta(days=spec.days_ago)
        idea, created = Idea.objects.get_or_create(
            team=team,
            title=spec.title,
            defaults={
                "author": people[spec.author],
                "problem": spec.problem,
                "proposal": spec.proposal,
                "kind": spec.kind,
                "wastes": spec.wastes,
                "minutes_per_occurrence": Decimal(spec.minutes) if spec.minutes else None,
                "occurrences_per_year": spec.times,
                "money_per_year": Decimal(spec.money) if spec.money else None,
                "burden_name": spec.burden_name,
                "burden_owner": spec.burden_owner,
                "hide_name": spec.hide_name,
                "shared_with_partners": spec.shared,
                "created_at": raised,
            },
        )
        if not created:
            continue
        created_count += 1
        IdeaFollow.objects.get_or_create(idea=idea, user=people[spec.author])
        _write_history(idea, spec, people, raised)
        for username in spec.supporters:
            if username in people:
                IdeaSupport.objects.get_or_create(idea=idea, user=people[username])
        recount_supports(idea)
        for i, (username, body) in enumerate(spec.comments):
            if username in people:
                IdeaComment.objects.create(
                    idea=idea,
                    author=people[username],
                    body=body,
                    created_at=raised + datetime.timedelta(hours=3 + i),
                )
    _seed_idea_box(people)
    return {
        "ideas created": created_count,
        "demo ideas": Idea.objects.filter(title__in=[s.title for s in IDEAS]).count(),
    }


def _seed_idea_box(people: dict[str, User]) -> None:
    """New Claims' idea box, open, with one idea from someone without an account waiting."""
    team = _team(f"{JCP}/Carrow Jobcentre/New Claims")
    if team is None:
        return
    box, _ = IdeaBox.objects.get_or_create(
        team=team, kind=IdeaBox.Kind.STAFF, defaults={"created_by": people.get("lee")}
    )
    BoxSubmission.objects.get_or_create(
        box=box,
        title="A second bin by the security desk",
        defaults={
            "team": team,
            "kind": box.kind,
            "problem": "The only bin is at the far end, so leaflets pile up on the desk.",
            "proposal": "Put a small bin by the security desk and empty it at lunch.",
            "client": "demo",
        },
    )


def _write_history(
    idea: Idea, spec: DemoIdea, people: dict[str, User], raised: datetime.datetime
) -> None:
    """The idea's timeline as it would have happened: a response every few days."""
    responder = people.get(spec.responder)
    at = raised
    previous: str = S.NEW
    for step, status in enumerate(spec.path):
        at = at + datetime.timedelta(days=2 + step * 3, hours=2)
        IdeaEvent.objects.create(
            idea=idea,
            actor=responder,
            from_status=previous,
            to_status=status,
            note=spec.notes.get(status, ""),
            at=at,
        )
        if idea.first_response_at is None:
            idea.first_response_at = at
        previous = status
    idea.status = previous
    if previous == S.IMPLEMENTED:
        idea.implemented_at = at
    if previous == S.PARKED:
        idea.parked_until = timezone.localdate() + datetime.timedelta(days=60)
    idea.save(update_fields=["status", "first_response_at", "implemented_at", "parked_until"])


def _usernames() -> set[str]:
    return (
        {s.author for s in IDEAS}
        | {s.responder for s in IDEAS}
        | {name for s in IDEAS for name in s.supporters}
        | {name for s in IDEAS for name, _ in s.comments}
    )
