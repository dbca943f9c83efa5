"""Live updates: server-rendered HTML fragments pushed to channel-layer groups after commit.

Writes always go through ordinary POST views; the websocket only pushes. A fragment's root
element carries a stable id and ``hx-swap-oob`` so the htmx websocket extension swaps it in place.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "fragment.push"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def broadcast(group: str, template: str, context: dict[str, Any]) -> None:
    """Render ``template`` now and send it to every socket in ``group``.

    A broadcast is a courtesy on top of a committed change: if the channel layer is down, the
    change stands and viewers resync when their socket reconnects, so failures are logged only.
    """
    html = render_to_string(template, context)
    try:
        async_to_sync(get_channel_layer().group_send)(group, {"type": MESSAGE_TYPE, "html": html})
    except Exception:
        logger.exception("Broadcast to %s failed", group)


def broadcast_on_commit(group: str, template: str, context: dict[str, Any]) -> None:
    """Broadcast once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: broadcast(group, template, context))
