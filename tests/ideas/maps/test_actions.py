"""Value-stream map actions: future states, the target, kaizen bursts, and who may do them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from ideas.maps import actions
from ideas.maps.models import KaizenBurst, ValueStreamMap
from ideas.models import Idea
from leanhub.models import AuditEvent


@pytest.fixture
def vsm_idea(cast, team_a) -> Idea:
    return Idea.objects.create(
        team=team_a,
        author=cast["sam"],
        title="Check ID at booking",
        problem="Claims bounce back",
        # Shared with partners: the drawing goes to everyone who may see the map, partnership
        # leads included, so only such an idea is named on it (tests/test_conformance.py).
        shared_with_partners=True,
    )


def test_a_future_state_is_a_full_copy_of_the_current_state(cast, vsm_map):
    future = actions.clone_to_future(vsm_map, name="Future A", by=cast["sam"])
    assert (future.state, future.current, future.team) == ("future", vsm_map, vsm_map.team)
    assert future.demand == vsm_map.demand and future.shift_s == vsm_map.shift_s
    copied = list(
        future.steps.order_by("position").values_list("name", "position", "cycle_s", "wait_s")
    )
    original = list(
        vsm_map.steps.order_by("position").values_list("name", "position", "cycle_s", "wait_s")
    )
    assert copied == original
    assert AuditEvent.objects.filter(verb="vsm.cloned", target_id=str(future.pk)).exists()


def test_cloning_a_future_makes_a_sibling_of_the_same_current_state(cast, vsm_map):
    a = actions.clone_to_future(vsm_map, name="Future A", by=cast["sam"])
    b = actions.clone_to_future(a, name="Future B", by=cast["sam"])
    assert b.current == vsm_map
    assert set(vsm_map.futures.values_list("name", flat=True)) == {"Future A", "Future B"}


def test_a_repeated_clone_submission_makes_one_future(cast, vsm_map):
    a = actions.clone_to_future(vsm_map, name="F", by=cast["sam"], submission_token="t1")
    b = actions.clone_to_future(vsm_map, name="F", by=cast["sam"], submission_token="t1")
    assert a == b and vsm_map.futures.count() == 1


def test_one_future_is_the_target_at_a_time(cast, vsm_map):
    a = actions.clone_to_future(vsm_map, name="Future A", by=cast["sam"])
    b = actions.clone_to_future(vsm_map, name="Future B", by=cast["sam"])
    actions.mark_target(a, by=cast["lee"])
    actions.mark_target(b, by=cast["lee"])
    assert list(ValueStreamMap.objects.filter(is_target=True)) == [b]
    with pytest.raises(ValidationError, match="Only a future state"):
        actions.mark_target(vsm_map, by=cast["lee"])
    assert AuditEvent.objects.filter(verb="vsm.target_set").count() == 2


def test_people_outside_the_team_cannot_change_its_maps(cast, vsm_map):
    with pytest.raises(PermissionDenied):
        actions.clone_to_future(vsm_map, name="Mine", by=cast["wendy"])
    with pytest.raises(Http404):
        actions.move_step(vsm_map.steps.first(), offset=1, by=cast["priya"])
    assert not vsm_map.futures.exists()


@pytest.mark.parametrize("who", ["sam", "lee", "maya", "dev", "ada"])
def test_members_leads_and_managers_may_edit(cast, vsm_map, who):
    step = actions.add_step(vsm_map, values={"name": f"By {who}"}, by=cast[who])
    assert step.position == 3


def test_an_idea_is_linked_to_a_step_as_a_kaizen_burst(cast, vsm_map, vsm_idea):
    step = vsm_map.steps.first()
    burst = actions.link_idea_to_step(step, idea=vsm_idea, by=cast["sam"])
    again = actions.link_idea_to_step(step, idea=vsm_idea, by=cast["sam"])
    assert burst == again and KaizenBurst.objects.count() == 1
    assert (burst.step, burst.idea, burst.created_by) == (step, vsm_idea, cast["sam"])
    assert AuditEvent.objects.filter(verb="vsm.idea_linked").count() == 1


def test_an_idea_the_person_cannot_see_cannot_be_linked(cast, vsm_map, team_b):
    hidden = Idea.objects.create(
        team=team_b, author=cast["priya"], title="Police only", problem="x"
    )
    with pytest.raises(Http404):
        actions.link_idea_to_step(vsm_map.steps.first(), idea=hidden, by=cast["sam"])
    assert not KaizenBurst.objects.exists()


def test_a_kaizen_burst_is_drawn_on_its_step_and_links_to_the_idea(client, cast, vsm_map, vsm_idea):
    actions.link_idea_to_step(vsm_map.steps.first(), idea=vsm_idea, by=cast["sam"])
    client.force_login(cast["sam"])
    body = client.get(vsm_map.get_absolute_url()).content.decode()
    idea_url = reverse("ideas:detail", args=[vsm_idea.pk])
    assert f'<a href="{idea_url}" tabindex="-1" aria-label="Kaizen: Check ID at booking">' in body
    assert f'Kaizen: <a href="{idea_url}">Check ID at booking</a>' in body
    assert 'class="vsm-burst"' in body


def test_the_compare_page_shows_deltas_for_the_chosen_future(client, cast, vsm_map):
    future = actions.clone_to_future(vsm_map, name="Future A", by=cast["sam"])
    # Halve the first wait: 1 day → 0.5 day.
    future.steps.filter(position=0).update(wait_s=43200)
    client.force_login(cast["wendy"])
    response = client.get(reverse("maps:compare", args=[vsm_map.pk]) + f"?with={future.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    # Lead: 3 × 25,200 + 3 × 600 + 3,600 = 81,000 s → 68,400 s: −15.6 %.
    assert "−15.6 %" in body and "3.21 days" in body and "2.71 days" in body
    assert "(better)" in body


def test_the_compare_page_is_404_without_a_future_or_for_outsiders(client, cast, vsm_map):
    client.force_login(cast["sam"])
    assert client.get(reverse("maps:compare", args=[vsm_map.pk])).status_code == 404
    actions.clone_to_future(vsm_map, name="Future A", by=cast["sam"])
    client.force_login(cast["priya"])
    assert client.get(reverse("maps:compare", args=[vsm_map.pk])).status_code == 404


def test_the_clone_and_target_buttons_work_from_the_page(client, cast, vsm_map):
    client.force_login(cast["sam"])
    response = client.post(
        reverse("maps:clone", args=[vsm_map.pk]), {"name": "Future A", "submission_token": "x"}
    )
    future = vsm_map.futures.get()
    assert response["Location"] == future.get_absolute_url()
    client.post(reverse("maps:target", args=[future.pk]))
    future.refresh_from_db()
    assert future.is_target


def test_an_idea_is_pinned_to_a_step_from_its_editor(client, cast, vsm_map, vsm_idea):
    step = vsm_map.steps.first()
    client.force_login(cast["sam"])
    editor = client.get(
        reverse("maps:step-edit", args=[vsm_map.pk, step.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'<option value="{vsm_idea.pk}">Check ID at booking</option>' in editor
    url = reverse("maps:step-link-idea", args=[vsm_map.pk, step.pk])
    response = client.post(url, {"idea": vsm_idea.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Kaizen:" in response.content.decode()
    assert KaizenBurst.objects.get().step == step
    assert client.post(url, {"idea": "x"}).status_code == 400
    assert client.get(url).status_code == 405


def test_a_colleague_outside_the_team_cannot_pin_ideas(client, cast, vsm_map, vsm_idea):
    step = vsm_map.steps.first()
    client.force_login(cast["wendy"])
    url = reverse("maps:step-link-idea", args=[vsm_map.pk, step.pk])
    assert client.post(url, {"idea": vsm_idea.pk}).status_code == 403
    assert not KaizenBurst.objects.exists()


def test_a_map_is_deleted_only_once_its_futures_are_gone(client, cast, vsm_map):
    future = actions.clone_to_future(vsm_map, name="Future A", by=cast["sam"])
    client.force_login(cast["sam"])
    client.post(reverse("maps:delete", args=[vsm_map.pk]))
    assert ValueStreamMap.objects.filter(pk=vsm_map.pk).exists()
    client.post(reverse("maps:delete", args=[future.pk]))
    response = client.post(reverse("maps:delete", args=[vsm_map.pk]))
    assert response["Location"] == reverse("maps:list")
    assert not ValueStreamMap.objects.exists()
    assert AuditEvent.objects.filter(verb="vsm.deleted").count() == 2


def test_only_the_team_may_delete_its_map(client, cast, vsm_map):
    client.force_login(cast["wendy"])
    assert client.post(reverse("maps:delete", args=[vsm_map.pk])).status_code == 403
    client.force_login(cast["priya"])
    assert client.post(reverse("maps:delete", args=[vsm_map.pk])).status_code == 404
    assert ValueStreamMap.objects.filter(pk=vsm_map.pk).exists()


def test_a_step_a_colleague_added_or_removed_meanwhile_does_not_swallow_ones_own(cast, vsm_map):
    # Both add forms were shown with three steps; each person's step is added.
    actions.add_step(vsm_map, values={"name": "Pay"}, by=cast["lee"], expected_steps=3)
    added = actions.add_step(
        vsm_map, values={"name": "Tell the claimant"}, by=cast["sam"], expected_steps=3
    )
    assert added is not None
    actions.delete_step(vsm_map.steps.get(name="Pay"), by=cast["lee"])
    assert actions.add_step(vsm_map, values={"name": "Close"}, by=cast["sam"], expected_steps=5)
    assert list(vsm_map.steps.order_by("position").values_list("name", flat=True))[3:] == [
        "Tell the claimant",
        "Close",
    ]
