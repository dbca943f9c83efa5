"""What the ideas app sends by e-mail, and what it adds to a person's digest."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from leanhub import jobs, mail, policy
from leanhub.models import MailFrequency, User

UPDATES = "idea_updates"
REMINDERS = "idea_reminders"
NEW_IDEAS = "idea_new"


def waiting(user: User) -> list[mail.WaitingItem]:
    """Ideas in the teams ``user`` leads that still wait for a first response."""
    if not policy.scope_of(user).led_team_ids:
        return []
    led = policy.team_q(user, "lead", prefix="team__")
    n = Idea.objects.filter(led).awaiting_response().count()
    if not n:
        return []
    text = ngettext(
        "%(count)s idea in your teams is waiting for a first response.",
        "%(count)s ideas in your teams are waiting for a first response.",
        n,
    ) % {"count": n}
    return [{"text": text, "url": reverse("ideas:list") + "?status=new"}]


def daily() -> str:
    """The ideas' daily job (the worker runs it; ``remind_idea_leads`` does the same by hand)."""
    from ideas import actions

    returned = actions.return_parked_ideas()
    told = actions.remind_leads()
    return gettext("%(returned)s parked ideas back for review, %(told)s leads reminded.") % {
        "returned": returned,
        "told": told,
    }


def register() -> None:
    mail.register_kind(UPDATES, _("Changes to your ideas and ideas you follow"))
    mail.register_kind(NEW_IDEAS, _("New ideas raised in the teams you lead"))
    mail.register_kind(
        REMINDERS, _("Reminders about ideas waiting for your team"), MailFrequency.DAILY
    )
    mail.register_waiting(waiting)
    jobs.daily("ideas daily", "ideas.mail.daily", hour=6)
