"""What a person does first: sign in, land on their role's home, hear about things live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    ("who", "heading", "viewport"),
    [
        ("sam", "Raise an idea", PHONE),
        ("lee", "Your team", PHONE),
        ("maya", "Your teams", DESKTOP),
        ("pat", "Your place", DESKTOP),
        ("ada", "Administration", DESKTOP),
    ],
)
def test_each_role_signs_in_and_lands_on_its_home(live_url, new_page, cast, who, heading, viewport):
    page = new_page(viewport)
    page.goto(f"{live_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)
    sign_in(page, live_url, who, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert_accessible(page)


def test_a_wrong_password_gets_a_clear_message(live_url, new_page, sam):
    page = new_page(PHONE)
    sign_in(page, live_url, "sam", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page.get_by_label("Username")).to_have_value("sam")
    assert_accessible(page)


def test_the_notification_count_changes_live_when_a_lead_posts(live_url, new_page, cast, team_a):
    staff = new_page(PHONE)
    sign_in(staff, live_url, "sam", PASSWORD)
    badge = staff.locator("#notification-count .badge")
    expect(badge).to_have_text("0")
    # Wait until the socket is open, so the push cannot race the connection.
    expect(staff.locator("html")).to_have_attribute("data-live", "connected")

    lead = new_page(DESKTOP)
    sign_in(lead, live_url, "lee", PASSWORD)
    lead.goto(f"{live_url}/teams/{team_a.pk}/")
    assert_accessible(lead)
    lead.get_by_label("Message to the team").fill("Huddle moves to 9:30 tomorrow")
    lead.get_by_role("button", name="Post and notify the team").click()
    expect(lead.get_by_role("status").filter(has_text="Posted to the team")).to_be_visible()

    expect(badge).to_have_text("1")  # no reload on the staff member's page
    staff.locator("#notification-count").click()
    expect(staff.get_by_role("link", name=re.compile("Huddle moves to 9:30"))).to_be_visible()
    assert_accessible(staff)


def test_unknown_pages_are_styled_and_accessible(live_url, new_page, sam):
    page = new_page(PHONE)
    sign_in(page, live_url, "sam", PASSWORD)
    response = page.goto(f"{live_url}/no/such/page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
