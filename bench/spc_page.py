"""Benchmark: a measure's SPC page with 5,000 points, through the Django test client.

Prints the SQL query count, p50/p95 response times, the HTML size and the number of SVG
elements the chart draws, for the page under both rule presets (NHS England's SQL v2.6 and
NHSRplotthedots) and the CSV download; then the measures list with many observations. The CPU
time of this process is printed too: on a shared machine, wall-clock time also measures
everyone else's load.

    DEBUG=1 .venv/bin/python bench/spc_page.py [--points 5000] [--runs 30]

Uses its own SQLite file (or DATABASE_URL if set), migrated and filled on each run.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SVG_ELEMENT = re.compile(r"<(?:circle|line|path|text)\b")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
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

    from leanhub.models import Membership, Organisation, Place, Role, Site, Team, User
    from metrics.models import Annotation, Measure, Observation

    place, _ = Place.objects.get_or_create(
        slug="bench", defaults={"name": "Bench", "population": 1, "annual_public_spend": 1}
    )
    org, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Bench org"})
    site, _ = Site.objects.get_or_create(name="Bench site", organisation=org, place=place)
    team, _ = Team.objects.get_or_create(name="Bench team", site=site)
    user, _ = User.objects.get_or_create(username="bench-lead")
    Membership.objects.get_or_create(user=user, role=Role.LEAD, team=team)
    start = date(2010, 1, 1)
    measures: dict[str, Any] = {}
    for rules in (Measure.Rules.NHSE, Measure.Rules.PLOTTHEDOTS):
        m = Measure.objects.create(
            name=f"Bench {rules}",
            unit="minutes",
            improvement=Measure.Improvement.DECREASE,
            target=Decimal("40"),
            team=team,
            rules=rules,
        )
        # A wave with noise-like steps and a few jumps: special cause all along the series.
        Observation.objects.bulk_create(
            [
                Observation(
                    measure=m,
                    date=start + timedelta(days=i),
                    value=Decimal(
                        f"{50 + 8 * math.sin(i / 40) + (i * 7919 % 13) / 2 + (30 if i % 997 == 0 else 0):.4f}"
                    ),
                )
                for i in range(args.points)
            ],
            batch_size=2000,
        )
        Annotation.objects.create(
            measure=m, date=start + timedelta(days=args.points // 2), label="Change", rebase=True
        )
        measures[str(rules)] = m
    client = Client()
    client.force_login(user)
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("page, NHSE SQL", reverse("metrics:measure", args=[measures["nhse"].pk]), {}),
        ("page, R package", reverse("metrics:measure", args=[measures["plotthedots"].pk]), {}),
        (
            "htmx chart",
            reverse("metrics:measure", args=[measures["nhse"].pk]),
            {"HTTP_HX_REQUEST": "true"},
        ),
        (
            "csv download",
            reverse("metrics:measure", args=[measures["nhse"].pk]) + "?format=csv",
            {},
        ),
        ("measures list", reverse("metrics:measures"), {}),
    ]
    print(
        f"{args.points:,} points per measure, {args.runs} runs each (after 3 warm-up runs), "
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )
    for label, url, extra in cases:
        for _ in range(3):
            client.get(url, **extra)
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url, **extra)
        assert response.status_code == 200, (label, response.status_code)
        body = response.content.decode()
        svg = body[body.find("<svg") : body.find("</svg>")] if "<svg" in body else ""
        times, cpu = [], []
        for _ in range(args.runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            client.get(url, **extra)
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(
            f"  {label:<16} {len(executed):>2} queries  "
            f"p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
            f"(CPU p50 {statistics.median(cpu):6.1f} ms)  "
            f"size {len(response.content) / 1024:6.1f} kB  "
            f"svg elements {len(SVG_ELEMENT.findall(svg)):>4}"
        )
    if tmp:
        Path(tmp.name).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
