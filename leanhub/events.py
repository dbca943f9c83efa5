"""Events other systems may hear of: what happened, named, after it is committed.

An action in a lower app (an idea's status changed, a card moved, a saving verified, a measure
showed special-cause variation) calls :func:`emit`; a higher app (the API's webhooks) has
subscribed a handler with :func:`subscribe` in its ``AppConfig.ready``. Nothing is emitted for a
change that is rolled back: handlers run after commit, each in its own transaction, and one that
fails is logged without undoing the change or stopping the others.

The payload is a plain JSON-ready dict, built by the emitting app, which alone knows what of its
object may leave it (a hidden author's name never does). ``organisations`` are those whose
subscribers may hear of the event: the ones whose people may see the thing on the pages (an
idea's own organisation; with it, when the idea is shared with partner agencies, the other
organisations of its place; a joint board's member organisations).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

IDEA_STATUS_CHANGED = "idea.status_changed"
CARD_MOVED = "card.moved"
SAVING_VERIFIED = "saving.verified"
MEASURE_SPECIAL_CAUSE = "measure.special_cause"

KINDS = (IDEA_STATUS_CHANGED, CARD_MOVED, SAVING_VERIFIED, MEASURE_SPECIAL_CAUSE)


@dataclass(frozen=True)
class Event:
    kind: str
    organisation_ids: frozenset[int]
    data: dict[str, Any]


Handler = Callable[[Event], None]
HANDLERS: dict[str, list[Handler]] = {}


def subscribe(kind: str, handler: Handler) -> None:
    """Have ``handler`` called with each ``kind`` event, after its change is committed."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of event: {kind}")
    if handler not in HANDLERS.setdefault(kind, []):
        HANDLERS[kind].append(handler)


def listened_to(kind: str) -> bool:
    """Whether anything hears ``kind``: spares the work of building a payload nobody reads."""
    return bool(HANDLERS.get(kind))


def emit(
    kind: str,
    *,
    organisations: Iterable[int],
    data: dict[str, Any],
) -> None:
    """Announce ``kind`` to its subscribers once the current transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of event: {kind}")
    handlers = list(HANDLERS.get(kind, ()))
    if not handlers:
        return
    event = Event(kind, frozenset(organisations), data)

    def run() -> None:
        for handler in handlers:
            try:
                with transaction.atomic():
                    handler(event)
            except Exception:
                logger.exception("A handler of %s failed", kind)

    # Marked, so a test counting a change's broadcasts can tell this callback apart.
    run.leanhub_event = kind  # type: ignore[attr-defined]
    transaction.on_commit(run)
