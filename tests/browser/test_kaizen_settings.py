"""The lead changes the board's columns; everyone with the board open sees it happen."""

from __future__ import annotations

from playwright.sync_api import expect

from kaizen import actions
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD


def test_a_column_the_lead_adds_appears_on_a_colleagues_board_before_done(
    live_url, new_page, team_a, lee, sam
):
    board = actions.ensure_team_board(team_a)
    colleague = new_page(PHONE)
    sign_in(colleague, live_url, "sam", PASSWORD)
    colleague.goto(f"{live_url}{board.get_absolute_url()}")
    # Once the viewers list names sam, sam's socket is live; let the resync that follows land.
    expect(colleague.locator(f"#board-viewers-{board.pk}")).to_contain_text("Sam")
    colleague.wait_for_load_state("networkidle")
    # Sam has started a card for "Do" and has not saved it yet.
    colleague.get_by_text("Add a card").click()
    do = board.columns.get(name="Do")
    colleague.get_by_label("Column").select_option(str(do.pk))

    lead = new_page(DESKTOP)
    sign_in(lead, live_url, "lee", PASSWORD)
    lead.goto(f"{live_url}/kaizen/boards/{board.pk}/settings/")
    assert_accessible(lead)
    plan = board.columns.get(name="Plan")
    lead.locator(f"#id_name_{plan.pk}").fill("Plan it")
    lead.get_by_label("Add a column").fill("Standardise")
    lead.get_by_role("button", name="Save the board set-up").click()
    expect(lead.get_by_text("Board set-up saved.")).to_be_visible()

    headings = colleague.locator(".columns > section h2")
    expect(headings).to_have_count(7)
    names = [text.split("\n")[0].strip() for text in headings.all_inner_texts()]
    assert names == ["To try", "Plan it", "Do", "Check", "Act", "Standardise", "Done"]
    # The "Add a card" list offers the new names, and Sam's choice is kept.
    choices = colleague.locator("#new-card-column option")
    expect(choices).to_have_text(["To try", "Plan it", "Do", "Check", "Act", "Standardise", "Done"])
    expect(colleague.get_by_label("Column")).to_have_value(str(do.pk))
    # The new column's list is wired for dragging like the others.
    added = board.columns.get(name="Standardise")
    expect(colleague.locator(f"#column-{added.pk} ol.cards")).to_have_attribute(
        "data-sortable", "1"
    )
    assert_accessible(colleague)


def test_a_new_column_already_on_the_page_is_not_added_twice(live_url, new_page, team_a, lee):
    """A page loaded just after a column was added has it; the late broadcast must not
    insert it a second time."""
    board = actions.ensure_team_board(team_a)
    actions.configure_board(
        board,
        names={c.pk: c.name for c in board.columns.all()},
        wip_limits={},
        stale_after_days=board.stale_after_days,
        new_column="Standardise",
        by=lee,
    )
    page = new_page(DESKTOP)
    sign_in(page, live_url, "lee", PASSWORD)
    page.goto(f"{live_url}{board.get_absolute_url()}")
    expect(page.locator(f"#board-viewers-{board.pk}")).to_contain_text("Lee")
    page.wait_for_load_state("networkidle")
    added = board.columns.get(name="Standardise")
    done = board.columns.get(kind="done")
    # The broadcast as it would have arrived, late: the same fragment, swapped the way the
    # websocket extension swaps what the socket brings (out of band).
    from django.template.loader import render_to_string

    from kaizen import queries

    context = queries.columns_context(board.pk, [added.pk])
    context.update({"added": context["touched"], "touched": [], "before": done.pk})
    html = render_to_string(actions.COLUMN_TEMPLATE, context)
    page.evaluate("html => htmx.swap(document.body, html, {swapStyle: 'none'})", html)
    expect(page.locator(f"section#column-{added.pk}")).to_have_count(1)
    expect(page.locator(".columns > section h2")).to_have_count(7)
