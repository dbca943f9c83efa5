"""A live notification count is worded in the recipient's language, not the poster's."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import translation

from leanhub import actions
from leanhub.asgi import application
from tests.channels_helpers import GroupListener
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


async def test_a_board_moved_in_english_reaches_a_welsh_page_in_welsh(sam, lee, team_a):
    """Fragments pushed to a shared group (a board's viewers) are written in the language of
    each viewer's page, whoever made the change: a socket opened from a Welsh page joins the
    Welsh part of the board's group, and the move is rendered in Welsh for it."""
    from kaizen import actions as kaizen_actions
    from leanhub import realtime

    ensure_welsh_compiled()

    def board_and_card():
        board = kaizen_actions.ensure_team_board(team_a)
        card = kaizen_actions.create_card(board, title="Queue signs", by=lee)
        return board, card, list(board.columns.all())

    board, card, columns = await database_sync_to_async(board_and_card)()
    group = kaizen_actions.board_group(board.pk)
    assert realtime.language_group(group, "cy") == f"{group}.cy"
    assert realtime.language_group(group, "en-gb") == group

    def move_in_english() -> list[str]:
        listener = GroupListener(realtime.language_group(group, "cy"), group)
        try:
            with translation.override("en-gb"):
                kaizen_actions.move_card(
                    card, to=columns[1], position=0, expected_version=card.version, by=lee
                )
            welsh = [m["html"] for m in listener.drain(realtime.language_group(group, "cy"))]
            english = [m["html"] for m in listener.drain(group)]
        finally:
            listener.close()
        return ["".join(welsh), "".join(english)]

    in_welsh, in_english = await database_sync_to_async(move_in_english)()
    assert f'id="card-{card.pk}"' in in_welsh and f'id="card-{card.pk}"' in in_english
    with translation.override("cy"):
        drag = translation.gettext("Drag to move")
    assert drag != "Drag to move"
    assert drag in in_welsh and "Drag to move" not in in_welsh
    assert "Drag to move" in in_english and drag not in in_english


async def test_a_socket_reads_its_pages_language_from_its_address(sam):
    """The page names its language in the socket's address; else the person's choice counts."""
    from leanhub.consumers import FragmentConsumer

    consumer = FragmentConsumer()
    consumer.scope = {"query_string": b"lang=cy"}
    assert consumer.language(sam) == "cy"
    consumer.scope = {"query_string": b"lang=xx"}  # not offered: the person's choice, or the site's
    assert consumer.language(sam) == "en-gb"
    sam.language = "cy"
    assert consumer.language(sam) == "cy"
