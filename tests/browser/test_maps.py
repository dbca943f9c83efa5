"""Value-stream maps in a real browser: build a map with the keyboard alone, draft a future
state, shorten a wait, and read what changes; a colleague watching the map sees each edit live;
each step shows the kaizen cards improving it, which the page fetches from kaizen."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ideas.maps.models import ValueStreamMap, ValueStreamStep
from kaizen import actions as kaizen_actions
from kaizen.models import Card
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.ideas.maps.conftest import add_steps, make_map


def _type_into(page, field, text: str) -> None:
    field.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def test_a_five_step_map_is_built_with_the_keyboard_cloned_and_compared(live_url, new_page, cast):
    page = new_page(DESKTOP)
    sign_in(page, live_url, "sam", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Value-stream maps"
    ).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Value-stream maps")
    assert_accessible(page)

    page.get_by_role("navigation", name="Map actions").get_by_role(
        "link", name="Map a process"
    ).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Map a process")
    assert_accessible(page)
    _type_into(page, page.get_by_label("Name", exact=True), "New claim")
    _type_into(page, page.get_by_label("Process", exact=True), "Claim received to decision")
    _type_into(page, page.get_by_label("Customer", exact=True), "Claimant")
    _type_into(page, page.get_by_label("Customer demand"), "460")
    _type_into(page, page.get_by_label("Shift length", exact=True), "7.5")
    _type_into(page, page.get_by_label("Breaks per shift", exact=True), "30")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("New claim")
    assert_accessible(page)

    # Five steps, each typed into the add form and submitted with Enter; after each one the
    # focus comes back to the step name so the next can be typed straight away.
    page.locator("#add_name").focus()
    for i in range(1, 6):
        expect(page.locator("#add_name")).to_be_focused()
        page.keyboard.type(f"Step {i}")
        page.keyboard.press("Tab")
        page.keyboard.type("Contact centre" if i < 3 else "Decision maker")
        page.keyboard.press("Tab")
        page.keyboard.type("10")  # process time, minutes
        for _ in range(4):  # unit, lead time, its unit, then the wait before the step
            page.keyboard.press("Tab")
        expect(page.locator("#add_wait")).to_be_focused()
        page.keyboard.type("2")  # hours
        page.keyboard.press("Enter")
        expect(page.locator(".vsm-steps > li")).to_have_count(i)
    # The swap settles with the focus back on the step name; only then move on, or a key
    # pressed in between lands wherever that focus goes.
    expect(page.locator("#add_name")).to_be_focused()
    expect(page.locator(".vsm-table tbody tr")).to_have_count(5)
    expect(page.locator(".vsm-figure[data-figure='steps'] .vsm-value")).to_have_text("5")
    # 5 × 2 h waits + 5 × 10 min = 650 min; a working day is 7 h.
    expect(page.locator(".vsm-figure[data-figure='lead_time'] .vsm-value")).to_have_text(
        "1.55 working days"
    )

    # Reorder with the move buttons: step 5 up one place; focus stays on the moved step.
    page.get_by_role("button", name="Move up: Step 5").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".vsm-steps > li h3").nth(3)).to_have_text("Step 5")
    expect(page.get_by_role("button", name="Move up: Step 5")).to_be_focused()
    # The formula behind a figure shows on keyboard focus.
    page.locator(".vsm-figure[data-figure='takt']").focus()
    expect(page.locator("#formula-takt")).to_be_visible()
    expect(page.locator("#formula-takt")).to_contain_text("÷ demand 92 a day")
    assert_accessible(page)

    # Draft the future state.
    page.get_by_label("Name of the future state").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("New claim — future state")
    assert_accessible(page)
    future = ValueStreamMap.objects.get(state="future")

    # Shorten the wait before the first step from 2 hours to none, editing inline.
    first = future.steps.get(position=0)
    page.locator(f"#edit-{first.pk}").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#edit{first.pk}_name")).to_be_focused()
    assert_accessible(page)  # with the inline editor open
    _type_into(page, page.locator(f"#edit{first.pk}_wait"), "0")
    page.keyboard.press("Enter")
    expect(page.locator(".vsm-figure[data-figure='lead_time'] .vsm-value")).to_have_text(
        "1.26 working days"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Compare current and future").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Current and future state")
    lead_row = page.get_by_role("row", name=re.compile("^Lead time"))
    expect(lead_row).to_contain_text("1.55 days")
    expect(lead_row).to_contain_text("1.26 days")
    expect(lead_row).to_contain_text("−18.5 %")
    expect(lead_row).to_contain_text("(better)")
    assert_accessible(page)


def _open_map(new_page, live_url, m, who: str, viewport):
    page = new_page(viewport)
    sign_in(page, live_url, who, PASSWORD)
    page.goto(f"{live_url}{m.get_absolute_url()}")
    # Once the map's own socket is open, edits reach this page.
    expect(page.locator(".vsm-socket[data-live='connected']")).to_be_attached()
    return page


def test_a_colleague_watching_the_map_sees_an_edit_without_reloading(
    live_url, new_page, sam, wendy, team_a
):
    m = make_map(team_a, sam)
    first, *_ = add_steps(m, 3)
    editor = _open_map(new_page, live_url, m, "sam", DESKTOP)
    # Wendy works in another team of the site: she reads the map on her phone.
    watcher = _open_map(new_page, live_url, m, "wendy", PHONE)
    process = ".vsm-figure[data-figure='process_time'] .vsm-value"
    expect(watcher.locator(process)).to_have_text("30 min")
    assert_accessible(watcher)
    watcher.evaluate("window.stillTheSamePage = true")
    watcher.locator("#figure-lead_time").focus()

    editor.locator(f"#edit-{first.pk}").click()
    _type_into(editor, editor.locator(f"#edit{first.pk}_name"), "Triage")
    _type_into(editor, editor.locator(f"#edit{first.pk}_cycle"), "90")
    editor.get_by_role("button", name="Save step").click()
    expect(editor.locator(process)).to_have_text("110 min")

    expect(watcher.locator(process)).to_have_text("110 min")
    expect(watcher.locator(".vsm-table tbody th").first).to_have_text("Triage")
    expect(watcher.locator("#vsm-status")).to_contain_text("process time 110 min")
    assert watcher.evaluate("window.stillTheSamePage") is True
    # The figure she was reading keeps her focus when it is replaced under her.
    expect(watcher.locator("#figure-lead_time")).to_be_focused()
    assert_accessible(watcher)
    assert_accessible(editor)


def test_a_page_that_missed_an_edit_catches_up_when_its_socket_comes_back(
    live_url, new_page, sam, wendy, team_a
):
    m = make_map(team_a, sam)
    first, *_ = add_steps(m, 3)
    watcher = _open_map(new_page, live_url, m, "wendy", PHONE)
    process = ".vsm-figure[data-figure='process_time'] .vsm-value"
    expect(watcher.locator(process)).to_have_text("30 min")
    # Changed while this page's socket was down: no message reached it.
    ValueStreamStep.objects.filter(pk=first.pk).update(cycle_s=90 * 60)
    watcher.locator("#vsm-canvas").focus()
    # What app.js does when a socket that had been open reconnects.
    watcher.evaluate("htmx.trigger(document.body, 'resync')")
    expect(watcher.locator(process)).to_have_text("110 min")
    expect(watcher.locator(f"#vsm-live-{m.pk}")).to_have_count(1)
    expect(watcher.locator("#vsm-canvas")).to_be_focused()  # the refetch did not move her
    assert_accessible(watcher)


def test_each_step_shows_the_kaizen_cards_improving_it_and_keeps_them_after_an_edit(
    live_url, new_page, sam, lee, team_a
):
    m = make_map(team_a, sam)
    _, second, _ = add_steps(m, 3)
    board = kaizen_actions.ensure_team_board(team_a)
    card = kaizen_actions.create_card(
        board, title="Check ID at booking", column=board.columns.first(), by=lee, wip_reason="-"
    )
    Card.objects.filter(pk=card.pk).update(vsm_step=second)
    page = _open_map(new_page, live_url, m, "sam", PHONE)
    link = page.locator(f"#step-{second.pk}").get_by_role("link", name="Check ID at booking")
    expect(link).to_have_attribute("href", card.get_absolute_url())
    # The request that fetched them has gone, and with it the link for pages without script.
    expect(page.locator(f"#map-cards-{m.pk}")).to_have_count(0)
    assert_accessible(page)

    # Moving a step swaps the whole workspace: its cards come back with it.
    page.get_by_role("button", name="Move up: Step 2").click()
    expect(page.locator(".vsm-steps > li h3").first).to_have_text("Step 2")
    expect(link).to_have_attribute("href", card.get_absolute_url())
    expect(page.get_by_role("button", name="Move down: Step 2")).to_be_visible()
    assert_accessible(page)
