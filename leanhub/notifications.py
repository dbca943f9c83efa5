"""Notifications: write the row, then push the recipient's new unread count after commit."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from leanhub import realtime
from leanhub.models import Notification, User


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user).unread().count()


def _push_count(user_id: int) -> None:
    count = Notification.objects.filter(recipient_id=user_id).unread().count()
    realtime.broadcast(
        realtime.user_group(user_id),
        "leanhub/_notification_count.html",
        {"unread_count": count, "oob": True},
    )


def notify(
    recipients: Iterable[User], *, message: str, url: str = "", actor: User | None = None
) -> list[Notification]:
    """Tell each recipient (except the actor) something happened; counts update live on commit."""
    actor_id = getattr(actor, "pk", None)
    rows = [
        Notification(recipient=user, actor=actor, message=message[:300], url=url)
        for user in {u.pk: u for u in recipients}.values()
        if user.pk != actor_id
    ]
    created = Notification.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(partial(_push_count, row.recipient_id))
    return created


@transaction.atomic
def mark_all_read(*, by: User) -> int:
    """Mark every unread notification of ``by`` as read; push the new (zero) count."""
    changed = Notification.objects.filter(recipient=by).unread().update(read_at=timezone.now())
    transaction.on_commit(lambda: _push_count(by.pk))
    return changed
