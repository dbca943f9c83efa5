"""Invest-to-save arithmetic, checked against figures worked by hand."""

from decimal import Decimal as D

import pytest

from places.investment import (
    CaseError,
    Flow,
    gain_share,
    net_present_value,
    payback_years,
    pence,
    validate,
)


def annuity_case() -> tuple[list[Flow], list[Flow]]:
    # £1,000 invested now; £300 a year back for five years.
    return [Flow("Police", 0, D("1000"))], [Flow("NHS", year, D("300")) for year in range(1, 6)]


def test_annuity_npv_matches_the_annuity_factor() -> None:
    # Annuity factor at 3.5 % over 5 years: (1 - 1.035 ** -5) / 0.035 = 4.5150524...
    # NPV = -1000 + 300 * 4.5150524 = 354.5157 -> £354.52
    investments, benefits = annuity_case()
    assert pence(net_present_value(investments, benefits)) == D("354.52")


def test_annuity_payback_interpolates_inside_the_year() -> None:
    # Running total: -1000, -700, -400, -100, +200 -> 3 years + 100/300.
    investments, benefits = annuity_case()
    years = payback_years(investments, benefits)
    assert years is not None
    assert years.quantize(D("0.0001")) == D("3.3333")


def test_discounted_payback_is_later() -> None:
    # Discounted: -1000, +289.855, +280.053, +270.583 (running -159.509 after year 3), and
    # year 4 brings 261.433 -> 3 + 159.509/261.433 = 3.6101 years.
    investments, benefits = annuity_case()
    years = payback_years(investments, benefits, rate=D("0.035"))
    assert years is not None
    assert years.quantize(D("0.001")) == D("3.610")


def test_uneven_flows_from_two_investors() -> None:
    investments = [Flow("Council", 0, D("500")), Flow("Police", 1, D("500"))]
    benefits = [Flow("NHS", 1, D("200")), Flow("NHS", 2, D("400")), Flow("Council", 3, D("600"))]
    # Net by year: -500, -300, +400, +600; running -500, -800, -400, +200.
    years = payback_years(investments, benefits)
    assert years is not None
    assert years.quantize(D("0.0001")) == D("2.6667")
    # -500 - 300/1.035 + 400/1.035**2 + 600/1.035**3
    #   = -500 - 289.8551 + 373.4043 + 541.1656 = 124.7148
    assert pence(net_present_value(investments, benefits)) == D("124.71")
    # At 0 % the NPV is the plain sum of flows.
    assert net_present_value(investments, benefits, rate=D("0")) == D("200")


def test_a_case_that_never_pays_back() -> None:
    assert payback_years([Flow("A", 0, D("100"))], [Flow("A", 1, D("50"))]) is None


def test_a_case_with_nothing_owed_pays_back_at_once() -> None:
    assert payback_years([], [Flow("A", 1, D("50"))]) == D("0")


def test_flows_before_the_start_and_negative_amounts_are_refused() -> None:
    with pytest.raises(CaseError, match="before the case starts"):
        net_present_value([Flow("A", -1, D("1"))], [])
    with pytest.raises(CaseError, match="negative"):
        validate([Flow("A", 0, D("-5"))], [])


def test_gain_share_repays_investors_then_splits_the_surplus() -> None:
    # Police and council invest £600 and £400; all £1,500 of benefit lands in the NHS budget.
    # Investors get their £1,000 back pro rata, the £500 surplus splits 25/25/50.
    rows = gain_share(
        invested={"Police": D("600"), "Council": D("400")},
        received={"NHS": D("1500")},
        shares={"Police": D("0.25"), "Council": D("0.25"), "NHS": D("0.5")},
    )
    by_org = {row.organisation: row for row in rows}
    assert by_org["Police"].entitled == D("725.00")
    assert by_org["Council"].entitled == D("525.00")
    assert by_org["NHS"].entitled == D("250.00")
    assert by_org["NHS"].balance == D("-1250.00")
    assert sum(row.balance for row in rows) == 0


def test_gain_share_before_investment_is_recovered() -> None:
    rows = gain_share(
        invested={"Police": D("600"), "Council": D("400")},
        received={"NHS": D("500")},
        shares={"Police": D("0.5"), "NHS": D("0.5")},
    )
    by_org = {row.organisation: row for row in rows}
    assert (by_org["Police"].entitled, by_org["Council"].entitled) == (D("300.00"), D("200.00"))
    assert by_org["NHS"].balance == D("-500.00")


def test_rounding_keeps_the_total_to_the_penny() -> None:
    rows = gain_share(
        invested={},
        received={"A": D("100")},
        shares={"A": D(1) / 3, "B": D(1) / 3, "C": 1 - 2 * (D(1) / 3)},
    )
    assert sum(row.entitled for row in rows) == D("100.00")
    assert sorted(row.entitled for row in rows) == [D("33.33"), D("33.33"), D("33.34")]


def test_shares_that_do_not_add_up_are_refused() -> None:
    with pytest.raises(CaseError, match="not 100 %"):
        gain_share({"A": D("1")}, {"B": D("1")}, {"A": D("0.5"), "B": D("0.4")})
