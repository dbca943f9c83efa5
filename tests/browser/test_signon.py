"""Single sign-on in a real browser, through a real OpenID provider (tests/oidc, the
oidc-provider package run by Node.js on loopback): the button, the provider's own sign-in form,
the account placed by a rule, and sign-out ending the provider's session too."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from leanhub.models import Membership, Role, User
from signon.models import SignOnRule
from signon.providers import forget_discovery
from tests.browser.conftest import DESKTOP, assert_accessible
from tests.oidc_provider import LoopbackProvider, start_provider


@pytest.fixture(scope="module")
def browser_provider(_asgi_server, tmp_path_factory) -> Iterator[LoopbackProvider]:
    provider = start_provider(
        tmp_path_factory.mktemp("oidc-browser"),
        redirect_uris=[f"{_asgi_server}/accounts/sign-on/callback/"],
        post_logout_redirect_uris=[f"{_asgi_server}/accounts/login/"],
    )
    yield provider
    provider.stop()


@pytest.fixture
def with_provider(settings, browser_provider) -> Iterator[LoopbackProvider]:
    settings.SIGNON_PROVIDERS = [browser_provider.settings_entry(name="Testshire ID")]
    forget_discovery()
    yield browser_provider
    forget_discovery()


def _provider_form(page, login: str) -> None:
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.get_by_role("button", name="Sign-in").click()


def test_a_newcomer_signs_in_with_the_provider_and_out_of_both(
    live_url, new_page, with_provider, org_a, team_a
):
    SignOnRule.objects.create(
        organisation=org_a, claim="groups", value="jcp-leads", role=Role.LEAD, team=team_a
    )
    page = new_page(DESKTOP)
    page.goto(f"{live_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with Testshire ID").click()

    expect(page).to_have_url(re.compile(re.escape(with_provider.issuer) + "/interaction/"))
    _provider_form(page, "alice")

    expect(page).to_have_url(f"{live_url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    user = User.objects.get(email="alice@jcp.example.gov.uk")
    assert Membership.objects.get(user=user).team == team_a

    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    # LeanHub's session is over, and the provider asks to end its own.
    expect(page.get_by_role("button", name="Yes, sign me out")).to_be_visible()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("link", name="Sign in with Testshire ID")).to_be_visible()

    # Both sessions ended: signing in again asks the provider's form once more.
    page.get_by_role("link", name="Sign in with Testshire ID").click()
    expect(page.locator("input[name=login]")).to_be_visible()


def test_someone_the_rules_place_nowhere_sees_a_clear_page(live_url, new_page, with_provider):
    page = new_page(DESKTOP)
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Testshire ID").click()
    _provider_form(page, "nobody")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is not set up in LeanHub yet"
    )
    assert_accessible(page)
    assert not User.objects.filter(email="nobody@elsewhere.example.org").exists()


def test_an_organisation_manager_adds_a_rule_in_the_product(live_url, new_page, dev, org_a, team_a):
    from tests.browser.conftest import sign_in
    from tests.conftest import PASSWORD

    page = new_page(DESKTOP)
    sign_in(page, live_url, "dev", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Single sign-on").click()
    page.get_by_role("link", name=org_a.name).click()
    assert_accessible(page)
    page.get_by_label("Value").fill("jcp-leads")
    page.get_by_label("Role").select_option(Role.LEAD.value)
    page.get_by_label("Team").select_option(str(team_a.pk))
    page.get_by_role("button", name="Add the rule").click()
    expect(page.get_by_role("status").filter(has_text="Rule added.")).to_be_visible()
    expect(page.get_by_role("table", name="Rules")).to_contain_text(
        "claim “groups” contains “jcp-leads”"
    )
    assert SignOnRule.objects.get(organisation=org_a).team == team_a
