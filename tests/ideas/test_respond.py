from __future__ import annotations

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from ideas import actions
from ideas.models import Idea, IdeaFollow
from leanhub import mail as outbox
from leanhub.models import AuditEvent, Notification

S = Idea.Status


def _respond(client, idea, **data):
    return client.post(reverse("ideas:respond", args=[idea.pk]), data)


def test_a_lead_moves_an_idea_along_and_each_step_is_on_the_timeline(client, cast, idea):
    client.force_login(cast["lee"])
    for status in (S.UNDER_REVIEW, S.ACCEPTED, S.IN_PROGRESS, S.IMPLEMENTED):
        assert _respond(client, idea, status=status, note=f"now {status}").status_code == 302
    idea.refresh_from_db()
    assert idea.status == S.IMPLEMENTED and idea.implemented_at is not None
    assert list(idea.events.values_list("to_status", flat=True)) == [
        "under_review",
        "accepted",
        "in_progress",
        "implemented",
    ]
    assert AuditEvent.objects.filter(verb="idea.status_changed").count() == 4
    client.force_login(cast["sam"])
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "now in_progress" in body and "Implemented" in body


def test_followers_hear_about_responses_in_app_and_by_email(
    cast, idea, django_capture_on_commit_callbacks, mailoutbox
):
    IdeaFollow.objects.create(idea=idea, user=cast["wendy"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(idea, to=S.UNDER_REVIEW, by=cast["lee"])
    outbox.deliver_due()
    assert Notification.objects.get(recipient=cast["wendy"]).message.startswith(
        "An idea you follow"
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["sam@example.org", "wendy@example.org"]


def test_staff_may_see_but_not_respond(client, cast, idea):
    client.force_login(cast["sam"])
    assert _respond(client, idea, status=S.ACCEPTED).status_code == 403
    assert "Record response" not in client.get(idea.get_absolute_url()).content.decode()


def test_people_outside_the_organisation_get_a_404(client, cast, idea):
    client.force_login(cast["olu"])
    assert _respond(client, idea, status=S.ACCEPTED).status_code == 404
    assert client.get(idea.get_absolute_url()).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, idea):
    response = client.get(idea.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_responding_answers_only_post(client, cast, idea):
    client.force_login(cast["lee"])
    assert client.get(reverse("ideas:respond", args=[idea.pk])).status_code == 405


def test_declining_without_a_reason_is_refused_with_the_reason(client, cast, idea):
    client.force_login(cast["lee"])
    response = _respond(client, idea, status=S.DECLINED, note="")
    assert response.status_code == 200
    assert "Say why the idea is declined" in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == S.NEW


def test_parking_needs_a_future_revisit_date(client, cast, idea):
    cast["lee"].language = "cy"  # the lead works in Welsh
    cast["lee"].save(update_fields=["language"])
    client.force_login(cast["lee"])
    body = _respond(client, idea, status=S.PARKED).content.decode()
    assert "Rhowch ddyddiad yn y dyfodol" in body
    later = timezone.localdate() + datetime.timedelta(days=30)
    _respond(client, idea, status=S.PARKED, revisit_on=later.isoformat())
    idea.refresh_from_db()
    assert (idea.status, idea.parked_until) == (S.PARKED, later)
    # Sam reads English (the site's language; he chose none): the lead's Welsh stays hers.
    told = Notification.objects.filter(recipient=cast["sam"]).latest("pk").message
    with translation.override("en-gb"):
        assert f"parked until {date_format(later, 'DATE_FORMAT')}." in told


def test_the_revisit_date_is_written_as_the_recipients_language_writes_dates(client, cast, idea):
    cast["sam"].language = "cy"
    cast["sam"].save(update_fields=["language"])
    client.force_login(cast["lee"])  # the lead works in English
    later = timezone.localdate() + datetime.timedelta(days=30)
    _respond(client, idea, status=S.PARKED, revisit_on=later.isoformat())
    told = Notification.objects.filter(recipient=cast["sam"]).latest("pk").message
    with translation.override("cy"):  # no English month abbreviation
        assert date_format(later, "DATE_FORMAT") in told


def test_a_managers_in_scope_respond_too(client, cast, idea):
    client.force_login(cast["maya"])
    assert _respond(client, idea, status=S.ACCEPTED).status_code == 302


def test_merging_a_duplicate_moves_supporters_and_followers(cast, idea, team_a):
    original = Idea.objects.create(team=team_a, author=cast["lee"], title="Prefill", problem="p")
    actions.set_support(idea, on=True, by=cast["wendy"])
    actions.set_support(idea, on=True, by=cast["maya"])
    actions.set_support(original, on=True, by=cast["maya"])
    IdeaFollow.objects.create(idea=idea, user=cast["dev"])
    actions.change_status(idea, to=S.DUPLICATE, duplicate_of=original, by=cast["lee"])
    idea.refresh_from_db()
    assert idea.status == S.DUPLICATE and idea.merged_into == original
    assert set(original.supports.values_list("user__username", flat=True)) == {"wendy", "maya"}
    assert not idea.supports.exists()
    original.refresh_from_db()
    assert (idea.support_count, original.support_count) == (0, 2)
    assert {"dev", "sam"} <= set(original.follows.values_list("user__username", flat=True))


def test_a_duplicate_needs_an_idea_one_can_see(client, cast, idea, team_b):
    hidden = Idea.objects.create(team=team_b, author=cast["priya"], title="x", problem="p")
    client.force_login(cast["lee"])
    body = _respond(client, idea, status=S.DUPLICATE, duplicate_of=hidden.pk).content.decode()
    assert "There is no idea with that number you can see." in body
    with pytest.raises(actions.TransitionRefused):
        actions.change_status(idea, to=S.DUPLICATE, duplicate_of=idea, by=cast["lee"])


def test_ideas_past_the_organisations_target_are_overdue_for_leads(client, cast, idea, org_a):
    org_a.first_response_days = 3
    org_a.save()
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))
    fresh = Idea.objects.create(team=idea.team, author=cast["sam"], title="Fresh", problem="p")
    assert list(Idea.objects.overdue([org_a])) == [Idea.objects.get(pk=idea.pk)]
    client.force_login(cast["lee"])
    body = client.get(reverse("ideas:list")).content.decode()
    assert "1 idea of your teams is overdue for a first response" in body
    detail = client.get(idea.get_absolute_url()).content.decode()
    assert "Overdue for a response" in detail
    assert "Overdue for a response" not in client.get(fresh.get_absolute_url()).content.decode()
    actions.change_status(idea, to=S.UNDER_REVIEW, by=cast["lee"])
    assert not Idea.objects.overdue([org_a]).exists()


def test_the_idea_shows_its_age_and_time_to_first_response(client, cast, idea):
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    actions.change_status(idea, to=S.UNDER_REVIEW, by=cast["lee"])
    client.force_login(cast["sam"])
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "<dt>Age</dt><dd>2\xa0days" in body
    assert "after 2\xa0days" in body


def test_the_index_of_unanswered_ideas_leaves_out_exactly_the_closed_statuses():
    """The partial index the overdue counts read names the closed statuses itself (a model's
    Meta cannot read the model's own constants): it must name the same ones."""
    index = next(i for i in Idea._meta.indexes if i.name == "idea_unanswered_team_idx")
    closed = next(c for c in index.condition.children if isinstance(c, Q))
    assert closed.negated
    assert set(dict(closed.children)["status__in"]) == set(Idea.CLOSED_STATUSES)
