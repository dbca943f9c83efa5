from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ideas import actions
from ideas.models import Idea, IdeaEvent
from leanhub import mail as outbox
from leanhub.models import AuditEvent, Notification


@pytest.fixture
def idea(cast, team_a) -> Idea:
    return Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the claim form", problem="Typing twice"
    )


def test_a_lead_accepts_an_idea_and_the_submitter_hears_about_it(
    cast, idea, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = actions.change_status(
            idea, to=Idea.Status.ACCEPTED, note="Good one", by=cast["lee"]
        )
    idea.refresh_from_db()
    assert idea.status == Idea.Status.ACCEPTED and idea.first_response_at is not None
    assert (event.from_status, event.to_status, event.actor) == ("new", "accepted", cast["lee"])
    assert AuditEvent.objects.filter(verb="idea.status_changed", target_id=str(idea.pk)).exists()
    assert Notification.objects.get(recipient=cast["sam"]).message.startswith("Your idea")
    # The live count push, and the worker asked to deliver the e-mail written to the outbox;
    # and the event for webhooks (leanhub/events.py).
    assert sorted(str(getattr(c, "leanhub_event", "")) for c in callbacks) == [
        "",
        "",
        "idea.status_changed",
    ]
    assert mailoutbox == []  # nothing is sent inside the request
    assert outbox.deliver_due() == 1
    assert [m.to for m in mailoutbox] == [["sam@example.org"]]
    assert "is now accepted" in mailoutbox[0].subject


def test_declining_needs_a_reason(cast, idea):
    with pytest.raises(actions.TransitionRefused, match="Say why"):
        actions.change_status(idea, to=Idea.Status.DECLINED, note="  ", by=cast["lee"])
    idea.refresh_from_db()
    assert idea.status == Idea.Status.NEW and not IdeaEvent.objects.exists()


def test_a_declined_idea_cannot_be_implemented(cast, idea):
    actions.change_status(idea, to=Idea.Status.DECLINED, note="Not ours to change", by=cast["lee"])
    with pytest.raises(actions.TransitionRefused, match="declined cannot be marked implemented"):
        actions.change_status(idea, to=Idea.Status.IMPLEMENTED, by=cast["lee"])


def test_staff_cannot_respond_and_outsiders_cannot_see(cast, idea):
    with pytest.raises(PermissionDenied):
        actions.change_status(idea, to=Idea.Status.ACCEPTED, by=cast["sam"])
    with pytest.raises(Http404):
        actions.change_status(idea, to=Idea.Status.ACCEPTED, by=cast["olu"])


def test_the_idea_page_shows_the_timeline_and_hides_outside_scope(client, cast, idea):
    from django.urls import reverse

    actions.change_status(idea, to=Idea.Status.DECLINED, note="Handled nationally", by=cast["lee"])
    client.force_login(cast["sam"])
    body = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Declined" in body and "Handled nationally" in body
    client.force_login(cast["priya"])
    assert client.get(reverse("ideas:detail", args=[idea.pk])).status_code == 404
