"""Benchmark: a 60-step value-stream map page with its drawing, through the Django test client.

Prints the SQL query count and p50/p95 response times over repeated runs for the full page,
the htmx workspace partial, and the SVG and PNG downloads. The CPU time of this process is
printed too: on a shared machine, wall-clock time also measures everyone else's load.

    DEBUG=1 .venv/bin/python bench/vsm_page.py [--steps 60] [--runs 50]

Uses its own SQLite file (or DATABASE_URL if set), migrated and filled on each run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    tmp = None
    if "DATABASE_URL" not in os.environ:
        with tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False) as tmp:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)

    from decimal import Decimal

    from ideas.maps.models import ValueStreamMap, ValueStreamStep
    from leanhub.models import Membership, Organisation, Place, Role, Site, Team, User

    place, _ = Place.objects.get_or_create(
        slug="bench", defaults={"name": "Bench", "population": 1, "annual_public_spend": 1}
    )
    org, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Bench org"})
    site, _ = Site.objects.get_or_create(name="Bench site", organisation=org, place=place)
    team, _ = Team.objects.get_or_create(name="Bench team", site=site)
    user, _ = User.objects.get_or_create(username="bench-staff")
    Membership.objects.get_or_create(user=user, role=Role.STAFF, team=team)
    m = ValueStreamMap.objects.create(
        team=team,
        created_by=user,
        name=f"{args.steps}-step bench map",
        process="Bench",
        customer="Customer",
        supplier="Supplier",
        demand=Decimal("460"),
        demand_period="week",
        days_per_period=Decimal("5"),
        variants=[{"name": "A", "demand": 300}, {"name": "B", "demand": 160}],
        end_wait_quantity=40,
    )
    ValueStreamStep.objects.bulk_create(
        [
            ValueStreamStep(
                map=m,
                position=i,
                name=f"Step {i + 1}",
                performed_by=f"Role {i % 4}",
                cycle_s=300 + i,
                operators=2,
                pct_ca=95,
                uptime_pct=98,
                changeover_s=120,
                batch_size=10,
                lead_s=900,
                wait_s=3600 if i % 2 else None,
                wait_variants={} if i % 2 else {"A": 10, "B": 5},
            )
            for i in range(args.steps)
        ]
    )
    client = Client()
    client.force_login(user)
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("page", reverse("maps:detail", args=[m.pk]), {}),
        ("htmx workspace", reverse("maps:detail", args=[m.pk]), {"HTTP_HX_REQUEST": "true"}),
        ("svg download", reverse("maps:svg", args=[m.pk]), {}),
        ("png download", reverse("maps:png", args=[m.pk]), {}),
    ]
    print(
        f"{args.steps}-step map, {args.runs} runs each (after 3 warm-up runs), SQLite: "
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )
    for label, url, extra in cases:
        for _ in range(3):
            client.get(url, **extra)
        # Count with an execute wrapper: the request cycle resets Django's own query log.
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url, **extra)
        assert response.status_code == 200, (label, response.status_code)
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url, **extra)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(
            f"  {label:<15} {len(executed):>2} queries  "
            f"p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
            f"(CPU p50 {statistics.median(cpu):6.1f} ms)  "
            f"size {len(response.content) / 1024:6.1f} kB"
        )
    if tmp:
        Path(tmp.name).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
