"""Invest-to-save cases and the place savings target, as partnership leads and managers use them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from leanhub.models import AuditEvent, Organisation, Place, Team, User
from metrics.models import Saving
from places.models import (
    CaseFlow,
    CaseSignOff,
    InvestCase,
    SavingsTarget,
    SavingTheme,
    ServiceTheme,
    SpendLine,
)


@pytest.fixture
def case(place: Place, pat: User) -> InvestCase:
    return InvestCase.objects.create(
        place=place, title="Early help hub", first_year=2025, created_by=pat
    )


def change(client: Client, case: InvestCase, what: str, data: dict[str, object]):
    return client.post(reverse("places:case-change", args=[case.place.slug, case.pk, what]), data)


def saving(
    team: Team,
    by: User,
    *,
    amount: str,
    benefits: Organisation,
    kind: str = Saving.Kind.CASHABLE,
    start: date = date(2025, 6, 1),
) -> Saving:
    return Saving.objects.create(
        team=team,
        claimed_by=by,
        title=f"Saving of {amount}",
        kind=kind,
        amount=D(amount),
        start_date=start,
        stage=Saving.Stage.REALISED,
        invested_by=benefits,
        benefits=benefits,
        evidence="Worked out from the rota.",
        status=Saving.Status.VERIFIED,
    )


def test_a_case_from_start_to_sign_off(
    client: Client,
    case: InvestCase,
    org_a: Organisation,
    org_b: Organisation,
    pat: User,
    dev: User,
    grace: User,
    team_a: Team,
    lee: User,
) -> None:
    client.force_login(pat)
    # Police (org_b) invest £1,000 now; the jobcentre (org_a) benefits £300 a year for 5 years.
    assert (
        change(
            client,
            case,
            "flow",
            {"kind": "investment", "organisation": org_b.pk, "year": 2025, "amount": "1000"},
        ).status_code
        == 302
    )
    for year in range(2026, 2031):
        change(
            client,
            case,
            "flow",
            {"kind": "benefit", "organisation": org_a.pk, "year": year, "amount": "300"},
        )
    page = client.get(reverse("places:case", args=[case.place.slug, case.pk])).content.decode()
    assert "£354.52" in page  # NPV at 3.5 %, worked by hand in tests/places/test_investment.py
    assert "3.3 years" in page  # payback
    change(client, case, "shares", {f"share_{org_a.pk}": "50", f"share_{org_b.pk}": "50"})
    change(client, case, "submit", {})
    case.refresh_from_db()
    assert case.status == InvestCase.Status.AWAITING
    version = case.version

    # A verified saving in the jobcentre's budget realises £1,500 of benefit.
    realised = saving(team_a, lee, amount="1500", benefits=org_a)
    change(client, case, "saving", {"saving": realised.pk})
    page = client.get(reverse("places:case", args=[case.place.slug, case.pk])).content.decode()
    # Police get their £1,000 back plus half the £500 surplus; the jobcentre pays £1,250 over.
    assert "£1,250" in page and "−£1,250" in page

    client.force_login(dev)  # manager of org_a
    sign = reverse("places:case-sign-off", args=[case.place.slug, case.pk])
    assert client.post(sign, {"organisation": org_a.pk, "version": version}).status_code == 302
    # dev cannot sign for the police.
    client.post(sign, {"organisation": org_b.pk, "version": version})
    assert not CaseSignOff.objects.filter(organisation=org_b).exists()
    client.force_login(grace)  # manager of org_b
    client.post(sign, {"organisation": org_b.pk, "version": version})
    case.refresh_from_db()
    assert case.status == InvestCase.Status.SIGNED_OFF

    # Any change afterwards sends it back for sign-off, and old sign-offs no longer count.
    client.force_login(pat)
    change(
        client,
        case,
        "flow",
        {"kind": "benefit", "organisation": org_a.pk, "year": 2031, "amount": "300"},
    )
    case.refresh_from_db()
    assert case.status == InvestCase.Status.AWAITING and case.version == version + 1
    page = client.get(reverse("places:case", args=[case.place.slug, case.pk])).content.decode()
    assert "Signed off by" not in page
    verbs = set(
        AuditEvent.objects.filter(verb__startswith="place.case").values_list("verb", flat=True)
    )
    assert {
        "place.case_flow_added",
        "place.case_shares_set",
        "place.case_signed_off",
        "place.case_fully_signed_off",
        "place.case_saving_linked",
    } <= verbs


def test_impossible_changes_are_refused_and_save_nothing(
    client: Client, case: InvestCase, org_a: Organisation, org_b: Organisation, pat: User, ada: User
) -> None:
    client.force_login(pat)
    change(
        client,
        case,
        "flow",
        {"kind": "investment", "organisation": org_b.pk, "year": 2026, "amount": "1000"},
    )
    before = case.flows.count()
    refused = [
        {
            "kind": "benefit",
            "organisation": org_a.pk,
            "year": 2025,
            "amount": "10",
        },  # before investment
        {
            "kind": "benefit",
            "organisation": org_a.pk,
            "year": 2024,
            "amount": "10",
        },  # before the case
        {"kind": "benefit", "organisation": org_a.pk, "year": 2027, "amount": "-10"},
        {"kind": "benefit", "organisation": org_a.pk, "year": "soon", "amount": "10"},
    ]
    for data in refused:
        response = change(client, case, "flow", data)
        assert response.status_code == 302
    assert case.flows.count() == before
    shares = change(client, case, "shares", {f"share_{org_b.pk}": "60"})
    assert shares.status_code == 302
    assert not case.shares.exists()
    messages = [
        str(m)
        for m in client.get(reverse("places:case", args=[case.place.slug, case.pk])).context[
            "messages"
        ]
    ]
    assert any("before the first investment" in m for m in messages)
    assert any("must add up to 100" in m for m in messages)
    # An administrator is not a manager of the parties: they cannot sign for them.
    change(client, case, "submit", {})
    case.refresh_from_db()
    client.force_login(ada)
    client.post(
        reverse("places:case-sign-off", args=[case.place.slug, case.pk]),
        {"organisation": org_b.pk, "version": case.version},
    )
    assert not CaseSignOff.objects.exists()


def test_only_partnership_leads_change_cases(
    client: Client, case: InvestCase, org_a: Organisation, sam: User, nobody: User
) -> None:
    client.force_login(sam)
    assert client.get(reverse("places:case", args=[case.place.slug, case.pk])).status_code == 200
    response = change(
        client,
        case,
        "flow",
        {"kind": "benefit", "organisation": org_a.pk, "year": 2026, "amount": "1"},
    )
    assert response.status_code == 403
    assert not CaseFlow.objects.exists()
    client.force_login(nobody)
    assert client.get(reverse("places:cases", args=[case.place.slug])).status_code == 404


def test_the_case_list_shows_a_case(client: Client, case: InvestCase, sam: User) -> None:
    client.force_login(sam)
    page = client.get(reverse("places:cases", args=[case.place.slug])).content.decode()
    assert "Early help hub" in page


def test_target_progress_splits_cashable_and_by_agency_and_theme(
    client: Client,
    place: Place,
    org_a: Organisation,
    org_b: Organisation,
    team_a: Team,
    team_b: Team,
    lee: User,
    olu: User,
    pat: User,
    sam: User,
) -> None:
    theme = ServiceTheme.objects.create(place=place, name="Worklessness")
    SpendLine.objects.create(
        place=place, organisation=org_a, theme=theme, year=2025, amount=D("100000")
    )
    client.force_login(pat)
    target_url = reverse("places:target", args=[place.slug])
    assert (
        client.post(
            target_url + "?year=2025", {"year": 2025, "percent_of_spend": "1.5"}
        ).status_code
        == 302
    )
    assert SavingsTarget.objects.get().percent_of_spend == D("1.5")
    cash = saving(team_a, lee, amount="600", benefits=org_a)
    saving(team_b, olu, amount="300.50", benefits=org_b, kind=Saving.Kind.NON_CASHABLE)
    saving(team_b, olu, amount="99", benefits=org_b, kind=Saving.Kind.TIME)  # hours: not counted
    saving(team_a, lee, amount="5000", benefits=org_a, start=date(2026, 4, 1))  # next year
    client.post(
        reverse("places:target-tag", args=[place.slug]),
        {"saving": cash.pk, "theme": theme.pk, "year": "2025"},
    )
    assert SavingTheme.objects.get().saving_id == cash.pk
    client.force_login(sam)
    response = client.get(target_url, {"year": "2025"})
    assert response.context["goal"] == D("1500")
    assert (response.context["cashable"], response.context["non_cashable"]) == (
        D("600"),
        D("300.50"),
    )
    assert response.context["remaining"] == D("599.50")
    assert response.context["by_agency"][0][0] == org_a.name
    assert [row[0] for row in response.context["by_theme"]] == ["Worklessness", ""]
    html = response.content.decode()
    assert "60.0 % of the target reached" in html
    assert "Set the target" not in html
    assert client.post(target_url, {"year": 2025, "percent_of_spend": "5"}).status_code == 403


def test_a_target_out_of_range_is_refused(client: Client, place: Place, pat: User) -> None:
    client.force_login(pat)
    response = client.post(
        reverse("places:target", args=[place.slug]), {"year": 2025, "percent_of_spend": "0"}
    )
    assert response.status_code == 400
    assert not SavingsTarget.objects.exists()
