"""Dashboard speed on PostgreSQL at scale: 1,000,000 observations, 100,000 ideas and 20,000
savings (a quarter of them one-off) across 500 teams, and a customer survey per site and a staff
pulse per team with a year of scores (about 300,000 responses). Prints p50/p95 per dashboard
(target: under 300 ms) and for the savings tile an open dashboard refetches when a saving changes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_metrics_bench \
        DEBUG=1 .venv/bin/python bench/metrics_dashboards.py [--runs 20]

The database is created and filled on the first run (COPY for the large tables), then reused.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
os.environ.setdefault("DEBUG", "1")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/leanhub_metrics_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)

TEAMS, SITES, ORGS = 500, 50, 5
PEOPLE_PER_TEAM = 10
IDEAS = 100_000
OBSERVATIONS = 1_000_000
MEASURES_PER_TEAM = 2
SAVINGS = 20_000
SURVEY_DAYS = 365
CUSTOMER_ANSWERS_A_DAY = 8
PULSE_ANSWERS_A_WEEK = 6


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def copy(table: str, columns: list[str], rows) -> None:
    """COPY ``rows`` into ``table``. Columns the model gained since these rows were written,
    required and with a default in the model (not in the database), get that default."""
    from django.apps import apps
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.column not in columns and not f.null and not f.primary_key
        and (f.default is not NOT_PROVIDED or f.blank)
    ]  # fmt: skip
    defaults = tuple(
        f.get_db_prep_save(f.get_default(), connection) if f.has_default() else "" for f in extra
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        names = ", ".join([*columns, *(f.column for f in extra)])
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as out:
            for row in rows:
                out.write_row((*row, *defaults))


def fill() -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from ideas.models import Idea
    from leanhub.models import (
        Membership,
        Organisation,
        Place,
        PlaceSpendLine,
        Role,
        Site,
        Team,
        User,
    )
    from metrics.models import Measure, Outcome, Saving

    call_command("migrate", verbosity=0)
    if Team.objects.count() >= TEAMS:
        from metrics.actions import refresh_outcomes

        stale = Outcome.objects.filter(before_mean__isnull=True)
        if stale.exists():
            refresh_outcomes(stale)
        fill_one_off_savings()
        fill_surveys()
        return
    print("Filling the benchmark database (once)…", flush=True)
    rng = random.Random(1)
    place = Place.objects.create(
        name="Benchshire", slug="benchshire", population=1_000_000, annual_public_spend=10**10
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Org {i}", slug=f"org-{i}") for i in range(ORGS)
    )
    PlaceSpendLine.objects.bulk_create(
        PlaceSpendLine(place=place, organisation=o, amount=2 * 10**9) for o in orgs
    )
    sites = Site.objects.bulk_create(
        Site(name=f"Site {i}", organisation=orgs[i % ORGS], place=place) for i in range(SITES)
    )
    teams = Team.objects.bulk_create(
        Team(name=f"Team {i}", site=sites[i % SITES]) for i in range(TEAMS)
    )
    password = make_password("bench")
    users = User.objects.bulk_create(
        User(username=f"u{i}", password=password) for i in range(TEAMS * PEOPLE_PER_TEAM)
    )
    Membership.objects.bulk_create(
        Membership(
            user=u, team=teams[i // PEOPLE_PER_TEAM], role=Role.LEAD if i % 10 == 0 else Role.STAFF
        )
        for i, u in enumerate(users)
    )
    bosses: dict[str, dict[str, Any]] = {
        "orgmanager": {"organisation": orgs[0]},
        "sitemanager": {"site": sites[0]},
        "partner": {"place": place},
    }
    for name, scope in bosses.items():
        user = User.objects.create(username=name, password=password)
        role = Role.PARTNERSHIP if name == "partner" else Role.MANAGER
        Membership.objects.create(user=user, role=role, **scope)
    User.objects.create(username="admin", password=password, is_superuser=True, is_staff=True)

    now = datetime.now(UTC)
    team_ids = [t.pk for t in teams]
    kinds, statuses = ["improvement", "stop_doing", "customer"], [s for s, _ in Idea.Status.choices]

    def ideas():
        for i in range(IDEAS):
            team = team_ids[i % TEAMS]
            author = users[(i % TEAMS) * PEOPLE_PER_TEAM + rng.randrange(PEOPLE_PER_TEAM)].pk
            created = now - timedelta(days=rng.randrange(720), minutes=rng.randrange(1440))
            status = rng.choice(statuses)
            responded = (
                created + timedelta(hours=rng.randrange(1, 400)) if rng.random() < 0.8 else None
            )
            done = (
                created + timedelta(days=rng.randrange(5, 120)) if status == "implemented" else None
            )
            yield (team, author, f"Idea {i}", "p", "", rng.choice(kinds), status, False, False,
                   rng.randrange(1, 30), rng.randrange(10, 5000), created, created, responded, done,
                   "", "", "", "", "", 0, False, "", "")  # fmt: skip

    copy(
        "ideas_idea",
        ["team_id", "author_id", "title", "problem", "proposal", "kind", "status", "hide_name",
         "shared_with_partners", "minutes_per_occurrence", "occurrences_per_year", "created_at",
         "updated_at", "first_response_at", "implemented_at",
         # Required text columns added since (blank, as Django's defaults would leave them).
         "burden_name", "burden_owner", "customer_benefit", "quality_benefit", "wastes",
         "support_count", "public", "public_title", "public_summary"],
        ideas(),
    )  # fmt: skip
    measures = Measure.objects.bulk_create(
        Measure(name=f"Measure {k}", unit="minutes", improvement="decrease", team=t)
        for t in teams
        for k in range(MEASURES_PER_TEAM)
    )
    per_measure = OBSERVATIONS // len(measures)
    start = date.today() - timedelta(days=per_measure)
    copy(
        "metrics_observation",
        ["measure_id", "date", "value", "note", "ghost"],
        (
            (m.pk, start + timedelta(days=d), round(50 + rng.gauss(0, 3), 2), "", False)
            for m in measures
            for d in range(per_measure)
        ),
    )
    org_of_team = {t.pk: orgs[(i % SITES) % ORGS].pk for i, t in enumerate(teams)}
    copy(
        "metrics_saving",
        ["team_id", "title", "kind", "amount", "recurrence", "start_date", "stage",
         "invested_by_id", "benefits_id", "evidence", "evidence_file", "evidence_content_type",
         "status", "claimed_by_id", "claimed_at", "rejection_reason", "version", "submission"],
        (
            (t := team_ids[i % TEAMS], f"Saving {i}", rng.choice([k for k, _ in Saving.Kind.choices]),
             rng.randrange(100, 100_000), "recurring", date.today() - timedelta(days=rng.randrange(700)),
             rng.choice(["projected", "realised"]), org_of_team[t], rng.choice(orgs).pk, "e", "", "",
             s := rng.choice(["claimed", "verified", "rejected"]),
             users[(i % TEAMS) * PEOPLE_PER_TEAM].pk, now, "r" if s == "rejected" else "", 1, "")
            for i in range(SAVINGS)
        ),
    )  # fmt: skip
    implemented = list(
        Idea.objects.filter(status="implemented").values_list("pk", "team_id")[:5000]
    )
    first_measure = {m.team_id: m.pk for m in measures}
    today = date.today()
    Outcome.objects.bulk_create(
        Outcome(idea_id=pk, team_id=team, measure_id=first_measure[team],
                baseline_start=today - timedelta(days=200), baseline_end=today - timedelta(days=101),
                after_start=today - timedelta(days=100), after_end=today - timedelta(days=rng.randrange(90)))
        for pk, team in implemented
    )  # fmt: skip
    from django.db import connection

    from metrics.actions import refresh_outcomes

    refresh_outcomes(Outcome.objects.all())
    fill_one_off_savings()
    fill_surveys()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def fill_one_off_savings() -> None:
    """A quarter of the savings one-off (a database filled before they were counted apart has
    none). Idempotent."""
    from django.db.models.functions import Mod

    from metrics.models import Saving

    if not Saving.objects.filter(recurrence="one_off").exists():
        Saving.objects.alias(r=Mod("id", 4)).filter(r=0).update(recurrence="one_off")


def fill_surveys() -> None:
    """A customer survey per site (daily scores) and a staff pulse per team (weekly), each with
    its measure, a year of observations and the responses behind them. Added once, also to a
    database filled before surveys were benchmarked."""
    from django.db import connection

    from leanhub.models import Site, Team
    from metrics.models import Measure, Survey, SurveyDay

    if Survey.objects.exists():
        return
    print("Adding surveys to the benchmark database (once)…", flush=True)
    rng = random.Random(2)
    surveys = []
    for site in Site.objects.order_by("pk"):
        measure = Measure.objects.create(
            name=f"{site.name} counter (mean score)", unit="score (1–5)",
            improvement="increase", frequency="daily", site=site,
        )  # fmt: skip
        surveys.append(Survey(kind="customer", title=f"{site.name} counter", site=site,
                              token=f"bench-c-{site.pk}", measure=measure))  # fmt: skip
    for team in Team.objects.select_related("site").order_by("pk"):
        measure = Measure.objects.create(
            name=f"{team.name} pulse (mean score)", unit="score (1–5)",
            improvement="increase", frequency="weekly", team=team,
        )  # fmt: skip
        surveys.append(Survey(kind="staff", title=f"{team.name} pulse", site=team.site,
                              team=team, token=f"bench-s-{team.pk}", measure=measure))  # fmt: skip
    Survey.objects.bulk_create(surveys)
    today = date.today()
    observations, responses = [], []
    for survey in surveys:
        weekly = survey.kind == "staff"
        for d in range(0, SURVEY_DAYS, 7 if weekly else 1):
            day = today - timedelta(days=SURVEY_DAYS - 1 - d)
            if weekly:
                day -= timedelta(days=day.weekday())
            n = PULSE_ANSWERS_A_WEEK if weekly else CUSTOMER_ANSWERS_A_DAY
            scores = [min(5, max(1, round(rng.gauss(3.6, 0.9)))) for _ in range(n)]
            observations.append((survey.measure_id, day, round(sum(scores) / n, 4), "", False))
            at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            for k, score in enumerate(scores):
                voter = f"w{day:%Y%m%d}-{k}" if weekly else ""
                responses.append((survey.pk, score, "", at + timedelta(minutes=37 * k), "", voter))
    copy("metrics_observation", ["measure_id", "date", "value", "note", "ghost"], observations)
    copy(
        "metrics_surveyresponse",
        ["survey_id", "score", "comment", "created_at", "client", "voter"],
        responses,
    )
    # COPY goes around the ORM, which counts each answer in its day: count them all at once.
    SurveyDay.objects.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE metrics_observation")
        cursor.execute("ANALYZE metrics_surveyresponse")
        cursor.execute("ANALYZE metrics_surveyday")
        cursor.execute("ANALYZE metrics_survey")
        cursor.execute("ANALYZE metrics_saving")


def bench(runs: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from leanhub.models import Organisation, Place, Site, Team, User

    team = Team.objects.order_by("pk").first()
    assert team is not None, "run with --populate first"
    lead = User.objects.get(username="u0")
    cases = [
        ("team", lead, "team", team.pk),
        ("site", User.objects.get(username="sitemanager"), "site", Site.objects.order_by("pk")[0].pk),
        ("organisation", User.objects.get(username="orgmanager"), "organisation",
         Organisation.objects.order_by("pk")[0].pk),
        ("place", User.objects.get(username="partner"), "place", Place.objects.get().pk),
        ("all (admin)", User.objects.get(username="admin"), "all", 0),
    ]  # fmt: skip
    for view, title in (("dashboard-scope", "dashboard"), ("savings-tile", "savings tile")):
        print(f"{title:<14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  (runs={runs})")
        for label, user, kind, pk in cases:
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            url = reverse(f"metrics:{view}", args=[kind, pk])
            assert client.get(url).status_code == 200  # warm up
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            times.sort()
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            print(f"{label:<14} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    fill()
    from ideas.models import Idea
    from metrics.models import Observation, Saving, SurveyResponse

    print(
        f"Data: {Observation.objects.count():,} observations, {Idea.objects.count():,} ideas, "
        f"{Saving.objects.count():,} savings, {SurveyResponse.objects.count():,} survey responses."
    )
    bench(args.runs)


if __name__ == "__main__":
    main()
