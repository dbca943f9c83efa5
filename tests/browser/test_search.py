"""The header's search by keyboard alone, on a desktop and on a 320 px phone: Tab to the box,
type, Enter, Tab to a result, Enter — and the result's own page opens."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ideas.models import Idea
from tests.browser.conftest import DESKTOP, assert_accessible, sign_in
from tests.conftest import PASSWORD


def _tab_to(page, selector: str, most: int = 40) -> None:
    """Press Tab until the element ``selector`` has the focus (at most ``most`` times)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} was never reached by Tab")


@pytest.mark.parametrize(
    "viewport", [DESKTOP, {"width": 320, "height": 640}], ids=["desktop", "320px"]
)
def test_search_from_the_header_by_keyboard_and_open_a_result(
    live_url, new_page, cast, team_a, viewport
):
    idea = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the claim form", problem="Typed twice"
    )
    page = new_page(viewport)
    sign_in(page, live_url, "lee", PASSWORD)
    search = page.get_by_role("search", name="Site search")
    box = search.get_by_label("Search ideas, cards, cycles, maps, library and measures")
    expect(box).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    _tab_to(page, "#site-search-q")
    page.keyboard.type("claim")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_role("heading", level=2, name="Ideas (1)")).to_be_visible()
    expect(box).to_have_value("claim")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)
    _tab_to(page, f'main a[href="{idea.get_absolute_url()}"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-fill the claim form")
