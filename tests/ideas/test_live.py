"""Responses reach the person who raised the idea live, through their personal socket."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from ideas import actions
from ideas.models import Idea
from leanhub.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def test_the_submitter_sees_the_new_count_when_a_lead_responds(sam, lee, team_a):
    cookie = await database_sync_to_async(_cookie)(sam)
    socket = WebsocketCommunicator(
        application,
        "/ws/me/",
        headers=[(b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())],
    )
    assert (await socket.connect())[0]
    idea = await database_sync_to_async(Idea.objects.create)(
        team=team_a, author=sam, title="Pre-fill the claim form", problem="Typing twice"
    )
    await database_sync_to_async(actions.change_status)(idea, to="accepted", by=lee)
    html = await socket.receive_from(timeout=5)
    assert 'id="notification-count"' in html and 'data-count="1"' in html
    await socket.disconnect()


async def test_a_refused_response_pushes_nothing(sam, lee, team_a):
    cookie = await database_sync_to_async(_cookie)(sam)
    socket = WebsocketCommunicator(
        application,
        "/ws/me/",
        headers=[(b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())],
    )
    assert (await socket.connect())[0]
    idea = await database_sync_to_async(Idea.objects.create)(
        team=team_a, author=sam, title="Pre-fill the claim form", problem="Typing twice"
    )
    with pytest.raises(actions.TransitionRefused):
        await database_sync_to_async(actions.change_status)(idea, to="declined", note="", by=lee)
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()
