"""The board's live socket: authorise through the policy, count the viewer, relay fragments."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async

from kaizen import actions, queries
from kaizen.models import VIEWER_HEARTBEAT
from leanhub.consumers import FragmentConsumer

if TYPE_CHECKING:
    from leanhub.models import User

# Heartbeats closer together than this are not written down: the row is fresh already, and a
# page that sends in a loop must not turn into a stream of writes.
HEARTBEAT_FLOOR_S = VIEWER_HEARTBEAT.total_seconds() / 2


class BoardConsumer(FragmentConsumer):
    board_id: int | None = None
    heard_at = 0.0

    async def groups_for(self, user: User) -> list[str] | None:
        board_id = int(self.scope["url_route"]["kwargs"]["board_id"])
        if not await database_sync_to_async(queries.may_view_board)(user, board_id):
            return None
        return [actions.board_group(board_id)]

    async def connect(self) -> None:
        await super().connect()
        if self.accepted:
            self.board_id = int(self.scope["url_route"]["kwargs"]["board_id"])
            self.heard_at = time.monotonic()
            await database_sync_to_async(actions.join_board)(
                self.board_id, channel_name=self.channel_name, by=self.scope["user"]
            )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Anything the page sends is its heartbeat (static/kaizen/board.js): the person is
        still here. Writes still go through POSTs; the content is ignored."""
        if self.board_id is None or time.monotonic() - self.heard_at < HEARTBEAT_FLOOR_S:
            return
        self.heard_at = time.monotonic()
        await database_sync_to_async(actions.keep_viewing_board)(
            self.board_id, channel_name=self.channel_name, by=self.scope["user"]
        )

    async def disconnect(self, code: int) -> None:
        if self.board_id is not None:
            await database_sync_to_async(actions.leave_board)(
                self.board_id, channel_name=self.channel_name
            )
            self.board_id = None
        await super().disconnect(code)
