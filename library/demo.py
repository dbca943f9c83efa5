"""Demo rows of the library (run by ``seed_demo`` after the boards): the starting templates, a
proven change of New Claims shared with the place's partner agencies, one of the police kept to
the force, a cycle of New Claims adopted and waiting to be published, and the shared change
tried by the council's Revenues and Benefits team. Idempotent."""

from __future__ import annotations

from django.utils import timezone

from kaizen.models import Card, Cycle
from leanhub.models import User
from library import actions
from library.models import Adoption, Entry
from library.templates_seed import ensure_templates

CHANGES = [
    {
        "card": "Plain-English appointment letters",
        "lead": "lee",
        "problem": "A quarter of customers phoned to ask what their appointment letter meant.",
        "hypothesis": "If letters say in plain English what to bring and when, calls fall.",
        "standard": "Every appointment letter uses the plain-English template, read aloud by a "
        "colleague before it is sent.",
        "title": "Plain-English appointment letters",
        "summary": "We rewrote the appointment letters in plain English with what to bring at "
        "the top. Calls asking what a letter meant fell by half.",
        "theme": "paperwork",
        "wastes": ["defects", "processing"],
        "shared": True,
        "publish": True,
    },
    {
        "card": "One handover note per shift",
        "lead": "olu",
        "problem": "Each shift's handover was spread over three notes in three places.",
        "hypothesis": "If there is one handover note, nothing is missed between shifts.",
        "standard": "One handover note per shift, on the shared drive, read at the briefing.",
        "title": "One handover note per shift",
        "summary": "Three handover notes became one, read aloud at every shift briefing.",
        "theme": "handoffs",
        "wastes": ["processing", "defects"],
        "shared": False,
        "publish": True,
    },
    {
        "card": "Shared calendar for interview rooms",
        "lead": "lee",
        "problem": "Interview rooms were double-booked twice a week.",
        "hypothesis": "If rooms are booked on one shared calendar, nobody is double-booked.",
        "standard": "Rooms are booked only on the shared calendar.",
        "publish": False,
    },
]


def _adopted_cycle(card: Card, spec: dict[str, object]) -> Cycle:
    cycle = card.cycles.order_by("-number").first()
    if cycle is None:
        cycle = Cycle.objects.create(card=card, number=1)
    if cycle.decision != Cycle.Decision.ADOPT:
        cycle.problem = str(spec["problem"])
        cycle.hypothesis = str(spec["hypothesis"])
        cycle.decision = Cycle.Decision.ADOPT
        cycle.standard = str(spec["standard"])
        cycle.decided_at = timezone.now()
        cycle.save()
    return cycle


def seed() -> None:
    ensure_templates(Entry)
    people = {u.username: u for u in User.objects.all()}
    shared: Entry | None = None
    for spec in CHANGES:
        lead = people.get(str(spec["lead"]))
        if lead is None:
            continue
        # The lead's own team's card (a team that tried the change has a card of that title too).
        card = Card.objects.filter(title=spec["card"], board__team__memberships__user=lead).first()
        if card is None:
            continue
        cycle = _adopted_cycle(card, spec)
        if not spec["publish"]:
            continue
        entry = Entry.objects.filter(cycle=cycle).first() or actions.publish_cycle(
            cycle,
            text=actions.Text(
                title=str(spec["title"]),
                summary=str(spec["summary"]),
                theme=str(spec["theme"]),
                why=str(spec["problem"]),
                standard=str(spec["standard"]),
                wastes=[str(w) for w in spec["wastes"]],  # type: ignore[attr-defined]
                shared_with_partners=bool(spec["shared"]),
                contact=lead,
            ),
            by=lead,
        )
        if spec["shared"]:
            shared = entry
    beth = people.get("beth")
    if (
        shared is not None
        and beth is not None
        and not Adoption.objects.filter(entry=shared).exists()
    ):
        team = beth.memberships.filter(team__isnull=False).first()
        if team is not None and team.team is not None:
            actions.try_here(shared, team=team.team, by=beth)
