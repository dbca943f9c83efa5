"""The language switch in a real browser: used with the keyboard, read by axe, remembered."""

from __future__ import annotations

from playwright.sync_api import expect

from leanhub.models import User
from tests.browser.conftest import PHONE, assert_accessible
from tests.conftest import PASSWORD
from tests.welsh_helpers import ensure_welsh_compiled


def test_a_person_switches_to_welsh_with_the_keyboard_and_back_once_signed_in(
    live_url, new_page, sam
):
    ensure_welsh_compiled()
    page = new_page(PHONE)
    page.goto(f"{live_url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    switch = page.get_by_role("form", name="Language")
    expect(switch.get_by_text("English")).to_have_attribute("aria-current", "true")
    welsh = switch.get_by_role("button", name="Cymraeg")
    expect(welsh).to_have_attribute("lang", "cy")
    welsh.focus()
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi i LeanHub")
    assert page.url.endswith("/accounts/login/")
    assert_accessible(page)

    # Signed in, the browser's choice still holds: no choice is on the account yet.
    page.locator("input[name=username]").fill("sam")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:not(.language-switch) button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codi syniad")
    expect(page.get_by_role("navigation", name="Prif ddewislen")).to_be_visible()
    assert_accessible(page)

    # Switching back while signed in is kept on the account.
    page.get_by_role("form", name="Iaith").get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise an idea")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    assert User.objects.get(pk=sam.pk).language == "en-gb"
