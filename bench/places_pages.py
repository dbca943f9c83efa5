"""Total Place pages at scale on PostgreSQL: 12 places x 20 agencies x 15 themes x 5 financial
years of spend lines (18,000 lines), 20,000 savings and 24,000 ideas across the places' teams.
Prints p50/p95 of a place's spend map, its savings target, an invest-to-save case and the
places-side-by-side comparison (target: p95 under 300 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_places_bench \
        DEBUG=1 .venv/bin/python bench/places_pages.py [--runs 30]

The database is created and filled on the first run, then reused.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leanhub_places_bench")

PLACES, AGENCIES, THEMES, YEARS = 12, 20, 15, 5
TEAMS_PER_PLACE = 10
SAVINGS = 20_000
IDEAS = 24_000
FIRST_YEAR = 2021


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def fill() -> None:
    from django.core.management import call_command

    from leanhub.models import Place

    call_command("migrate", verbosity=0)
    if Place.objects.count() >= PLACES:
        return
    with transaction.atomic():
        _fill()


def _fill() -> None:
    from django.contrib.auth.hashers import make_password

    from ideas.models import Idea
    from leanhub.models import Membership, Organisation, Place, Role, Site, Team, User
    from metrics.models import Saving
    from places.models import (
        CaseFlow,
        CaseShare,
        InvestCase,
        ReferenceGroup,
        SavingsTarget,
        ServiceTheme,
        SpendLine,
    )

    rng = random.Random(7)
    password = make_password("bench")
    User.objects.create(username="admin", password=password, is_staff=True, is_superuser=True)
    group = ReferenceGroup.objects.create(name="Pilot places")
    reference = User.objects.create(username="reference", password=password)
    group.members.add(reference)
    agencies = Organisation.objects.bulk_create(
        Organisation(name=f"Agency {a}", slug=f"agency-{a}") for a in range(AGENCIES)
    )
    staff = User.objects.create(username="staff", password=password)
    for p in range(PLACES):
        place = Place.objects.create(
            name=f"Place {p}",
            slug=f"place-{p}",
            population=300_000 + p * 25_000,
            annual_public_spend=Decimal(5_000_000_000),
        )
        group.places.add(place)
        partner = User.objects.create(username=f"partner{p}", password=password)
        Membership.objects.create(user=partner, role=Role.PARTNERSHIP, place=place)
        themes = ServiceTheme.objects.bulk_create(
            ServiceTheme(place=place, name=f"Theme {t}", position=t) for t in range(THEMES)
        )
        SpendLine.objects.bulk_create(
            SpendLine(
                place=place,
                organisation=agency,
                theme=theme,
                year=FIRST_YEAR + y,
                amount=Decimal(rng.randint(10_000, 50_000_000)) + Decimal("0.37"),
            )
            for agency in agencies
            for theme in themes
            for y in range(YEARS)
        )
        SavingsTarget.objects.create(place=place, year=FIRST_YEAR + YEARS - 1)
        sites = Site.objects.bulk_create(
            Site(name=f"P{p} site {a}", organisation=agencies[a], place=place)
            for a in range(TEAMS_PER_PLACE)
        )
        teams = Team.objects.bulk_create(Team(site=site, name="Team") for site in sites)
        Membership.objects.bulk_create(
            Membership(user=staff if p == 0 else partner, role=Role.STAFF, team=team)
            for team in teams
        )
        case = InvestCase.objects.create(
            place=place, title="Early help", first_year=FIRST_YEAR + 2, created_by=partner
        )
        CaseFlow.objects.bulk_create(
            [
                CaseFlow(case=case, kind="investment", organisation=agencies[0],
                         year=FIRST_YEAR + 2, amount=Decimal("500000")),
                *(
                    CaseFlow(case=case, kind="benefit", organisation=agencies[1 + y],
                             year=FIRST_YEAR + 3 + y, amount=Decimal("200000"))
                    for y in range(2)
                ),
            ]
        )  # fmt: skip
        CaseShare.objects.create(case=case, organisation=agencies[0], percent=Decimal(100))
    teams = list(Team.objects.select_related("site"))
    Saving.objects.bulk_create(
        Saving(
            team=(team := rng.choice(teams)),
            claimed_by=staff,
            title=f"Saving {i}",
            kind=rng.choice(["cashable", "non_cashable", "time", "cost_avoidance"]),
            amount=Decimal(rng.randint(100, 90_000)),
            start_date=date(FIRST_YEAR, 4, 1) + timedelta(days=rng.randint(0, 365 * YEARS - 1)),
            stage="realised",
            invested_by_id=team.site.organisation_id,
            benefits_id=team.site.organisation_id,
            evidence="bench",
            status=rng.choice(["claimed", "verified", "verified"]),
        )
        for i in range(SAVINGS)
    )
    start = datetime(FIRST_YEAR, 4, 1, tzinfo=UTC)
    ideas = []
    for i in range(IDEAS):
        created = start + timedelta(days=rng.randint(0, 365 * YEARS - 1))
        implemented = rng.random() < 0.3
        ideas.append(
            Idea(
                team=rng.choice(teams),
                author=staff,
                title=f"Idea {i}",
                problem="bench",
                kind="stop_doing" if rng.random() < 0.2 else "improvement",
                status="implemented" if implemented else "new",
                minutes_per_occurrence=Decimal(rng.randint(1, 60)),
                occurrences_per_year=rng.randint(10, 2000),
                created_at=created,
                first_response_at=created + timedelta(days=rng.randint(0, 30)),
                implemented_at=created + timedelta(days=40) if implemented else None,
            )
        )
    Idea.objects.bulk_create(ideas, batch_size=5000)


def bench(runs: int) -> None:
    from django.test import Client

    from leanhub.models import Place, User
    from places.models import InvestCase

    place = Place.objects.get(slug="place-0")
    case = InvestCase.objects.get(place=place)
    partner = User.objects.get(username="partner0")
    last = FIRST_YEAR + YEARS - 1
    pages = [
        ("spend map", partner, f"/places/{place.slug}/spend/"),
        ("spend map, earlier year", partner, f"/places/{place.slug}/spend/?year={FIRST_YEAR}"),
        ("spend lines drill", partner, f"/places/{place.slug}/spend/lines/?year={last}"),
        ("savings target", partner, f"/places/{place.slug}/target/?year={last}"),
        ("invest-to-save case", partner, f"/places/{place.slug}/cases/{case.pk}/"),
        ("compare (admin)", User.objects.get(username="admin"), f"/places/?year={last}"),
        ("compare (reference group)", User.objects.get(username="reference"),
         f"/places/?year={last}"),
    ]  # fmt: skip
    print(f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  (runs={runs})")
    for label, user, url in pages:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        assert client.get(url).status_code == 200, url  # warm up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"{label:<28} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    fill()
    from ideas.models import Idea
    from leanhub.models import Place
    from metrics.models import Saving
    from places.models import SpendLine

    print(
        f"Data: {Place.objects.count()} places, {SpendLine.objects.count():,} spend lines, "
        f"{Saving.objects.count():,} savings, {Idea.objects.count():,} ideas."
    )
    bench(args.runs)


if __name__ == "__main__":
    main()
