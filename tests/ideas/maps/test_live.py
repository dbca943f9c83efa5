"""A value-stream map is live: everyone viewing it sees an edit's figures, drawing and table as
soon as the edit commits, over a socket authorised like the map's page."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ideas.maps import actions, queries
from ideas.models import Idea
from tests.channels_helpers import GroupListener, socket_for
from tests.ideas.maps.conftest import step_post

HTMX = {"HTTP_HX_REQUEST": "true"}


class MapListener(GroupListener):
    """A channel subscribed to a map's group: what the map's viewers would get."""

    def __init__(self, map_id: int) -> None:
        self.group = actions.map_group(map_id)
        super().__init__(self.group)

    def messages(self) -> list[str]:
        return [message["html"] for message in self.drain(self.group)]


@pytest.fixture
def listen():
    listeners: list[MapListener] = []

    def start(map_id: int) -> MapListener:
        listeners.append(MapListener(map_id))
        return listeners[-1]

    yield start
    for listener in listeners:
        listener.close()


def _first_step(m):
    step = m.steps.order_by("position").first()
    step.map = m
    return step


# --- The socket ---------------------------------------------------------------------------


async def _socket(m, user=None):
    return await socket_for(f"/ws/maps/{m.pk}/", user)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_anonymous_socket_is_closed(vsm_map):
    connected, code = await (await _socket(vsm_map)).connect()
    assert not connected and code == 4401


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_from_someone_who_may_not_see_the_map_is_closed(vsm_map, priya, nobody):
    for outsider in (priya, nobody):
        connected, code = await (await _socket(vsm_map, outsider)).connect()
        assert not connected and code == 4403


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_viewer_receives_the_edited_map_after_commit(vsm_map, wendy, sam):
    # Wendy works in another team of the site: she may read New Claims' map but not change it.
    socket = await _socket(vsm_map, wendy)
    connected, _ = await socket.connect()
    assert connected
    step = await database_sync_to_async(_first_step)(vsm_map)

    await database_sync_to_async(actions.update_step)(
        step, values={"name": "Triage", "cycle_s": 5400.0, "cycle_unit": "h"}, by=sam
    )
    html = await socket.receive_from(timeout=5)
    assert f'id="vsm-live-{vsm_map.pk}"' in html and 'data-hx-swap-oob="true"' in html
    assert '<th scope="row">Triage</th>' in html and "process time 110 min" in html
    assert 'data-hx-swap-oob="innerHTML:#vsm-status"' in html
    assert await socket.receive_nothing(timeout=0.3)  # one edit, one message
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_refused_edit_pushes_nothing(vsm_map, wendy):
    socket = await _socket(vsm_map, wendy)
    assert (await socket.connect())[0]
    step = await database_sync_to_async(_first_step)(vsm_map)
    with pytest.raises(PermissionDenied):
        await database_sync_to_async(actions.update_step)(
            step, values={"name": "Mine now"}, by=wendy
        )
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


# --- What is broadcast, and when ----------------------------------------------------------


def test_a_step_edited_through_the_page_is_broadcast_once_after_commit(
    client, cast, vsm_map, listen, django_capture_on_commit_callbacks
):
    listener = listen(vsm_map.pk)
    step = _first_step(vsm_map)
    client.force_login(cast["sam"])
    url = reverse("maps:step-edit", args=[vsm_map.pk, step.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, step_post(name="Triage", cycle="1.5", cycle_unit="h"), **HTMX)
    assert response.status_code == 200
    assert len(callbacks) == 1
    (html,) = listener.messages()
    assert '<th scope="row">Triage</th>' in html
    lead_time = queries.workspace(vsm_map).fig["lead_time"].display
    assert f"lead time {lead_time}" in html


def test_the_broadcast_is_the_same_for_every_viewer(
    cast, vsm_map, listen, django_capture_on_commit_callbacks
):
    # It goes to people who may only read the map: no forms, no tokens, no edit links.
    listener = listen(vsm_map.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_step(vsm_map, values={"name": "Pay"}, by=cast["sam"], expected_steps=3)
    (html,) = listener.messages()
    assert '<th scope="row">Pay</th>' in html
    for private in ("csrfmiddlewaretoken", "<form", "/edit/", "Add a step", "<html"):
        assert private not in html
    # Nor the steps' kaizen-card boxes: a broadcast must not empty what kaizen filled in.
    assert "step-cards-" not in html


@pytest.mark.parametrize(
    "edit",
    [
        lambda m, by: actions.add_step(m, values={"name": "Pay"}, by=by),
        lambda m, by: actions.move_step(_first_step(m), offset=1, by=by),
        lambda m, by: actions.delete_step(_first_step(m), by=by),
        lambda m, by: actions.update_map(m, values={"demand": 920}, by=by),
    ],
    ids=["add", "move", "delete", "map details"],
)
def test_each_kind_of_edit_is_one_broadcast(
    cast, vsm_map, listen, django_capture_on_commit_callbacks, edit
):
    listener = listen(vsm_map.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        edit(vsm_map, cast["sam"])
    assert len(callbacks) == 1
    assert len(listener.messages()) == 1


def test_a_pinned_kaizen_burst_is_broadcast_once(
    cast, vsm_map, team_a, listen, django_capture_on_commit_callbacks
):
    idea = Idea.objects.create(
        team=team_a,
        author=cast["sam"],
        title="Check ID at booking",
        problem="Claims bounce",
        shared_with_partners=True,  # named on the drawing only when partners may read it too
    )
    listener = listen(vsm_map.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.link_idea_to_step(_first_step(vsm_map), idea=idea, by=cast["sam"])
        actions.link_idea_to_step(_first_step(vsm_map), idea=idea, by=cast["sam"])
    (html,) = listener.messages()
    assert "Check ID at booking" in html


def test_no_change_means_no_broadcast(cast, vsm_map, listen, django_capture_on_commit_callbacks):
    listener = listen(vsm_map.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # The first step cannot move further up; a repeated add submission adds nothing.
        actions.move_step(_first_step(vsm_map), offset=-1, by=cast["sam"])
        actions.add_step(vsm_map, values={"name": "Pay"}, by=cast["sam"], expected_steps=3)
        actions.add_step(vsm_map, values={"name": "Pay"}, by=cast["sam"], expected_steps=3)
    assert len(callbacks) == 1
    assert len(listener.messages()) == 1


# --- The page -----------------------------------------------------------------------------


def test_the_page_listens_on_the_maps_socket_and_resyncs_its_live_part(client, cast, vsm_map):
    client.force_login(cast["wendy"])
    body = client.get(reverse("maps:detail", args=[vsm_map.pk])).content.decode()
    assert f'data-ws-connect="/ws/maps/{vsm_map.pk}/?lang=en-gb"' in body
    assert f'id="vsm-live-{vsm_map.pk}"' in body and 'data-hx-trigger="resync from:body"' in body
    assert f'data-hx-select="#vsm-live-{vsm_map.pk}"' in body


def test_renaming_the_map_reaches_every_viewer_in_its_header(
    cast, vsm_map, listen, django_capture_on_commit_callbacks
):
    listener = listen(vsm_map.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_map(
            vsm_map, values={"name": "New claims, from first call", "customer": "Claimants"},
            by=cast["sam"],
        )  # fmt: skip
    (html,) = listener.messages()
    header = html[html.index(f'<div id="vsm-header-{vsm_map.pk}"') :]
    header = header[: header.index("</div>")]
    assert 'data-hx-swap-oob="true"' in header
    assert "<h1>New claims, from first call</h1>" in header and "for Claimants" in header
