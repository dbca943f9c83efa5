"""Signing in through a real OpenID provider (tests/oidc), driven by an HTTP client."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

import pytest
import requests
from django.urls import reverse

from leanhub.models import AuditEvent, Membership, Role, User
from signon.models import SignOnIdentity, SignOnRule
from signon.providers import forget_discovery
from tests.oidc_provider import sign_in_at_provider
from tests.signon.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_offers_a_button_per_provider(client, signon_settings, settings):
    settings.SIGNON_PROVIDERS = [
        signon_settings.settings_entry(),
        signon_settings.settings_entry(key="entra", name="Microsoft"),
    ]
    body = client.get(reverse("login")).content.decode()
    assert "Sign in with Test Provider" in body
    assert "Sign in with Microsoft" in body
    assert reverse("signon-start", args=["entra"]) in body


def test_first_sign_in_creates_the_account_placed_by_the_rules(
    client, signon_settings, jcp_leads_rule, team_a
):
    response = sign_in(client, signon_settings, "alice")
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(email="alice@jcp.example.gov.uk")
    assert user.full_name == "Alice Ndlovu"
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.team) == (Role.LEAD, team_a)
    assert SignOnIdentity.objects.get(user=user).subject == "alice"
    assert AuditEvent.objects.filter(verb="signon.placed").exists()
    # The home page now shows the lead's team.
    assert "New Claims" in client.get(reverse("home")).content.decode()


def test_switching_an_account_off_ends_its_single_sign_on_session(
    client, signon_settings, jcp_leads_rule
):
    sign_in(client, signon_settings, "alice")
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(email="alice@jcp.example.gov.uk").update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_next_sign_in_finds_the_same_account(client, signon_settings, jcp_leads_rule):
    sign_in(client, signon_settings, "alice")
    client.post(reverse("logout"))
    response = sign_in(client, signon_settings, "alice", next_url="/notifications/")
    assert response.status_code == 302
    assert response.url == "/notifications/"
    assert User.objects.filter(email="alice@jcp.example.gov.uk").count() == 1
    assert Membership.objects.filter(user__email="alice@jcp.example.gov.uk").count() == 1


def test_an_email_domain_rule_places_a_council_officer(client, signon_settings, org_b, team_b):
    SignOnRule.objects.create(
        organisation=org_b,
        match=SignOnRule.Match.EMAIL_DOMAIN,
        value="council.example.gov.uk",
        role=Role.STAFF,
        team=team_b,
    )
    response = sign_in(client, signon_settings, "bob")
    assert response.status_code == 302
    assert Membership.objects.get(user__email="bob@council.example.gov.uk").team == team_b


def test_an_existing_account_with_the_same_email_is_linked_not_duplicated(
    client, signon_settings, sam
):
    sam.email = "bob@council.example.gov.uk"
    sam.save()
    response = sign_in(client, signon_settings, "bob")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(sam.pk)
    assert SignOnIdentity.objects.get(subject="bob").user == sam


def test_a_person_the_rules_place_nowhere_gets_a_clear_page_and_no_account(
    client, signon_settings, jcp_leads_rule
):
    response = sign_in(client, signon_settings, "nobody")
    body = response.content.decode()
    assert response.status_code == 403
    assert "Your account is not set up in LeanHub yet" in body
    assert "Ask your team lead or your LeanHub administrator" in body
    assert not User.objects.filter(email="nobody@elsewhere.example.org").exists()
    assert "_auth_user_id" not in client.session


def test_a_missing_email_claim_gets_a_clear_page(client, signon_settings, jcp_leads_rule):
    response = sign_in(client, signon_settings, "noemail")
    assert response.status_code == 400
    assert "did not say who you are" in response.content.decode()
    assert not User.objects.filter(full_name="Nia Noemail").exists()


def test_a_switched_off_account_gets_a_clear_page(client, signon_settings, ivy):
    ivy.email = "alice@jcp.example.gov.uk"
    ivy.save()
    response = sign_in(client, signon_settings, "alice")
    assert response.status_code == 403
    assert "switched off" in response.content.decode()


def test_a_provider_that_refuses_gets_a_clear_page(client, signon_settings):
    start = client.get(reverse("signon-start", args=["test"]))
    state = requests.utils.urlparse(start.url).query.split("state=")[1].split("&")[0]
    response = client.get(
        reverse("signon-callback"),
        {"error": "access_denied", "error_description": "The user cancelled", "state": state},
    )
    assert response.status_code == 400
    assert "did not let you in" in response.content.decode()


def test_a_callback_replayed_or_forged_gets_a_clear_page(client, signon_settings, jcp_leads_rule):
    start = client.get(reverse("signon-start", args=["test"]))
    callback = sign_in_at_provider(signon_settings, start.url, "alice")
    path = callback.removeprefix("http://testserver")
    assert client.get(path).status_code == 302
    client.post(reverse("logout"))
    replayed = client.get(path)
    assert replayed.status_code == 400
    assert "This sign-in has expired" in replayed.content.decode()
    forged = client.get(reverse("signon-callback"), {"code": "x", "state": "made-up"})
    assert forged.status_code == 400


def test_a_code_the_provider_does_not_know_gets_a_clear_page(client, signon_settings):
    start = client.get(reverse("signon-start", args=["test"]))
    state = requests.utils.urlparse(start.url).query.split("state=")[1].split("&")[0]
    response = client.get(reverse("signon-callback"), {"code": "not-a-real-code", "state": state})
    assert response.status_code == 400
    assert "did not let you in" in response.content.decode()


def test_a_provider_that_does_not_answer_gets_a_clear_page(client, settings, unused_port):
    settings.SIGNON_PROVIDERS = [
        {
            "key": "down",
            "name": "Down",
            "issuer": f"http://127.0.0.1:{unused_port}",
            "client_id": "leanhub",
            "client_secret": "x",
        }
    ]
    forget_discovery()
    response = client.get(reverse("signon-start", args=["down"]))
    assert response.status_code == 503
    assert "Your sign-in provider is not answering" in response.content.decode()


def test_a_provider_that_stops_answering_mid_sign_in_gets_a_clear_page(
    client, signon_settings, settings, unused_port
):
    start = client.get(reverse("signon-start", args=["test"]))
    callback = sign_in_at_provider(signon_settings, start.url, "alice")
    # The provider moves away between its form and the code exchange.
    settings.SIGNON_PROVIDERS = [
        signon_settings.settings_entry(issuer=f"http://127.0.0.1:{unused_port}")
    ]
    forget_discovery()
    response = client.get(callback.removeprefix("http://testserver"))
    assert response.status_code == 503
    assert "not answering" in response.content.decode()


def test_an_unknown_provider_is_not_found(client, signon_settings):
    assert client.get(reverse("signon-start", args=["nope"])).status_code == 404


def test_sign_out_ends_the_provider_session_too(client, signon_settings, jcp_leads_rule):
    browser = requests.Session()  # the browser's side at the provider: its session cookie
    start = client.get(reverse("signon-start", args=["test"]))
    callback = sign_in_at_provider(signon_settings, start.url, "alice", session=browser)
    client.get(callback.removeprefix("http://testserver"))
    # Signed in at the provider: a second sign-in goes straight back, without its form.
    again = browser.get(
        client.get(reverse("signon-start", args=["test"])).url, allow_redirects=False
    )
    assert again.headers["Location"].startswith("http://testserver/accounts/sign-on/callback/")

    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    link = re.search(r'id="end-session" href="([^"]+)"', response.content.decode())
    assert link
    end_session = unescape(link.group(1))
    assert end_session.startswith(f"{signon_settings.issuer}/session/end?")
    assert f"id_token_hint={id_token}" in end_session
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F" in end_session
    assert "_auth_user_id" not in client.session

    # The provider asks to confirm; yes sends the browser back to LeanHub's sign-in page.
    confirm = browser.get(end_session, timeout=10)
    assert "Yes, sign me out" in confirm.text, confirm.text[:2000]
    form = re.search(r'<form[^>]*action="([^"]+)"', confirm.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
    assert form and xsrf
    done = browser.post(
        urljoin(end_session, unescape(form.group(1))),
        data={"xsrf": xsrf.group(1), "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    assert done.headers["Location"].startswith("http://testserver/accounts/login/")
    # The provider's session is over: signing in again shows its form.
    fresh = browser.get(client.get(reverse("signon-start", args=["test"])).url)
    assert 'name="login"' in fresh.text


def test_a_password_sign_out_stays_local(client, sam):
    client.force_login(sam)
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
