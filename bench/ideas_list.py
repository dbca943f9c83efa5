"""Benchmark: the filtered idea list (first page) and the similar-idea lookup with 100,000 ideas.

Run against a PostgreSQL database of its own (it creates data there):

    createdb -h 127.0.0.1 -U postgres leanhub_ideas_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_ideas_bench DEBUG=1 \
        ALLOWED_HOSTS=testserver .venv/bin/python bench/ideas_list.py [--ideas 100000] [--runs 30]

Requests go through Django's test client (URL routing, middleware, policy, templates), signed
in as a team lead of one organisation. Prints p50/p95/max in milliseconds and the query count.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from ideas.models import Idea, IdeaSupport  # noqa: E402
from leanhub.models import Membership, Organisation, Place, Role, Site, Team, User  # noqa: E402

WORDS = [
    "claim",
    "form",
    "address",
    "appointment",
    "printer",
    "queue",
    "letter",
    "discharge",
    "ward",
    "report",
    "crime",
    "record",
    "tally",
    "sheet",
    "duplicate",
    "check",
    "phone",
    "text",
    "reminder",
    "booking",
    "desk",
    "signature",
    "scan",
    "post",
    "envelope",
    "benefit",
    "council",
    "tax",
    "referral",
    "assessment",
    "visit",
    "van",
    "parking",
    "badge",
    "rota",
]


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """About 4,000 words with Zipf-like frequencies, as in real writing: a few words are very
    common, most are rare. The workplace words above are spread over the common ranks."""
    syllables = ["ka", "lo", "min", "ter", "sa", "ven", "dor", "pli", "ru", "the", "nog", "ast"]
    made = sorted({"".join(rng.sample(syllables, rng.randint(2, 3))) for _ in range(6000)})
    rng.shuffle(made)
    words = made[:4000]
    for rank, word in zip(range(5, 400, 11), WORDS, strict=False):
        words.insert(rank, word)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return words, weights


def build(n: int) -> tuple[User, User]:
    place, _ = Place.objects.get_or_create(
        slug="benchshire",
        defaults={"name": "Benchshire", "population": 500_000, "annual_public_spend": 7e9},
    )
    teams = []
    for o in range(4):
        org, _ = Organisation.objects.get_or_create(name=f"Bench org {o}", slug=f"bench-org-{o}")
        for s in range(3):
            site, _ = Site.objects.get_or_create(
                organisation=org, name=f"Site {s}", defaults={"place": place}
            )
            for t in range(4):
                team, _ = Team.objects.get_or_create(site=site, name=f"Team {t}")
                teams.append(team)
    lead, _ = User.objects.get_or_create(username="bench-lead")
    Membership.objects.get_or_create(user=lead, role=Role.LEAD, team=teams[0])
    staff, _ = User.objects.get_or_create(username="bench-staff")
    Membership.objects.get_or_create(user=staff, role=Role.STAFF, team=teams[0])

    have = Idea.objects.count()
    if have < n:
        rng = random.Random(42)
        now = timezone.now()
        words, weights = vocabulary(rng)
        statuses = Idea.Status.values
        kinds = Idea.Kind.values
        wastes = Idea.Waste.values
        batch = []
        start = time.perf_counter()
        for i in range(have, n):
            batch.append(
                Idea(
                    team=teams[i % len(teams)],
                    author=staff,
                    title=" ".join(rng.choices(words, weights, k=5)).capitalize(),
                    problem=" ".join(rng.choices(words, weights, k=15)),
                    kind=rng.choice(kinds),
                    status=rng.choice(statuses),
                    wastes=",".join(rng.sample(wastes, 2)),
                    minutes_per_occurrence=rng.randint(1, 60),
                    occurrences_per_year=rng.randint(10, 10_000),
                    created_at=now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 700)),
                    hide_name=rng.random() < 0.1,
                )
            )
            if len(batch) == 5000:
                with transaction.atomic():
                    Idea.objects.bulk_create(batch)
                batch = []
        if batch:
            Idea.objects.bulk_create(batch)
        ideas = list(Idea.objects.filter(team=teams[0]).values_list("pk", flat=True)[:2000])
        IdeaSupport.objects.bulk_create(
            [IdeaSupport(idea_id=pk, user=lead) for pk in ideas], ignore_conflicts=True
        )
        Idea.objects.filter(pk__in=ideas).update(support_count=1)
        print(f"created {n - have} ideas in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        # Fresh statistics, including those of the expression (full-text) index.
        cursor.execute("ANALYZE")
    return lead, staff


def measure(client: Client, url: str, runs: int) -> tuple[list[float], int]:
    client.get(url)  # warm caches and templates
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, headers={"HX-Request": "true"} if "similar" in url else {})
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return times, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (set DATABASE_URL); it measures production search.")
    call_command("migrate", verbosity=0)
    lead, _ = build(args.ideas)
    client = Client()
    client.force_login(lead)
    base = reverse("ideas:list")
    cases = {
        "list, first page (no filter)": base,
        "list, status=accepted sorted by support": f"{base}?status=accepted&sort=-support",
        "list, waste=waiting&kind=stop_doing": f"{base}?waste=waiting&kind=stop_doing",
        "list, free text 'printer queue'": f"{base}?q=printer+queue",
        "list, overdue only": f"{base}?overdue=on",
        "similar ideas 'claim form addres'": reverse("ideas:similar") + "?title=claim+form+addres",
        "similar ideas 'discharge letter ward'": reverse("ideas:similar")
        + "?title=discharge+letter+ward",
    }
    print(f"{Idea.objects.count():,} ideas; {args.runs} runs each; times in ms")
    print(f"{'case':45} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>8}")
    for name, url in cases.items():
        times, queries = measure(client, url, args.runs)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"{name:45} {statistics.median(times):7.1f} {p95:7.1f} {times[-1]:7.1f} {queries:8d}")


if __name__ == "__main__":
    main()
