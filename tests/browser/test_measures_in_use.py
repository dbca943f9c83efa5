"""A lead links a PDCA cycle to the team's measure from the cycle page and sees where it stands;
the pages a manager reads for staff pulses and spread are accessible too."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    off_the_browser_thread,
    sign_in,
)
from tests.conftest import PASSWORD


def test_a_lead_links_a_cycle_to_a_measure_and_its_chart_shows_the_change(
    live_url, new_page, cast, team_a
):
    from kaizen import actions
    from metrics.models import Annotation, CycleMeasure, Measure, Observation

    board = off_the_browser_thread(actions.ensure_team_board, team_a)
    card = off_the_browser_thread(
        actions.create_card, board, title="Pre-fill the claim form", by=cast["lee"]
    )
    cycle = off_the_browser_thread(actions.start_cycle, card, by=cast["lee"])
    measure = Measure.objects.create(
        team=team_a, name="Minutes per new claim", unit="minutes", improvement="decrease"
    )
    start = date(2026, 1, 5)
    values = [40, 41, 39, 42, 40, 38, 41, 40, 39, 41, 40, 42, 30, 29, 31, 30, 28, 29, 30, 31]
    Observation.objects.bulk_create(
        Observation(measure=measure, date=start + timedelta(weeks=i), value=Decimal(v))
        for i, v in enumerate(values)
    )

    page = new_page(PHONE)
    sign_in(page, live_url, "lee", PASSWORD)
    page.goto(f"{live_url}/kaizen/cycles/{cycle.pk}/")
    assert_accessible(page)
    # A plan being typed is not lost when the measure is saved: only the measure's part reloads.
    page.get_by_label("Problem statement").fill("Claims take too long")
    page.get_by_label("Measure it should move").select_option(label=str(measure))
    page.get_by_label("The change went live on").fill("2026-03-30")
    page.get_by_role("button", name="Save the measure").click()

    check = page.locator("section.pdca--check")
    expect(check).to_contain_text("Measure saved.")
    expect(check).to_contain_text("Special cause variation: improvement (lower)")
    expect(check).to_contain_text("The change went live on 30 Mar 2026")
    # The date survives the round trip: the form shows it again, ready to be saved again.
    expect(page.get_by_label("The change went live on")).to_have_value("2026-03-30")
    expect(page.get_by_label("Problem statement")).to_have_value("Claims take too long")
    assert_accessible(page)
    assert CycleMeasure.objects.filter(cycle=cycle, measure=measure).exists()
    assert Annotation.objects.filter(cycle=cycle, measure=measure).exists()

    # A date without a measure is refused where it was typed, keeping the date.
    page.get_by_label("Measure it should move").select_option(label="No measure linked")
    page.get_by_label("The change went live on").fill("2026-04-06")
    page.get_by_role("button", name="Save the measure").click()
    expect(check).to_contain_text("Choose the measure whose chart should show the change.")
    expect(page.get_by_label("The change went live on")).to_have_value("2026-04-06")
    assert_accessible(page)

    page.goto(f"{live_url}/kaizen/cards/{card.pk}/a3/")
    expect(page.locator(".a3__box").filter(has_text="Check")).to_contain_text(
        "Special cause variation: improvement (lower)"
    )
    assert_accessible(page)

    page.goto(f"{live_url}{measure.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Pre-fill the claim form (PDCA cycle 1)")
    assert_accessible(page)


def test_a_manager_reads_a_pulse_and_the_spread_of_ideas(live_url, new_page, cast, site_a1, team_a):
    from metrics import actions

    pulse = actions.create_survey(
        site_a1, kind="staff", title="New Claims pulse", question="How is work?", team=team_a,
        by=cast["maya"],
    )  # fmt: skip
    page = new_page(DESKTOP)
    sign_in(page, live_url, "maya", PASSWORD)
    page.goto(f"{live_url}{pulse.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("only for weeks that are over")
    assert_accessible(page)
    page.goto(f"{live_url}/metrics/dashboard/site/{site_a1.pk}/rows/spread/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("adopted by other teams")
    assert_accessible(page)
    page.goto(f"{live_url}/metrics/measures/new/site/{site_a1.pk}/")
    # Screening follows the chosen rules unless set; the rules start as the organisation's.
    expect(page.get_by_label("Screen out unusually large moving ranges")).to_have_value("unknown")
    expect(page.get_by_label("SPC rules")).to_have_value("nhse")
    assert_accessible(page)
