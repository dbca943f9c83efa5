from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas import actions
from ideas.models import Idea
from leanhub.models import AuditEvent, Membership, Notification, Role


@pytest.fixture
def implemented(cast, idea) -> Idea:
    for status in ("accepted", "implemented"):
        actions.change_status(idea, to=status, by=cast["lee"])
    idea.refresh_from_db()
    return idea


def test_another_team_adopts_an_implemented_idea(client, cast, implemented, team_a_coaches):
    client.force_login(cast["wendy"])
    body = client.get(implemented.get_absolute_url()).content.decode()
    assert "We’ll do this too" in body and "Adopted by other teams (0)" in body
    response = client.post(
        reverse("ideas:adopt", args=[implemented.pk]), {"team": team_a_coaches.pk}
    )
    copy = Idea.objects.get(adopted_from=implemented)
    assert response["Location"] == copy.get_absolute_url()
    assert (copy.team, copy.author, copy.status) == (team_a_coaches, cast["wendy"], "accepted")
    assert AuditEvent.objects.filter(verb="idea.adopted", target_id=str(copy.pk)).exists()
    assert Notification.objects.filter(recipient=cast["sam"], message__contains="adopting").exists()
    body = client.get(implemented.get_absolute_url()).content.decode()
    assert "Adopted by other teams (1)" in body and "Work Coaches" in body


def test_an_idea_is_adopted_once_per_team_and_only_when_implemented(cast, idea, team_a_coaches):
    with pytest.raises(actions.TransitionRefused, match="implemented can be adopted"):
        actions.adopt_idea(idea, team=team_a_coaches, by=cast["wendy"])
    for status in ("accepted", "implemented"):
        actions.change_status(idea, to=status, by=cast["lee"])
    actions.adopt_idea(idea, team=team_a_coaches, by=cast["wendy"])
    with pytest.raises(actions.TransitionRefused, match="already adopted"):
        actions.adopt_idea(idea, team=team_a_coaches, by=cast["wendy"])


def test_partner_agencies_adopt_shared_ideas(client, cast, implemented, team_b):
    client.force_login(cast["priya"])
    assert client.get(implemented.get_absolute_url()).status_code == 404
    implemented.shared_with_partners = True
    implemented.save()
    client.post(reverse("ideas:adopt", args=[implemented.pk]), {"team": team_b.pk})
    copy = Idea.objects.get(adopted_from=implemented)
    assert copy.team == team_b
    # The police team's copy stays inside the police unless they share it too.
    client.force_login(cast["sam"])
    assert client.get(copy.get_absolute_url()).status_code == 200  # copied sharing setting


def test_staff_cannot_adopt_for_a_team_they_do_not_work_in(client, cast, implemented, team_a2):
    client.force_login(cast["wendy"])
    client.post(reverse("ideas:adopt", args=[implemented.pk]), {"team": team_a2.pk})
    assert not Idea.objects.filter(adopted_from=implemented).exists()


@pytest.fixture
def burden(cast, team_a) -> Idea:
    return Idea.objects.create(
        team=team_a,
        author=cast["sam"],
        title="Stop the duplicate address check",
        problem="Checked twice",
        kind="stop_doing",
        burden_name="Form AB12",
        burden_owner="government",
        minutes_per_occurrence=5,
        occurrences_per_year=12000,
    )


def test_a_lead_routes_red_tape_to_its_owners_queue(client, cast, burden):
    due = timezone.localdate() + datetime.timedelta(days=28)
    client.force_login(cast["lee"])
    response = client.post(reverse("ideas:route", args=[burden.pk]), {"reply_due_on": due})
    assert response.status_code == 302
    burden.refresh_from_db()
    assert burden.routed_at is not None and burden.reply_due_on == due
    assert AuditEvent.objects.filter(verb="idea.routed").exists()
    queue = client.get(reverse("ideas:burden-queue") + "?owner=government").content.decode()
    assert "Form AB12" in queue and "1000.0" in queue


def test_routing_is_refused_for_staff_past_dates_and_team_owned_burdens(client, cast, burden):
    client.force_login(cast["sam"])
    assert (
        client.post(
            reverse("ideas:route", args=[burden.pk]), {"reply_due_on": "2099-01-01"}
        ).status_code
        == 403
    )
    client.force_login(cast["lee"])
    body = client.post(
        reverse("ideas:route", args=[burden.pk]), {"reply_due_on": "2000-01-01"}
    ).content.decode()
    assert "The reply date must be in the future." in body
    burden.burden_owner = "team"
    burden.save()
    with pytest.raises(actions.TransitionRefused):
        actions.route_burden(burden, reply_due_on=datetime.date(2099, 1, 1), by=cast["lee"])


def test_managers_of_another_org_do_not_see_routed_burdens(client, cast, burden):
    actions.route_burden(burden, reply_due_on=datetime.date(2099, 1, 1), by=cast["lee"])
    client.force_login(cast["grace"])
    assert "Form AB12" not in client.get(reverse("ideas:burden-queue")).content.decode()


def test_people_leading_no_team_see_no_overdue_count(client, cast, idea):
    client.force_login(cast["sam"])
    assert client.get(reverse("ideas:list")).context["led_overdue"] is None
    assert Membership.objects.filter(user=cast["lee"], role=Role.LEAD).exists()
