"""The huddle at the board: one person moves a card, everyone else sees it move, live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kaizen import actions
from kaizen.models import Card
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    off_the_browser_thread,
    sign_in,
)
from tests.conftest import PASSWORD


@pytest.fixture
def huddle(live_url, lee, sam, team_a):
    """New Claims' board with two cards in Plan, and lee's and sam's pages open on it."""
    board = actions.ensure_team_board(team_a)
    columns = {c.name: c for c in board.columns.all()}
    first = off_the_browser_thread(
        actions.create_card, board, title="Pre-fill the claim form", column=columns["Plan"], by=lee
    )
    second = off_the_browser_thread(
        actions.create_card, board, title="Text reminders", column=columns["Plan"], by=lee
    )
    return board, columns, first, second


def _open_board(new_page, live_url, board, who: str, viewport):
    page = new_page(viewport)
    sign_in(page, live_url, who, PASSWORD)
    page.goto(f"{live_url}{board.get_absolute_url()}")
    # The viewers list arrives over the board's own socket: once it names us, we are live.
    expect(page.locator(f"#board-viewers-{board.pk}")).to_contain_text(who.title())
    # The resync that follows the sockets opening swaps the board once; let it land.
    page.wait_for_load_state("networkidle")
    return page


def test_a_card_dragged_by_the_lead_moves_on_a_colleagues_phone(live_url, new_page, huddle):
    board, columns, first, _ = huddle
    lead = _open_board(new_page, live_url, board, "lee", DESKTOP)
    colleague = _open_board(new_page, live_url, board, "sam", PHONE)
    assert_accessible(lead)
    assert_accessible(colleague)

    handle = lead.locator(f"#card-{first.pk} .card__handle")
    target = lead.locator(f"#column-{columns['Do'].pk} ol.cards")
    handle.scroll_into_view_if_needed()
    start = handle.bounding_box()
    end = target.bounding_box()
    lead.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    lead.mouse.down()
    lead.mouse.move(end["x"] + end["width"] / 2, end["y"] + 10, steps=15)
    lead.mouse.up()

    expect(lead.locator(f"#column-{columns['Do'].pk} #card-{first.pk}")).to_be_visible()
    expect(colleague.locator(f"#column-{columns['Do'].pk} #card-{first.pk}")).to_be_attached()
    expect(colleague.locator(f"#column-{columns['Plan'].pk} #card-{first.pk}")).to_have_count(0)
    assert Card.objects.get(pk=first.pk).column == columns["Do"]


def test_the_same_move_by_keyboard_only(live_url, new_page, huddle):
    board, columns, _, second = huddle
    # The page that types opens last, so it is the one the browser has in front.
    colleague = _open_board(new_page, live_url, board, "sam", DESKTOP)
    lead = _open_board(new_page, live_url, board, "lee", PHONE)

    # Every step is a key press on the element that has focus; each is sent to that element, so
    # the keys land where a person's would even though two pages are open in one browser.
    opener = lead.locator(f"#card-{second.pk} .card__move")
    # htmx wires a link up just after it lands; a key pressed before that follows the link to the
    # form's page of its own, which works too but is not the path this test walks.
    lead.wait_for_function(
        "sel => { const a = document.querySelector(sel);"
        " return !!(a && a['htmx-internal-data'] && a['htmx-internal-data'].initHash); }",
        arg=f"#card-{second.pk} .card__move",
    )
    opener.focus()
    move_url = f"/kaizen/cards/{second.pk}/move/"
    with lead.expect_response(
        lambda r: r.url.endswith(move_url) and r.request.method == "GET"
    ) as form:
        opener.press("Enter")  # the form loads into the card, focus on its first field
    assert form.value.request.headers.get("hx-request") == "true"
    column = lead.locator(f"#move-{second.pk}-column")
    # The page's focus is on the form's first field (whichever page the browser has in front).
    lead.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id",
        arg=f"move-{second.pk}-column",
    )
    lead.wait_for_load_state("networkidle")  # the form has settled and is wired up
    column.press("ArrowDown")  # Plan → Do
    column.press("Tab")
    position = lead.locator(f"#move-{second.pk}-position")
    position.press("ControlOrMeta+a")
    position.press("1")
    position.press("Tab")
    with lead.expect_response(
        lambda r: r.url.endswith(move_url) and r.request.method == "POST"
    ) as answer:
        lead.locator(f"#move-{second.pk} button").press("Enter")
    assert answer.value.status == 200

    expect(lead.locator(f"#column-{columns['Do'].pk} #card-{second.pk}")).to_be_attached()
    expect(colleague.locator(f"#column-{columns['Do'].pk} #card-{second.pk}")).to_be_visible()
    assert Card.objects.get(pk=second.pk).column == columns["Do"]


def test_a_stale_move_is_refused_and_the_current_board_shown(live_url, new_page, huddle, lee):
    board, columns, first, _ = huddle
    lead = new_page(DESKTOP)
    # This page's board socket never reaches the server, like a laptop on a dropped network.
    lead.route_web_socket(re.compile(r".*/ws/boards/.*"), lambda ws: None)
    sign_in(lead, live_url, "lee", PASSWORD)
    lead.goto(f"{live_url}{board.get_absolute_url()}")
    expect(lead.locator(f"#column-{columns['Plan'].pk} #card-{first.pk}")).to_be_visible()

    # Let the resync that follows the sockets opening finish, then open the card's move form.
    lead.wait_for_load_state("networkidle")
    lead.locator(f"#card-{first.pk} .card__move").click()
    expect(lead.locator(f"#move-{first.pk}-column")).to_be_focused()
    # Meanwhile someone else moves the card.
    off_the_browser_thread(
        actions.move_card,
        first,
        to=columns["Check"],
        position=0,
        expected_version=first.version,
        by=lee,
    )

    lead.locator(f"#move-{first.pk}-column").select_option(label="Do")
    lead.locator(f"#card-{first.pk}").get_by_role("button", name="Move").click()

    expect(lead.get_by_role("alert")).to_contain_text(
        "This card changed — here is the current board."
    )
    expect(lead.locator(f"#column-{columns['Check'].pk} #card-{first.pk}")).to_be_visible()
    assert Card.objects.get(pk=first.pk).column == columns["Check"]
    assert_accessible(lead)


def test_the_a3_page_is_accessible(live_url, new_page, huddle, lee):
    _, _, first, _ = huddle
    cycle = off_the_browser_thread(actions.start_cycle, first, by=lee)
    off_the_browser_thread(
        actions.update_cycle,
        cycle,
        problem="Claims wait nine days",
        whys=["Forms come back", "Fields unclear"],
        target="5 days",
        by=lee,
    )
    page = new_page(DESKTOP)
    sign_in(page, live_url, "lee", PASSWORD)
    page.goto(f"{live_url}/kaizen/cards/{first.pk}/a3/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-fill the claim form")
    assert_accessible(page)


def test_a_card_dragged_by_touch_on_a_phone_moves(live_url, new_page, huddle):
    board, columns, _, second = huddle
    # A touch drag cannot scroll the page, so both columns must be on screen at once: a tall
    # phone, with the board scrolled to the card being dragged.
    phone = _open_board(new_page, live_url, board, "lee", {**PHONE, "height": 1400})
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    handle = phone.locator(f"#card-{second.pk} .card__handle")
    target = phone.locator(f"#column-{columns['Do'].pk} ol.cards")
    handle.scroll_into_view_if_needed()
    start = handle.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    end = target.bounding_box()
    to_x, to_y = end["x"] + end["width"] / 2, end["y"] + 10

    def touch(kind: str, px: float, py: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": px, "y": py}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x, y)
    for step in range(1, 16):
        touch("touchMove", x + (to_x - x) * step / 15, y + (to_y - y) * step / 15)
    with phone.expect_response(lambda r: r.url.endswith("/move/")) as moved:
        touch("touchEnd", to_x, to_y)
    assert moved.value.status == 200

    expect(phone.locator(f"#column-{columns['Do'].pk} #card-{second.pk}")).to_be_attached()
    assert Card.objects.get(pk=second.pk).column == columns["Do"]
