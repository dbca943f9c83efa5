"""State changes of ideas. Object first, the rest keyword-only, the acting user as ``by``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ideas.models import Idea, IdeaEvent
from leanhub import audit, policy
from leanhub.notifications import notify

S = Idea.Status

# Where an idea may go from each status. Declined, parked and duplicate can be reopened for review.
TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.UNDER_REVIEW, S.ACCEPTED, S.DECLINED, S.PARKED, S.DUPLICATE},
    S.UNDER_REVIEW: {S.ACCEPTED, S.DECLINED, S.PARKED, S.DUPLICATE},
    S.ACCEPTED: {S.IN_PROGRESS, S.IMPLEMENTED, S.PARKED, S.DECLINED},
    S.IN_PROGRESS: {S.IMPLEMENTED, S.PARKED, S.ACCEPTED},
    S.IMPLEMENTED: set(),
    S.DECLINED: {S.UNDER_REVIEW},
    S.PARKED: {S.UNDER_REVIEW, S.ACCEPTED},
    S.DUPLICATE: {S.UNDER_REVIEW},
}


class TransitionRefused(ValidationError):
    """An idea cannot move that way; the message says why, for the person who tried."""


@transaction.atomic
def change_status(idea: Idea, *, to: str, note: str = "", by) -> IdeaEvent:
    """Move ``idea`` to status ``to``: refuses moves outside TRANSITIONS, a decline without a
    reason, and anyone who may not respond to the idea. Records the event on the idea's timeline
    and in the audit trail, stamps the first response, and notifies the submitter."""
    policy.require(
        by,
        "respond_to_idea",
        idea,
        reason="Only the team's leads and managers can respond to this idea.",
    )
    idea = Idea.objects.select_for_update().select_related("team__site").get(pk=idea.pk)
    if to not in TRANSITIONS[idea.status]:
        raise TransitionRefused(
            f"An idea that is {idea.get_status_display().lower()} cannot be marked "
            f"{S(to).label.lower()}."
        )
    if to == S.DECLINED and not note.strip():
        raise TransitionRefused(
            "Say why the idea is declined: the person who raised it will read it."
        )
    from_status = idea.status
    idea.status = to
    if idea.first_response_at is None:
        idea.first_response_at = timezone.now()
    if to == S.IMPLEMENTED:
        idea.implemented_at = timezone.now()
    idea.save(update_fields=["status", "first_response_at", "implemented_at", "updated_at"])
    event = IdeaEvent.objects.create(
        idea=idea, actor=by, from_status=from_status, to_status=to, note=note.strip()
    )
    audit.record(
        by, "idea.status_changed", idea, {"from": from_status, "to": to, "note": note.strip()}
    )
    notify(
        [idea.author],
        message=f"Your idea “{idea.title}” is now {S(to).label.lower()}.",
        url=idea.get_absolute_url(),
        actor=by,
    )
    return event
