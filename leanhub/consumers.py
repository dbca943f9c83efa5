"""Websocket relay: authorise on connect, then push the group's rendered fragments. Nothing else.

The channel layer (Redis in production) may stop at any moment. A socket never turns that into
an error page or a ghost: the handshake is refused, or the open socket closed, with
``CLOSE_TRY_AGAIN_LATER`` and one warning in the log; the page keeps working and its socket
reconnects, refetching its live parts, once the layer is back (``static/leanhub/app.js``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer

from leanhub import i18n, realtime

if TYPE_CHECKING:
    from leanhub.models import User

logger = logging.getLogger(__name__)

# Close codes in the application range so the client can tell "not allowed" from a drop.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# The standard "Try Again Later" (RFC 6455 registry): the live layer is down for now. The htmx
# websocket extension reconnects after 1006, 1011, 1012 and 1013 only, so not an application
# code. (A handshake refused before it is accepted reaches the browser as 1006 anyway.)
CLOSE_TRY_AGAIN_LATER = 1013

ASGIMessage = dict[str, Any]


# channels ships no type information, so its base class is Any to mypy.
class FragmentConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    """Base for every live socket: subclasses say which groups a user may join."""

    accepted = False
    closing = False
    joined: list[str] = []  # replaced per socket, never changed in place
    # Shared groups (a board's viewers) get each fragment in every language; the socket joins
    # the part in its page's language. A personal group is written in its person's language.
    per_language = True

    async def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[ASGIMessage]],
        send: Callable[[ASGIMessage], Awaitable[None]],
    ) -> None:
        """Serve one socket. When the channel layer fails under it (at the handshake, or later
        while the socket waits for fragments), close it with ``CLOSE_TRY_AGAIN_LATER``, forget
        its groups and presence, and log one warning, instead of crashing: a crash answers the
        handshake with HTTP 500, or leaves an open socket's viewer counted with no one there."""
        try:
            await super().__call__(scope, receive, send)
        except realtime.LAYER_FAILURES as error:
            if self.closing:
                # Already refused or closing for another reason: nothing more to tell anyone.
                logger.debug("Channel layer failed under a closing socket", exc_info=True)
                return
            logger.warning(
                "Live socket on %s closed: the channel layer is unavailable (%s)",
                scope.get("path", "?"),
                realtime.describe_failure(error),
            )
            self.closing = True
            if self.accepted:
                await self.disconnect(CLOSE_TRY_AGAIN_LATER)
            # The raw ``send``: the layer may have failed before channels set up ``self.send``.
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})

    async def groups_for(self, user: User) -> list[str] | None:
        """The groups to join, or None to refuse. Runs the policy; no other logic here."""
        raise NotImplementedError

    def language(self, user: User) -> str:
        """The language of the page that opened this socket (it says so in ``?lang=``), else
        the person's own choice, else the site's."""
        query: dict[str, list[str]] = parse_qs(bytes(self.scope.get("query_string", b"")).decode())
        asked = (query.get("lang") or [""])[0]
        if i18n.is_offered(asked):
            return asked
        return i18n.language_for(user)

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        groups = await self.groups_for(user)
        if groups is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if self.per_language:
            language = self.language(user)
            groups = [realtime.language_group(group, language) for group in groups]
        for group in groups:
            # A layer failure here propagates to ``__call__``, which refuses the handshake.
            await realtime.call_layer(
                partial(self.channel_layer.group_add, group, self.channel_name)
            )
            self.joined = [*self.joined, group]
        await self.accept()
        self.accepted = True

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        self.closing = True
        await super().close(code=code, reason=reason)

    async def disconnect(self, code: int) -> None:
        """Leave the groups joined. With the layer down there is nothing to leave: the channel
        is gone with its socket, and the layer expires its group entries itself."""
        for group in self.joined:
            try:
                await realtime.call_layer(
                    partial(self.channel_layer.group_discard, group, self.channel_name)
                )
            except realtime.LAYER_FAILURES:
                logger.debug("Could not leave %s: the channel layer is unavailable", group)
        self.joined = []

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Clients never write through the socket; writes are POSTs. Ignore anything sent."""

    async def fragment_push(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["html"])


class PersonalConsumer(FragmentConsumer):
    """Each signed-in person's own feed: the notification count, and anything else for them alone."""

    per_language = False

    async def groups_for(self, user: User) -> list[str] | None:
        return [realtime.user_group(user.pk)]
