from __future__ import annotations

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from ideas.models import Idea
from leanhub.models import Notification


def test_leads_hear_about_overdue_and_parked_ideas_once_a_day(cast, idea, team_a, team_b):
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - datetime.timedelta(days=9))
    Idea.objects.create(
        team=team_a,
        author=cast["sam"],
        title="Parked",
        problem="p",
        status="parked",
        parked_until=timezone.localdate(),
        first_response_at=timezone.now(),
    )
    Idea.objects.create(team=team_b, author=cast["priya"], title="Fresh", problem="p")
    out = StringIO()
    call_command("remind_idea_leads", stdout=out)
    assert "Reminded 1 team lead." in out.getvalue()
    message = Notification.objects.get(recipient=cast["lee"]).message
    assert message == (
        "New Claims: 1 idea waiting past the response target and "
        "1 parked idea due for another look."
    )
    assert not Notification.objects.filter(recipient=cast["olu"]).exists()


def test_nothing_to_say_means_no_reminders(cast, idea):
    out = StringIO()
    call_command("remind_idea_leads", stdout=out)
    assert "Reminded 0 team leads." in out.getvalue()
    assert not Notification.objects.exists()
