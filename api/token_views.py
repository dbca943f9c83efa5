"""The pages where tokens for the API are made and revoked: a person's own (in their account
settings), and an organisation's service tokens (its managers). A new token is shown once, on
the page that answers the form that made it, and never again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import actions
from api.forms import TokenForm
from api.models import ApiToken
from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest
from leanhub.models import Organisation


# never_cache: the page showing a new token is kept by no cache (Cache-Control: no-store).
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own tokens; a POST makes one and shows it once."""
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = actions.create_personal_token(
            name=data["name"], scope=data["scope"], days=data["days"], by=request.user
        )
        form = TokenForm()
    s = policy.scope_of(request.user)
    managed = Organisation.objects.order_by("name")
    if not s.is_admin:
        managed = managed.filter(pk__in=s.managed_org_ids)
    context = {
        "form": form,
        "made": made,
        "tokens": ApiToken.objects.filter(kind=ApiToken.Kind.PERSONAL, user=request.user),
        "organisations": managed,
        "docs_url": reverse("api:docs"),
    }
    status = 400 if form.errors else 201 if made else 200
    return render(request, "api/token_list.html", context, status=status)


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(
        ApiToken.objects.filter(kind=ApiToken.Kind.PERSONAL, user=request.user), pk=token_id
    )
    actions.revoke_token(token, by=request.user)
    messages.success(request, gettext("The token is revoked: it no longer works."))
    return redirect("tokens:list")


def _organisation(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    return policy.get_for_user(
        request.user, Organisation.objects.all(), action="manage_api_tokens", slug=slug
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def organisation_tokens(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """An organisation's service tokens (its managers); a POST makes one and shows it once."""
    organisation = _organisation(request, slug)
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = actions.create_service_token(
            organisation,
            name=data["name"],
            scope=data["scope"],
            days=data["days"],
            by=request.user,
        )
        form = TokenForm()
    context = {
        "form": form,
        "made": made,
        "organisation": organisation,
        "docs_url": reverse("api:docs"),
        "tokens": organisation.api_tokens.filter(kind=ApiToken.Kind.SERVICE).select_related(
            "created_by"
        ),
    }
    status = 400 if form.errors else 201 if made else 200
    return render(request, "api/organisation_tokens.html", context, status=status)


@require_POST
@login_required
def organisation_token_revoke(
    request: AuthenticatedHttpRequest, slug: str, token_id: int
) -> HttpResponse:
    organisation = _organisation(request, slug)
    token = get_object_or_404(
        organisation.api_tokens.filter(kind=ApiToken.Kind.SERVICE), pk=token_id
    )
    actions.revoke_token(token, by=request.user)
    messages.success(request, gettext("The token is revoked: it no longer works."))
    return redirect("tokens:organisation", slug=organisation.slug)
