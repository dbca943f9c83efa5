"""Someone without an account sends an idea through the team's idea box from a 320 px phone,
with the keyboard alone; the team's lead accepts it into the team's ideas."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ideas import box
from ideas.models import BoxSubmission, Idea
from tests.browser.conftest import DESKTOP, assert_accessible, sign_in
from tests.conftest import PASSWORD

NARROW_PHONE = {"width": 320, "height": 640}


def _tab_to(page, name: str, limit: int = 40) -> None:
    """Press Tab until the control named ``name`` (its name attribute) has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"{name} never took the focus")


def test_an_idea_sent_through_the_box_by_keyboard_is_accepted_by_the_lead(
    live_url, new_page, cast, team_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    idea_box = box.open_box(team_a, kind="staff", by=cast["lee"])

    phone = new_page(NARROW_PHONE)
    phone.goto(f"{live_url}{idea_box.get_public_url()}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("An idea for New Claims")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 320
    assert_accessible(phone)
    _tab_to(phone, "title")
    phone.keyboard.type("Label the staff room kettle")
    _tab_to(phone, "problem")
    phone.keyboard.type("Nobody knows which kettle is for the night shift.")
    _tab_to(phone, "proposal")
    phone.keyboard.type("Put a label on it.")
    # The photo is optional: on past it to the button, and send with Enter.
    for _ in range(10):
        phone.keyboard.press("Tab")
        if phone.evaluate("() => document.activeElement.type") == "submit":
            break
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("status")).to_contain_text("Your idea has been sent")
    assert_accessible(phone)
    held = BoxSubmission.objects.get()
    assert held.title == "Label the staff room kettle"

    lead = new_page(DESKTOP)
    sign_in(lead, live_url, "lee", PASSWORD)
    lead.goto(f"{live_url}/ideas/teams/{team_a.pk}/box/")
    expect(lead.get_by_role("heading", name="Label the staff room kettle")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_label("Accept into the team's ideas").check()
    lead.get_by_role("button", name="Record the decision").click()
    expect(lead).to_have_url(re.compile(r"/ideas/\d+/$"))
    expect(lead.get_by_role("heading", level=1)).to_have_text("Label the staff room kettle")
    expect(lead.locator(".timeline")).to_contain_text("Raised through the idea box.")
    idea = Idea.objects.get()
    assert idea.team == team_a and idea.box_submission == BoxSubmission.objects.get()
