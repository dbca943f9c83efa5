"""Access tokens for the REST API (``/api/v1/``).

A token is shown once, when it is made, and only a SHA-256 digest of its secret is kept: a
database copy lets nobody call the API. The text of a token is ``lh_<prefix>_<secret>``; the
prefix is kept in the clear so a token can be found (and named in lists) without its secret.

A personal token acts as the person who made it. An organisation's service token acts as a
service account of its own — a user with no password who is a manager of that organisation only
— so the same policy (``leanhub/policy.py``) decides every answer for both, and revoking the
token switches that account off.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leanhub.models import Organisation

PREFIX_LENGTH = 8
TOKEN_START = "lh_"  # noqa: S105  (the start every token has, not a secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_text() -> tuple[str, str, str]:
    """(the whole token to show once, its prefix, the digest to keep)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    return f"{TOKEN_START}{prefix}_{secret}", prefix, digest(secret)


def split_token_text(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token's text, or None when it is not shaped like one."""
    if not text.startswith(TOKEN_START):
        return None
    prefix, _sep, secret = text[len(TOKEN_START) :].partition("_")
    if len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix, secret


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        SERVICE = "service", _("Organisation service")

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    # Whom the token acts as: the person, or the service account of an organisation's token.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("acts as"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True)
    secret_digest = models.CharField(_("secret digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="personal", organisation__isnull=True)
                | models.Q(kind="service", organisation__isnull=False),
                name="service_tokens_have_an_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_START}{self.prefix}…)"

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_digest, digest(secret))

    @property
    def shown_prefix(self) -> str:
        return f"{TOKEN_START}{self.prefix}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def may_write(self) -> bool:
        return self.scope == ApiToken.Scope.WRITE


# How long a new token lasts: the choices offered when one is made.
LIFETIMES = {
    7: _("7 days"),
    30: _("30 days"),
    90: _("90 days"),
    365: _("1 year"),
}


def expiry_after(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)


class ObservationBatch(models.Model):
    """A batch of observations the API appended, by the key its caller gave: the same batch sent
    again with the same key changes nothing (the first answer is given again), and a different
    batch under a key already used is refused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("sent by"),
    )
    key = models.CharField(_("key"), max_length=100)
    digest = models.CharField(_("digest of the batch"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("observation batch")
        verbose_name_plural = _("observation batches")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_batch_per_key_and_caller")
        ]

    def __str__(self) -> str:
        return self.key


# Webhooks live in a module of their own; imported here so Django finds their models.
from api.webhook_models import WebhookDelivery, WebhookSubscription  # noqa: E402, F401
