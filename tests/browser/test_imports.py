"""A lead's backlog from a spreadsheet, as a person does it in the browser: from the board, the
import page, a file chosen from the phone or computer, the preview of every row, then "Create";
a colleague with the board open sees the cards arrive. The same for a team's ideas."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ideas.models import Idea
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

CARDS = (
    "title,description,column,owners,due date,labels,wip reason\n"
    "Pre-fill the claim form,Customers type their details twice,,,,forms,\n"
    "Text reminders,,Plan,sam@example.org,31/03/2030,quick win,\n"
)
IDEAS = (
    "title,problem,kind,wastes,minutes per occurrence,occurrences per year,money per year\n"
    "Print fewer letters,We post 300 letters a week,improvement,waiting,5,1200,450\n"
)


def test_a_lead_imports_cards_and_a_colleague_sees_them_arrive(
    live_url, new_page, lee, sam, team_a
):
    board = off_the_browser_thread(actions.ensure_team_board, team_a)
    colleague = new_page(PHONE)
    sign_in(colleague, live_url, "sam", PASSWORD)
    colleague.goto(f"{live_url}{board.get_absolute_url()}")
    expect(colleague.locator(f"#board-viewers-{board.pk}")).to_contain_text("Sam")
    colleague.wait_for_load_state("networkidle")

    lead = new_page(DESKTOP)
    sign_in(lead, live_url, "lee", PASSWORD)
    lead.goto(f"{live_url}{board.get_absolute_url()}")
    lead.get_by_role("link", name="Import cards from a file (CSV or XLSX)").click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("Import cards onto")
    assert_accessible(lead)
    lead.get_by_label("CSV or Excel file").set_input_files(
        {"name": "backlog.csv", "mimeType": "text/csv", "buffer": CARDS.encode()}
    )
    lead.get_by_role("button", name="Check the file").click()
    expect(lead.get_by_role("heading", name=re.compile("Every row passed: 2 rows"))).to_be_visible()
    expect(lead.get_by_role("cell", name="Text reminders")).to_be_visible()
    assert_accessible(lead)
    assert not off_the_browser_thread(lambda: Card.objects.filter(board=board).exists())
    lead.get_by_role("button", name="Create all 2 rows").click()

    expect(lead).to_have_url(re.compile(rf"{board.get_absolute_url()}$"))
    expect(lead.get_by_text("2 rows imported.")).to_be_visible()
    # The colleague's board, open all along, shows both cards without a reload.
    expect(colleague.locator(".card__title", has_text="Pre-fill the claim form")).to_be_visible()
    reminders = colleague.locator(".card", has_text="Text reminders")
    expect(reminders).to_be_visible()
    expect(reminders).to_contain_text("Sam")
    titles = off_the_browser_thread(
        lambda: sorted(Card.objects.filter(board=board).values_list("title", flat=True))
    )
    assert titles == ["Pre-fill the claim form", "Text reminders"]


def test_a_lead_imports_ideas_and_finds_them_in_the_list(live_url, new_page, lee, team_a):
    page = new_page(PHONE)
    sign_in(page, live_url, "lee", PASSWORD)
    page.goto(f"{live_url}/ideas/teams/{team_a.pk}/import/")
    page.get_by_label("CSV or Excel file").set_input_files(
        {"name": "ideas.csv", "mimeType": "text/csv", "buffer": IDEAS.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name=re.compile("Every row passed: 1 row"))).to_be_visible()
    page.get_by_role("button", name="Create 1 row").click()
    expect(page.get_by_text("1 row imported.")).to_be_visible()
    expect(page.get_by_role("link", name="Print fewer letters")).to_be_visible()
    assert (
        off_the_browser_thread(
            lambda: Idea.objects.filter(
                team=team_a, title="Print fewer letters", author=lee
            ).count()
        )
        == 1
    )
