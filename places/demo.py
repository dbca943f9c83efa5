"""Demo spend map for Eskdale: six themes and two financial years of lines for its agencies."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from leanhub.demo import PLACE
from leanhub.models import Organisation, Place
from places.models import ServiceTheme, SpendLine

THEMES = [
    "Children and families",
    "Older people",
    "Worklessness",
    "Drugs and alcohol",
    "Offender management",
    "Housing",
]

# agency -> {theme: £ million in 2025-26}; 2024-25 is shown 4 % lower.
LINES: dict[str, dict[str, str]] = {
    "Eskdale Jobcentre Plus district": {"Worklessness": "1210.5", "Housing": "239.5"},
    "Eskdale Police": {
        "Offender management": "142.25",
        "Drugs and alcohol": "61.4",
        "Children and families": "48.9",
        "Older people": "12.1",
    },
    "North Eskdale NHS Trust": {
        "Older people": "1104.8",
        "Drugs and alcohol": "96.3",
        "Children and families": "402.7",
        "Worklessness": "31.2",
    },
    "Eskdale County Council": {
        "Children and families": "388.6",
        "Older people": "402.35",
        "Housing": "211.9",
        "Drugs and alcohol": "27.15",
        "Offender management": "9.8",
    },
}


@transaction.atomic
def seed() -> None:
    place = Place.objects.get(slug=PLACE["slug"])
    themes = {
        name: ServiceTheme.objects.update_or_create(
            place=place, name=name, defaults={"position": position}
        )[0]
        for position, name in enumerate(THEMES, start=1)
    }
    for org_name, amounts in LINES.items():
        organisation = Organisation.objects.get(name=org_name)
        for theme_name, millions in amounts.items():
            latest = Decimal(millions) * 1_000_000
            for year, amount in (
                (2025, latest),
                (2024, (latest * Decimal("0.96")).quantize(Decimal("0.01"))),
            ):
                SpendLine.objects.update_or_create(
                    place=place,
                    organisation=organisation,
                    theme=themes[theme_name],
                    year=year,
                    outcome="",
                    defaults={"amount": amount},
                )
