"""A lead records what a kaizen card achieved from the card's page; a site manager adds a
site-wide measure and imports its figures."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD


def test_a_lead_claims_a_saving_and_records_an_outcome_from_a_card(
    live_url, new_page, cast, team_a
):
    from ideas.models import Idea
    from kaizen import actions as kaizen_actions
    from metrics.models import Measure, Observation

    idea = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill claim forms", problem="Retyping"
    )
    board = kaizen_actions.ensure_team_board(team_a)
    card = kaizen_actions.create_card(
        board, title="Trial pre-filled forms", idea=idea, by=cast["lee"]
    )
    measure = Measure.objects.create(
        name="Minutes per new claim", unit="minutes", improvement="decrease", team=team_a
    )
    start = date.today() - timedelta(weeks=12)
    Observation.objects.bulk_create(
        Observation(measure=measure, date=start + timedelta(weeks=i),
                    value=Decimal(50 if i < 6 else 40))
        for i in range(12)
    )  # fmt: skip

    lead = new_page(PHONE)
    sign_in(lead, live_url, "lee", PASSWORD)
    lead.goto(f"{live_url}{card.get_absolute_url()}")
    # What it achieved is metrics' part of the card's page: it comes in place of its link.
    expect(lead.get_by_role("heading", name="What it achieved")).to_be_visible()
    expect(lead.locator('[data-hx-trigger="load"]')).to_have_count(0)
    assert_accessible(lead)

    lead.get_by_role("link", name="Claim a saving").click()
    expect(lead.get_by_label("Kaizen card it comes from")).to_have_value(str(card.pk))
    assert_accessible(lead)
    lead.get_by_label("Title").fill("Time released by pre-filled forms")
    lead.get_by_label("Kind").select_option("time")
    lead.get_by_label("Amount").fill("1200")
    lead.get_by_label("Start date").fill(f"{start + timedelta(weeks=6):%Y-%m-%d}")
    lead.get_by_label("Evidence", exact=True).fill("14 minutes on 5,200 claims a year.")
    lead.get_by_role("button", name="Claim the saving").click()
    expect(lead.get_by_role("status").filter(has_text="Saving claimed")).to_be_visible()
    expect(lead.get_by_role("link", name="Trial pre-filled forms")).to_be_visible()
    expect(lead.get_by_role("link", name="Pre-fill claim forms")).to_be_visible()
    assert_accessible(lead)

    lead.get_by_role("link", name="Trial pre-filled forms").click()
    lead.get_by_role("link", name="Record an outcome").click()
    assert_accessible(lead)
    lead.get_by_label("Measure", exact=True).select_option(str(measure.pk))
    lead.get_by_label("Baseline start").fill(f"{start:%Y-%m-%d}")
    lead.get_by_label("Baseline end").fill(f"{start + timedelta(weeks=5):%Y-%m-%d}")
    lead.get_by_label("After start").fill(f"{start + timedelta(weeks=6):%Y-%m-%d}")
    lead.get_by_label("After end").fill(f"{start + timedelta(weeks=11):%Y-%m-%d}")
    lead.get_by_role("button", name="Record the outcome").click()
    expect(lead.get_by_role("status").filter(has_text="Outcome recorded")).to_be_visible()
    outcomes = lead.get_by_role("table", name="Measured outcomes")
    expect(outcomes).to_contain_text("20.0 %")
    expect(lead.get_by_role("table", name="Savings")).to_contain_text("1,200 hours a year")
    assert_accessible(lead)

    # The card's idea shows the card working on it and what it achieved, from kaizen and metrics.
    lead.get_by_role("link", name="Pre-fill claim forms").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Pre-fill claim forms")
    expect(lead.get_by_role("heading", name="Improvement work")).to_be_visible()
    expect(lead.get_by_role("link", name="Trial pre-filled forms")).to_be_visible()
    expect(lead.get_by_role("table", name="Measured outcomes")).to_contain_text("20.0 %")
    expect(lead.get_by_role("table", name="Savings")).to_contain_text("1,200 hours a year")
    expect(lead.locator('[data-hx-trigger="load"]')).to_have_count(0)
    assert_accessible(lead)


def test_a_site_manager_adds_a_site_measure_and_imports_its_figures(
    live_url, new_page, cast, site_a1, tmp_path
):
    manager = new_page(DESKTOP)
    sign_in(manager, live_url, "maya", PASSWORD)
    manager.goto(f"{live_url}/metrics/measures/")
    assert_accessible(manager)
    manager.get_by_role("link", name="Add a measure for Carrow Jobcentre (site)").click()
    manager.get_by_label("Name").fill("Footfall")
    manager.get_by_label("Unit").fill("visits")
    manager.get_by_role("button", name="Add the measure").click()
    expect(manager.locator(".messages")).to_contain_text("Measure “Footfall” added")
    assert_accessible(manager)

    manager.goto(f"{live_url}/metrics/measures/")
    manager.get_by_role("link", name="Import figures for Carrow Jobcentre (site) (CSV)").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(
        "Import figures for Carrow Jobcentre (site)"
    )
    assert_accessible(manager)
    figures = tmp_path / "footfall.csv"
    figures.write_text(
        "measure,date,value,target\nFootfall,2026-01-05,410,400\nFootfall,2026-01-12,395,\n"
    )
    # Checked first: the page says what the file would add, and nothing is imported.
    manager.get_by_label("CSV file").set_input_files(str(figures))
    manager.get_by_role("button", name="Check only").click()
    checked = manager.get_by_role("heading", name="Every row passed: nothing is imported yet")
    expect(checked).to_be_focused()
    expect(
        manager.get_by_role("table", name="What the file would add to each measure")
    ).to_contain_text("400 from 5 Jan 2026")
    assert_accessible(manager)
    manager.get_by_label("CSV file").set_input_files(str(figures))
    manager.get_by_role("button", name="Check and import").click()
    expect(manager.locator(".messages")).to_contain_text("Imported 2 observations")
    expect(manager).to_have_url(re.compile(r"/metrics/measures/$"))
    expect(manager.get_by_role("row", name=re.compile("^Footfall"))).to_contain_text("2")
    assert_accessible(manager)
