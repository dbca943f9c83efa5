"""Redis stops in the middle of a huddle: the board keeps working, nobody sees an error, and when
Redis is back the open board catches up within 10 seconds, with what changed meanwhile too.

The live server runs in this process, so pointing ``CHANNEL_LAYERS`` at a redis-server of the
test's own (the ``settings`` fixture) moves the server's sockets and broadcasts onto it; the
test then stops and starts that Redis for real.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, Response, expect

from kaizen import actions
from kaizen.models import Board
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.redis_helpers import RedisServer, layer_settings

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="runs with the Redis configuration only (REDIS_URL set): the in-memory channel "
    "layer of the default configuration cannot go down",
)

CATCH_UP_S = 10


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def own_redis(settings) -> Iterator[RedisServer]:
    """A Redis of this test's own under the live server's channel layer. The list-based layer
    (the production default): the pub/sub one keeps sockets open through an outage."""
    server = RedisServer()
    server.start()
    settings.CHANNEL_LAYERS = layer_settings(server.url, prefix=f"outage-browser-{server.port}")
    yield server
    server.stop()


@pytest.fixture
def server_errors() -> Iterator[list[logging.LogRecord]]:
    """What the server logs as an error: uvicorn logs a crashed handshake as "Exception in ASGI
    application" (and answers it 500), Django a failed request, and the apps their own."""
    handler = _Errors()
    names = ("uvicorn", "uvicorn.error", "django.request", "leanhub", "ideas", "kaizen", "metrics")
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.records
    for logger in loggers:
        logger.removeHandler(handler)


def _open_board(
    new_page: Callable[..., Page], live_url: str, board: Board, who: str, viewport: dict[str, int]
) -> tuple[Page, list[str]]:
    page = new_page(viewport)
    failures: list[str] = []

    def note_failure(response: Response) -> None:
        if response.status >= 500:
            failures.append(f"{response.status} {response.url}")

    page.on("response", note_failure)
    sign_in(page, live_url, who, PASSWORD)
    page.goto(f"{live_url}{board.get_absolute_url()}")
    expect(page.locator(f"#board-viewers-{board.pk}")).to_contain_text(who.title())
    page.wait_for_load_state("networkidle")
    return page, failures


def _add_card(page: Page, title: str) -> None:
    page.get_by_text("Add a card").click()
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Add the card").click()


def _post_card(page: Page, live_url: str, board: Board, title: str) -> None:
    """The same "Add a card" POST, sent from the page's session but not through its DOM, which
    may be swapping itself as its socket comes back."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_url}/kaizen/boards/{board.pk}/cards/new/",
        form={
            "csrfmiddlewaretoken": token,
            "title": title,
            "column": str(board.columns.get(name="To try").pk),
        },
        headers={"Referer": f"{live_url}{board.get_absolute_url()}"},
        max_redirects=0,
    )
    assert response.status == 302, response.status


def test_the_board_works_through_a_redis_outage_and_catches_up_when_it_returns(
    own_redis, live_url, new_page, team_a, lee, sam, server_errors
):
    board = actions.ensure_team_board(team_a)
    wall, wall_failures = _open_board(new_page, live_url, board, "lee", DESKTOP)
    phone, phone_failures = _open_board(new_page, live_url, board, "sam", PHONE)
    expect(wall.locator(f"#board-viewers-{board.pk}")).to_contain_text("Sam")
    attempts: list[str] = []
    wall.on("websocket", lambda socket: attempts.append(socket.url))

    own_redis.stop()

    # The wall screen's sockets close, and it says so; it keeps trying, and each try is refused.
    expect(wall.locator("html")).to_have_attribute("data-live", "reconnecting")
    deadline = time.monotonic() + 10
    while len(attempts) < 2 and time.monotonic() < deadline:
        wall.wait_for_timeout(250)
    assert len(attempts) >= 2, "the page stopped trying to reconnect"

    # Meanwhile the board works: Sam adds a card on the phone, and a fresh page load answers.
    _add_card(phone, "Raised while Redis was down")
    expect(phone.locator(".card", has_text="Raised while Redis was down")).to_be_visible()
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text(board.name)
    assert_accessible(phone)
    # ... and the wall screen, which could not be told, does not show it yet.
    expect(wall.locator(".card", has_text="Raised while Redis was down")).to_have_count(0)

    own_redis.start()
    back = time.monotonic()
    _post_card(phone, live_url, board, "Added once it was back")

    def within_catch_up() -> float:
        return max(0.0, CATCH_UP_S - (time.monotonic() - back)) * 1000

    for title in ("Raised while Redis was down", "Added once it was back"):
        expect(wall.locator(".card", has_text=title)).to_be_attached(timeout=within_catch_up())
    expect(wall.locator("html")).to_have_attribute("data-live", "connected")
    expect(wall.locator(f"#board-viewers-{board.pk}")).to_contain_text("Sam")

    assert wall_failures == [] and phone_failures == []
    assert [r.getMessage() for r in server_errors] == []
