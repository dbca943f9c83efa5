"""State changes of the core app. Object first, the rest keyword-only, the acting user as ``by``."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from leanhub import audit, policy
from leanhub.models import Team, TeamAnnouncement, User
from leanhub.notifications import notify


@transaction.atomic
def post_team_announcement(team: Team, *, message: str, by: User) -> TeamAnnouncement:
    """Post a note to the whole team; every member is notified live. Leads and managers only."""
    policy.require(
        by,
        "announce_to_team",
        team,
        reason=gettext("Only a lead or manager of this team can post to it."),
    )
    announcement = TeamAnnouncement.objects.create(team=team, author=by, message=message.strip())
    members = User.objects.filter(memberships__team=team, is_active=True).distinct()

    def text() -> str:
        # Translators: a notification: who posted to the team, then what they wrote.
        return gettext("%(person)s: %(message)s") % {"person": by, "message": announcement.message}

    notify(members, message=text, url=team.get_absolute_url(), actor=by)
    audit.record(by, "team.announced", team, {"announcement": announcement.pk})
    return announcement
