from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import LIFETIMES, ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, so you know it again: “Telephony sync”."),
    )
    scope = forms.ChoiceField(
        label=_("What it may do"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=list(LIFETIMES.items()),
        coerce=int,
        initial=90,
    )
