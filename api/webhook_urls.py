"""An organisation's webhook pages, beside its service tokens."""

from __future__ import annotations

from django.urls import path

from api import webhook_views

app_name = "webhooks"

ONE = "organisations/<slug:slug>/webhooks/<int:subscription_id>/"

urlpatterns = [
    path("organisations/<slug:slug>/webhooks/", webhook_views.subscription_list, name="list"),
    path(ONE, webhook_views.subscription_detail, name="detail"),
    path(ONE + "rotate/", webhook_views.subscription_rotate, name="rotate"),
    path(ONE + "active/", webhook_views.subscription_active, name="active"),
    path(ONE + "delete/", webhook_views.subscription_delete, name="delete"),
    path(ONE + "ping/", webhook_views.subscription_ping, name="ping"),
    path(
        ONE + "deliveries/<int:delivery_id>/retry/",
        webhook_views.delivery_retry,
        name="retry",
    ),
]
