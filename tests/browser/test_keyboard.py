"""Keyboard and small-screen use: the phone menu, focus after a board move."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, assert_accessible, sign_in
from tests.conftest import PASSWORD


def test_a_phone_opens_the_navigation_from_a_menu_button_by_keyboard(live_url, new_page, cast):
    page = new_page({"width": 320, "height": 640})
    sign_in(page, live_url, "lee", PASSWORD)
    navigation = page.get_by_role("navigation", name="Main")
    menu = navigation.get_by_role("button", name="Menu")
    ideas = navigation.get_by_role("link", name="Ideas")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(ideas).to_be_hidden()
    # Nothing scrolls sideways any more: the header fits the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(ideas).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu).to_be_focused()
    expect(ideas).to_be_hidden()
    page.keyboard.press("Enter")
    ideas.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ideas")


def test_without_scripts_every_link_wraps_into_view_on_a_phone(live_url, browser, cast):
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_url, "lee", PASSWORD)
        navigation = page.get_by_role("navigation", name="Main")
        expect(navigation.get_by_role("button", name="Menu")).to_be_hidden()
        for link in navigation.get_by_role("link").all():
            expect(link).to_be_in_viewport()
    finally:
        context.close()


def test_the_desktop_shows_the_navigation_without_a_menu_button(live_url, new_page, cast):
    page = new_page(DESKTOP)
    sign_in(page, live_url, "lee", PASSWORD)
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("button", name="Menu")).to_be_hidden()
    expect(navigation.get_by_role("link", name="Ideas")).to_be_visible()
