"""Demo spend map for Eskdale: six themes and two financial years of lines for its agencies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from leanhub.demo import PLACE
from leanhub.models import Organisation, Place, Team, User
from metrics.models import Saving
from places.models import (
    CaseFlow,
    CaseSaving,
    CaseShare,
    InvestCase,
    SavingsTarget,
    ServiceTheme,
    SpendLine,
    financial_year_of,
)

THEMES = [
    "Children and families",
    "Older people",
    "Worklessness",
    "Drugs and alcohol",
    "Offender management",
    "Housing",
]

# agency -> {theme: £ million in this financial year}; the year before is shown 4 % lower.
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
    this_year = financial_year_of(timezone.localdate())
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
            earlier = (latest * Decimal("0.96")).quantize(Decimal("0.01"))
            for year, amount in ((this_year, latest), (this_year - 1, earlier)):
                SpendLine.objects.update_or_create(
                    place=place,
                    organisation=organisation,
                    theme=themes[theme_name],
                    year=year,
                    outcome="",
                    defaults={"amount": amount},
                )
    _seed_case(place, this_year)


def _seed_case(place: Place, this_year: int) -> None:
    """An early-help hub: the council and police invest, the NHS trust and police benefit."""

    SavingsTarget.objects.update_or_create(
        place=place, year=this_year, defaults={"percent_of_spend": Decimal("1.00")}
    )
    lead = User.objects.get(username="pat")
    case, created = InvestCase.objects.get_or_create(
        place=place,
        title="Early help hub for families in crisis",
        defaults={
            "summary": "One team of council family workers and police officers, meeting families "
            "at the first call, so fewer reach A&E, custody or care.",
            "first_year": this_year - 1,
            "created_by": lead,
            "status": InvestCase.Status.AWAITING,
        },
    )
    if not created:
        return
    council = Organisation.objects.get(name="Eskdale County Council")
    police = Organisation.objects.get(name="Eskdale Police")
    nhs = Organisation.objects.get(name="North Eskdale NHS Trust")
    flows = [
        (CaseFlow.Kind.INVESTMENT, council, this_year - 1, "420000"),
        (CaseFlow.Kind.INVESTMENT, police, this_year - 1, "180000"),
        (CaseFlow.Kind.BENEFIT, nhs, this_year, "150000"),
        (CaseFlow.Kind.BENEFIT, police, this_year, "90000"),
        (CaseFlow.Kind.BENEFIT, nhs, this_year + 1, "210000"),
        (CaseFlow.Kind.BENEFIT, police, this_year + 1, "110000"),
        (CaseFlow.Kind.BENEFIT, nhs, this_year + 2, "240000"),
        (CaseFlow.Kind.BENEFIT, council, this_year + 2, "60000"),
    ]
    for kind, org, year, amount in flows:
        CaseFlow.objects.create(
            case=case, kind=kind, organisation=org, year=year, amount=Decimal(amount)
        )
    for org, percent in ((council, "40"), (police, "30"), (nhs, "30")):
        CaseShare.objects.create(case=case, organisation=org, percent=Decimal(percent))
    _seed_realised(case, this_year)


def _seed_realised(case: InvestCase, this_year: int) -> None:
    """A verified saving of the NHS trust's discharge team that realises part of the case."""
    team = Team.objects.get(name="Discharge Team", site__name="Carrow General Hospital")
    manager = User.objects.filter(memberships__role="manager").order_by("pk").first()
    lead = User.objects.get(username="pat")
    saving, _ = Saving.objects.get_or_create(
        team=team,
        title="Fewer repeat A&E attendances by families the hub supports",
        defaults={
            "kind": Saving.Kind.CASHABLE,
            "amount": Decimal("64250.00"),
            "recurrence": Saving.Recurrence.RECURRING,
            "start_date": date(this_year, 5, 1),
            "stage": Saving.Stage.REALISED,
            "invested_by": Organisation.objects.get(name="Eskdale County Council"),
            "benefits": team.site.organisation,
            "evidence": "Repeat attendances by supported families fell from 41 to 12 a quarter; "
            "29 x 4 quarters x £554 average cost of an attendance and admission.",
            "status": Saving.Status.VERIFIED,
            "claimed_by": lead,
            "decided_by": manager,
        },
    )
    CaseSaving.objects.get_or_create(case=case, saving=saving)
