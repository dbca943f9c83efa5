"""Thanking the person behind an idea, keyboard only: the count changes in place (htmx)."""

from __future__ import annotations

from playwright.sync_api import expect

from ideas.models import Idea
from recognition.models import Thanks
from tests.browser.conftest import DESKTOP, assert_accessible, sign_in
from tests.conftest import PASSWORD


def test_thank_an_idea_by_keyboard_and_see_the_count_change(live_url, new_page, cast, team_a):
    idea = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the claim form", problem="Typing twice"
    )
    page = new_page(DESKTOP)
    sign_in(page, live_url, "lee", PASSWORD)
    page.goto(f"{live_url}{idea.get_absolute_url()}")
    thanks = page.get_by_role("region", name="Thanks")
    count = thanks.get_by_role("status")
    expect(count).to_have_text("Thanked by 0 people.")
    message = thanks.get_by_label("A short message (optional)")
    message.focus()
    page.keyboard.type("Saved us an hour a day")
    page.keyboard.press("Tab")
    expect(thanks.get_by_role("button", name="Say thank you")).to_be_focused()
    page.keyboard.press("Enter")
    expect(count).to_have_text("Thanked by 1 person.")
    assert page.url.endswith(idea.get_absolute_url())  # swapped in place, not a new page
    assert Thanks.objects.get(idea=idea).message == "Saved us an hour a day"
    assert_accessible(page)
    # Focus stays on the button (htmx keeps it by its id), which now withdraws.
    withdraw = thanks.get_by_role("button", name="Withdraw my thanks")
    expect(withdraw).to_be_focused()
    page.keyboard.press("Enter")
    expect(count).to_have_text("Thanked by 0 people.")
    assert not Thanks.objects.filter(idea=idea).exists()
