"""A lead claims a saving, a manager verifies it, and the manager's open dashboard updates live
for the period it shows."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD


def test_a_verified_saving_updates_the_managers_open_dashboard_live_for_the_period_it_shows(
    live_url, new_page, cast, team_a, site_a1, org_a
):
    from metrics.models import Saving

    today = date.today()
    # Verified long ago: inside the default year, outside the manager's chosen period.
    Saving.objects.create(
        team=team_a, claimed_by=cast["lee"], title="Older saving", kind="cashable",
        amount=Decimal("5000"), start_date=today - timedelta(days=200), stage="realised",
        status="verified", invested_by=org_a, benefits=org_a, evidence="Counted.",
    )  # fmt: skip
    manager = new_page(DESKTOP)
    sign_in(manager, live_url, "maya", PASSWORD)
    manager.get_by_role("link", name="Dashboard").click()
    expect(manager).to_have_url(re.compile(rf"/metrics/dashboard/site/{site_a1.pk}/"))
    expect(manager.locator("#savings-verified-a-year")).to_have_text("£5,000 a year")
    start = today - timedelta(days=60)
    manager.get_by_label("From").fill(f"{start:%Y-%m-%d}")
    manager.get_by_label("To").fill(f"{today:%Y-%m-%d}")
    manager.get_by_role("button", name="Show this period").click()
    expect(manager.locator("#savings-tile caption")).to_contain_text(f"{start.day} {start:%b %Y}")
    expect(manager).to_have_url(re.compile(r"start="))
    expect(manager.locator("#dashboard-body")).to_have_attribute("data-live", "connected")
    verified = manager.locator("#savings-verified-a-year")
    expect(verified).to_have_text("£0 a year")
    assert_accessible(manager)

    lead = new_page(PHONE)
    sign_in(lead, live_url, "lee", PASSWORD)
    lead.goto(f"{live_url}/metrics/savings/new/{team_a.pk}/")
    assert_accessible(lead)
    lead.get_by_label("Title").fill("Fewer call-backs on new claims")
    lead.get_by_label("Kind").select_option("cashable")
    lead.get_by_label("Amount").fill("12500")
    lead.get_by_label("Recurrence").select_option("recurring")
    lead.get_by_label("Start date").fill(f"{today - timedelta(days=30):%Y-%m-%d}")
    lead.get_by_label("Stage").select_option("realised")
    lead.get_by_label("Evidence", exact=True).fill("Call-backs down 80 a week at £3 each.")
    lead.get_by_role("button", name="Claim the saving").click()
    expect(lead.get_by_role("status").filter(has_text="Saving claimed")).to_be_visible()
    saving_url = lead.url
    assert_accessible(lead)
    awaiting = manager.locator("#savings-tile").get_by_role("link", name="1", exact=True)
    expect(awaiting).to_be_visible()  # the claim already shows as awaiting, live

    checker = manager.context.new_page()
    checker.goto(saving_url)
    checker.get_by_role("button", name="Verify and lock").click()
    expect(checker.get_by_role("status").filter(has_text="Verified")).to_be_visible()

    # No reload: the open page refetched its own period's tile, not the default year's £17,500.
    expect(verified).to_have_text("£12,500 a year")
    expect(manager.locator("#savings-verified-one-off")).to_have_text("£0 one-off")
    expect(manager).to_have_url(re.compile(r"start="))
    assert_accessible(manager)


def test_the_place_dashboard_and_a_chart_page_are_accessible(
    live_url, new_page, cast, team_a, site_a1
):
    from metrics import actions
    from metrics.models import Measure, Observation

    measure = Measure.objects.create(
        name="Minutes per new claim", unit="minutes", improvement="decrease",
        target=Decimal("40"), team=team_a,
    )  # fmt: skip
    start = date.today() - timedelta(weeks=20)
    Observation.objects.bulk_create(
        Observation(measure=measure, date=start + timedelta(weeks=i), value=Decimal(50 - i % 4 - (8 if i > 12 else 0)))
        for i in range(20)
    )  # fmt: skip
    counter = actions.create_survey(
        site_a1, kind="customer", title="Carrow counter", question="How was today?",
        by=cast["maya"],
    )  # fmt: skip
    Observation.objects.bulk_create(
        Observation(measure=counter.measure, date=date.today() - timedelta(days=20 - i),
                    value=Decimal("3.0") + (Decimal("1.1") if i > 13 else Decimal(i % 2) / 5))
        for i in range(21)
    )  # fmt: skip
    actions.create_survey(site_a1, kind="customer", title="Quiet desk", question="?",
                          by=cast["maya"])  # fmt: skip
    partner = new_page(DESKTOP)
    sign_in(partner, live_url, "pat", PASSWORD)
    partner.get_by_role("link", name="Place dashboard").click()
    expect(partner.get_by_role("heading", name=re.compile("Public spend in"))).to_be_visible()
    chart = partner.get_by_role("img", name=re.compile("Carrow counter: mean score each day"))
    expect(chart).to_be_visible()
    summary = partner.get_by_role("list", name="What the chart of Carrow counter says")
    expect(summary).to_contain_text("Special cause variation: improvement (higher)")
    expect(partner.get_by_text("Not enough data: no scores in this period.")).to_be_visible()
    assert_accessible(partner)
    partner.get_by_role("link", name=re.compile(r"Carrow counter\W+full chart")).click()
    expect(
        partner.get_by_role("img", name=re.compile("statistical process control"))
    ).to_be_visible()
    assert_accessible(partner)

    lead = new_page(PHONE)
    sign_in(lead, live_url, "lee", PASSWORD)
    lead.goto(f"{live_url}{measure.get_absolute_url()}")
    expect(lead.get_by_role("img", name=re.compile("statistical process control"))).to_be_visible()
    assert_accessible(lead)


def test_a_dashboards_survey_charts_arrive_after_its_figures_and_follow_its_period(
    live_url, new_page, cast, site_a1
):
    from metrics import actions
    from metrics.models import Observation

    survey = actions.create_survey(
        site_a1, kind="customer", title="Carrow counter", question="How was today?",
        by=cast["maya"],
    )  # fmt: skip
    today = date.today()
    Observation.objects.bulk_create(
        Observation(measure=survey.measure, date=today - timedelta(days=d), value=3 + d % 3)
        for d in range(40)
    )
    manager = new_page(PHONE)
    sign_in(manager, live_url, "maya", PASSWORD)
    manager.goto(f"{live_url}/metrics/dashboard/site/{site_a1.pk}/")
    chart = manager.get_by_role("img", name=re.compile("Carrow counter: mean score each day"))
    expect(chart).to_be_visible()
    expect(manager.locator("#survey-charts")).to_contain_text("40 points from")
    start = today - timedelta(days=9)
    manager.locator(".period-form").get_by_label("From").fill(f"{start:%Y-%m-%d}")
    manager.get_by_role("button", name="Show this period").click()
    expect(manager.locator("#survey-charts")).to_contain_text("10 points from")
    assert_accessible(manager)
