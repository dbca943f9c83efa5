"""The e-mail preferences page and the one-click unsubscribe (see :mod:`leanhub.mail`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from leanhub import mail
from leanhub.http import AuthenticatedHttpRequest
from leanhub.models import MailFrequency


class EmailPreferencesForm(forms.Form):
    """One choice per kind of e-mail: at once, daily digest, weekly digest or off."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, kind in mail.KINDS.items():
            self.fields[key] = forms.ChoiceField(
                label=kind.label,
                choices=MailFrequency.choices,
                initial=current.get(key, kind.default),
                widget=forms.RadioSelect,
            )


class RollsForm(forms.Form):
    """Whether the person is named on rolls of honour (see ``User.unlisted_on_rolls``)."""

    unlisted_on_rolls = forms.BooleanField(
        label=_("Don't list me on rolls of honour"),
        help_text=_("What you did is still listed, without your name."),
        required=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    rolls_form = RollsForm(initial={"unlisted_on_rolls": user.unlisted_on_rolls})
    if request.method == "POST" and request.POST.get("form") == "rolls":
        rolls_form = RollsForm(request.POST)
        if rolls_form.is_valid():
            user.unlisted_on_rolls = rolls_form.cleaned_data["unlisted_on_rolls"]
            user.save(update_fields=["unlisted_on_rolls"])
            messages.success(request, gettext("Your choice about rolls of honour is saved."))
            return redirect("email-preferences")
    current = mail.frequencies(request.user)
    posted = request.POST if request.POST.get("form") != "rolls" else None
    form = EmailPreferencesForm(posted or None, current=current)
    if request.method == "POST" and request.POST.get("form") != "rolls" and form.is_valid():
        mail.set_frequencies(request.user, form.cleaned_data)
        messages.success(request, gettext("Your e-mail choices are saved."))
        return redirect("email-preferences")
    return render(
        request,
        "leanhub/email_preferences.html",
        {"form": form, "email": request.user.email, "rolls_form": rolls_form},
        status=400 if form.errors else 200,
    )


# No CSRF token: mail clients post here on their own (RFC 8058 one-click), without a session.
# The signed token in the address is what proves the right to change this one setting.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link checkers fetch links; they must not unsubscribe anybody);
    POST, from that button or from the mail client, turns the kind off."""
    found = mail.read_unsubscribe_token(token)
    if found is None:
        return render(request, "leanhub/email_unsubscribe.html", {"invalid": True}, status=400)
    user, kind = found
    done = request.method == "POST"
    if done:
        mail.unsubscribe(user, kind)
    return render(
        request,
        "leanhub/email_unsubscribe.html",
        {"done": done, "kind_label": mail.kind_label(kind), "email": user.email},
    )


__all__ = ["EmailPreferencesForm", "RollsForm", "email_preferences", "unsubscribe"]
