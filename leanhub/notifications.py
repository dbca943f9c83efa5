"""Notifications: write the row, then push the recipient's new unread count after commit."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation

from leanhub import realtime
from leanhub.i18n import language_for
from leanhub.models import Notification, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user).unread().count()


def _push_count(user_id: int, language: str) -> None:
    """Push the count to the recipient's sockets, worded in the recipient's language."""
    count = Notification.objects.filter(recipient_id=user_id).unread().count()
    with translation.override(language):
        realtime.broadcast(
            realtime.user_group(user_id),
            "leanhub/_notification_count.html",
            {"unread_count": count, "oob": True},
        )


def notify(
    recipients: Iterable[User],
    *,
    message: StrOrPromise,
    url: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Tell each recipient (except the actor) something happened; counts update live on commit.

    ``message`` is stored as text, so it stays in the language it is rendered in now: the
    actor's (the language of the request that made the change), not each recipient's."""
    actor_id = getattr(actor, "pk", None)
    # str(): a lazy translation is fixed here, once, rather than stored as a proxy.
    text = str(message)[:300]
    rows = [
        Notification(recipient=user, actor=actor, message=text, url=url)
        for user in {u.pk: u for u in recipients}.values()
        if user.pk != actor_id
    ]
    created = Notification.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(partial(_push_count, row.recipient_id, language_for(row.recipient)))
    return created


@transaction.atomic
def mark_all_read(*, by: User) -> int:
    """Mark every unread notification of ``by`` as read; push the new (zero) count."""
    changed = Notification.objects.filter(recipient=by).unread().update(read_at=timezone.now())
    transaction.on_commit(lambda: _push_count(by.pk, language_for(by)))
    return changed
