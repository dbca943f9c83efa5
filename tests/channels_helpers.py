"""Listening on the channel layer from synchronous tests.

The Redis pub/sub layer keeps its subscriptions per event loop, and ``async_to_sync`` starts a
new loop for every call from a plain test. A :class:`GroupListener` keeps one loop running in a
thread for the test's whole life, so the channel it subscribes stays subscribed while the code
under test broadcasts (from any loop, or from another process) — as a viewer's socket would.
"""

from __future__ import annotations

import asyncio
import threading

from channels.layers import get_channel_layer

# How long to wait for a message that may still be on its way through Redis.
FIRST_MESSAGE_WAIT = 1.0
NEXT_MESSAGE_WAIT = 0.2


class GroupListener:
    def __init__(self, *groups: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.layer = get_channel_layer()
        self.channels = {group: self._run(self._join(group)) for group in groups}

    async def _join(self, group: str) -> str:
        channel = await self.layer.new_channel()
        await self.layer.group_add(group, channel)
        return channel

    def _run(self, coroutine, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def receive(self, group: str, timeout: float = FIRST_MESSAGE_WAIT) -> dict:
        """The next message for ``group``; TimeoutError if none arrives in ``timeout`` seconds."""
        return self._run(
            asyncio.wait_for(self.layer.receive(self.channels[group]), timeout), timeout + 5
        )

    def drain(self, group: str) -> list[dict]:
        """Every message for ``group`` that arrives before the layer falls quiet."""
        received, wait = [], FIRST_MESSAGE_WAIT
        while True:
            try:
                received.append(self.receive(group, wait))
            except TimeoutError:
                return received
            wait = NEXT_MESSAGE_WAIT

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()  # the Redis layers flush their connections on close


def _session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def socket_for(path: str, user=None):
    """A websocket to ``path`` on the project's ASGI app, signed in as ``user`` (or anonymous),
    from the project's own origin."""
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from leanhub.asgi import application

    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        cookie = await database_sync_to_async(_session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)
