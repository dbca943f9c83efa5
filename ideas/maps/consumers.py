"""A value-stream map's live socket: authorised like viewing the map, then it relays fragments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from channels.db import database_sync_to_async

from ideas.maps import actions, queries
from leanhub.consumers import FragmentConsumer

if TYPE_CHECKING:
    from leanhub.models import User


class MapConsumer(FragmentConsumer):
    async def groups_for(self, user: User) -> list[str] | None:
        map_id = int(self.scope["url_route"]["kwargs"]["map_id"])
        if not await database_sync_to_async(queries.may_view_map)(user, map_id):
            return None
        return [actions.map_group(map_id)]
