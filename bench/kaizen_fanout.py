"""How long a card move takes to reach every viewer of a board.

Two ASGI server processes (uvicorn) share the Redis channel layer and a PostgreSQL database;
100 websocket viewers are split across them. The script moves a card over HTTP (the same POST
the board's "Move to…" form and drag and drop make) and times, for each viewer, from sending
the request to receiving the column fragment with the card's new version. Prints p50/p95/max.

    .venv/bin/python bench/kaizen_fanout.py [--viewers 100] [--moves 30] [--layer queue|pubsub]

Needs PostgreSQL on 127.0.0.1:5432 (database leanhub_kaizen_bench, created and migrated here)
and Redis on 127.0.0.1:6379. Starts and stops its own server processes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from websockets.typing import Origin

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "leanhub_kaizen_bench"
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CHANNELS_PREFIX": "lh-kaizen-bench",
    "SECRET_KEY": "bench-only-secret-key-not-for-any-real-deployment-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DEBUG": "0",
    "LOG_LEVEL": "ERROR",
    # Keep database connections between requests, as a production deployment would.
    "CONN_MAX_AGE": "60",
    "DJANGO_SETTINGS_MODULE": "leanhub.settings",
}


def create_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        check=True,
    )


def prepare_board(n_cards: int = 60) -> dict:
    """A team with a lead, a board of ``n_cards`` cards spread over the six columns (a busy
    team board), and a signed-in session for the lead."""
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from decimal import Decimal

    from django.test import Client

    from kaizen import actions
    from kaizen.models import BoardViewer, Card
    from leanhub.models import Membership, Organisation, Place, Role, Site, Team, User

    place, _ = Place.objects.get_or_create(
        slug="bench", defaults={"name": "Bench", "population": 1, "annual_public_spend": Decimal(1)}
    )
    org, _ = Organisation.objects.get_or_create(slug="bench-org", defaults={"name": "Bench org"})
    site, _ = Site.objects.get_or_create(
        organisation=org, name="Bench site", defaults={"place": place}
    )
    team, _ = Team.objects.get_or_create(site=site, name="Bench team")
    lead, _ = User.objects.get_or_create(
        username="bench-lead", defaults={"full_name": "Bench Lead"}
    )
    Membership.objects.get_or_create(user=lead, role=Role.LEAD, team=team)
    board = actions.ensure_team_board(team)
    BoardViewer.objects.filter(board=board).delete()
    ordered = list(board.columns.all())
    columns = {c.name: c for c in ordered}
    have = Card.objects.filter(board=board).count()
    for i in range(have, n_cards):
        actions.create_card(
            board, title=f"Bench card {i}", column=ordered[i % len(ordered)], by=lead
        )
    card = Card.objects.filter(board=board, column=columns["Plan"]).order_by("position").first()
    if card is None:
        card = Card.objects.filter(board=board).order_by("pk").first()
        assert card is not None, "the board has no card to move"
    client = Client()
    client.force_login(lead)
    return {
        "board_id": board.pk,
        "card_id": card.pk,
        "version": card.version,
        "column_id": card.column_id,
        "columns": [columns["Plan"].pk, columns["Do"].pk],
        "session": client.cookies["sessionid"].value,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_servers(count: int = 2) -> list[tuple[subprocess.Popen, int]]:
    servers = []
    for _ in range(count):
        port = free_port()
        process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/uvicorn"),
                "leanhub.asgi:application",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=ROOT,
            env={**os.environ, **ENV},
            start_new_session=True,
        )
        servers.append((process, port))
    deadline = time.monotonic() + 30
    for process, port in servers:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"Server on port {port} did not start") from None
                time.sleep(0.2)
    return servers


def stop_servers(servers) -> None:
    for process, _ in servers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process, _ in servers:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class Viewer:
    def __init__(self, port: int, board_id: int, session: str) -> None:
        self.port = port
        self.url = f"ws://127.0.0.1:{port}/ws/boards/{board_id}/"
        self.session = session
        self.waiting: tuple[str, asyncio.Future] | None = None
        self.ready = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        import websockets

        async with websockets.connect(
            self.url,
            additional_headers={"Cookie": f"sessionid={self.session}"},
            origin=Origin(f"http://127.0.0.1:{self.port}"),
            max_size=None,
        ) as ws:
            self.ready.set()
            while not stop.is_set():
                try:
                    message = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                now = time.perf_counter()
                if self.waiting and self.waiting[0] in message and not self.waiting[1].done():
                    self.waiting[1].set_result(now)


def move(port: int, setup: dict, to: int, version: int) -> int:
    """POST the move as the board does; return the HTTP status."""
    token = "benchcsrftoken0123456789abcdefgh"
    data = f"column={to}&position=1&version={version}".encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/kaizen/cards/{setup['card_id']}/move/",
        data=data,
        method="POST",
        headers={
            "Cookie": f"sessionid={setup['session']}; csrftoken={token}",
            "X-CSRFToken": token,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


async def measure(setup: dict, servers, n_viewers: int, n_moves: int) -> list[float]:
    stop = asyncio.Event()
    viewers = [
        Viewer(servers[i % len(servers)][1], setup["board_id"], setup["session"])
        for i in range(n_viewers)
    ]
    tasks = []
    # Viewers arrive in small groups, as people open the board before a huddle.
    for start in range(0, len(viewers), 10):
        batch = viewers[start : start + 10]
        tasks += [asyncio.create_task(v.run(stop)) for v in batch]
        await asyncio.wait_for(asyncio.gather(*(v.ready.wait() for v in batch)), timeout=60)
    await asyncio.sleep(3)  # let the presence announcements of 100 arrivals settle
    latencies: list[float] = []
    answered: list[float] = []
    firsts: list[float] = []
    missed = 0
    version = setup["version"]
    columns = setup["columns"]
    to = columns[1] if setup["column_id"] == columns[0] else columns[0]
    loop = asyncio.get_running_loop()
    # Warm up: each server process answers one move before timing starts. A process's first
    # request opens its database connection and compiles the templates (150 ms or so here);
    # a server in service is past that, so it is not what a huddle's viewers wait for.
    for port in (p for _, p in servers):
        if await asyncio.to_thread(move, port, setup, to, version) != 200:
            raise RuntimeError("Warm-up move refused")
        version += 1
        to = columns[0] if to == columns[1] else columns[1]
        await asyncio.sleep(0.3)
    for i in range(n_moves):
        marker = f'data-card="{setup["card_id"]}" data-version="{version + 1}"'
        futures = []
        for v in viewers:
            future = loop.create_future()
            v.waiting = (marker, future)
            futures.append(future)
        port = servers[i % len(servers)][1]
        started = time.perf_counter()
        status = await asyncio.to_thread(move, port, setup, to, version)
        answered.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"Move answered {status}")
        done, pending = await asyncio.wait(futures, timeout=5)
        arrivals = sorted((f.result() - started) * 1000 for f in done)
        latencies += arrivals
        if arrivals:
            firsts.append(arrivals[0])
        missed += len(pending)
        version += 1
        to = columns[0] if to == columns[1] else columns[1]
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    if missed:
        print(f"missed deliveries: {missed}")
    print(
        f"HTTP move answered, ms: median {statistics.median(answered):.1f}; "
        f"first viewer reached, ms: median {statistics.median(firsts):.1f}"
    )
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=100)
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument(
        "--layer",
        choices=["queue", "pubsub"],
        default="queue",
        help="REDIS_CHANNEL_LAYER: queue (the default, channels-redis's lists) or pubsub",
    )
    args = parser.parse_args()
    ENV["REDIS_CHANNEL_LAYER"] = args.layer

    create_database()
    setup = prepare_board()
    servers = start_servers(2)
    try:
        latencies = asyncio.run(measure(setup, servers, args.viewers, args.moves))
    finally:
        stop_servers(servers)
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(
        f"{args.moves} moves × {args.viewers} viewers on 2 uvicorn processes "
        f"(Redis {args.layer} channel layer, PostgreSQL): {len(latencies)} deliveries"
    )
    print(
        f"move → fragment at viewer, ms: p50 {statistics.median(latencies):.1f}  "
        f"p95 {p95:.1f}  max {latencies[-1]:.1f}"
    )
    print("target p95 < 200 ms:", "met" if p95 < 200 else "NOT met")


if __name__ == "__main__":
    main()
