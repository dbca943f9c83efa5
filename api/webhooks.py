"""What the organisation's managers change about webhooks: subscriptions made, changed, paused,
deleted, their secret rotated; a test ping and a retry asked for. Each is audited. A new or
rotated secret is returned once, by the action that makes it, for the page to show that once."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from api import delivery
from api.webhook_models import WebhookDelivery, WebhookSubscription, new_secret
from leanhub import audit, policy
from leanhub.models import Organisation, User


@dataclass(frozen=True)
class ShownSecret:
    subscription: WebhookSubscription
    secret: str  # shown to the manager this once


def _require(organisation: Organisation, by: User) -> None:
    policy.require(
        by,
        "manage_webhooks",
        organisation,
        reason=gettext("Only the organisation's managers look after its webhooks."),
    )


def _require_admin_for_private(allow_private: bool, by: User) -> None:
    if allow_private and not policy.scope_of(by).is_admin:
        raise PermissionDenied(
            gettext("Only an administrator may let a webhook reach private addresses.")
        )


@transaction.atomic
def create_subscription(
    organisation: Organisation,
    *,
    name: str,
    url: str,
    kinds: list[str],
    allow_private: bool = False,
    by: User,
) -> ShownSecret:
    """Subscribe ``url`` to ``kinds`` of event of ``organisation``; the secret is shown once."""
    _require(organisation, by)
    _require_admin_for_private(allow_private, by)
    subscription = WebhookSubscription.objects.create(
        organisation=organisation,
        name=name.strip(),
        url=url.strip(),
        events=list(kinds),
        allow_private=allow_private,
        created_by=by,
    )
    audit.record(
        by,
        "webhook.created",
        subscription,
        {"url": subscription.url, "events": subscription.events, "private": allow_private},
    )
    return ShownSecret(subscription, subscription.secret)


@transaction.atomic
def update_subscription(
    subscription: WebhookSubscription,
    *,
    name: str,
    url: str,
    kinds: list[str],
    allow_private: bool,
    by: User,
) -> WebhookSubscription:
    """Change what a subscription hears and where it goes. Only an administrator changes
    whether it may reach private addresses (anyone else keeps what it was)."""
    _require(subscription.organisation, by)
    if allow_private != subscription.allow_private:
        _require_admin_for_private(True, by)
    subscription.name, subscription.url = name.strip(), url.strip()
    subscription.events, subscription.allow_private = list(kinds), allow_private
    subscription.save(update_fields=["name", "url", "events", "allow_private"])
    audit.record(
        by,
        "webhook.changed",
        subscription,
        {"url": subscription.url, "events": subscription.events, "private": allow_private},
    )
    return subscription


@transaction.atomic
def rotate_secret(subscription: WebhookSubscription, *, by: User) -> ShownSecret:
    """A new signing secret, at once: the old one signs nothing more."""
    _require(subscription.organisation, by)
    subscription.secret = new_secret()
    subscription.secret_rotated_at = timezone.now()
    subscription.save(update_fields=["secret", "secret_rotated_at"])
    audit.record(by, "webhook.secret_rotated", subscription, {})
    return ShownSecret(subscription, subscription.secret)


@transaction.atomic
def set_active(subscription: WebhookSubscription, *, active: bool, by: User) -> None:
    """Pause (nothing is written or sent for it meanwhile; what waits, waits) or resume."""
    _require(subscription.organisation, by)
    if subscription.active == active:
        return
    subscription.active = active
    subscription.save(update_fields=["active"])
    audit.record(by, "webhook.resumed" if active else "webhook.paused", subscription, {})
    if active:
        transaction.on_commit(delivery.request_delivery)


@transaction.atomic
def delete_subscription(subscription: WebhookSubscription, *, by: User) -> None:
    """Delete a subscription and its delivery log."""
    _require(subscription.organisation, by)
    audit.record(by, "webhook.deleted", subscription.organisation, {"url": subscription.url})
    subscription.delete()


def send_ping(subscription: WebhookSubscription, *, by: User) -> WebhookDelivery:
    """A test event to the subscription, delivered by the worker like any other."""
    _require(subscription.organisation, by)
    return delivery.queue_ping(subscription)


def retry(item: WebhookDelivery, *, by: User) -> WebhookDelivery:
    """Try a delivery again now, whatever its state."""
    _require(item.subscription.organisation, by)
    return delivery.retry_now(item)
