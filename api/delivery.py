"""Delivering webhooks: signed, by the worker, with retries, never to the internal network.

* :func:`on_event` (subscribed to every kind in ``leanhub/events.py``) writes one
  :class:`~api.webhook_models.WebhookDelivery` per active subscription of the organisations
  that may hear the event and chose its kind, then asks the worker to deliver after commit.
* :func:`deliver_due` (the worker's job, every minute and after each event) claims due
  deliveries with a lease and POSTs each: a 2xx answer is delivered; anything else is tried
  again after 1 minute, 5, 30, 2 hours and 12 hours, then failed. Each try is logged on the row
  (time, response code, duration, the start of the answer or the error).
* :func:`resolve` refuses a URL that is not http(s) or whose host resolves to any address that
  is not public (private, loopback, link-local, reserved, multicast, shared), unless
  ``WEBHOOKS_ALLOW_PRIVATE``, ``WEBHOOKS_ALLOWED_NETWORKS`` or the subscription's own
  ``allow_private`` (set by an administrator) allows it. The request then goes to the address
  that was checked (the host name is sent in ``Host`` and, over TLS, checked against the
  certificate), so a second DNS answer cannot redirect it; redirects are never followed.
* Signing: ``LeanHub-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` with the
  subscription's secret, as docs/webhooks.md shows how to check.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from api.webhook_models import PING, WebhookDelivery, WebhookSubscription
from leanhub import events, jobs

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status

# The wait before each further try: after the first failure, the second, ... then given up.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM = datetime.timedelta(minutes=2)
EXCERPT = 500
USER_AGENT = "LeanHub-Webhooks/1"


# --- Signing -------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``LeanHub-Signature`` header's value for ``body`` sent at ``timestamp``."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance: int = 300) -> bool:
    """What a receiver does (and the tests): the signature matches and is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


# --- Where a delivery may go ---------------------------------------------------------------


class Refused(Exception):
    """The URL may not be delivered to; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: str
    path: str


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOKS_ALLOWED_NETWORKS]


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(url: str, *, allow_private: bool = False) -> Target:
    """Where ``url`` is to be delivered: its scheme, host, port, the one checked address to
    connect to, and the path. Raises :class:`Refused` with the reason otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(gettext("Only http and https addresses can receive webhooks."))
    host = parts.hostname
    if not host:
        raise Refused(gettext("The address has no host."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise Refused(gettext("The address's port is not a number.")) from error
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(gettext("The host %(host)s is not found.") % {"host": host}) from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise Refused(gettext("The host %(host)s is not found.") % {"host": host})
    every = allow_private or settings.WEBHOOKS_ALLOW_PRIVATE
    networks = [] if every else _allowed_networks()
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if every or is_public(address) or any(address in n for n in networks):
            continue
        raise Refused(
            gettext(
                "%(host)s is at %(address)s, a private or reserved address: webhooks are not "
                "delivered inside LeanHub's own network unless an administrator allows it."
            )
            % {"host": host, "address": address}
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, addresses[0], path)


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST ``body`` to the checked address of ``target``; no redirect is followed, and only
    the start of the answer is read."""
    host_header = target.host if ":" not in target.host else f"[{target.host}]"
    default_port = 443 if target.scheme == "https" else 80
    if target.port != default_port:
        host_header += f":{target.port}"
    pool: urllib3.HTTPConnectionPool
    options: dict[str, Any] = {
        "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        "retries": False,
        "maxsize": 1,
    }
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, **options)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            start = response.read(EXCERPT, decode_content=False) or b""
        finally:
            response.release_conn()
        return Answer(response.status, start.decode("utf-8", "replace"))
    finally:
        pool.close()


# --- Writing deliveries --------------------------------------------------------------------


def envelope(
    kind: str, event_id: str, organisation: dict[str, Any], data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": kind,
        "created": timezone.now().isoformat(),
        "organisation": organisation,
        "data": data,
    }


def on_event(event: events.Event) -> None:
    """Write a delivery of ``event`` to each active subscription that chose its kind, of the
    organisations that may hear it; ask the worker to deliver after commit."""
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(
            active=True, organisation_id__in=event.organisation_ids
        ).select_related("organisation")
        if event.kind in s.events
    ]
    if not subscriptions:
        return
    event_id = str(uuid.uuid4())
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=s,
            event_id=event_id,
            kind=event.kind,
            payload=envelope(
                event.kind,
                event_id,
                {"id": s.organisation_id, "slug": s.organisation.slug},
                event.data,
            ),
            next_attempt_at=now,
        )
        for s in subscriptions
    )
    transaction.on_commit(request_delivery)


def request_delivery() -> None:
    jobs.enqueue("api.delivery.deliver_due")


def register() -> None:
    for kind in events.KINDS:
        events.subscribe(kind, on_event)
    jobs.every_minute("deliver webhooks", "api.delivery.deliver_due")


@transaction.atomic
def queue_ping(subscription: WebhookSubscription) -> WebhookDelivery:
    """A test event to one subscription, whatever it chose, to check the receiver."""
    event_id = str(uuid.uuid4())
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_id=event_id,
        kind=PING,
        payload=envelope(
            PING,
            event_id,
            {"id": subscription.organisation_id, "slug": subscription.organisation.slug},
            {"subscription": subscription.pk, "message": "LeanHub says hello."},
        ),
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(request_delivery)
    return delivery


@transaction.atomic
def retry_now(delivery: WebhookDelivery) -> WebhookDelivery:
    """Try a failed, refused or waiting delivery again at once (one more try counted)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), claimed_until=None
    )
    transaction.on_commit(request_delivery)
    delivery.refresh_from_db()
    return delivery


# --- Delivering ----------------------------------------------------------------------------


def _claim(limit: int, now: datetime.datetime) -> list[WebhookDelivery]:
    """Take up to ``limit`` due deliveries of active subscriptions. The claim is a conditional
    update, so two workers never take the same one; it lapses after ``CLAIM``."""
    due = list(
        WebhookDelivery.objects.filter(
            status=Status.PENDING, next_attempt_at__lte=now, subscription__active=True
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "claimed_until")[:limit]
    )
    claimed = [
        pk
        for pk, previous in due
        if WebhookDelivery.objects.filter(
            pk=pk, status=Status.PENDING, claimed_until=previous
        ).update(claimed_until=now + CLAIM, attempts=F("attempts") + 1)
    ]
    return list(
        WebhookDelivery.objects.filter(pk__in=claimed)
        .select_related("subscription")
        .order_by("next_attempt_at", "pk")
    )


def deliver_due(limit: int = 100, now: datetime.datetime | None = None) -> int:
    """Deliver what is due (the worker's job). Returns how many were delivered."""
    now = now or timezone.now()
    delivered = 0
    for delivery in _claim(limit, now):
        delivered += attempt(delivery, now=now)
    return delivered


def attempt(delivery: WebhookDelivery, *, now: datetime.datetime) -> bool:
    """One try of ``delivery`` (already claimed and counted): logged on its row."""
    subscription = delivery.subscription
    body = body_of(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "LeanHub-Event": delivery.kind,
        "LeanHub-Event-Id": str(delivery.event_id),
        "LeanHub-Delivery": str(delivery.pk),
        "LeanHub-Signature": signature(subscription.secret, timestamp, body),
    }
    fields: dict[str, Any] = {"last_attempt_at": now, "claimed_until": None}
    started = time.monotonic()
    try:
        target = resolve(subscription.url, allow_private=subscription.allow_private)
    except Refused as error:
        fields.update(
            status=Status.REFUSED,
            next_attempt_at=None,
            last_error=str(error)[:500],
            response_code=None,
            duration_ms=None,
            response_excerpt="",
        )
        logger.warning("Webhook delivery %s refused: %s", delivery.pk, error)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
        return False
    try:
        answer = post(target, body, headers, timeout=settings.WEBHOOKS_TIMEOUT)
    except Exception as error:
        fields.update(
            response_code=None,
            response_excerpt="",
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
        ok = False
    else:
        ok = 200 <= answer.status < 300
        fields.update(
            response_code=answer.status,
            response_excerpt=answer.excerpt[:EXCERPT],
            last_error=""
            if ok
            else gettext("The receiver answered %(status)s.") % {"status": answer.status},
        )
    fields["duration_ms"] = int((time.monotonic() - started) * 1000)
    if ok:
        fields.update(status=Status.SUCCEEDED, next_attempt_at=None)
    elif delivery.attempts >= MAX_ATTEMPTS:
        fields.update(status=Status.FAILED, next_attempt_at=None)
        logger.error(
            "Webhook delivery %s to %s gave up after %s tries: %s",
            delivery.pk,
            subscription.url,
            delivery.attempts,
            fields["last_error"],
        )
    else:
        fields["next_attempt_at"] = now + BACKOFF[delivery.attempts - 1]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return ok
