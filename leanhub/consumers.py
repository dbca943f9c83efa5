"""Websocket relay: authorise on connect, then push the group's rendered fragments. Nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.generic.websocket import AsyncWebsocketConsumer

from leanhub import realtime

if TYPE_CHECKING:
    from leanhub.models import User

# Close codes in the application range so the client can tell "not allowed" from a drop.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


# channels ships no type information, so its base class is Any to mypy.
class FragmentConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    """Base for every live socket: subclasses say which groups a user may join."""

    async def groups_for(self, user: User) -> list[str] | None:
        """The groups to join, or None to refuse. Runs the policy; no other logic here."""
        raise NotImplementedError

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        groups = await self.groups_for(user)
        if groups is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Clients never write through the socket; writes are POSTs. Ignore anything sent."""

    async def fragment_push(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["html"])


class PersonalConsumer(FragmentConsumer):
    """Each signed-in person's own feed: the notification count, and anything else for them alone."""

    async def groups_for(self, user: User) -> list[str] | None:
        return [realtime.user_group(user.pk)]
