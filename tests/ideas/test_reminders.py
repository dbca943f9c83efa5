"""The ideas' daily job: parked ideas come back for review when their date comes, and leads
hear about ideas waiting past the first-response target."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea, IdeaEvent, IdeaFollow
from leanhub import mail as outbox
from leanhub.models import AuditEvent, Notification


def _daily_job() -> str:
    out = StringIO()
    call_command("remind_idea_leads", stdout=out)
    return out.getvalue()


@pytest.fixture
def park(cast, team_a):
    def make(title: str, *, days_from_today: int) -> Idea:
        return Idea.objects.create(
            team=team_a,
            author=cast["sam"],
            title=title,
            problem="p",
            status=Idea.Status.PARKED,
            parked_until=timezone.localdate() + datetime.timedelta(days=days_from_today),
            first_response_at=timezone.now(),
        )

    return make


def test_leads_hear_about_ideas_waiting_past_the_response_target(cast, idea, team_b):
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - datetime.timedelta(days=9))
    Idea.objects.create(team=team_b, author=cast["priya"], title="Fresh", problem="p")
    assert "Reminded 1 team lead." in _daily_job()
    message = Notification.objects.get(recipient=cast["lee"]).message
    assert message == "New Claims: 1 idea waiting past the response target."
    assert not Notification.objects.filter(recipient=cast["olu"]).exists()


def test_nothing_to_say_means_no_reminders(cast, idea):
    out = _daily_job()
    assert "Brought 0 parked ideas back for review." in out
    assert "Reminded 0 team leads." in out
    assert not Notification.objects.exists()


def test_an_idea_parked_until_yesterday_comes_back_for_review(cast, park):
    idea = park("Text reminders", days_from_today=-1)
    IdeaFollow.objects.create(idea=idea, user=cast["sam"])
    IdeaFollow.objects.create(idea=idea, user=cast["wendy"])

    assert "Brought 1 parked idea back for review." in _daily_job()

    idea.refresh_from_db()
    assert (idea.status, idea.parked_until) == (Idea.Status.UNDER_REVIEW, None)
    event = IdeaEvent.objects.get(idea=idea)
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        None,
        "parked",
        "under_review",
        "Back for review: the revisit date came",
    )
    audit = AuditEvent.objects.get(verb="idea.status_changed", target_id=str(idea.pk))
    assert audit.actor is None and audit.payload["to"] == "under_review"
    told = Notification.objects.filter(url=idea.get_absolute_url())
    assert sorted(n.recipient.username for n in told) == ["lee", "sam", "wendy"]
    assert {n.message for n in told} == {
        "“Text reminders” is back for review: its revisit date came."
    }
    assert all(n.actor is None for n in told)


def test_an_idea_parked_until_today_comes_back_and_one_until_tomorrow_stays(cast, park):
    today = park("Due today", days_from_today=0)
    tomorrow = park("Due tomorrow", days_from_today=1)
    _daily_job()
    today.refresh_from_db()
    tomorrow.refresh_from_db()
    assert today.status == Idea.Status.UNDER_REVIEW
    assert (tomorrow.status, tomorrow.parked_until) == (
        Idea.Status.PARKED,
        timezone.localdate() + datetime.timedelta(days=1),
    )
    assert not IdeaEvent.objects.filter(idea=tomorrow).exists()
    assert not Notification.objects.filter(url=tomorrow.get_absolute_url()).exists()


def test_a_second_run_the_same_day_changes_nothing(cast, park):
    idea = park("Text reminders", days_from_today=-3)
    _daily_job()
    counts = (IdeaEvent.objects.count(), Notification.objects.count(), AuditEvent.objects.count())
    assert "Brought 0 parked ideas back for review." in _daily_job()
    idea.refresh_from_db()
    assert idea.status == Idea.Status.UNDER_REVIEW
    assert (
        IdeaEvent.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_the_timeline_shows_the_return_as_leanhubs_own_step(client, cast, park):
    idea = park("Text reminders", days_from_today=-1)
    _daily_job()
    client.force_login(cast["sam"])
    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "LeanHub: <strong>Under review</strong>" in page
    assert "Back for review: the revisit date came" in page


def test_the_leads_and_followers_hear_of_the_return_by_email_once_each(
    cast, park, mailoutbox, django_capture_on_commit_callbacks
):
    idea = park("Text reminders", days_from_today=-1)
    IdeaFollow.objects.create(idea=idea, user=cast["sam"])
    IdeaFollow.objects.create(idea=idea, user=cast["lee"])  # a lead who also follows it
    with django_capture_on_commit_callbacks(execute=True):
        _daily_job()
    outbox.deliver_due()
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == ["lee@example.org", "sam@example.org"]
    assert all("back for review" in mail.subject for mail in mailoutbox)
    assert idea.get_absolute_url() in mailoutbox[0].body
