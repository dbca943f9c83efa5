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


def _board_socket(user, board_id: int, language: str | None) -> WebsocketCommunicator:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    headers = [(b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())]
    path = f"/ws/boards/{board_id}/" + (f"?lang={language}" if language else "")
    return WebsocketCommunicator(application, path, headers=headers)


async def _fragments(socket: WebsocketCommunicator) -> str:
    """Everything the socket receives until it falls quiet."""
    received = []
    while not await socket.receive_nothing(timeout=0.5):
        received.append(await socket.receive_from())
    return "".join(received)


async def test_a_board_moved_in_english_reaches_a_welsh_page_in_welsh(sam, lee, team_a):
    """Fragments pushed to a shared group (a board's viewers) are written in the language of
    each viewer's page, whoever made the change."""
    from kaizen import actions as kaizen_actions

    ensure_welsh_compiled()

    def board_and_card():
        board = kaizen_actions.ensure_team_board(team_a)
        card = kaizen_actions.create_card(board, title="Queue signs", by=lee)
        return board, card, list(board.columns.all())

    board, card, columns = await database_sync_to_async(board_and_card)()
    welsh = await database_sync_to_async(_board_socket)(sam, board.pk, "cy")
    english = await database_sync_to_async(_board_socket)(sam, board.pk, None)
    for socket in (welsh, english):
        assert (await socket.connect())[0]
        await _fragments(socket)  # who is viewing

    def move_in_english() -> None:
        with translation.override("en-gb"):
            kaizen_actions.move_card(
                card, to=columns[1], position=0, expected_version=card.version, by=lee
            )

    await database_sync_to_async(move_in_english)()
    in_welsh, in_english = await _fragments(welsh), await _fragments(english)
    assert f'id="card-{card.pk}"' in in_welsh and f'id="card-{card.pk}"' in in_english
    with translation.override("cy"):
        drag = translation.gettext("Drag to move")
    assert drag != "Drag to move"
    assert drag in in_welsh and "Drag to move" not in in_welsh
    assert "Drag to move" in in_english and drag not in in_english
    for socket in (welsh, english):
        await socket.disconnect()
