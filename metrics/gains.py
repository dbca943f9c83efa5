"""Before/after arithmetic for outcomes and the 15–30 % efficiency band. No ORM here; the bands'
names are Django translations, made when they are read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# Lean in Jobcentre Plus delivered 15–30 % efficiency savings: the band teams are shown against.
BAND_LOW = Decimal("15")
BAND_HIGH = Decimal("30")

# What each band is called where people read it (the dashboard's table says the same).
BAND_LABELS = {
    "within": _("Within the band"),
    "above": _("Above the band"),
    "below": _("Below the band"),
    "unknown": _("Not measurable"),
}


@dataclass(frozen=True)
class Gain:
    before: Decimal | None
    after: Decimal | None
    change: Decimal | None  # after − before, in the measure's unit
    gain_percent: Decimal | None  # positive = better, respecting the improvement direction
    band: str  # "below", "within", "above", or "unknown"


def efficiency_gain(before: Decimal | None, after: Decimal | None, improvement: str) -> Gain:
    """The change from the baseline mean to the after mean, and the gain as a percentage of the
    baseline: for "decrease" measures (minutes per claim) a fall is a gain; for "increase" a
    rise is. Neutral measures, a missing period or a zero baseline give no percentage."""
    if before is None or after is None:
        return Gain(before, after, None, None, "unknown")
    before, after = Decimal(before), Decimal(after)
    change = after - before
    if improvement == "neutral" or before == 0:
        return Gain(before, after, change, None, "unknown")
    sign = -1 if improvement == "decrease" else 1
    percent = (sign * change / abs(before) * 100).quantize(Decimal("0.1"))
    return Gain(before, after, change, percent, band_of(percent))


def band_of(percent: Decimal | None) -> str:
    if percent is None:
        return "unknown"
    if percent < BAND_LOW:
        return "below"
    if percent > BAND_HIGH:
        return "above"
    return "within"
