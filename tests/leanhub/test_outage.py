"""When the live layer's Redis is down, pages and actions still work, sockets are refused
cleanly and come back with it, and nobody whose socket died stays in "Viewing now"."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone

from ideas.maps.models import ValueStreamMap
from kaizen import actions, queries
from kaizen.models import VIEWER_HEARTBEAT, VIEWER_WINDOW, Board, BoardViewer, Card, Column
from leanhub.asgi import application  # noqa: F401  (sets logging up before caplog attaches)
from leanhub.consumers import CLOSE_TRY_AGAIN_LATER
from tests.channels_helpers import socket_for
from tests.ideas.maps.conftest import make_map
from tests.redis_helpers import RedisServer, layer_settings

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def board(team_a) -> Board:
    return actions.ensure_team_board(team_a)


@pytest.fixture
def vsm(team_a, lee) -> ValueStreamMap:
    return make_map(team_a, lee)


def _column(board: Board, name: str) -> Column:
    return board.columns.get(name=name)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound by the test and never listening, so
    nothing else can answer on it while the test runs."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@pytest.fixture(params=["queue", "pubsub"])
def redis_down(request, settings, closed_port) -> str:
    """Both of the project's Redis layers (REDIS_CHANNEL_LAYER), at a Redis that is not there:
    a real client failing on a real refused connection."""
    settings.CHANNEL_LAYERS = layer_settings(f"redis://127.0.0.1:{closed_port}/0", request.param)
    return str(request.param)


def _our_records(caplog, level: int = logging.WARNING) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("leanhub") and r.levelno >= level]


# --- With the layer down: sockets refused cleanly --------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("socket_of", ["me", "board", "map", "dashboard"])
async def test_every_live_socket_is_refused_cleanly_while_redis_is_down(
    redis_down, socket_of, team_a, lee, caplog
):
    board_ = await database_sync_to_async(actions.ensure_team_board)(team_a)
    vsm = await database_sync_to_async(make_map)(team_a, lee)
    path = {
        "me": "/ws/me/",
        "board": f"/ws/boards/{board_.pk}/",
        "map": f"/ws/maps/{vsm.pk}/",
        "dashboard": f"/ws/metrics/team/{team_a.pk}/",
    }[socket_of]
    communicator = await socket_for(path, lee)
    caplog.set_level(logging.WARNING)

    connected, code = await communicator.connect(timeout=5)

    assert (connected, code) == (False, CLOSE_TRY_AGAIN_LATER)
    warnings = _our_records(caplog)
    assert [(r.name, r.levelname) for r in warnings] == [("leanhub.consumers", "WARNING")]
    assert path in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not await database_sync_to_async(BoardViewer.objects.exists)()
    await communicator.wait(timeout=1)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_someone_who_may_not_watch_is_refused_while_redis_is_down_too(
    redis_down, team_a, priya, caplog
):
    board_ = await database_sync_to_async(actions.ensure_team_board)(team_a)
    communicator = await socket_for(f"/ws/boards/{board_.pk}/", priya)
    caplog.set_level(logging.WARNING)
    connected, code = await communicator.connect(timeout=5)
    # Whichever comes first, the policy's refusal or the layer's failure, the door stays shut
    # and nothing crashes.
    assert not connected and code in {4403, CLOSE_TRY_AGAIN_LATER}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not await database_sync_to_async(BoardViewer.objects.exists)()


# --- With the layer down: pages and actions answer -------------------------------------------


def test_pages_answer_while_redis_is_down(redis_down, client, lee, board, vsm, team_a):
    client.force_login(lee)
    for url in [
        reverse("home"),
        reverse("kaizen:board", args=[board.pk]),
        reverse("kaizen:board", args=[board.pk]) + "?huddle=1",
        reverse("maps:detail", args=[vsm.pk]),
        reverse("metrics:dashboard-scope", args=["team", team_a.pk]),
        reverse("notifications"),
    ]:
        assert client.get(url).status_code == 200, url


def test_adding_a_card_answers_while_redis_is_down_and_says_so_once_in_the_log(
    redis_down, client, sam, board, caplog, django_capture_on_commit_callbacks
):
    client.force_login(sam)
    caplog.set_level(logging.WARNING)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("kaizen:new-card", args=[board.pk]),
            {"title": "Shorter letters", "column": _column(board, "To try").pk},
        )
    assert response.status_code == 302
    assert Card.objects.get().title == "Shorter letters"
    assert len(callbacks) == 1  # the broadcast was attempted, after commit
    assert [(r.name, r.levelname) for r in _our_records(caplog)] == [
        ("leanhub.realtime", "WARNING")
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_move_answers_while_redis_is_down(
    redis_down, client, lee, board, django_capture_on_commit_callbacks
):
    (card,) = [
        actions.create_card(
            board, title="Letters", column=_column(board, "Plan"), owners=[lee], by=lee
        )
    ]
    client.force_login(lee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("kaizen:move-card", args=[card.pk]),
            {"column": _column(board, "Do").pk, "position": 1, "version": card.version},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.column == _column(board, "Do")


# --- Redis going away under open sockets, and coming back ------------------------------------


@pytest.fixture
def redis_server(settings) -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    settings.CHANNEL_LAYERS = layer_settings(server.url)
    yield server
    server.stop()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_open_board_socket_closes_and_forgets_its_viewer_when_redis_stops(
    redis_server, team_a, lee, caplog
):
    board_ = await database_sync_to_async(actions.ensure_team_board)(team_a)
    path = f"/ws/boards/{board_.pk}/"
    communicator = await socket_for(path, lee)
    assert (await communicator.connect(timeout=5))[0]
    assert "Lee" in await communicator.receive_from(timeout=5)
    assert await database_sync_to_async(BoardViewer.objects.count)() == 1
    caplog.set_level(logging.WARNING)

    await database_sync_to_async(redis_server.stop)()

    closed = await communicator.receive_output(timeout=10)
    assert closed == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER}
    assert not await database_sync_to_async(BoardViewer.objects.exists)()
    assert "leanhub.consumers" in [r.name for r in _our_records(caplog)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    # Redis is back: the page's next try connects, and it is counted again.
    await database_sync_to_async(redis_server.start)()
    again = await socket_for(path, lee)
    assert (await again.connect(timeout=5))[0]
    assert "Lee" in await again.receive_from(timeout=5)
    await again.disconnect()
    assert not await database_sync_to_async(BoardViewer.objects.exists)()


# --- Presence expires ------------------------------------------------------------------------


def _lapse(channel_name: str, by: timedelta = VIEWER_WINDOW + timedelta(seconds=1)) -> None:
    BoardViewer.objects.filter(channel_name=channel_name).update(last_seen=timezone.now() - by)


def test_a_viewer_not_heard_from_within_the_window_is_not_shown_and_is_removed(
    board, sam, lee, django_assert_num_queries
):
    actions.join_board(board.pk, channel_name="died!1", by=sam)
    actions.join_board(board.pk, channel_name="here!2", by=lee)
    _lapse("died!1")
    assert queries.viewers_of(board.pk) == [lee]

    actions.keep_viewing_board(board.pk, channel_name="here!2", by=lee)

    assert list(BoardViewer.objects.values_list("channel_name", flat=True)) == ["here!2"]
    assert queries.viewers_of(board.pk) == [lee]


def test_a_viewer_heard_from_within_the_window_stays(board, sam, lee):
    actions.join_board(board.pk, channel_name="quiet!1", by=sam)
    _lapse("quiet!1", by=VIEWER_WINDOW - timedelta(seconds=5))
    actions.join_board(board.pk, channel_name="here!2", by=lee)
    assert queries.viewers_of(board.pk) == [sam, lee]
    actions.keep_viewing_board(board.pk, channel_name="quiet!1", by=sam)
    seen = BoardViewer.objects.get(channel_name="quiet!1").last_seen
    assert timezone.now() - seen < timedelta(seconds=5)


def test_others_are_told_when_a_silent_viewer_is_dropped_and_when_it_comes_back(
    board, sam, lee, django_capture_on_commit_callbacks, monkeypatch
):
    announced: list[list[str]] = []
    monkeypatch.setattr(
        actions.realtime,
        "broadcast",
        lambda group, template, context: announced.append([u.username for u in context["viewers"]]),
    )
    actions.join_board(board.pk, channel_name="slept!1", by=sam)
    actions.join_board(board.pk, channel_name="here!2", by=lee)
    announced.clear()

    actions.keep_viewing_board(board.pk, channel_name="here!2", by=lee)
    assert announced == []  # nothing changed: nobody is told anything

    _lapse("slept!1")
    actions.keep_viewing_board(board.pk, channel_name="here!2", by=lee)
    assert announced == [["lee"]]

    # The laptop wakes and its socket speaks again: counted again, and everyone told.
    actions.keep_viewing_board(board.pk, channel_name="slept!1", by=sam)
    assert announced[-1] == ["lee", "sam"]
    assert queries.viewers_of(board.pk) == [lee, sam]


def test_joining_a_board_forgets_silent_viewers_of_every_board(board, team_b, sam, olu):
    other = actions.ensure_team_board(team_b)
    actions.join_board(other.pk, channel_name="dead-server!1", by=olu)
    _lapse("dead-server!1")
    actions.join_board(board.pk, channel_name="here!2", by=sam)
    assert list(BoardViewer.objects.values_list("channel_name", flat=True)) == ["here!2"]


@pytest.mark.parametrize("silent", [0, 40])
def test_the_board_page_shows_only_present_viewers_in_the_same_queries(
    client, board, lee, sam, silent, django_assert_max_num_queries
):
    actions.join_board(board.pk, channel_name="here!1", by=sam)
    BoardViewer.objects.bulk_create(
        BoardViewer(
            board=board,
            user=lee,
            channel_name=f"gone!{i}",
            last_seen=timezone.now() - VIEWER_WINDOW - timedelta(minutes=i + 1),
        )
        for i in range(silent)
    )
    client.force_login(lee)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("kaizen:board", args=[board.pk]))
    viewers = re.search(r'id="board-viewers-\d+".*?</div>', response.content.decode(), re.S).group()
    assert "Sam" in viewers and "Lee" not in viewers


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_heartbeat_over_the_socket_keeps_the_viewer_and_a_flood_writes_once(
    team_a, lee, monkeypatch
):
    from kaizen import consumers

    board_ = await database_sync_to_async(actions.ensure_team_board)(team_a)
    communicator = await socket_for(f"/ws/boards/{board_.pk}/", lee)
    assert (await communicator.connect())[0]
    await communicator.receive_from(timeout=5)
    row = await database_sync_to_async(BoardViewer.objects.get)()
    old = timezone.now() - VIEWER_WINDOW + timedelta(seconds=5)
    await database_sync_to_async(BoardViewer.objects.filter(pk=row.pk).update)(last_seen=old)

    # Right after connecting, heartbeats come too soon to be written down.
    for _ in range(5):
        await communicator.send_to(text_data="heartbeat")
    assert await communicator.receive_nothing(timeout=0.3)
    row = await database_sync_to_async(BoardViewer.objects.get)()
    assert row.last_seen == old

    monkeypatch.setattr(consumers, "HEARTBEAT_FLOOR_S", 0)
    await communicator.send_to(text_data="heartbeat")
    await communicator.receive_nothing(timeout=0.3)
    row = await database_sync_to_async(BoardViewer.objects.get)()
    assert timezone.now() - row.last_seen < timedelta(seconds=5)
    await communicator.disconnect()


# --- The pages' side of it -------------------------------------------------------------------


def test_the_board_page_beats_as_often_as_the_server_expects():
    script = (STATIC / "kaizen" / "board.js").read_text(encoding="utf-8")
    beat = re.search(r"HEARTBEAT_MS = (\d+);", script)
    assert beat and int(beat.group(1)) == VIEWER_HEARTBEAT.total_seconds() * 1000
    assert VIEWER_WINDOW == 2 * VIEWER_HEARTBEAT


def test_a_dropped_socket_retries_often_enough_to_catch_up_within_ten_seconds():
    script = (STATIC / "leanhub" / "app.js").read_text(encoding="utf-8")
    cap = re.search(r"RECONNECT_CAP_MS = (\d+);", script)
    assert cap and int(cap.group(1)) <= 8000  # a try within 8 s, then the refetch
    assert "htmx.config.wsReconnectDelay" in script
