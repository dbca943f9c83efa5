"""Failed-login throttling.

An account is locked after LOGIN_FAILURES_PER_ACCOUNT failures within the window, and a client
address after LOGIN_FAILURES_PER_ADDRESS. Locks lift by themselves as failures age out of the
window, and a successful sign-in or a password reset clears the account's failures — so brute
force is stopped without locking the real person out for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from leanhub.models import LoginFailure


@dataclass(frozen=True)
class Lock:
    reason: str
    retry_after: timedelta

    @property
    def minutes(self) -> int:
        return max(1, int(self.retry_after.total_seconds() // 60) + 1)


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def _normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


def lock_for(username: str, address: str | None) -> Lock | None:
    """The lock in force for this account or address, if any."""
    since = timezone.now() - _window()
    checks = [
        (
            LoginFailure.objects.filter(username=_normalise(username), at__gte=since),
            settings.LOGIN_FAILURES_PER_ACCOUNT,
            "account",
        )
    ]
    if address:
        checks.append(
            (
                LoginFailure.objects.filter(address=address, at__gte=since),
                settings.LOGIN_FAILURES_PER_ADDRESS,
                "address",
            )
        )
    for failures, limit, reason in checks:
        recent = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(recent) >= limit:
            # Unlocks when the oldest of the last `limit` failures leaves the window.
            return Lock(reason=reason, retry_after=recent[-1] + _window() - timezone.now())
    return None


def record_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=_normalise(username), address=address or None)
    # Rows older than a day can never matter again.
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def clear(username: str) -> None:
    LoginFailure.objects.filter(username=_normalise(username)).delete()
