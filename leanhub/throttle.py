"""Sign-in throttling that slows whoever is guessing, and nobody else.

Failed sign-ins are counted per **(account, client)** pair, never per account alone, so nobody
can lock a colleague out by typing wrong passwords for them:

- A **known device** is a browser carrying a valid device cookie that lists the account: a
  long-lived cookie, signed with the server's secret, that a browser gets on every successful
  sign-in (:func:`remember_device`). It holds a random device id and keyed hashes of the accounts
  signed in on it, never a name. For a known device the client is that device, wherever it is:
  failures from any other client never slow it, and neither does the address ceiling below.
- Any other request (a fresh browser, a cookie for other accounts only, a cookie whose signature
  does not hold) is an **unknown client**, counted by its address
  (:func:`leanhub.http.client_address`, which believes ``X-Forwarded-For`` only from
  ``TRUSTED_PROXIES``). An IPv6 address counts as its /64 network, since one host can hold all of
  it. So a stranger's guesses slow that stranger's address only: the real person in their own
  browser, or in a fresh one at their own address, signs in as usual.

After ``LOGIN_FAILURES_BEFORE_DELAY`` failures of one pair, that client must wait 1 minute after
its latest failure before it may try again, then 2, 4, 8 … minutes, up to
``LOGIN_DELAY_MAX_MINUTES``: a person who mistypes barely notices, a guesser gets a handful of
tries an hour. Failures are forgotten after a day; a successful sign-in clears its own pair, and
a password reset clears every pair of the account (the old password no longer matters).

Apart from that, one address is stopped after ``LOGIN_FAILURES_PER_ADDRESS`` failures across all
accounts within ``LOGIN_FAILURE_WINDOW_MINUTES``: a high ceiling against one machine trying a
password on many accounts. It never stops a known device of the account being signed into, so
even an office behind one address keeps working for everyone who has signed in there before.

While a client is held back its password is not checked at all, so the answer can never tell a
right guess from a wrong one; the message names only "this browser", the same for an account
that exists and one that does not, and whichever rule applies. Each attempt is written down
before the password is checked and counts only what was written before it, so many guesses sent
at the same moment are held back like guesses sent one after another.

Why not a library such as django-axes: it would be a new dependency for about 200 lines, its
cool-offs are flat locks per parameter set rather than delays that grow, it has no notion of a
device cookie that lifts the address ceiling for a browser the account knows, and it would read
the client's address its own way, beside :func:`leanhub.http.client_address` which the surveys
use too.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from leanhub.http import client_address
from leanhub.models import LoginFailure

DEVICE_COOKIE = "leanhub_device"
DEVICE_COOKIE_AGE = timedelta(days=365)
# A shared computer in a team room may know many accounts; the cookie stays small.
DEVICE_ACCOUNTS_KEPT = 20
# Failures older than this never count again, and are deleted.
FORGET_AFTER = timedelta(days=1)
_SALT = "leanhub.throttle.device"


@dataclass(frozen=True)
class Lock:
    """The client must wait ``retry_after`` before it may try again."""

    retry_after: timedelta

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, rounded up: never "0 minutes"."""
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


@dataclass(frozen=True)
class Device:
    """What a valid device cookie says: the browser's id and the accounts signed in on it."""

    id: str
    accounts: tuple[str, ...]


@dataclass(frozen=True)
class Client:
    """One side of the (account, client) pair failures are counted by."""

    username: str
    # The address failures of an unknown client are counted by; None when there is none.
    address: str | None
    # A keyed hash of the device id when this browser is known for the account, else "".
    device: str

    @property
    def known(self) -> bool:
        return bool(self.device)


def _normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _account_key(username: str) -> str:
    """How a device cookie lists an account: a keyed hash, so the cookie names nobody."""
    digest = salted_hmac(f"{_SALT}.account", _normalise(username), algorithm="sha256")
    return digest.hexdigest()[:20]


def _device_key(device_id: str) -> str:
    """How a failure row records a device: a keyed hash, so the table holds no usable cookie."""
    return salted_hmac(f"{_SALT}.row", device_id, algorithm="sha256").hexdigest()


def _address_key(address: str) -> str | None:
    """``address`` as failures are counted: an IPv6 address as its /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def read_device(request: HttpRequest) -> Device | None:
    """The device cookie ``request`` carries, or None when it has none whose signature holds."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_SALT, max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    device_id, accounts = data.get("d"), data.get("a")
    if not isinstance(device_id, str) or not isinstance(accounts, list):
        return None
    return Device(id=device_id, accounts=tuple(key for key in accounts if isinstance(key, str)))


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Give the browser (back) its device cookie after ``username`` signed in on it: the same
    device id as before if it had one, this account first in its list, a year to live."""
    device = read_device(request)
    key = _account_key(username)
    earlier = [other for other in device.accounts if other != key] if device else []
    value = signing.dumps(
        {
            "d": device.id if device else secrets.token_urlsafe(16),
            "a": [key, *earlier][:DEVICE_ACCOUNTS_KEPT],
        },
        salt=_SALT,
        compress=True,
    )
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=int(DEVICE_COOKIE_AGE.total_seconds()),
        # Sent only to the sign-in page, the one place that reads it.
        path=reverse("login"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def client_for(request: HttpRequest | None, username: str) -> Client:
    """The client ``request`` is, for failures at signing in to ``username``."""
    if request is None:
        return Client(username=_normalise(username), address=None, device="")
    device = read_device(request)
    known = device is not None and _account_key(username) in device.accounts
    return Client(
        username=_normalise(username),
        address=_address_key(client_address(request)),
        device=_device_key(device.id) if device is not None and known else "",
    )


def _pair(client: Client) -> Q:
    if client.known:
        return Q(username=client.username, device=client.device)
    return Q(username=client.username, address=client.address, device="")


def _delay(failures: int) -> timedelta:
    """How long a pair with ``failures`` failures waits after the latest of them."""
    over = failures - settings.LOGIN_FAILURES_BEFORE_DELAY
    if over < 0:
        return timedelta(0)
    return timedelta(minutes=min(2 ** min(over, 20), settings.LOGIN_DELAY_MAX_MINUTES))


def _lock(client: Client, *, before: int) -> Lock | None:
    """The longest wait in force for ``client``, counting only failures written before row
    ``before``."""
    now = timezone.now()
    waits = []
    pair = LoginFailure.objects.filter(_pair(client), pk__lt=before, at__gte=now - FORGET_AFTER)
    counted = pair.aggregate(failures=Count("pk"), latest=Max("at"))
    if counted["latest"] is not None:
        waits.append(counted["latest"] + _delay(counted["failures"]) - now)
    if client.address and not client.known:
        window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
        limit = settings.LOGIN_FAILURES_PER_ADDRESS
        recent = list(
            LoginFailure.objects.filter(address=client.address, pk__lt=before, at__gte=now - window)
            .order_by("-at")
            .values_list("at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            # Lifts when the oldest of the last `limit` failures leaves the window.
            waits.append(recent[-1] + window - now)
    wait = max(waits, default=timedelta(0))
    return Lock(retry_after=wait) if wait > timedelta(0) else None


class Attempt:
    """One sign-in attempt, written down as a failure before the password is checked.

    When ``lock`` is set the attempt was refused and nothing was kept: do not check the password.
    Otherwise check it, then call exactly one of :meth:`failed`, :meth:`succeeded` or
    :meth:`abandoned`.
    """

    def __init__(self, client: Client, row: int | None, lock: Lock | None) -> None:
        self.client = client
        self.lock = lock
        self._row = row

    def failed(self) -> None:
        """The password was wrong: the failure stays counted."""
        LoginFailure.objects.filter(at__lt=timezone.now() - FORGET_AFTER).delete()

    def succeeded(self) -> None:
        """The right person: their pair's failures are cleared (this attempt with them)."""
        LoginFailure.objects.filter(_pair(self.client)).delete()

    def abandoned(self) -> None:
        """No guess was judged (e.g. the form was refused for another reason): forget it."""
        if self._row is not None:
            LoginFailure.objects.filter(pk=self._row).delete()


def begin(client: Client) -> Attempt:
    """Start an attempt by ``client``: refused with a :class:`Lock` if it must wait."""
    row = LoginFailure.objects.create(
        username=client.username, address=client.address, device=client.device
    )
    lock = _lock(client, before=row.pk)
    if lock:
        row.delete()
        return Attempt(client, None, lock)
    return Attempt(client, row.pk, None)


def clear_account(username: str) -> None:
    """Forget every failure at signing in to ``username`` (its password was just reset)."""
    LoginFailure.objects.filter(username=_normalise(username)).delete()
