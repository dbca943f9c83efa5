from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from ideas.models import Idea, IdeaFollow
from leanhub.models import AuditEvent, Notification


def _post(client, **overrides):
    data = {
        "title": "Pre-fill the address on the claim form",
        "problem": "Customers give their address three times.",
        "proposal": "Copy it from the first screen.",
        "team": overrides.pop("team_id"),
        "kind": "improvement",
        "wastes": ["processing", "waiting"],
        "minutes_per_occurrence": "3",
        "occurrences_per_year": "4000",
        "money_per_year": "",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return client.post(reverse("ideas:new"), data)


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.get(reverse("ideas:new"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_form_defaults_to_my_team_and_says_hidden_names_are_hidden(client, cast, team_a):
    client.force_login(cast["sam"])
    body = client.get(reverse("ideas:new")).content.decode()
    assert f'<option value="{team_a.pk}" selected>' in body
    assert "hidden from everyone except LeanHub administrators" in body
    assert 'hx-trigger="keyup changed delay:400ms"' in body


def test_the_form_carries_a_value_stream_step_through(client, cast):
    client.force_login(cast["sam"])
    body = client.get(reverse("ideas:new") + "?step=42").content.decode()
    assert 'name="step" value="42"' in body


def test_staff_raise_an_idea_and_their_lead_hears_about_it(client, cast, team_a):
    client.force_login(cast["sam"])
    response = _post(client, team_id=team_a.pk)
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    assert (idea.author, idea.team, idea.status) == (cast["sam"], team_a, Idea.Status.NEW)
    assert idea.waste_list == ["waiting", "processing"]
    assert str(idea.hours_per_year) == "200.0"
    assert IdeaFollow.objects.filter(idea=idea, user=cast["sam"]).exists()
    assert Notification.objects.filter(recipient=cast["lee"], message__contains="New idea").exists()
    assert AuditEvent.objects.filter(verb="idea.submitted", target_id=str(idea.pk)).exists()


def test_a_double_click_creates_one_idea(client, cast, team_a):
    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    first = _post(client, team_id=team_a.pk, token=token)
    second = _post(client, team_id=team_a.pk, token=token)
    assert Idea.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_failed_submission_keeps_everything_typed(client, cast, team_a):
    client.force_login(cast["sam"])
    response = _post(client, team_id=team_a.pk, title="", occurrences_per_year="")
    body = response.content.decode()
    assert response.status_code == 200 and not Idea.objects.exists()
    assert "Customers give their address three times." in body
    assert 'value="3"' in body and 'value="processing" id="id_wastes_7" checked' in body
    assert "This field is required." in body
    assert "Give both the minutes each time and the times a year" in body


def test_stop_doing_ideas_must_name_the_burden_and_its_owner(client, cast, team_a):
    client.force_login(cast["sam"])
    body = _post(client, team_id=team_a.pk, kind="stop_doing").content.decode()
    assert "Name the form, report or rule to stop." in body
    assert "Say who owns it" in body
    _post(
        client,
        team_id=team_a.pk,
        kind="stop_doing",
        burden_name="Weekly paper tally",
        burden_owner="organisation",
    )
    assert Idea.objects.get().burden_name == "Weekly paper tally"


def test_nobody_can_raise_an_idea_for_another_organisations_team(client, cast, team_b):
    client.force_login(cast["sam"])
    body = _post(client, team_id=team_b.pk).content.decode()
    assert "Select a valid choice" in body and not Idea.objects.exists()


def test_people_without_a_team_are_told_why_they_cannot_raise_ideas(client, cast):
    client.force_login(cast["nobody"])
    assert client.get(reverse("ideas:new")).status_code == 403


def test_the_form_answers_only_get_and_post(client, cast):
    client.force_login(cast["sam"])
    assert client.put(reverse("ideas:new")).status_code == 405


@pytest.mark.parametrize("who", ["sam", "lee", "maya", "ada"])
def test_hidden_names_are_shown_only_to_administrators_and_the_author(client, cast, team_a, who):
    idea = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Quiet one", problem="p", hide_name=True
    )
    client.force_login(cast[who])
    raised_by = client.get(idea.get_absolute_url()).content.decode().split("Raised by")[1][:60]
    if who == "ada":
        assert "Sam" in raised_by
    elif who == "sam":
        # The author knows who they are; the page says others do not.
        assert "You (hidden from others)" in raised_by and "Sam" not in raised_by
    else:
        assert "Name hidden" in raised_by and "Sam" not in raised_by


def test_a_hidden_submitter_commenting_on_their_idea_stays_hidden(client, cast, team_a):
    from ideas import actions

    idea = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Quiet one", problem="p", hide_name=True
    )
    IdeaFollow.objects.create(idea=idea, user=cast["wendy"])
    actions.add_comment(idea, body="More detail from me", by=cast["sam"])
    told = Notification.objects.get(recipient=cast["wendy"])
    assert told.message.startswith("The person who raised it") and told.actor is None
    assert not Notification.objects.filter(recipient=cast["sam"]).exists()
    client.force_login(cast["lee"])
    comments = client.get(idea.get_absolute_url()).content.decode().split('id="h-comments"')[1]
    assert "The person who raised it" in comments and "Sam" not in comments
