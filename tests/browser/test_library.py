"""Find and adopt a library entry, keyboard only, on a 320 px phone: a police team lead finds
the Jobcentre's shared change through the library's filters, opens it, and presses "Try this
here" for their own board; the card that lands there says where it came from."""

from __future__ import annotations

from playwright.sync_api import expect

from kaizen.models import Card
from library.models import Adoption
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.library.conftest import publish

NARROW_PHONE = {"width": 320, "height": 640}


def _tab_to(page, selector: str, most: int = 60) -> None:
    """Press Tab until the element ``selector`` has the focus (at most ``most`` times)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} was never reached by Tab")


def test_find_and_adopt_a_library_entry_by_keyboard(live_url, new_page, cast, team_a, team_b):
    entry = publish(team_a, cast["lee"], title="Text reminders before appointments", shared=True)
    publish(team_a, cast["lee"], title="Phone back the same day", theme="contact", shared=True)
    page = new_page(NARROW_PHONE)
    sign_in(page, live_url, "olu", PASSWORD)
    page.goto(f"{live_url}/library/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Library of proven changes")
    assert_accessible(page)
    _tab_to(page, "#library-q")
    page.keyboard.type("reminders")
    page.keyboard.press("Enter")
    results = page.locator("#entry-results")
    expect(results.get_by_role("heading", level=2)).to_have_text("1 entry")
    expect(results).not_to_contain_text("Phone back the same day")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    _tab_to(page, f'main a[href="{entry.get_absolute_url()}"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(entry.title)
    assert_accessible(page)
    _tab_to(page, "#try-team")
    expect(page.locator("#try-team")).to_have_value(str(team_b.pk))
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Try this here")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("It is on the board of Crime Recording")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(entry.title)
    card = Card.objects.get(board__team=team_b)
    assert page.url.endswith(card.get_absolute_url())
    expect(page.get_by_role("link", name=entry.title)).to_have_attribute(
        "href", entry.get_absolute_url()
    )
    assert_accessible(page)
    adoption = Adoption.objects.get()
    assert adoption.entry == entry and adoption.team == team_b and adoption.card == card
