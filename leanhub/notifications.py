"""Notifications: write the row, then push the recipient's new unread count after commit."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, partial

from django.db import connections, router, transaction
from django.utils import timezone, translation

from leanhub import realtime
from leanhub.i18n import Wording, in_language, language_for
from leanhub.models import Notification, User


@cache
def _unread_count_sql(alias: str) -> str:
    """``Notification.objects.filter(recipient=…).unread().count()`` as SQL: every page's header
    shows the count, and building it through the ORM took several times as long as the query
    itself. Tests check it counts what :meth:`NotificationQuerySet.unread` selects."""
    quote = connections[alias].ops.quote_name
    meta = Notification._meta
    # The model's own table and column names; the recipient's id is a parameter.
    return (
        f"SELECT COUNT(*) FROM {quote(meta.db_table)}"  # noqa: S608
        f" WHERE {quote(meta.get_field('recipient').column)} = %s"
        f" AND {quote(meta.get_field('read_at').column)} IS NULL"
    )


def unread_count(user: User) -> int:
    """How many of ``user``'s notifications are unread."""
    alias = router.db_for_read(Notification)
    with connections[alias].cursor() as cursor:
        cursor.execute(_unread_count_sql(alias), [user.pk])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _push_count(user_id: int, language: str) -> None:
    """Push the count to the recipient's sockets, worded in the recipient's language."""
    count = Notification.objects.filter(recipient_id=user_id).unread().count()
    with translation.override(language):
        realtime.push(
            realtime.user_group(user_id),
            "leanhub/_notification_count.html",
            {"unread_count": count, "oob": True},
        )


def notify(
    recipients: Iterable[User],
    *,
    message: Wording,
    url: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Tell each recipient (except the actor) something happened; counts update live on commit.

    ``message`` is stored as text written in each recipient's language (their choice, else the
    site's), so pass a function that builds the sentence with gettext (see ``Wording``): it is
    called once per language among the recipients."""
    actor_id = getattr(actor, "pk", None)
    texts: dict[str, str] = {}
    rows = []
    for user in {u.pk: u for u in recipients}.values():
        if user.pk == actor_id:
            continue
        language = language_for(user)
        if language not in texts:
            texts[language] = in_language(message, language)[:300]
        rows.append(Notification(recipient=user, actor=actor, message=texts[language], url=url))
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
