"""The API's list endpoints on PostgreSQL at the benchmark scale of bench/metrics_dashboards.py
(1,000,000 observations, 100,000 ideas, 20,000 savings across 500 teams, a year of survey
answers), with a kaizen board of 20 cards and two value-stream maps of 8 steps for every team
added. Each list is asked for through the whole stack (token authentication, rate limit off,
policy, cursor pagination, ETag) by Django's test client, as an administrator and as a team
lead, and its p50/p95 and query count are printed (target: p95 under 100 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_api_lists_bench \
        DEBUG=1 .venv/bin/python bench/api_lists.py [--runs 30]

The database is created and filled on the first run (that takes a while), then reused.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leanhub_api_lists_bench")
os.environ.setdefault("API_RATE_LIMIT", "")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

CARDS_PER_BOARD = 20
MAPS_PER_TEAM = 2
STEPS_PER_MAP = 8


def fill_boards_and_maps() -> None:
    """A board with cards, and maps with steps, for every team. Added once."""
    from decimal import Decimal

    from django.db import connection

    from ideas.maps.models import ValueStreamMap, ValueStreamStep
    from kaizen.actions import ensure_team_board
    from kaizen.models import Board, Card, Column
    from leanhub.models import Membership, Role, Team

    if not Board.objects.exists():
        print("Adding boards and cards (once)…", flush=True)
        leads = dict(Membership.objects.filter(role=Role.LEAD).values_list("team_id", "user_id"))
        cards = []
        for team in Team.objects.order_by("pk"):
            board = ensure_team_board(team)
            columns = list(Column.objects.filter(board=board).order_by("position"))
            for n in range(CARDS_PER_BOARD):
                column = columns[n % len(columns)]
                cards.append(
                    Card(
                        board=board,
                        column=column,
                        position=n,
                        title=f"Card {n} of {team.name}",
                        created_by_id=leads[team.pk],
                    )
                )
        Card.objects.bulk_create(cards, batch_size=5000)
    if not ValueStreamMap.objects.exists():
        print("Adding value-stream maps (once)…", flush=True)
        leads = dict(Membership.objects.filter(role=Role.LEAD).values_list("team_id", "user_id"))
        maps = ValueStreamMap.objects.bulk_create(
            ValueStreamMap(
                team_id=team_id,
                created_by_id=leads[team_id],
                name=f"Claims {k} of team {team_id}",
                process="Claim to payment",
                customer="Claimant",
                demand=Decimal(460),
                demand_period="week",
                days_per_period=Decimal(5),
                shifts_per_day=Decimal(1),
            )
            for team_id in Team.objects.order_by("pk").values_list("pk", flat=True)
            for k in range(MAPS_PER_TEAM)
        )
        ValueStreamStep.objects.bulk_create(
            (
                ValueStreamStep(
                    map=m,
                    position=i,
                    name=f"Step {i + 1}",
                    cycle_s=600,
                    cycle_unit="min",
                    wait_s=3600,
                    wait_unit="h",
                )
                for m in maps
                for i in range(STEPS_PER_MAP)
            ),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bench(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from api.actions import create_personal_token
    from kaizen.models import Board
    from leanhub.models import Team, User
    from metrics.models import Measure

    team = Team.objects.order_by("pk").first()
    assert team is not None
    board = Board.objects.get(team=team)
    measure = Measure.objects.filter(team=team).order_by("pk").first()
    assert measure is not None
    lists = [
        ("ideas", reverse("api:ideas")),
        ("ideas ?status", reverse("api:ideas") + "?status=implemented&sort=-support"),
        ("boards", reverse("api:boards")),
        ("board cards", reverse("api:board-cards", args=[board.pk])),
        ("maps", reverse("api:maps")),
        ("measures", reverse("api:measures")),
        ("observations", reverse("api:measure-observations", args=[measure.pk])),
        ("savings", reverse("api:savings")),
        ("surveys", reverse("api:surveys")),
        ("dashboards", reverse("api:dashboards")),
        ("tokens (page)", reverse("tokens:list")),
    ]
    people = [
        ("admin", User.objects.get(username="admin")),
        ("lead", User.objects.get(username="u0")),
    ]
    # cpu ms: this process's CPU time for the request (p50), which other work on a shared
    # machine does not inflate as it does the wall-clock times; SQL runs in PostgreSQL's.
    print(f"{'list':<15} {'who':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu ms':>8}"
          f" {'queries':>8} {'rows':>5}  (runs={runs})")  # fmt: skip
    for label, url in lists:
        for who, user in people:
            token = create_personal_token(name="bench", scope="read", days=1, by=user).text
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            if url.startswith("/api/"):
                response = client.get(url)  # warm up
            else:  # the token page is a page: signed in, as a person would be
                client.force_login(user)
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            rows = len(response.json()["results"]) if url.startswith("/api/") else 0
            connection.queries_log.clear()  # it holds 9,000 at most: a full one stops counting
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            times, cpu = [], []
            for _ in range(runs):
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                assert response.status_code == 200
            times.sort()
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            print(
                f"{label:<15} {who:<6} {statistics.median(times):8.1f} {p95:8.1f} "
                f"{times[-1]:8.1f} {statistics.median(cpu):8.1f} "
                f"{len(captured.captured_queries):8d} {rows:5d}",
                flush=True,
            )
    # Not a list, but what an integrator polls: one dashboard's figures.
    print()
    print(f"{'dashboard':<15} {'who':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for who, user, kind, pk in (
        ("admin", people[0][1], "all", 0),
        ("lead", people[1][1], "team", team.pk),
    ):
        token = create_personal_token(name="bench", scope="read", days=1, by=user).text
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        url = reverse("api:dashboard", args=[kind, pk])
        assert client.get(url).status_code == 200
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        times = []
        for _ in range(max(5, runs // 3)):
            t0 = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"{kind:<15} {who:<6} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f} "
              f"{len(captured.captured_queries):8d}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only-fill", action="store_true")
    args = parser.parse_args()
    import metrics_dashboards

    metrics_dashboards.ensure_database()
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    metrics_dashboards.fill()
    fill_boards_and_maps()
    if not args.only_fill:
        bench(args.runs)


if __name__ == "__main__":
    main()
