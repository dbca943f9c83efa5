"""E-mail people are glad to get: an outbox written with the change, sent by the worker.

* :func:`queue` writes one :class:`~leanhub.models.OutgoingEmail` per recipient inside the
  caller's transaction, so an e-mail is never lost to an SMTP hiccup or a crash; after commit it
  asks the worker to deliver (and the every-minute job delivers anyway).
* Each person chooses, per kind of e-mail, at once / daily digest / weekly digest / off
  (:class:`~leanhub.models.EmailPreference`, the page at ``/accounts/email/``). Digests gather
  the held rows into one e-mail: what happened, and what is waiting for you.
* :func:`deliver_due` claims due rows with a lease, sends them and marks them sent; a failure
  is retried with exponential backoff, then given up (``failed``) and logged. A worker killed
  while sending lets the lease lapse and the row is sent by the next run.
* Every e-mail has plain text and HTML from templates, rendered in the recipient's language,
  with absolute links (``SITE_URL``) and a one-click unsubscribe (RFC 8058).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from leanhub import i18n, jobs
from leanhub.models import EmailPreference, MailFrequency, OutgoingEmail, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

Status = OutgoingEmail.Status
DIGEST_KIND = "digest"
ALL_KINDS = "*"
UNSUBSCRIBE_SALT = "leanhub.mail.unsubscribe"


# --- Kinds and preferences -----------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    key: str
    label: StrOrPromise
    default: str = MailFrequency.AT_ONCE


KINDS: dict[str, Kind] = {}


def register_kind(key: str, label: StrOrPromise, default: str = MailFrequency.AT_ONCE) -> None:
    """Each app names the kinds of e-mail it sends (in its ``AppConfig.ready``)."""
    KINDS[key] = Kind(key, label, default)


def language_for(user: User) -> str:
    """The language to write to ``user`` in: their own choice, else the site's."""
    return i18n.language_for(user)


def frequencies(user: User) -> dict[str, str]:
    """Every kind's frequency for ``user``: their choice, else the kind's default."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {key: chosen.get(key, kind.default) for key, kind in KINDS.items()}


@transaction.atomic
def set_frequencies(user: User, choices: dict[str, str]) -> None:
    for key, frequency in choices.items():
        if key not in KINDS or frequency not in MailFrequency.values:
            raise ValueError(key)
        EmailPreference.objects.update_or_create(
            user=user, kind=key, defaults={"frequency": frequency}
        )
        if frequency == MailFrequency.OFF:
            # What was held for a digest of this kind is not sent after all.
            OutgoingEmail.objects.filter(recipient=user, kind=key, status=Status.HELD).delete()


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The person and kind a token was made for, or None for a forged or stale token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=int(data["u"]), is_active=True)
        kind = str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist):
        return None
    if kind != ALL_KINDS and kind not in KINDS:
        return None
    return user, kind


def unsubscribe(user: User, kind: str) -> None:
    """Turn one kind off, or every kind (``ALL_KINDS``, the link in a digest)."""
    keys = list(KINDS) if kind == ALL_KINDS else [kind]
    set_frequencies(user, dict.fromkeys(keys, MailFrequency.OFF))


def kind_label(kind: str) -> str:
    if kind == ALL_KINDS:
        return gettext("all e-mail from LeanHub")
    return str(KINDS[kind].label)


# --- Queueing ------------------------------------------------------------------------------


def queue(
    recipients: Iterable[User],
    *,
    kind: str,
    subject: i18n.Wording,
    message: i18n.Wording,
    url: str = "",
) -> list[OutgoingEmail]:
    """Write an e-mail to each recipient with an address, in the caller's transaction. What
    each person chose for ``kind`` decides: sent at once, held for their digest, or not
    written at all. The worker is asked to deliver after commit. ``subject`` and ``message``
    are written in each recipient's language (see ``i18n.Wording``)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of e-mail: {kind}")
    people = [u for u in {u.pk: u for u in recipients}.values() if u.email and u.is_active]
    if not people:
        return []
    chosen = dict(
        EmailPreference.objects.filter(user__in=people, kind=kind).values_list(
            "user_id", "frequency"
        )
    )
    rows = []
    texts: dict[str, tuple[str, str]] = {}
    for user in people:
        frequency = chosen.get(user.pk, KINDS[kind].default)
        if frequency == MailFrequency.OFF:
            continue
        language = language_for(user)
        if language not in texts:
            texts[language] = (
                i18n.in_language(subject, language)[:200],
                i18n.in_language(message, language),
            )
        rows.append(
            OutgoingEmail(
                recipient=user,
                kind=kind,
                frequency=frequency,
                status=Status.PENDING if frequency == MailFrequency.AT_ONCE else Status.HELD,
                subject=texts[language][0],
                message=texts[language][1],
                url=url,
            )
        )
    created = OutgoingEmail.objects.bulk_create(rows)
    if any(row.status == Status.PENDING for row in created):
        transaction.on_commit(request_delivery)
    return created


def subject_for(message: i18n.Wording) -> Callable[[], str]:
    """The subject line of an e-mail that says ``message``, at most 200 characters, in the
    language the e-mail is written in."""
    return lambda: (gettext("LeanHub: %(message)s") % {"message": i18n.resolve(message)})[:200]


def request_delivery() -> None:
    jobs.enqueue("leanhub.mail.deliver_due")


# --- Digests -------------------------------------------------------------------------------


class WaitingItem(TypedDict):
    text: str
    url: str


# Apps above leanhub say what is waiting for a person (ideas to respond to, ...).
WaitingProvider = Callable[[User], list[WaitingItem]]
WAITING: list[WaitingProvider] = []


def register_waiting(provider: WaitingProvider) -> None:
    WAITING.append(provider)


def waiting_for(user: User) -> list[WaitingItem]:
    return [item for provider in WAITING for item in provider(user)]


def send_daily_digests() -> int:
    return send_digests(MailFrequency.DAILY)


def send_weekly_digests() -> int:
    return send_digests(MailFrequency.WEEKLY)


def send_digests(frequency: str) -> int:
    """Gather each person's held e-mails of this frequency into one digest e-mail. Running it
    again sends nothing more: a held row is gathered once. Returns how many digests."""
    people = (
        OutgoingEmail.objects.filter(status=Status.HELD, frequency=frequency)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    made = 0
    for user_id in list(people):
        made += _digest_for(user_id, frequency)
    if made:
        transaction.on_commit(request_delivery)
    return made


@transaction.atomic
def _digest_for(user_id: int, frequency: str) -> int:
    user = User.objects.select_for_update().get(pk=user_id)
    items = list(
        OutgoingEmail.objects.select_for_update()
        .filter(recipient=user, status=Status.HELD, frequency=frequency)
        .order_by("created_at", "pk")
    )
    if not items:
        return 0
    with override(language_for(user)):
        subject = (
            gettext("LeanHub: your daily digest")
            if frequency == MailFrequency.DAILY
            else gettext("LeanHub: your weekly digest")
        )
    digest = OutgoingEmail.objects.create(
        recipient=user,
        kind=DIGEST_KIND,
        subject=subject,
        template="email/digest",
        context={
            "frequency": frequency,
            "items": [
                {
                    "message": item.message,
                    "url": item.url,
                    "at": item.created_at.isoformat(),
                }
                for item in items
            ],
            "waiting": waiting_for(user),
        },
    )
    OutgoingEmail.objects.filter(pk__in=[i.pk for i in items]).update(
        status=Status.DIGESTED, digest=digest
    )
    return 1


# --- Delivery ------------------------------------------------------------------------------


def absolute(path: str) -> str:
    if not path or urlsplit(path).scheme:
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait before the next try after ``attempts`` failed ones: doubling from
    EMAIL_RETRY_BASE_SECONDS, at most EMAIL_RETRY_MAX_SECONDS."""
    base = settings.EMAIL_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.EMAIL_RETRY_MAX_SECONDS)
    return datetime.timedelta(seconds=seconds)


def _claim(limit: int) -> list[OutgoingEmail]:
    """Take up to ``limit`` due rows for this run. The claim is a conditional update, so two
    workers never take the same row; it lapses after EMAIL_CLAIM_SECONDS."""
    now = timezone.now()
    due = list(
        OutgoingEmail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "claimed_until")[:limit]
    )
    until = now + datetime.timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)
    claimed = [
        pk
        for pk, previous in due
        if OutgoingEmail.objects.filter(
            pk=pk, status=Status.PENDING, claimed_until=previous
        ).update(claimed_until=until, attempts=F("attempts") + 1)
    ]
    return list(
        OutgoingEmail.objects.filter(pk__in=claimed)
        .select_related("recipient")
        .order_by("next_attempt_at", "pk")
    )


def build(row: OutgoingEmail) -> EmailMultiAlternatives:
    """The e-mail for one outbox row, in its recipient's language."""
    user = row.recipient
    kind = ALL_KINDS if row.kind == DIGEST_KIND else row.kind
    unsubscribe_url = absolute(reverse("email-unsubscribe", args=[unsubscribe_token(user, kind)]))
    with override(language_for(user)):
        context: dict[str, Any] = {
            **row.context,
            "user": user,
            "message": row.message,
            "subject": row.subject,
            "url": absolute(row.url),
            "site_url": settings.SITE_URL,
            "preferences_url": absolute(reverse("email-preferences")),
            "unsubscribe_url": unsubscribe_url,
            "kind_label": kind_label(kind),
        }
        if row.kind == DIGEST_KIND:
            for item in [*context.get("items", []), *context.get("waiting", [])]:
                item["url"] = absolute(item.get("url", ""))
            context["daily"] = context.get("frequency") == MailFrequency.DAILY
            context["digest"] = True
        text = render_to_string(f"{row.template}.txt", context)
        html = render_to_string(f"{row.template}.html", context)
    domain = urlsplit(settings.SITE_URL).hostname or "leanhub.invalid"
    email = EmailMultiAlternatives(
        subject=" ".join(row.subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            # The same id on every try: a receiver that saw it already can drop a repeat.
            "Message-ID": f"<outbox-{row.pk}@{domain}>",
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(html, "text/html")
    return email


# Errors that say the server (not this one message) is unreachable: the rest of the run would
# fail the same way, so it stops there and everything claimed waits for its retry.
CONNECTION_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


def deliver_due(limit: int = 200) -> int:
    """Send the due e-mails (the worker's job, every minute and after each change). Returns
    how many were sent."""
    rows = _claim(limit)
    if not rows:
        return 0
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        try:
            connection.open()
        except Exception as error:
            for row in rows:
                _failed(row, error)
            return 0
        for index, row in enumerate(rows):
            if not (row.recipient.email and row.recipient.is_active):
                # The address was removed (or the account closed) since the e-mail was written.
                OutgoingEmail.objects.filter(pk=row.pk).update(
                    status=Status.FAILED, claimed_until=None, last_error="no address"
                )
                continue
            try:
                message = build(row)
                message.connection = connection
                message.send()
            except CONNECTION_ERRORS as error:
                for rest in rows[index:]:
                    _failed(rest, error)
                break
            except Exception as error:
                _failed(row, error)
                continue
            OutgoingEmail.objects.filter(pk=row.pk).update(
                status=Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
            )
            sent += 1
    finally:
        try:
            connection.close()
        except Exception:
            logger.debug("Closing the SMTP connection failed", exc_info=True)
    return sent


def _failed(row: OutgoingEmail, error: Exception) -> None:
    text = f"{type(error).__name__}: {error}"[:1000]
    if row.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        logger.error(
            "E-mail %s to %s gave up after %s tries: %s",
            row.pk,
            row.recipient.email,
            row.attempts,
            text,
        )
        OutgoingEmail.objects.filter(pk=row.pk).update(
            status=Status.FAILED, claimed_until=None, last_error=text
        )
        return
    wait = backoff(row.attempts)
    logger.warning(
        "E-mail %s to %s not sent (try %s), trying again in %ss: %s",
        row.pk,
        row.recipient.email,
        row.attempts,
        int(wait.total_seconds()),
        text,
    )
    OutgoingEmail.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() + wait, claimed_until=None, last_error=text
    )


# --- Health --------------------------------------------------------------------------------


class MailHealth(TypedDict):
    ok: bool
    waiting: int
    retrying: int
    failed_today: int
    oldest_waiting_seconds: int
    last_error: str


def health() -> MailHealth:
    """For a readiness check: is e-mail going out? Not ok when an e-mail has failed at least
    once and still waits, or one was given up on in the last day; ``last_error`` says why."""
    now = timezone.now()
    waiting = OutgoingEmail.objects.filter(status=Status.PENDING)
    retrying = waiting.filter(attempts__gt=0).exclude(last_error="")
    failed = OutgoingEmail.objects.filter(
        status=Status.FAILED, created_at__gte=now - datetime.timedelta(days=1)
    )
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    latest_error = (
        OutgoingEmail.objects.exclude(last_error="")
        .filter(status__in=[Status.PENDING, Status.FAILED])
        .order_by("-next_attempt_at")
        .values_list("last_error", flat=True)
        .first()
    )
    n_retrying, n_failed = retrying.count(), failed.count()
    return {
        "ok": not n_retrying and not n_failed,
        "waiting": waiting.count(),
        "retrying": n_retrying,
        "failed_today": n_failed,
        "oldest_waiting_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "last_error": latest_error or "",
    }


def problem() -> str | None:
    """Why e-mail is not going out, in a sentence for a readiness report, or None."""
    state = health()
    if state["ok"]:
        return None
    return gettext(
        "E-mail is not going out: %(retrying)s e-mails are being retried and %(failed)s were "
        "given up in the last day. Last error: %(error)s"
    ) % {
        "retrying": state["retrying"],
        "failed": state["failed_today"],
        "error": state["last_error"],
    }


def check_connection(timeout: float | None = None) -> str:
    """Open and close a connection to the configured SMTP server (waiting at most ``timeout``
    seconds, else EMAIL_TIMEOUT); '' when it works, else a sentence saying what is wrong
    (``manage.py check_mail``, ``manage.py startup_report --mail``)."""
    try:
        connection = get_connection(fail_silently=False)
        if timeout and hasattr(connection, "timeout"):
            connection.timeout = min(timeout, settings.EMAIL_TIMEOUT or timeout)
        connection.open()
        connection.close()
    except Exception as error:
        return gettext("The e-mail server %(host)s:%(port)s refused: %(error)s") % {
            "host": settings.EMAIL_HOST,
            "port": settings.EMAIL_PORT,
            "error": f"{type(error).__name__}: {error}",
        }
    return ""


def register_jobs() -> None:
    jobs.every_minute("deliver e-mail", "leanhub.mail.deliver_due")
    jobs.daily("daily digest", "leanhub.mail.send_daily_digests", hour=7)
    jobs.weekly("weekly digest", "leanhub.mail.send_weekly_digests", weekday=0, hour=7)
