"""Invest-to-save arithmetic for Total Place cases: payback, net present value and gain-share.

Plain Python on ``Decimal`` so that pence are kept exactly; nothing here touches the database.

Flows are placed on whole years counted from the case's first year (year 0). Discounting follows
HM Treasury's Green Book: a flow in year ``t`` is worth ``flow / (1 + r) ** t`` today, so year 0
is not discounted, and the default rate is the Green Book's 3.5 % a year.

Gain-share: the partners agree how the benefit that has been realised flows back. Investors first
recover what they put in (pro rata to their investment, while the benefit so far falls short of
the total invested); whatever is left over is split by the agreed shares. Each organisation's
settlement is what the agreement gives it less what it has already received in its own budget:
positive means it is owed that amount, negative means it pays it over. Settlements add up to zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GREEN_BOOK_RATE = Decimal("0.035")
PENNY = Decimal("0.01")


class CaseError(ValueError):
    """A case whose figures cannot be worked out; the message says why, in plain words."""


@dataclass(frozen=True)
class Flow:
    """Money one organisation puts in (investment) or gets back (benefit) in one year of a case."""

    organisation: str
    year: int
    amount: Decimal


def pence(value: Decimal) -> Decimal:
    """Round to the penny, halves away from zero, as money is shown."""
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def net_by_year(investments: Iterable[Flow], benefits: Iterable[Flow]) -> list[Decimal]:
    """Benefit less investment for every year from 0 to the last year with a flow."""
    flows = [(f.year, -f.amount) for f in investments] + [(f.year, f.amount) for f in benefits]
    for year, amount in flows:
        if year < 0:
            raise CaseError(f"A flow is dated before the case starts (year {year}).")
        if amount.is_nan():
            raise CaseError("A flow has no amount.")
    if not flows:
        return []
    last = max(year for year, _ in flows)
    net = [Decimal(0)] * (last + 1)
    for year, amount in flows:
        net[year] += amount
    return net


def validate(investments: Iterable[Flow], benefits: Iterable[Flow]) -> None:
    """Refuse negative amounts: an investment or benefit is money moving one way."""
    for kind, flows in (("investment", investments), ("benefit", benefits)):
        for flow in flows:
            if flow.amount < 0:
                raise CaseError(
                    f"The {kind} of {flow.organisation} in year {flow.year} is negative; "
                    "enter money going the other way as the other kind of flow."
                )


def discount_factor(year: int, rate: Decimal = GREEN_BOOK_RATE) -> Decimal:
    """What £1 in ``year`` is worth today at ``rate``."""
    if rate <= -1:
        raise CaseError("A discount rate must be above -100 %.")
    return Decimal(1) / (Decimal(1) + rate) ** year


def net_present_value(
    investments: Iterable[Flow], benefits: Iterable[Flow], rate: Decimal = GREEN_BOOK_RATE
) -> Decimal:
    """The sum of every year's net flow, discounted to year 0 (unrounded)."""
    return sum(
        (
            amount * discount_factor(year, rate)
            for year, amount in enumerate(net_by_year(investments, benefits))
        ),
        Decimal(0),
    )


def payback_years(
    investments: Iterable[Flow],
    benefits: Iterable[Flow],
    rate: Decimal | None = None,
) -> Decimal | None:
    """Years until the running total of net flows first stops being negative.

    Benefits are taken to arrive evenly through a year, so payback inside a year is
    interpolated: a case £100 short at the end of year 3 that nets £300 in year 4 pays back after
    3⅓ years. With ``rate`` the flows are discounted first (discounted payback). ``None`` means
    it never pays back within its flows; ``0`` means nothing was ever owed.
    """
    net = net_by_year(investments, benefits)
    if rate is not None:
        net = [amount * discount_factor(year, rate) for year, amount in enumerate(net)]
    running = Decimal(0)
    owed = False
    for year, amount in enumerate(net):
        before = running
        running += amount
        if running < 0:
            owed = True
            continue
        if not owed:
            continue
        # Year 0 flows happen at the start; a shortfall carried into a later year is recovered
        # part of the way through that year.
        if year == 0:
            return Decimal(0)
        return Decimal(year - 1) + (-before / amount)
    return None if owed else Decimal(0)


@dataclass(frozen=True)
class Settlement:
    """One organisation's line on a gain-share settlement statement."""

    organisation: str
    invested: Decimal
    received: Decimal
    entitled: Decimal
    balance: Decimal  # entitled - received: positive is owed to it, negative it pays over


def gain_share(
    invested: Mapping[str, Decimal],
    received: Mapping[str, Decimal],
    shares: Mapping[str, Decimal],
) -> list[Settlement]:
    """Settle realised benefit between the parties of a case.

    ``invested``: what each organisation has put in. ``received``: realised (verified) benefit
    that landed in each organisation's budget. ``shares``: how the benefit left after investors
    are repaid is split; fractions that add up to 1.
    """
    parties = sorted(set(invested) | set(received) | set(shares))
    total_share = sum(shares.values(), Decimal(0))
    if shares and total_share != 1:
        raise CaseError(
            f"The gain-share percentages add up to {total_share * 100:.2f} %, not 100 %."
        )
    if any(value < 0 for value in shares.values()):
        raise CaseError("A gain-share percentage cannot be negative.")
    for name, mapping in (("investment", invested), ("benefit", received)):
        if any(value < 0 for value in mapping.values()):
            raise CaseError(f"A realised {name} cannot be negative.")
    total_invested = sum(invested.values(), Decimal(0))
    total_received = sum(received.values(), Decimal(0))
    repaid_total = min(total_invested, total_received)
    surplus = total_received - repaid_total
    entitled_raw: dict[str, Decimal] = {}
    for party in parties:
        repay = (
            repaid_total * invested.get(party, Decimal(0)) / total_invested
            if total_invested
            else Decimal(0)
        )
        entitled_raw[party] = repay + surplus * shares.get(party, Decimal(0))
    if not shares and surplus:
        # Without an agreement the surplus stays where it fell.
        for party in parties:
            entitled_raw[party] += surplus * received.get(party, Decimal(0)) / total_received
    entitled = _round_keeping_total(entitled_raw, total_received)
    return [
        Settlement(
            organisation=party,
            invested=invested.get(party, Decimal(0)),
            received=received.get(party, Decimal(0)),
            entitled=entitled[party],
            balance=entitled[party] - received.get(party, Decimal(0)),
        )
        for party in parties
    ]


def _round_keeping_total(values: Mapping[str, Decimal], total: Decimal) -> dict[str, Decimal]:
    """Round each value to pence so that the rounded values still add up to ``total``.

    The largest-remainder method: round down, then hand the pennies left over to the values that
    lost most in rounding (ties by name, so the result does not depend on dictionary order).
    """
    floors = {key: value.quantize(PENNY, rounding="ROUND_FLOOR") for key, value in values.items()}
    left = int((pence(total) - sum(floors.values(), Decimal(0))) / PENNY)
    order = sorted(values, key=lambda key: (-(values[key] - floors[key]), key))
    for key in order[: max(left, 0)]:
        floors[key] += PENNY
    return floors
