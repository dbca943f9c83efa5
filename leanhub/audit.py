"""The audit trail: one call, ``record(...)``, from inside every action that changes status or money."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from leanhub.models import AuditEvent, User


def record(
    actor: User | AnonymousUser | None,
    verb: str,
    target: models.Model | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. ``payload`` must be small and JSON-serialisable (ids, amounts, notes),
    its text plain ``str``: ``str()`` a lazy translation first, as JSON cannot hold one."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        payload=payload or {},
    )


def events_for(target: models.Model) -> QuerySet[AuditEvent]:
    """The audit events about one object, newest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


def imported_count(target: models.Model, *, verb: str, key: str, by: User) -> int | None:
    """How many rows ``by`` imported onto ``target`` under ``key`` (one previewed file, see
    :func:`leanhub.spreadsheets.import_key`), as its import's audit event ``verb`` recorded them,
    or None if nothing was imported under it."""
    if not key:
        return None
    earlier = events_for(target).filter(verb=verb, actor=by, payload__key=key).first()
    return None if earlier is None else int(earlier.payload.get("count", 0))
