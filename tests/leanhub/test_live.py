"""Live plumbing: sockets authorise through the policy, then receive fragments after commit."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from leanhub import actions, realtime
from leanhub.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cookie_for():
    def make(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return make


def _socket(
    path: str, cookie: str | None = None, origin: str = "http://localhost"
) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def test_an_anonymous_socket_is_refused(db):
    socket = _socket("/ws/me/")
    connected, code = await socket.connect()
    assert not connected
    assert code == 4401


async def test_a_socket_from_a_foreign_origin_is_refused(sam, cookie_for):
    socket = _socket(
        "/ws/me/", await database_sync_to_async(cookie_for)(sam), origin="https://evil.example"
    )
    connected, _ = await socket.connect()
    assert not connected


async def test_the_notification_count_arrives_after_commit(sam, lee, team_a, cookie_for):
    socket = _socket("/ws/me/", await database_sync_to_async(cookie_for)(sam))
    connected, _ = await socket.connect()
    assert connected

    await database_sync_to_async(actions.post_team_announcement)(
        team_a, message="Huddle at 9:30", by=lee
    )
    html = await socket.receive_from(timeout=5)
    assert 'id="notification-count"' in html
    assert 'data-hx-swap-oob="true"' in html
    assert 'data-count="1"' in html
    await socket.disconnect()


async def test_nothing_is_broadcast_for_a_rolled_back_change(sam, lee, team_a, cookie_for):
    socket = _socket("/ws/me/", await database_sync_to_async(cookie_for)(sam))
    assert (await socket.connect())[0]

    def post_then_fail() -> None:
        with transaction.atomic():
            actions.post_team_announcement(team_a, message="Never mind", by=lee)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await database_sync_to_async(post_then_fail)()
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_a_person_only_hears_their_own_feed(sam, lee, priya, team_a, cookie_for):
    socket = _socket("/ws/me/", await database_sync_to_async(cookie_for)(priya))
    assert (await socket.connect())[0]
    await database_sync_to_async(actions.post_team_announcement)(
        team_a, message="For New Claims", by=lee
    )
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_push_renders_and_sends_to_a_persons_group(sam, cookie_for):
    socket = _socket("/ws/me/", await database_sync_to_async(cookie_for)(sam))
    assert (await socket.connect())[0]
    await database_sync_to_async(realtime.push)(
        realtime.user_group(sam.pk),
        "leanhub/_notification_count.html",
        {"unread_count": 7, "oob": True},
    )
    assert 'data-count="7"' in await socket.receive_from(timeout=5)
    await socket.disconnect()
