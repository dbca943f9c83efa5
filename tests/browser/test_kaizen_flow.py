"""A lead looks back over the flow of the team's work before the huddle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kaizen import actions
from kaizen.models import Card, CardMove
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD


@pytest.fixture
def worked_board(live_url, team_a, lee):
    """Six weeks of work: a card added every few days, most of them finished since."""
    board = actions.ensure_team_board(team_a)
    columns = list(board.columns.all())
    todo, doing, done = columns[0], columns[2], columns[-1]
    now = timezone.now()
    for i in range(12):
        added = now - timedelta(days=45 - 3 * i)
        path = [todo, doing, done][: 1 + (i < 9) + (i < 6)]
        card = Card.objects.create(
            board=board, column=path[-1], title=f"Improvement {i}", created_by=lee
        )
        CardMove.objects.bulk_create(
            CardMove(
                card=card,
                from_column=None if n == 0 else path[n - 1],
                to_column=column,
                at=added + timedelta(days=4 * n),
                by=lee,
            )
            for n, column in enumerate(path)
        )
    return board


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_cumulative_flow_chart_is_drawn_and_accessible(
    live_url, new_page, worked_board, viewport
):
    page = new_page(viewport)
    sign_in(page, live_url, "lee", PASSWORD)
    page.goto(f"{live_url}/kaizen/boards/{worked_board.pk}/flow/")
    chart = page.get_by_role("img", name="Cumulative flow of New Claims board")
    expect(chart).to_be_visible()
    expect(chart.locator("path.cfd-band")).to_have_count(6)
    expect(page.locator(".cfd-key li")).to_have_count(6)
    expect(page.locator(".cfd-table tbody tr")).to_have_count(30)
    assert_accessible(page)

    page.get_by_label("Show the last").select_option("90 days")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".cfd-table tbody tr")).to_have_count(90)
    assert "days=90" in page.url
    expect(chart).to_be_visible()
    assert_accessible(page)
