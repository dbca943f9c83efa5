"""The webhook pages of an organisation, for its managers: its subscriptions (made here, the
signing secret shown once), each one's settings and delivery log, a test ping, a retry, a new
secret, pause and delete. Nothing here calls a receiver: the worker delivers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import webhooks
from api.webhook_forms import SubscriptionForm
from api.webhook_models import WebhookDelivery, WebhookSubscription
from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest
from leanhub.models import Organisation

LOG_ROWS = 50


def _organisation(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    return policy.get_for_user(
        request.user, Organisation.objects.all(), action="manage_webhooks", slug=slug
    )


def _subscription(
    request: AuthenticatedHttpRequest, slug: str, subscription_id: int
) -> WebhookSubscription:
    organisation = _organisation(request, slug)
    subscription = get_object_or_404(
        WebhookSubscription.objects.filter(organisation=organisation), pk=subscription_id
    )
    subscription.organisation = organisation
    return subscription


def _is_admin(request: AuthenticatedHttpRequest) -> bool:
    return policy.scope_of(request.user).is_admin


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def subscription_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The organisation's subscriptions; a POST makes one and shows its secret once."""
    organisation = _organisation(request, slug)
    form = SubscriptionForm(request.POST or None, is_admin=_is_admin(request))
    shown = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shown = webhooks.create_subscription(
            organisation,
            name=data["name"],
            url=data["url"],
            kinds=data["events"],
            allow_private=data.get("allow_private", False),
            by=request.user,
        )
        form = SubscriptionForm(is_admin=_is_admin(request))
    context = {
        "organisation": organisation,
        "form": form,
        "shown": shown,
        "subscriptions": organisation.webhook_subscriptions.select_related("created_by"),
    }
    status = 400 if form.errors else 201 if shown else 200
    return render(request, "api/webhook_list.html", context, status=status)


def _detail(
    request: AuthenticatedHttpRequest,
    subscription: WebhookSubscription,
    *,
    form: SubscriptionForm | None = None,
    shown: webhooks.ShownSecret | None = None,
    status: int = 200,
) -> HttpResponse:
    form = form or SubscriptionForm(
        initial=SubscriptionForm.initial_for(subscription), is_admin=_is_admin(request)
    )
    context = {
        "organisation": subscription.organisation,
        "subscription": subscription,
        "form": form,
        "shown": shown,
        "deliveries": subscription.deliveries.order_by("-created_at", "-pk")[:LOG_ROWS],
        "statuses": WebhookDelivery.Status,
    }
    return render(request, "api/webhook_detail.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def subscription_detail(
    request: AuthenticatedHttpRequest, slug: str, subscription_id: int
) -> HttpResponse:
    """One subscription: its settings (a POST changes them) and its latest deliveries."""
    subscription = _subscription(request, slug, subscription_id)
    if request.method == "GET":
        return _detail(request, subscription)
    form = SubscriptionForm(request.POST, is_admin=_is_admin(request))
    if not form.is_valid():
        return _detail(request, subscription, form=form, status=400)
    data = form.cleaned_data
    webhooks.update_subscription(
        subscription,
        name=data["name"],
        url=data["url"],
        kinds=data["events"],
        allow_private=data.get("allow_private", subscription.allow_private),
        by=request.user,
    )
    messages.success(request, gettext("The webhook is saved."))
    return redirect("webhooks:detail", slug=slug, subscription_id=subscription.pk)


@never_cache
@require_POST
@login_required
def subscription_rotate(
    request: AuthenticatedHttpRequest, slug: str, subscription_id: int
) -> HttpResponse:
    """A new signing secret, shown on the answer once."""
    subscription = _subscription(request, slug, subscription_id)
    shown = webhooks.rotate_secret(subscription, by=request.user)
    return _detail(request, subscription, shown=shown)


@require_POST
@login_required
def subscription_active(
    request: AuthenticatedHttpRequest, slug: str, subscription_id: int
) -> HttpResponse:
    subscription = _subscription(request, slug, subscription_id)
    active = request.POST.get("active") == "1"
    webhooks.set_active(subscription, active=active, by=request.user)
    messages.success(
        request,
        gettext("The webhook is active again.")
        if active
        else gettext("The webhook is paused: nothing is sent to it until it is resumed."),
    )
    return redirect("webhooks:detail", slug=slug, subscription_id=subscription.pk)


@require_POST
@login_required
def subscription_delete(
    request: AuthenticatedHttpRequest, slug: str, subscription_id: int
) -> HttpResponse:
    subscription = _subscription(request, slug, subscription_id)
    webhooks.delete_subscription(subscription, by=request.user)
    messages.success(request, gettext("The webhook is deleted, with its delivery log."))
    return redirect("webhooks:list", slug=slug)


@require_POST
@login_required
def subscription_ping(
    request: AuthenticatedHttpRequest, slug: str, subscription_id: int
) -> HttpResponse:
    subscription = _subscription(request, slug, subscription_id)
    webhooks.send_ping(subscription, by=request.user)
    messages.success(
        request, gettext("A test event is on its way: its delivery shows below in a moment.")
    )
    return redirect("webhooks:detail", slug=slug, subscription_id=subscription.pk)


@require_POST
@login_required
def delivery_retry(
    request: AuthenticatedHttpRequest, slug: str, subscription_id: int, delivery_id: int
) -> HttpResponse:
    subscription = _subscription(request, slug, subscription_id)
    item = get_object_or_404(subscription.deliveries.all(), pk=delivery_id)
    item.subscription = subscription
    webhooks.retry(item, by=request.user)
    messages.success(request, gettext("The delivery will be tried again now."))
    return redirect("webhooks:detail", slug=slug, subscription_id=subscription.pk)
