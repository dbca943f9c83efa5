"""State changes of the library: publishing an adopted cycle, changing what an entry says, and
"Try this here". Object first, the rest keyword-only, the acting user as ``by``; each is atomic,
asks the policy and audits."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from ideas.actions import adopt_idea, change_status
from ideas.models import Idea
from kaizen.actions import create_card, ensure_team_board
from kaizen.models import Cycle
from leanhub import audit, policy
from leanhub.models import Team, User
from leanhub.notifications import notify
from library.models import Adoption, Entry

CARD_TITLE_MAX = 140


@dataclass
class Text:
    """What an entry says: written by whoever publishes it, kept as written (a snapshot)."""

    title: str
    summary: str
    theme: str
    why: str = ""
    standard: str = ""
    checklist: str = ""
    wastes: list[str] = field(default_factory=list)
    shared_with_partners: bool = False
    contact: User | None = None


def draft_from_cycle(cycle: Cycle) -> Text:
    """A first draft of the entry from the cycle and its card (and idea): what changed is the
    plan, why is the problem and its root cause, the standard work as adopted."""
    card = cycle.card
    idea = card.idea
    why = "\n\n".join(t for t in (cycle.problem.strip(), cycle.root_cause.strip()) if t)
    summary = cycle.hypothesis.strip() or cycle.planned_actions.strip() or card.description
    return Text(
        title=card.title,
        summary=summary,
        theme="",
        why=why or (idea.problem if idea else ""),
        standard=cycle.standard,
        wastes=idea.waste_list if idea else [],
        shared_with_partners=bool(idea and idea.shared_with_partners),
    )


def _write(entry: Entry, text: Text) -> None:
    entry.title = " ".join(text.title.split())
    entry.summary = text.summary.strip()
    entry.why = text.why.strip()
    entry.standard = text.standard.strip()
    entry.checklist = text.checklist.strip()
    entry.theme = text.theme
    entry.wastes = ",".join(w for w in Idea.Waste.values if w in set(text.wastes))
    entry.shared_with_partners = text.shared_with_partners
    entry.contact = text.contact
    if not entry.title or not entry.summary:
        raise ValidationError(gettext("Give the entry a title and say what changed."))
    if entry.theme not in Entry.Theme.values:
        raise ValidationError({"theme": gettext("Choose a theme.")})


@transaction.atomic
def publish_cycle(cycle: Cycle, *, text: Text, by: User) -> Entry:
    """Put a cycle adopted as standard work in the library, as ``text`` says it. Refuses a cycle
    not adopted, and one of a joint board (an entry belongs to one team). Publishing twice
    (a double click) returns the entry already made."""
    policy.require(
        by,
        "publish_cycle",
        cycle,
        reason=gettext("Only the team's leads and managers put its changes in the library."),
    )
    cycle = (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("card__board__team")
        .get(pk=cycle.pk)
    )
    existing = Entry.objects.filter(cycle=cycle).first()
    if existing is not None:
        return existing
    if cycle.decision != Cycle.Decision.ADOPT:
        raise ValidationError(gettext("Only a cycle adopted as standard work goes in the library."))
    team = cycle.card.board.team
    assert team is not None  # the policy's rule: a team board's cycle
    now = timezone.now()
    entry = Entry(
        kind=Entry.Kind.CHANGE,
        team=team,
        cycle=cycle,
        published_by=by,
        published_at=now,
        updated_at=now,
    )
    _write(entry, text)
    entry.save()
    audit.record(by, "library.published", entry, {"cycle": cycle.pk, "team": team.pk})
    return entry


@transaction.atomic
def edit_entry(entry: Entry, *, text: Text, by: User) -> Entry:
    """Change what an entry says, who to ask, and whether partners may find it."""
    policy.require(
        by,
        "edit_library_entry",
        entry,
        reason=gettext("Only the team's leads and managers change its library entry."),
    )
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _write(entry, text)
    entry.updated_at = timezone.now()
    entry.save()
    audit.record(by, "library.edited", entry, {"shared": entry.shared_with_partners})
    return entry


def _card_text(entry: Entry, url: str) -> str:
    lines = [gettext("From the library: %(title)s") % {"title": entry.title}, url, ""]
    if entry.is_template:
        lines += [entry.summary, ""] + [f"- {step}" for step in entry.checklist_lines]
    else:
        lines += [gettext("What changed: %(summary)s") % {"summary": entry.summary}]
        if entry.standard:
            lines += ["", gettext("Standard work: %(standard)s") % {"standard": entry.standard}]
    return "\n".join(lines).strip()


def teams_to_try_on(user: User) -> QuerySet[Team]:
    """The teams whose boards ``user`` may put an entry on: those they work in, lead or manage."""
    return (
        Team.objects.filter(policy.team_q(user, "member") | policy.team_q(user, "lead"))
        .select_related("site")
        .order_by("name", "pk")
    )


@transaction.atomic
def try_here(entry: Entry, *, team: Team, by: User) -> Adoption:
    """ "Try this here": a card on ``team``'s board, linked to the entry (and, where the change
    came from an implemented idea the person may see, to a linked copy of that idea, so it
    counts as that idea's spread on every dashboard). A proven change counts as spread to both
    teams; a template is only used. Refuses a team whose board the person may not work on, the
    entry's own team, and a team that already tried the change. Tells who to ask."""
    policy.require(by, "view_library_entry", entry)
    entry = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("team", "contact")
        .get(pk=entry.pk)
    )
    if not policy.can(by, "work_in_team", team):
        raise ValidationError(
            gettext("You can try it only on the board of a team you work in or lead.")
        )
    if entry.team_id == team.pk:
        raise ValidationError(
            gettext("This is already the standard work of %(team)s.") % {"team": team.name}
        )
    if not entry.is_template:
        done = Adoption.objects.filter(entry=entry, team=team).select_related("card").first()
        if done is not None:
            raise ValidationError(gettext("%(team)s is already trying this.") % {"team": team.name})
    copy = None
    original = entry.cycle.card.idea if entry.cycle_id and entry.cycle else None
    if (
        original is not None
        and original.status == Idea.Status.IMPLEMENTED
        and original.team_id != team.pk
        and policy.can(by, "view_idea", original)
    ):
        copy = Idea.objects.filter(adopted_from=original, team=team).first() or adopt_idea(
            original, team=team, by=by
        )
    board = ensure_team_board(team)
    card = create_card(
        board,
        title=entry.title[:CARD_TITLE_MAX],
        description=_card_text(entry, entry.get_absolute_url()),
        labels=gettext("library"),
        idea=copy,
        by=by,
    )
    adoption = Adoption.objects.filter(card=card).first()
    if adoption is not None:
        return adoption  # the same click twice: create_card gave back the card it made
    if copy is not None and copy.status == Idea.Status.ACCEPTED:
        change_status(
            copy,
            to=Idea.Status.IN_PROGRESS,
            note=gettext("Kaizen card: %(title)s") % {"title": card.title},
            by=by,
        )
    adoption = Adoption.objects.create(entry=entry, team=team, card=card, idea=copy, by=by)
    audit.record(
        by, "library.tried", entry, {"team": team.pk, "card": card.pk, "idea": copy and copy.pk}
    )
    if entry.contact is not None and entry.contact.pk != by.pk:
        notify(
            [entry.contact],
            message=lambda: (
                gettext("%(team)s is trying “%(title)s” from the library.")
                % {"team": team.name, "title": entry.title}
            ),
            url=entry.get_absolute_url(),
            actor=by,
        )
    return adoption
