"""A person makes an API token in their account settings, copies it once, uses it, and reads
the API's documentation, drawn from vendored assets under LeanHub's own content policy."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD


def test_a_person_makes_a_token_on_a_phone_and_it_works_once_copied(live_url, new_page, cast):
    page = new_page(PHONE)
    sign_in(page, live_url, "lee", PASSWORD)
    page.goto(f"{live_url}/accounts/tokens/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    assert_accessible(page)
    page.get_by_label("Name").fill("Team spreadsheet")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Make the token").click()
    token = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert token.startswith("lh_")
    expect(page.get_by_role("status").filter(has_text="shown only this once")).to_be_visible()
    assert_accessible(page)
    answer = page.request.get(
        f"{live_url}/api/v1/ideas/", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 200 and answer.json()["results"] == []
    page.goto(f"{live_url}/accounts/tokens/")
    expect(page.get_by_role("cell", name="Team spreadsheet", exact=True)).to_be_visible()
    assert token not in page.content()
    page.get_by_role("button", name="Revoke Team spreadsheet").click()
    expect(page.get_by_role("cell", name="Revoked", exact=True)).to_be_visible()
    again = page.request.get(
        f"{live_url}/api/v1/ideas/", headers={"Authorization": f"Bearer {token}"}
    )
    assert again.status == 401


def test_the_documentation_draws_from_vendored_assets(live_url, new_page, cast):
    page = new_page(DESKTOP)
    blocked: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_url) else None,
    )
    sign_in(page, live_url, "sam", PASSWORD)
    page.goto(f"{live_url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .title")).to_contain_text("LeanHub API")
    expect(page.get_by_text("/api/v1/ideas/").first).to_be_visible()
    assert outside == []
    assert not [b for b in blocked if "script" in b], blocked
