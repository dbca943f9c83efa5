from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ideas import actions
from ideas.models import IdeaComment, IdeaFollow, IdeaSupport
from leanhub.models import Notification


def test_each_person_supports_an_idea_once(client, cast, idea):
    client.force_login(cast["wendy"])
    url = reverse("ideas:support", args=[idea.pk])
    client.post(url, {"on": "1"})
    client.post(url, {"on": "1"})
    assert IdeaSupport.objects.filter(idea=idea).count() == 1
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert (
        Notification.objects.filter(recipient=cast["sam"], message__contains="supports").count()
        == 1
    )
    client.post(url, {"on": "0"})
    assert not IdeaSupport.objects.exists()
    idea.refresh_from_db()
    assert idea.support_count == 0


def test_supporting_with_htmx_swaps_only_the_buttons(client, cast, idea):
    client.force_login(cast["wendy"])
    response = client.post(
        reverse("ideas:support", args=[idea.pk]), {"on": "1"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<section id="engage"')
    assert "Supported" in body and "(1)" in body and "<html" not in body


def test_outsiders_cannot_support_or_comment(client, cast, idea):
    client.force_login(cast["priya"])
    assert client.post(reverse("ideas:support", args=[idea.pk]), {"on": "1"}).status_code == 404
    assert client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "hi"}).status_code == 404
    assert not IdeaSupport.objects.exists() and not IdeaComment.objects.exists()


def test_partner_shared_ideas_can_be_supported_across_agencies(client, cast, idea):
    idea.shared_with_partners = True
    idea.save()
    client.force_login(cast["priya"])
    assert client.post(reverse("ideas:support", args=[idea.pk]), {"on": "1"}).status_code == 302


def test_following_an_idea_then_stopping(client, cast, idea):
    client.force_login(cast["wendy"])
    url = reverse("ideas:follow", args=[idea.pk])
    client.post(url, {"on": "1"})
    assert IdeaFollow.objects.filter(idea=idea, user=cast["wendy"]).exists()
    client.post(url, {"on": "0"})
    assert not IdeaFollow.objects.filter(idea=idea, user=cast["wendy"]).exists()


def test_a_comment_tells_the_submitter_and_makes_the_commenter_a_follower(client, cast, idea):
    client.force_login(cast["wendy"])
    response = client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "We see this too"})
    assert response.status_code == 302
    assert IdeaComment.objects.get().body == "We see this too"
    assert IdeaFollow.objects.filter(idea=idea, user=cast["wendy"]).exists()
    assert Notification.objects.filter(
        recipient=cast["sam"], message__contains="commented"
    ).exists()


def test_an_empty_comment_is_refused_with_a_field_error(client, cast, idea):
    client.force_login(cast["wendy"])
    body = client.post(reverse("ideas:comment", args=[idea.pk]), {"body": " "}).content.decode()
    assert "This field is required." in body and not IdeaComment.objects.exists()


def test_comments_can_be_edited_by_their_author_within_the_window(client, cast, idea):
    comment = actions.add_comment(idea, body="Frist", by=cast["wendy"])
    url = reverse("ideas:comment-edit", args=[idea.pk, comment.pk])
    client.force_login(cast["sam"])
    assert client.post(url, {"body": "hijack"}).status_code == 403
    client.force_login(cast["wendy"])
    assert client.post(url, {"body": "First"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "First" and comment.edited_at is not None


def test_comments_cannot_be_edited_after_the_window(client, cast, idea):
    comment = actions.add_comment(idea, body="Old", by=cast["wendy"])
    IdeaComment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied, match="15 minutes"):
        actions.edit_comment(comment, body="New", by=cast["wendy"])
    client.force_login(cast["wendy"])
    url = reverse("ideas:comment-edit", args=[idea.pk, comment.pk])
    assert client.get(url).status_code == 403
    assert "Edit" not in client.get(idea.get_absolute_url()).content.decode().split("Old")[1][:200]


@pytest.mark.parametrize("name", ["ideas:support", "ideas:follow", "ideas:comment", "ideas:adopt"])
def test_state_changes_answer_only_post(client, cast, idea, name):
    client.force_login(cast["sam"])
    assert client.get(reverse(name, args=[idea.pk])).status_code == 405


def test_anonymous_people_cannot_engage(client, idea):
    response = client.post(reverse("ideas:support", args=[idea.pk]), {"on": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not IdeaSupport.objects.exists()
