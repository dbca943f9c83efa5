"""Sign-in with a provider, its callback, sign-out at both ends, and the pages where
organisation managers and administrators edit the sign-on rules."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import View
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from leanhub import audit
from leanhub.http import AuthenticatedHttpRequest
from leanhub.views import LoginView as PasswordLoginView
from signon import queries
from signon.forms import OrganisationSignOnForm, SignOnLoginForm, SignOnRuleForm
from signon.models import OrganisationSignOn, SignOnRule
from signon.problems import ProviderDown, ProviderRefused, SignOnProblem, StaleAttempt
from signon.providers import Provider, ProviderUnavailable, discover, get_provider, providers

logger = logging.getLogger(__name__)

# The session keys sign-on keeps: which provider each pending state belongs to, and, once
# signed in, the provider and ID token that sign-out hands back to it.
STATE_PROVIDERS = "signon_state_providers"
SIGNED_IN_WITH = "signon_provider"
ID_TOKEN = "oidc_id_token"  # noqa: S105  (a session key, not a secret)


def problem_page(request: HttpRequest, problem: SignOnProblem) -> HttpResponse:
    logger.warning("Sign-on refused (%s): %s", type(problem).__name__, problem.detail)
    return render(
        request,
        "signon/problem.html",
        {"title": problem.title, "message": problem.message},
        status=problem.status,
    )


class LoginView(PasswordLoginView):
    """The password form (throttled, refusing single-sign-on-only organisations) with a button
    for each provider."""

    authentication_form = SignOnLoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["signon_providers"] = providers()
        return context


class StartView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the provider's sign-in page with a fresh state, nonce and PKCE
    challenge, remembering which provider the state belongs to."""

    provider: Provider | None = None

    def __init__(self, **kwargs: Any) -> None:
        # The library reads one provider's endpoints here; ours are found in get().
        View.__init__(self, **kwargs)

    def get_settings(self, attr: str, *args: Any) -> Any:
        overrides: dict[str, Any] = {
            "OIDC_RP_SCOPES": self.provider.scopes if self.provider else "openid email",
            "OIDC_AUTHENTICATION_CALLBACK_URL": "signon-callback",
            "OIDC_USE_NONCE": True,
            "OIDC_USE_PKCE": True,
        }
        if attr in overrides:
            return overrides[attr]
        return import_from_settings(attr, *args)

    def get(self, request: HttpRequest, key: str) -> HttpResponse:  # type: ignore[override]
        provider = get_provider(key)
        if provider is None:
            raise Http404("No such provider")
        self.provider = provider
        try:
            config = discover(provider)
        except ProviderUnavailable as error:
            return problem_page(request, ProviderDown(str(error)))
        self.OIDC_OP_AUTH_ENDPOINT = config["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        response: HttpResponseRedirect = super().get(request)
        state = parse_qs(urlparse(response.url).query)["state"][0]
        pending: dict[str, str] = request.session.get(STATE_PROVIDERS, {})
        known = request.session.get("oidc_states", {})
        pending = {s: k for s, k in pending.items() if s in known}
        pending[state] = provider.key
        request.session[STATE_PROVIDERS] = pending
        return response


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back: check the state, let the backend exchange the
    code and check the ID token, then sign the person in. Anything wrong is a page that says
    what happened, never an error."""
    state = request.GET.get("state", "")
    states: dict[str, Any] = request.session.get("oidc_states", {})
    pending = states.pop(state, None) if state else None
    provider_keys: dict[str, str] = request.session.get(STATE_PROVIDERS, {})
    key = provider_keys.pop(state, None) if state else None
    request.session["oidc_states"] = states
    request.session[STATE_PROVIDERS] = provider_keys
    provider = get_provider(key)
    if not isinstance(pending, dict) or provider is None:
        return problem_page(request, StaleAttempt(f"unknown state {state[:8]!r}"))
    if request.GET.get("error"):
        return problem_page(
            request,
            ProviderRefused(
                f"{request.GET.get('error')}: {request.GET.get('error_description', '')}"
            ),
        )
    if not request.GET.get("code"):
        return problem_page(request, ProviderRefused("no code in the answer"))
    try:
        user = auth.authenticate(
            request,
            provider=provider,
            nonce=pending.get("nonce"),
            code_verifier=pending.get("code_verifier"),
        )
    except SignOnProblem as problem:
        request.session.pop(ID_TOKEN, None)
        return problem_page(request, problem)
    if user is None:
        request.session.pop(ID_TOKEN, None)
        return problem_page(request, SignOnProblem("the backend found nobody"))
    id_token = request.session.get(ID_TOKEN)
    auth.login(request, user)
    request.session[SIGNED_IN_WITH] = provider.key
    if id_token:
        request.session[ID_TOKEN] = id_token
    audit.record(user, "signon.signed_in", user, {"provider": provider.key})
    next_url = request.session.pop("oidc_login_next", None)
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(settings.LOGIN_REDIRECT_URL)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Signs out of LeanHub and, for a person who signed in with a provider that offers it,
    sends the browser on to end the provider's session too (RP-initiated logout)."""
    provider = get_provider(request.session.get(SIGNED_IN_WITH))
    id_token = request.session.get(ID_TOKEN)
    end_session = ""
    if provider is not None:
        try:
            end_session = str(discover(provider).get("end_session_endpoint") or "")
        except ProviderUnavailable:
            end_session = ""
    auth.logout(request)
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    if provider is None or not end_session:
        return redirect(after)
    params = {
        "client_id": provider.client_id,
        "post_logout_redirect_uri": request.build_absolute_uri(after),
    }
    if id_token:
        params["id_token_hint"] = id_token
    separator = "&" if "?" in end_session else "?"
    # A page that moves on by itself, not a redirect: the sign-out form's page allows forms to
    # post only to LeanHub (CSP form-action), which browsers apply to a redirect after the post.
    return render(
        request,
        "signon/signed_out.html",
        {"provider": provider, "end_session_url": end_session + separator + urlencode(params)},
    )


# --- The rules, for organisation managers and administrators ---------------------------------


@require_GET
@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = queries.organisations_for_sign_on(request.user)
    if not organisations:
        raise Http404("No organisation to set up")
    settings_by_org = {
        row.organisation_id: row
        for row in OrganisationSignOn.objects.filter(organisation__in=organisations)
    }
    rule_counts: dict[int, int] = {}
    for org_id in SignOnRule.objects.filter(organisation__in=organisations).values_list(
        "organisation_id", flat=True
    ):
        rule_counts[org_id] = rule_counts.get(org_id, 0) + 1
    rows = [
        {
            "organisation": org,
            "passwords": settings_by_org[org.pk].local_passwords_allowed
            if org.pk in settings_by_org
            else True,
            "rules": rule_counts.get(org.pk, 0),
        }
        for org in organisations
    ]
    return render(
        request, "signon/organisation_list.html", {"rows": rows, "providers": providers()}
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_rules(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = queries.get_organisation_for_user(request.user, slug)
    sign_on, _created = OrganisationSignOn.objects.get_or_create(organisation=organisation)
    settings_form = OrganisationSignOnForm(instance=sign_on, prefix="settings")
    rule_form = SignOnRuleForm(organisation=organisation, prefix="rule")
    if request.method == "POST" and "settings-submit" in request.POST:
        settings_form = OrganisationSignOnForm(request.POST, instance=sign_on, prefix="settings")
        if settings_form.is_valid():
            settings_form.save()
            audit.record(
                request.user,
                "signon.passwords_changed",
                organisation,
                {"allowed": sign_on.local_passwords_allowed},
            )
            messages.success(request, gettext("Saved how this organisation signs in."))
            return redirect("signon:organisation", slug=organisation.slug)
    elif request.method == "POST":
        rule_form = SignOnRuleForm(request.POST, organisation=organisation, prefix="rule")
        if rule_form.is_valid():
            rule = rule_form.save()
            audit.record(request.user, "signon.rule_added", rule, {"rule": str(rule)})
            messages.success(request, gettext("Rule added."))
            return redirect("signon:organisation", slug=organisation.slug)
    rules = SignOnRule.objects.filter(organisation=organisation).select_related(
        "organisation", "site__organisation", "team__site"
    )
    return render(
        request,
        "signon/organisation_rules.html",
        {
            "organisation": organisation,
            "settings_form": settings_form,
            "rule_form": rule_form,
            "rules": rules,
            "providers": providers(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def rule_edit(request: AuthenticatedHttpRequest, slug: str, rule_id: int) -> HttpResponse:
    organisation = queries.get_organisation_for_user(request.user, slug)
    rule = queries.get_rule_for_user(request.user, organisation, rule_id)
    form = SignOnRuleForm(instance=rule, organisation=organisation, prefix="rule")
    if request.method == "POST":
        form = SignOnRuleForm(request.POST, instance=rule, organisation=organisation, prefix="rule")
        if form.is_valid():
            form.save()
            audit.record(request.user, "signon.rule_changed", rule, {"rule": str(rule)})
            messages.success(request, gettext("Rule saved."))
            return redirect("signon:organisation", slug=organisation.slug)
    return render(
        request,
        "signon/rule_edit.html",
        {"organisation": organisation, "rule": rule, "form": form, "providers": providers()},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def rule_delete(request: AuthenticatedHttpRequest, slug: str, rule_id: int) -> HttpResponse:
    organisation = queries.get_organisation_for_user(request.user, slug)
    rule = queries.get_rule_for_user(request.user, organisation, rule_id)
    audit.record(request.user, "signon.rule_deleted", organisation, {"rule": str(rule)})
    rule.delete()
    messages.success(request, gettext("Rule deleted. People it placed keep their memberships."))
    return redirect("signon:organisation", slug=organisation.slug)
