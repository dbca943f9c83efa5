"""Requests a second of the busiest pages as a share of the login page's, on 2 gunicorn workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_speed_bench \\
        .venv/bin/python bench/rps_share.py [--seconds 15] [--connections 8]

Serves LeanHub as the Procfile's web process does (gunicorn, 2 workers, DEBUG off) from the
benchmark database (bench/every_page.py fills it: 100,000 ideas, 1,000,000 observations, 500
teams, a 50-card board), and loads in turn, with wrk (Debian package wrk) or else a threaded
Python client, each on loopback with a browser's Accept-Encoding (gzip):

- the login page (no one signed in),
- the ideas list, signed in as a team lead,
- the team dashboard, as that lead,
- a board of 50 cards, as its team's lead.

It prints each page's requests/s and its share of the login page's (the aim: at least 10 %).
For a page below that, one request is opened in-process and its time split into middleware,
view, template and SQL.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leanhub_speed_bench")
# As the Procfile's web process keeps them (CONN_MAX_AGE=0 measures a connection a request).
os.environ.setdefault("CONN_MAX_AGE", "60")

import every_page
from http_layouts import BIN, ROOT, free_port, python_load, wait_until_up, wrk_load

AIM = 0.10


def pages(w) -> list[tuple[str, str, object]]:  # type: ignore[no-untyped-def]
    """(label, path, who is signed in) of each page loaded."""
    from django.urls import reverse

    from leanhub.models import Role

    small = w.boards[every_page.SMALL_BOARD_CARDS]
    from kaizen.models import Board

    team = Board.objects.get(pk=small).team
    assert team is not None  # a team's board
    board_lead = team.memberships.filter(role=Role.LEAD).order_by("pk")[0].user
    lee = w.cast["lee"]
    return [
        ("login page", reverse("login"), None),
        ("ideas list (lead)", reverse("ideas:list"), lee),
        ("team dashboard (lead)", reverse("metrics:dashboard-scope", args=["team", w.team.pk]),
         lee),
        ("50-card board (lead)", reverse("kaizen:board", args=[small]), board_lead),
    ]  # fmt: skip


def session_cookie(user) -> str:  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def where_time_goes(path: str, user) -> str:  # type: ignore[no-untyped-def]
    """One request in-process (after a warm-up), split into middleware, view, template and
    SQL: medians of 10."""
    from django.core.handlers import base
    from django.db import connection
    from django.template.backends import django as django_backend
    from django.test import Client

    client = Client(headers={"accept-encoding": "gzip"})
    if user is not None:
        client.force_login(user)
    spans: dict[str, float] = {}
    sql = every_page.SqlTimer()

    def timed(name: str, func):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            start, sql_before = time.perf_counter(), sql.seconds
            try:
                return func(*args, **kwargs)
            finally:
                spans[name] = spans.get(name, 0.0) + time.perf_counter() - start
                spans[name + " sql"] = spans.get(name + " sql", 0.0) + sql.seconds - sql_before

        return wrapper

    get_response = base.BaseHandler._get_response  # type: ignore[attr-defined]
    render = django_backend.Template.render
    base.BaseHandler._get_response = timed("view", get_response)  # type: ignore[attr-defined]
    django_backend.Template.render = timed("template", render)  # type: ignore[method-assign]
    rows: dict[str, list[float]] = {}
    try:
        client.get(path)
        for _ in range(10):
            spans.clear()
            sql.seconds = 0.0
            with connection.execute_wrapper(sql):
                start = time.perf_counter()
                response = client.get(path)
                total = time.perf_counter() - start
            assert response.status_code == 200, (path, response.status_code)
            view, template = spans.get("view", 0.0), spans.get("template", 0.0)
            template_sql = spans.get("template sql", 0.0)
            split = {
                "total": total,
                "SQL": sql.seconds,
                "template (Python)": template - template_sql,
                "view (Python)": view - template - (spans.get("view sql", 0.0) - template_sql),
                "middleware and the rest": total - view - (sql.seconds - spans.get("view sql", 0)),
            }
            for key, value in split.items():
                rows.setdefault(key, []).append(value * 1000)
    finally:
        base.BaseHandler._get_response = get_response  # type: ignore[attr-defined]
        django_backend.Template.render = render  # type: ignore[method-assign]
    return ", ".join(f"{k} {statistics.median(v):.1f} ms" for k, v in rows.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    every_page.metrics_dashboards.ensure_database()
    import django

    django.setup()
    every_page.metrics_dashboards.fill()
    w = every_page.build_world()
    cases = pages(w)
    cookies = {id(user): session_cookie(user) for _, _, user in cases if user is not None}
    env = {**os.environ, "LOG_LEVEL": "ERROR", "WEB_CONCURRENCY": str(args.workers)}
    env.pop("REDIS_URL", None)
    port = free_port()
    command = [
        str(BIN / "gunicorn"), "leanhub.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--forwarded-allow-ips", "", "--log-level", "warning",
    ]  # fmt: skip
    use_wrk = shutil.which("wrk") is not None
    load = wrk_load if use_wrk else python_load
    print(
        f"gunicorn, {args.workers} workers, DEBUG off; {args.connections} connections for "
        f"{args.seconds:.0f} s a page from {'wrk' if use_wrk else 'Python threads'}; load "
        f"average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} "
        "cores"
    )
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    results: list[tuple[str, float, dict]] = []
    try:
        wait_until_up(f"http://127.0.0.1:{port}/accounts/login/")
        for label, path, user in cases:
            headers = {"Accept-Encoding": "gzip"}
            if user is not None:
                headers["Cookie"] = cookies[id(user)]
            url = f"http://127.0.0.1:{port}{path}"
            load(url, 3, args.connections, headers)  # warm up
            figures = load(url, args.seconds, args.connections, headers)
            results.append((label, figures["requests/s"], figures))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    login = results[0][1]
    print(f"{'page':<24} {'req/s':>8} {'share':>7}  latency")
    for label, rps, figures in results:
        rest = "  ".join(f"{k} {v}" for k, v in figures.items() if k != "requests/s")
        print(f"{label:<24} {rps:8.1f} {rps / login:7.1%}  {rest}")
    print(f"Load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for (label, rps, _), (_, path, user) in zip(results, cases, strict=True):
        if rps / login < AIM:
            print(f"\n{label} is below {AIM:.0%}; where one request's time goes (in-process):")
            print("  " + where_time_goes(path, user))


if __name__ == "__main__":
    main()
