"""The board's live socket: authorise through the policy, count the viewer, relay fragments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from channels.db import database_sync_to_async

from kaizen import actions, queries
from leanhub.consumers import FragmentConsumer

if TYPE_CHECKING:
    from leanhub.models import User


class BoardConsumer(FragmentConsumer):
    async def groups_for(self, user: User) -> list[str] | None:
        board_id = int(self.scope["url_route"]["kwargs"]["board_id"])
        if not await database_sync_to_async(queries.may_view_board)(user, board_id):
            return None
        return [actions.board_group(board_id)]

    async def connect(self) -> None:
        await super().connect()
        if getattr(self, "joined", None):
            self.board_id = int(self.scope["url_route"]["kwargs"]["board_id"])
            await database_sync_to_async(actions.join_board)(
                self.board_id, channel_name=self.channel_name, by=self.scope["user"]
            )

    async def disconnect(self, code: int) -> None:
        if getattr(self, "board_id", None):
            await database_sync_to_async(actions.leave_board)(
                self.board_id, channel_name=self.channel_name
            )
        await super().disconnect(code)
