"""Serve the same page from the ASGI server (uvicorn) and from a WSGI server (gunicorn) and load
both with a local load generator, printing requests/s and latency for each layout.

    DEBUG=1 .venv/bin/python bench/http_layouts.py [--workers 2] [--seconds 10] [--path /accounts/login/]

Uses a throwaway SQLite database with the demo place. Loads only 127.0.0.1. Prefers `wrk`
(Debian package wrk) and falls back to a small threaded Python client.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def python_load(
    url: str, seconds: float, connections: int, headers: dict[str, str] | None = None
) -> dict:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker() -> None:
        nonlocal errors
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                request = urllib.request.Request(url, headers=headers or {})
                with urllib.request.urlopen(request, timeout=10) as response:
                    if response.status != 200:
                        raise OSError(response.status)
                    response.read()
            except OSError:
                with lock:
                    errors += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "requests/s": len(latencies) / seconds,
        "p50 ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95 ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else float("nan"),
        "errors": errors,
    }


def wrk_load(
    url: str, seconds: float, connections: int, headers: dict[str, str] | None = None
) -> dict:
    sent = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--timeout",
            "30s",
            "--latency",
            *sent,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures: dict = {}
    for line in out.splitlines():
        parts = line.split()
        if line.strip().startswith("Requests/sec:"):
            figures["requests/s"] = float(parts[1])
        elif parts[:1] == ["50%"]:
            figures["p50"] = parts[1]
        elif parts[:1] == ["99%"]:
            figures["p99"] = parts[1]
        elif "Non-2xx" in line or "Socket errors" in line:
            figures["errors"] = line.strip()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--path", default="/accounts/login/")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="leanhub-bench-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)
    manage = [str(BIN / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "seed_demo", "--quiet-logins"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )

    layouts = {
        "ASGI (uvicorn)": lambda port: [
            str(BIN / "uvicorn"),
            "leanhub.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--no-access-log",
            "--lifespan",
            "off",
        ],
        "WSGI (gunicorn)": lambda port: [
            str(BIN / "gunicorn"),
            "leanhub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
    }
    use_wrk = shutil.which("wrk") is not None
    print(
        f"Page {args.path}, {args.workers} worker processes each, {args.connections} connections, "
        f"{args.seconds:.0f} s per layout, load from {'wrk' if use_wrk else 'Python threads'}"
    )
    try:
        for name, command in layouts.items():
            port = free_port()
            server = subprocess.Popen(command(port), cwd=ROOT, env=env, start_new_session=True)
            try:
                url = f"http://127.0.0.1:{port}{args.path}"
                wait_until_up(url)
                (wrk_load if use_wrk else python_load)(url, 2, args.connections)  # warm up
                figures = (wrk_load if use_wrk else python_load)(
                    url, args.seconds, args.connections
                )
                print(
                    f"{name:<18} "
                    + "  ".join(
                        f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                        for k, v in figures.items()
                    )
                )
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
