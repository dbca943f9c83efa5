"""Webhooks: an organisation's subscriptions of URLs to events, and the log of every delivery.

A subscription's signing secret is kept as it is (it must be, to sign with it): it is shown to
the organisation's managers once, when it is made or rotated, and never again on any page.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leanhub import events
from leanhub.models import Organisation

SECRET_START = "whsec_"  # noqa: S105  (the start every signing secret has, not a secret)

# The kinds of event a subscription may choose, in the words of the pages.
EVENT_LABELS = {
    events.IDEA_STATUS_CHANGED: _("An idea's status changed"),
    events.CARD_MOVED: _("A kaizen card moved"),
    events.SAVING_VERIFIED: _("A saving was verified"),
    events.MEASURE_SPECIAL_CAUSE: _("Special-cause variation on a measure"),
}
PING = "ping"


def new_secret() -> str:
    return SECRET_START + secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=80, default=new_secret)
    active = models.BooleanField(_("active"), default=True)
    # Set by an administrator only: deliveries may go to private and loopback addresses (a
    # receiver inside the organisation's own network).
    allow_private = models.BooleanField(_("may deliver to private addresses"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    secret_rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"

    @property
    def secret_hint(self) -> str:
        """The secret's end, enough to tell which one a receiver holds."""
        return "…" + self.secret[-4:]

    def event_labels(self) -> list[str]:
        return [str(EVENT_LABELS[k]) for k in self.events if k in EVENT_LABELS]


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Refused")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    # The event's id: the same on every try, so a receiver can drop a repeat.
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4)
    kind = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    response_excerpt = models.CharField(_("start of the response"), max_length=500, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due"),
            models.Index(fields=["subscription", "-created_at"], name="webhook_log"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.subscription_id} ({self.status})"
