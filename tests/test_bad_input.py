"""Whatever a client writes into a live socket is ignored: malformed or deeply nested JSON, bytes
that are not text, a message dressed as a server push, a megabyte of text. The socket stays open
and keeps relaying its group's fragments. (Bad map files and CSV or XLSX files are tested with their
imports: tests/ideas/maps/test_json_format.py, tests/metrics/test_csvimport.py,
tests/ideas/test_import.py and tests/kaizen/test_import.py.)"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from ideas.maps import actions as map_actions
from kaizen import actions as kaizen_actions
from leanhub import realtime
from metrics import queries as metrics_queries
from tests.channels_helpers import socket_for
from tests.ideas.maps.conftest import make_map

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

JUNK = [
    ("not JSON", "{nope"),
    ("nested 100,000 levels", "[" * 100_000 + "]" * 100_000),
    ("a push from the client", json.dumps({"type": "fragment.push", "html": "<b id=x>"})),
    ("a handler name", json.dumps({"type": "websocket.disconnect", "code": 1000})),
    ("a megabyte", "x" * 1_000_000),
    ("bytes", b"\xff\xfe\x00\x9f"),
]


def _personal(lee, team_a):
    return "/ws/me/", realtime.user_group(lee.pk)


def _board(lee, team_a):
    board = kaizen_actions.ensure_team_board(team_a)
    return f"/ws/boards/{board.pk}/", kaizen_actions.board_group(board.pk)


def _map(lee, team_a):
    m = make_map(team_a, lee)
    return f"/ws/maps/{m.pk}/", map_actions.map_group(m.pk)


def _dashboard(lee, team_a):
    scope = metrics_queries.get_scope_for_user(lee, "team", team_a.pk)
    return f"/ws/metrics/team/{team_a.pk}/", scope.group


async def _drain(socket) -> None:
    """Let whatever the socket sends on joining (who is viewing a board) go by."""
    while not await socket.receive_nothing(timeout=0.3):
        await socket.receive_from()


@pytest.mark.parametrize(
    "where", [_personal, _board, _map, _dashboard], ids=["me", "board", "map", "dashboard"]
)
async def test_a_socket_ignores_whatever_a_client_writes_and_keeps_relaying(lee, team_a, where):
    path, group = await database_sync_to_async(where)(lee, team_a)
    socket = await socket_for(path, lee)
    connected, _ = await socket.connect()
    assert connected
    await _drain(socket)
    for _name, message in JUNK:
        if isinstance(message, bytes):
            await socket.send_to(bytes_data=message)
        else:
            await socket.send_to(text_data=message)
    assert await socket.receive_nothing(timeout=0.3)  # no answer, no close, no crash

    html = '<p id="still-here">still relaying</p>'
    await get_channel_layer().group_send(group, {"type": realtime.MESSAGE_TYPE, "html": html})
    for _ in range(5):
        if await socket.receive_from(timeout=5) == html:
            break
    else:
        raise AssertionError("the socket stopped relaying")
    await socket.disconnect()
