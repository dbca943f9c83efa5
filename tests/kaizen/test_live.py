"""The board's socket: authorised by the policy, told about changes after commit, and it shows
who is watching."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from kaizen import actions
from kaizen.models import BoardViewer
from tests.channels_helpers import socket_for

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _socket(board, user=None):
    return await socket_for(f"/ws/boards/{board.pk}/", user)


async def _receive_until(socket, marker: str) -> str:
    for _ in range(5):
        html = await socket.receive_from(timeout=5)
        if marker in html:
            return html
    raise AssertionError(f"No message with {marker!r}")


async def test_an_anonymous_socket_is_closed(board_a):
    socket = await _socket(board_a)
    connected, code = await socket.connect()
    assert not connected and code == 4401


async def test_a_socket_from_another_organisation_is_closed(board_a, priya):
    socket = await _socket(board_a, priya)
    connected, code = await socket.connect()
    assert not connected and code == 4403
    assert not await database_sync_to_async(BoardViewer.objects.exists)()


async def test_a_member_receives_the_moved_columns_after_commit(board_a, sam, lee, col, make_cards):
    (card,) = await database_sync_to_async(make_cards)(1, col("Plan"))
    socket = await _socket(board_a, sam)
    connected, _ = await socket.connect()
    assert connected
    await _receive_until(socket, "board-viewers")

    await database_sync_to_async(actions.move_card)(
        card, to=col("Do"), position=0, expected_version=card.version, by=lee
    )
    html = await _receive_until(socket, "column-")
    assert f'id="column-{col("Do").pk}"' in html and f'id="card-{card.pk}"' in html
    assert 'data-hx-swap-oob="true"' in html
    assert await socket.receive_nothing(timeout=0.3)  # one move, one message
    await socket.disconnect()


async def test_viewers_see_who_else_is_watching_and_who_left(board_a, sam, lee):
    first = await _socket(board_a, sam)
    assert (await first.connect())[0]
    await _receive_until(first, "Sam")
    second = await _socket(board_a, lee)
    assert (await second.connect())[0]
    html = await _receive_until(first, "Lee")
    assert "Sam" in html and f'id="board-viewers-{board_a.pk}"' in html
    await second.disconnect()
    html = await first.receive_from(timeout=5)
    assert "Sam" in html and "Lee" not in html
    await first.disconnect()
    assert not await database_sync_to_async(BoardViewer.objects.exists)()


async def test_a_partnership_lead_may_watch_the_board(board_a, pat):
    socket = await _socket(board_a, pat)
    assert (await socket.connect())[0]
    await socket.disconnect()
