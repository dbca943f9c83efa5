"""Every page, for every role, at the benchmark scale: server time, queries, SQL and Python time.

On the dashboards' benchmark data (bench/metrics_dashboards.py fills it: 1,000,000
observations, 100,000 ideas, 20,000 savings, 500 teams), plus one of every other kind of object
the pages show, made in the first team by the same code that builds the query-count tests' world
(tests/test_flat_queries.py), so every page that test opens is opened here: a 300-card board
(the first team's), a 50-card board (the second team's), a measure with 5,000 points, maps,
cycles, cases, red tape, surveys, an idea box.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_speed_bench \\
        .venv/bin/python bench/every_page.py [--runs 7] [--only REGEX] [--roles lee,ada]

Each page is opened through Django's test client (URL routing, every middleware, the template)
with DEBUG off, once to warm up and then ``--runs`` times, as each role: staff, team lead, site
manager, organisation manager, place lead, administrator. SQL is timed around every query
(``connection.execute_wrapper``); Python is the rest of the request; CPU is the processor time
this process spent on the request (Python and the database driver, not the database server),
which a busy machine inflates less than the wall-clock times. The garbage collector is tuned as
the server processes tune it (leanhub.runtime; GC_THRESHOLD=0 measures CPython's defaults). Pages over 150 ms at p95,
and list and dashboard pages spending over 25 ms in Python beyond their SQL, are flagged.
Pages a role may not open (403, 404, a redirect) are listed by status once, not timed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "CRITICAL")  # refusals (403, 404) are expected here
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leanhub_speed_bench")
# As the Procfile's web process keeps them (CONN_MAX_AGE=0 measures a connection a request).
os.environ.setdefault("CONN_MAX_AGE", "60")

import metrics_dashboards

# Read before anything of the test suite is imported (see main()).
GC_THRESHOLD = os.environ.get("GC_THRESHOLD", "")

# The roles, as the query-count tests' cast names them, and who plays them in the bench data.
ROLES = {
    "sam": ("staff", "u1"),
    "lee": ("team lead", "u0"),
    "maya": ("site manager", "sitemanager"),
    "dev": ("org manager", "orgmanager"),
    "pat": ("place lead", "partner"),
    "ada": ("administrator", "admin"),
}
BIG_BOARD_CARDS, SMALL_BOARD_CARDS, SPC_POINTS = 300, 50, 5000
P95_LIMIT_MS, PYTHON_LIMIT_MS = 150.0, 25.0
# Pages listing rows or summing them (the ≤ 25 ms of Python beyond SQL applies to them).
LIST_PAGE = re.compile(
    r"list|dashboard|rows|queue|boards|measures|savings|surveys|notifications|search|maps$"
    r"|roll|public:index|home|spend|cases|red-tape$|themes|tokens"
)


def _world_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_every_page (name text PRIMARY KEY, pk bigint)"
        )


def _cast() -> dict[str, Any]:
    from leanhub.models import Membership, Role, Team, User

    cast = {name: User.objects.get(username=username) for name, (_, username) in ROLES.items()}
    second = Team.objects.order_by("pk")[1]
    cast["wendy"] = User.objects.filter(
        memberships__team=second, memberships__role=Role.STAFF
    ).order_by("pk")[0]
    nobody, _ = User.objects.get_or_create(username="nobody")
    cast["nobody"] = nobody
    assert Membership.objects.filter(user=cast["lee"], role=Role.LEAD).exists()
    return cast


def build_world() -> Any:
    """One of every kind of object in the first team (the query-count tests' world), the two
    boards and the long measure; kept by primary key in ``bench_every_page`` for later runs."""
    from django.db import connection, transaction

    from kaizen import actions as kaizen_actions
    from kaizen.models import Column
    from leanhub.models import Place, Team
    from metrics.models import Observation
    from tests.test_flat_queries import World, world

    _world_table()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, pk FROM bench_every_page")
        stored = dict(cursor.fetchall())
    if stored:
        return load_world(stored)
    print("Adding one of every kind of object and the boards (once)…", flush=True)
    cast = _cast()
    teams = list(Team.objects.select_related("site__organisation").order_by("pk")[:2])
    place = Place.objects.get(slug="benchshire")
    with transaction.atomic():
        w = world._get_wrapped_function()(cast, teams[0], teams[1], place)
        today = w.measure.observations.order_by("date").first().date
        Observation.objects.bulk_create(
            Observation(measure=w.measure, date=today - timedelta(days=d), value=40 + (d * 7) % 11)
            for d in range(1, SPC_POINTS - w.measure.observations.count() + 1)
        )
        lead_of_second = cast["wendy"].memberships.get().team.memberships.get(role="lead").user
        for board, count, lead, staff in (
            (w.board, BIG_BOARD_CARDS, cast["lee"], cast["sam"]),
            (kaizen_actions.ensure_team_board(teams[1]), SMALL_BOARD_CARDS, lead_of_second,
             cast["wendy"]),
        ):  # fmt: skip
            columns = list(Column.objects.filter(board=board).order_by("position"))
            have = board.cards.count()
            for k in range(have, count):
                kaizen_actions.create_card(
                    board,
                    column=columns[k % len(columns)],
                    title=f"Card {k} of {board.name}",
                    description="Trial it for a week",
                    owners=[lead, staff] if k % 3 else [lead],
                    due_date=today + timedelta(days=k % 40 - 10),
                    labels="quick win" if k % 4 == 0 else "",
                    wip_reason="benchmark",
                    by=lead,
                )
            stored[f"board-{count}"] = board.pk
        for f in fields(World):
            value = getattr(w, f.name)
            if f.name == "cast":
                stored.update({f"cast.{k}": u.pk for k, u in value.items()})
            elif hasattr(value, "pk"):
                stored[f.name] = value.pk
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_every_page (name, pk) VALUES (%s, %s)", list(stored.items())
            )
            cursor.execute("ANALYZE")
    return load_world(stored)


def load_world(stored: dict[str, int]) -> Any:
    from django.apps import apps

    from leanhub.models import User
    from tests.test_flat_queries import World

    kwargs: dict[str, Any] = {
        "cast": {
            k.split(".", 1)[1]: User.objects.get(pk=pk)
            for k, pk in stored.items()
            if k.startswith("cast.")
        }
    }
    hints = {f.name: f.type for f in fields(World)}
    # Fields typed loosely (``Any``) name their model here.
    hints["entry"] = "library.models.Entry"
    for name, hint in hints.items():
        if name in ("cast", "grown", "extra_teams"):
            continue
        if name not in stored:
            continue
        label = str(hint).rsplit(".", 1)[-1]
        model = next(m for m in apps.get_models() if m.__name__ == label)
        kwargs[name] = model._default_manager.get(pk=stored[name])
    w = World(**kwargs)
    w.boards = {n: stored[f"board-{n}"] for n in (BIG_BOARD_CARDS, SMALL_BOARD_CARDS)}  # type: ignore[attr-defined]
    return w


def page_list(w: Any) -> list[tuple[str, str]]:
    """(key, URL) of every page the query-count tests open, and the 50-card board."""
    from django.urls import reverse

    from tests.test_flat_queries import _urls

    # Downloads are not pages: bench/csv_exports.py measures them, in rows a second. (The ideas
    # export is every idea the person may see, 100,000 for an administrator.)
    found = [
        (key, url)
        for key, url in _urls(w)
        if "format=csv" not in url and not key.startswith("ideas:export")
    ]
    small = w.boards[SMALL_BOARD_CARDS]
    found.append(("kaizen:board (50 cards)", reverse("kaizen:board", args=[small])))
    return found


@dataclass
class Timing:
    total: list[float]
    sql: list[float]
    queries: int
    size: int


class SqlTimer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def open_page(client: Any, url: str) -> tuple[int, float, float, int, int, float]:
    """Status, seconds, SQL seconds, queries, bytes and CPU seconds of this process of one
    request, the body read whole."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    ContentType.objects.clear_cache()
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return response.status_code, elapsed, timer.seconds, timer.count, len(body), cpu


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default="", help="a regular expression the page key matches")
    parser.add_argument("--roles", default=",".join(ROLES))
    args = parser.parse_args()
    metrics_dashboards.ensure_database()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    metrics_dashboards.fill()
    w = build_world()
    # As the server processes do once loaded (leanhub.wsgi, leanhub.asgi), with the threshold
    # this run was started with: the test suite's settings, imported above for the world, set
    # GC_THRESHOLD=0 for the test run.
    from leanhub.runtime import tune_garbage_collector

    tune_garbage_collector(GC_THRESHOLD)
    pages = [(k, u) for k, u in page_list(w) if re.search(args.only, k)]
    load = os.getloadavg()
    print(
        f"{len(pages)} pages x {len(args.roles.split(','))} roles, {args.runs} runs each after a "
        f"warm-up; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} "
        "cores (times are noisy when the machine is busy)."
    )
    print(
        f"{'page':<52} {'role':<14} {'p50':>6} {'p95':>6} {'queries':>7} {'SQL':>6} "
        f"{'Python':>6} {'CPU':>6} {'KiB':>5}  (ms; medians but p95)"
    )
    slow, heavy, refused = [], [], []
    for role in args.roles.split(","):
        label = ROLES[role][0]
        client = Client()
        client.force_login(w.cast[role])
        for key, url in pages:
            status, *_ = open_page(client, url)  # warm up
            if status != 200:
                refused.append(f"{label}: {key} {status}")
                continue
            runs = [open_page(client, url) for _ in range(args.runs)]
            total = [r[1] * 1000 for r in runs]
            sql = [r[2] * 1000 for r in runs]
            python = [t - s for t, s in zip(total, sql, strict=True)]
            p50, p95 = statistics.median(total), percentile(total, 0.95)
            flags = ""
            if p95 > P95_LIMIT_MS:
                flags += " SLOW"
                slow.append(f"{key} ({label}) p95 {p95:.0f} ms")
            name = key.split(" ", 1)[0]
            if LIST_PAGE.search(name) and statistics.median(python) > PYTHON_LIMIT_MS:
                flags += " PY"
                heavy.append(f"{key} ({label}) Python {statistics.median(python):.0f} ms")
            print(
                f"{key[:52]:<52} {label:<14} {p50:6.1f} {p95:6.1f} {runs[-1][3]:7d} "
                f"{statistics.median(sql):6.1f} {statistics.median(python):6.1f} "
                f"{statistics.median(r[5] * 1000 for r in runs):6.1f} "
                f"{runs[-1][4] / 1024:5.0f}{flags}",
                flush=True,
            )
    print(f"\nOver {P95_LIMIT_MS:.0f} ms at p95 ({len(slow)}):", *slow, sep="\n  ")
    print(
        f"\nList and dashboard pages over {PYTHON_LIMIT_MS:.0f} ms of Python beyond SQL "
        f"({len(heavy)}):",
        *heavy,
        sep="\n  ",
    )
    print(f"\nNot opened for a role (status) ({len(refused)}):", *refused, sep="\n  ")


if __name__ == "__main__":
    main()
