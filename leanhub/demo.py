"""The demo place: Eskdale, a county-sized area served by four partner agencies.

Figures are in the spirit of the Total Place counts (Cumbria: £7.1 bn for ~500,000 people).
Used by ``manage.py seed_demo``; every step is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from leanhub.models import Membership, Organisation, Place, PlaceSpendLine, Role, Site, Team, User

DEMO_PASSWORD = "leanhub-demo"  # noqa: S105 — documented in the README, demo data only

PLACE = {
    "name": "Eskdale",
    "slug": "eskdale",
    "population": 498_800,
    "annual_public_spend": Decimal("7100000000"),
    "spend_year": "2025-26",
}

# organisation -> (kind, spend in the place, {site: [teams]})
ORGANISATIONS = {
    "Eskdale Jobcentre Plus district": (
        Organisation.Kind.JOBCENTRE,
        Decimal("1450000000"),
        {
            "Carrow Jobcentre": ["New Claims", "Work Coaches", "Employer Services"],
            "Penmoor Jobcentre": ["New Claims", "Work Coaches"],
        },
    ),
    "Eskdale Police": (
        Organisation.Kind.POLICE,
        Decimal("310000000"),
        {
            "Carrow Police Station": ["Response Team", "Crime Recording Unit"],
            "Penmoor Police Station": ["Neighbourhood Team"],
        },
    ),
    "North Eskdale NHS Trust": (
        Organisation.Kind.NHS,
        Decimal("1980000000"),
        {
            "Carrow General Hospital": ["Discharge Team", "Outpatients Booking"],
            "Penmoor Community Hospital": ["Community Nursing"],
        },
    ),
    "Eskdale County Council": (
        Organisation.Kind.COUNCIL,
        Decimal("1120000000"),
        {
            "County Hall": ["Adult Social Care Assessments", "Revenues and Benefits"],
            "Penmoor Customer Service Centre": ["Customer Contact"],
        },
    ),
}


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: str
    scope: str  # "team:<org>/<site>/<team>", "site:<org>/<site>", "org:<org>", "place", "admin"
    note: str


JCP = "Eskdale Jobcentre Plus district"
POL = "Eskdale Police"
NHS = "North Eskdale NHS Trust"
CC = "Eskdale County Council"

PEOPLE = [
    DemoPerson(
        "sam",
        "Sam Okafor",
        Role.STAFF,
        f"team:{JCP}/Carrow Jobcentre/New Claims",
        "frontline staff, Jobcentre",
    ),
    DemoPerson(
        "jo",
        "Jo Whitfield",
        Role.STAFF,
        f"team:{JCP}/Carrow Jobcentre/New Claims",
        "frontline staff, Jobcentre",
    ),
    DemoPerson(
        "lee",
        "Lee Harrison",
        Role.LEAD,
        f"team:{JCP}/Carrow Jobcentre/New Claims",
        "team lead, Jobcentre New Claims",
    ),
    DemoPerson(
        "maya",
        "Maya Patel",
        Role.MANAGER,
        f"site:{JCP}/Carrow Jobcentre",
        "site manager, Carrow Jobcentre",
    ),
    DemoPerson("dev", "Dev Sharma", Role.MANAGER, f"org:{JCP}", "district manager, Jobcentre Plus"),
    DemoPerson(
        "priya",
        "Priya Nair",
        Role.STAFF,
        f"team:{POL}/Carrow Police Station/Crime Recording Unit",
        "frontline staff, police",
    ),
    DemoPerson(
        "olu",
        "Olu Adeyemi",
        Role.LEAD,
        f"team:{POL}/Carrow Police Station/Crime Recording Unit",
        "team lead, police",
    ),
    DemoPerson("grace", "Grace Kim", Role.MANAGER, f"org:{POL}", "manager, police force"),
    DemoPerson(
        "tom",
        "Tom Reilly",
        Role.STAFF,
        f"team:{NHS}/Carrow General Hospital/Discharge Team",
        "frontline staff, NHS",
    ),
    DemoPerson(
        "nia",
        "Nia Roberts",
        Role.LEAD,
        f"team:{NHS}/Carrow General Hospital/Discharge Team",
        "team lead, NHS",
    ),
    DemoPerson(
        "ali",
        "Ali Hassan",
        Role.STAFF,
        f"team:{CC}/County Hall/Revenues and Benefits",
        "frontline staff, council",
    ),
    DemoPerson(
        "beth",
        "Beth Morgan",
        Role.LEAD,
        f"team:{CC}/County Hall/Revenues and Benefits",
        "team lead, council",
    ),
    DemoPerson("pat", "Pat Quinn", Role.PARTNERSHIP, "place", "place partnership lead, Eskdale"),
    DemoPerson("ada", "Ada Lovelace", Role.ADMIN, "admin", "administrator"),
]


@transaction.atomic
def seed() -> dict[str, int]:
    """Create or refresh the demo place. Returns how many rows of each kind now exist for it."""
    place, _ = Place.objects.update_or_create(slug=PLACE["slug"], defaults=PLACE)
    teams: dict[str, Team] = {}
    sites: dict[str, Site] = {}
    orgs: dict[str, Organisation] = {}
    for org_name, (kind, spend, site_map) in ORGANISATIONS.items():
        org, _ = Organisation.objects.update_or_create(
            name=org_name, defaults={"kind": kind, "slug": _slug(org_name)}
        )
        orgs[org_name] = org
        PlaceSpendLine.objects.update_or_create(
            place=place, organisation=org, defaults={"amount": spend}
        )
        for site_name, team_names in site_map.items():
            site, _ = Site.objects.update_or_create(
                organisation=org, name=site_name, defaults={"place": place}
            )
            sites[f"{org_name}/{site_name}"] = site
            for team_name in team_names:
                team, _ = Team.objects.get_or_create(site=site, name=team_name)
                teams[f"{org_name}/{site_name}/{team_name}"] = team

    for person in PEOPLE:
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={"full_name": person.full_name, "email": f"{person.username}@eskdale.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.full_name = person.full_name
        user.is_staff = user.is_superuser = person.role == Role.ADMIN
        user.save()
        scope_kind, _, key = person.scope.partition(":")
        # The lookup naming the membership's one scope (keyword arguments for get_or_create).
        scopes: dict[str, dict[str, Any]] = {
            "team": {"team": teams.get(key)},
            "site": {"site": sites.get(key)},
            "org": {"organisation": orgs.get(key)},
            "place": {"place": place},
            "admin": {"place": place},
        }
        Membership.objects.get_or_create(user=user, role=person.role, **scopes[scope_kind])

    return {
        "organisations": len(orgs),
        "sites": len(sites),
        "teams": len(teams),
        "people": len(PEOPLE),
    }


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name)[:80]
