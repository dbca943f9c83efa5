"""Live updates: server-rendered HTML fragments pushed to channel-layer groups after commit.

Writes always go through ordinary POST views; the websocket only pushes. A fragment's root
element carries a stable id and ``data-hx-swap-oob`` so the htmx websocket extension swaps it in place.

Live updates are a courtesy on top of pages that work without them: when the channel layer's
Redis is down or unreachable, a broadcast is dropped with a warning, sockets are refused (see
``leanhub.consumers``), and open pages catch up when their socket comes back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "fragment.push"

T = TypeVar("T")

# What a channel layer raises when its server is stopped, unreachable or too slow: redis-py's
# connection and timeout errors (not subclasses of OSError), plain socket errors, and the time
# limit below. Anything else is a bug and is not hidden behind a warning.
LAYER_FAILURES: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
    asyncio.TimeoutError,
)

# A layer call that takes longer than this is abandoned: a Redis that does not answer (a host
# gone from the network, not one refusing connections) must not hold a page's request or a
# socket's handshake for the operating system's connect timeout.
LAYER_TIMEOUT_S = 3.0


def describe_failure(error: BaseException) -> str:
    """A layer failure in one line for the log (a time-out's message is empty)."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def language_group(group: str, language: str) -> str:
    """The part of ``group`` that reads ``language``: viewers of a board, a map or a dashboard
    each get fragments in the language of the page they have open. The site's own language
    keeps the plain group name."""
    return group if language == settings.LANGUAGE_CODE else f"{group}.{language}"


async def call_layer(call: Callable[[], Awaitable[T]]) -> T:
    """Run one channel-layer call, abandoned after ``LAYER_TIMEOUT_S``, and once more at once
    if its connection fails: after Redis restarts, each connection the layer pooled before
    fails on its first use, and the first try after an outage must not be refused for that.
    Raises one of ``LAYER_FAILURES`` when the layer is down."""
    try:
        return await asyncio.wait_for(call(), LAYER_TIMEOUT_S)
    except RedisConnectionError:
        return await asyncio.wait_for(call(), LAYER_TIMEOUT_S)


async def _group_send(group: str, message: dict[str, Any]) -> None:
    await call_layer(partial(get_channel_layer().group_send, group, message))


def broadcast(group: str, template: str, context: dict[str, Any]) -> None:
    """Render ``template`` now, once in each language LeanHub speaks, and send each rendering
    to the sockets in ``group`` reading that language (``language_group``): whoever made the
    change, a Welsh page gets Welsh and an English page English.

    A broadcast is a courtesy on top of a committed change: if the channel layer is down, the
    change stands and viewers resync when their socket reconnects, so the failure is logged as
    one warning and never raised. A template error is a bug and is raised.
    """
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            html = render_to_string(template, context)
        if not _send(language_group(group, language), html):
            return  # the layer is down: one warning, and no wait for each other language


def push(group: str, template: str, context: dict[str, Any]) -> None:
    """Render ``template`` in the language active now and send it to ``group`` as it is: for a
    group of one person's sockets, written in that person's language by the caller."""
    _send(group, render_to_string(template, context))


def _send(group: str, html: str) -> bool:
    """Send one fragment; False when the channel layer is down (logged once, as a warning)."""
    try:
        async_to_sync(_group_send)(group, {"type": MESSAGE_TYPE, "html": html})
    except LAYER_FAILURES as error:
        logger.warning(
            "Live update to %s dropped: the channel layer is unavailable (%s)",
            group,
            describe_failure(error),
        )
        return False
    except Exception:
        logger.exception("Broadcast to %s failed", group)
    return True


def broadcast_on_commit(group: str, template: str, context: dict[str, Any]) -> None:
    """Broadcast once the current transaction commits (never for a rolled-back change). A
    channel layer that is down costs the live update only: the action still answers."""
    transaction.on_commit(lambda: broadcast(group, template, context))
