"""A live notification count is worded in the recipient's language, not the poster's."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import translation

from leanhub import actions
from leanhub.asgi import application
from tests.welsh_helpers import ensure_welsh_compiled

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _signed_in_socket(user) -> WebsocketCommunicator:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    headers = [(b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())]
    return WebsocketCommunicator(application, "/ws/me/", headers=headers)


def _choose(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


async def test_the_count_reaches_each_person_in_their_own_language(sam, lee, team_a):
    ensure_welsh_compiled()
    await database_sync_to_async(_choose)(sam, "cy")
    welsh = await database_sync_to_async(_signed_in_socket)(sam)
    assert (await welsh.connect())[0]

    def post_in_english() -> None:
        # The lead posts from an English page.
        with translation.override("en-gb"):
            actions.post_team_announcement(team_a, message="Huddle at 9:30", by=lee)

    await database_sync_to_async(post_in_english)()
    html = await welsh.receive_from(timeout=5)
    assert 'data-count="1"' in html
    assert "Hysbysiadau" in html and "Notifications" not in html
    await welsh.disconnect()


async def test_a_person_with_no_choice_gets_the_default_language(sam, lee, team_a):
    ensure_welsh_compiled()
    socket = await database_sync_to_async(_signed_in_socket)(sam)
    assert (await socket.connect())[0]

    def post_in_welsh() -> None:
        with translation.override("cy"):
            actions.post_team_announcement(team_a, message="Cyfarfod am 9:30", by=lee)

    await database_sync_to_async(post_in_welsh)()
    html = await socket.receive_from(timeout=5)
    assert "Notifications" in html and "Hysbysiadau" not in html
    await socket.disconnect()
