"""The API's bulk observation feed on PostgreSQL: batches of observations for 20 measures, sent
through the whole stack (token authentication, validation, policy, the all-or-nothing append)
by Django's test client. Prints observations appended per second for each batch size, and the
time a resend of a batch (same key: nothing changes) takes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_api_bench \
        DEBUG=1 .venv/bin/python bench/api_observations.py [--batches 5]

The database is created and migrated on the first run; each run adds its own team and measures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leanhub_api_bench")
os.environ.setdefault("API_RATE_LIMIT", "")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

MEASURES = 20


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from api.actions import create_personal_token
    from leanhub.models import Membership, Organisation, Place, Role, Site, Team, User
    from metrics.models import Measure

    run = uuid.uuid4().hex[:8]
    place = Place.objects.create(
        name=f"Bench {run}", slug=f"bench-{run}", population=1, annual_public_spend=1
    )
    org = Organisation.objects.create(name=f"Bench {run}", slug=f"bench-{run}")
    site = Site.objects.create(name="Site", organisation=org, place=place)
    team = Team.objects.create(name="Team", site=site)
    lead = User.objects.create(username=f"bench-{run}", full_name="Bench lead")
    Membership.objects.create(user=lead, role=Role.LEAD, team=team)
    measures = [
        Measure.objects.create(
            name=f"Calls {n}", unit="calls", improvement="increase", team=team, created_by=lead
        )
        for n in range(MEASURES)
    ]
    token = create_personal_token(name="bench", scope="write", days=7, by=lead).text
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    start_day = date(2000, 1, 1)
    offset = 0
    print(f"{'rows/batch':>10} {'batches':>8} {'p50 ms':>8} {'obs/s':>10} {'resend ms':>10}")
    for size in (1_000, 5_000, 10_000):
        per_measure = size // MEASURES
        times: list[float] = []
        resends: list[float] = []
        for _ in range(args.batches):
            rows = [
                {
                    "measure": m.pk,
                    "date": (start_day + timedelta(days=offset + d)).isoformat(),
                    "value": f"{(d * 7) % 100}.5",
                }
                for m in measures
                for d in range(per_measure)
            ]
            offset += per_measure
            body = json.dumps({"key": uuid.uuid4().hex, "observations": rows})
            began = time.perf_counter()
            response = client.post(
                "/api/v1/observations/bulk/", body, content_type="application/json"
            )
            times.append(time.perf_counter() - began)
            assert response.status_code == 201, response.content[:500]
            began = time.perf_counter()
            again = client.post("/api/v1/observations/bulk/", body, content_type="application/json")
            resends.append(time.perf_counter() - began)
            assert again.status_code == 200
        p50 = statistics.median(times)
        print(
            f"{size:>10} {args.batches:>8} {p50 * 1000:>8.0f} {size / p50:>10.0f} "
            f"{statistics.median(resends) * 1000:>10.0f}"
        )


if __name__ == "__main__":
    main()
