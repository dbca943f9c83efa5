from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from api.webhook_models import EVENT_LABELS, WebhookSubscription


class SubscriptionForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What receives it, so you know it again: “Case management”."),
    )
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where LeanHub sends each event, as a signed POST: https://…"),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=list(EVENT_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    allow_private = forms.BooleanField(
        label=_("May deliver to private addresses"),
        required=False,
        help_text=_(
            "Only for a receiver inside your own network. Administrators only: otherwise "
            "addresses that are not public are refused, so webhooks cannot probe the network."
        ),
    )

    def __init__(self, *args: Any, is_admin: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_admin:
            del self.fields["allow_private"]

    @classmethod
    def initial_for(cls, subscription: WebhookSubscription) -> dict[str, Any]:
        return {
            "name": subscription.name,
            "url": subscription.url,
            "events": subscription.events,
            "allow_private": subscription.allow_private,
        }

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if urlsplit(url).scheme not in ("http", "https"):
            raise forms.ValidationError(_("Only http and https addresses can receive webhooks."))
        return url
