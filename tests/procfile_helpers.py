"""The Procfile's processes started for real, as separate server processes with production
settings, against the test database; and a small reverse proxy in front of them that does what
the Procfile asks of one ("/ws/ to the ws process and everything else to web")."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests
from django.db import connection
from honcho.environ import parse_procfile

from tests.redis_helpers import free_port

ROOT = Path(__file__).resolve().parents[1]


def procfile_command(process: str) -> str:
    """The Procfile's own command line for ``process`` (web, ws, worker)."""
    return parse_procfile((ROOT / "Procfile").read_text()).processes[process]


def database_url() -> str:
    """The test database, as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def base_env(home: Path) -> dict[str, str]:
    """What every process gets whatever it is for: nothing of the test run's own environment
    (its DEBUG, its settings), so each reads its configuration as production would."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(home)),
        "DEBUG": "0",
        "HOST": "127.0.0.1",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
    }


@dataclass
class ServerProcess:
    """One Procfile process, in a process group of its own, its output in ``log``."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def log_lines(self) -> list[str]:
        return self.log_text().splitlines()

    def tail(self, lines: int = 40) -> str:
        return f"--- {self.name} ({self.log.name}) ---\n" + "\n".join(self.log_lines()[-lines:])

    def stop(self) -> None:
        """As a service manager stops it: SIGTERM to the main process (the Procfile's command
        execs the server, which stops its own workers), then SIGKILL to anything of its group
        that lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)


def start(process: str, env: dict[str, str], log: Path, *, name: str = "") -> ServerProcess:
    """Start the Procfile's ``process`` with ``env`` (and a free PORT of its own)."""
    port = free_port()
    with log.open("wb") as out:
        popen = subprocess.Popen(
            ["/bin/sh", "-c", procfile_command(process)],
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return ServerProcess(name=name or process, port=port, process=popen, log=log)


def wait_until(
    condition: Callable[[], bool],
    *,
    seconds: float,
    what: str,
    watch: list[ServerProcess] = [],  # noqa: B006 - read only
) -> None:
    """Poll ``condition`` until it holds; fail with the processes' logs if it never does or
    one of them ends meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for server in watch:
            if server.process.poll() is not None:
                raise AssertionError(
                    f"{server.name} ended while waiting for {what}:\n" + server.tail()
                )
        if condition():
            return
        time.sleep(0.2)
    logs = "\n".join(server.tail() for server in watch)
    raise AssertionError(f"{what}: not after {seconds} s.\n{logs}")


def readyz(server: ServerProcess) -> requests.Response | None:
    """The process's /readyz answer, or None while it does not answer yet (gunicorn listens
    before its worker has loaded LeanHub, which takes a while on a busy machine)."""
    try:
        return requests.get(f"{server.url}/readyz", timeout=20)
    except (requests.ConnectionError, requests.Timeout):
        return None


def wait_ready(server: ServerProcess, seconds: float = 90) -> None:
    """Until the server answers /readyz with 200 (fails at once on any other answer)."""

    def ready() -> bool:
        answer = readyz(server)
        if answer is None:
            return False
        assert answer.status_code == 200, f"{server.name}: {answer.text}\n{server.tail()}"
        return True

    wait_until(ready, seconds=seconds, what=f"{server.name} ready", watch=[server])


class RoutingProxy:
    """A reverse proxy on a loopback port of its own: a connection whose request path starts
    with /ws/ goes to ``ws_port``, any other to ``web_port``. It routes whole connections: the
    web process (gunicorn's sync workers) answers one request per connection and closes it,
    and a websocket has a connection of its own, so each connection carries one kind.

    It listens before the backends exist (their ports are set afterwards), so its address can go
    into the settings they start with (SITE_URL, the provider's redirect URIs)."""

    def __init__(self) -> None:
        self.web_port = 0
        self.ws_port = 0
        self.loop = asyncio.new_event_loop()
        # The loop runs in a thread of its own: the test's thread may have one running already
        # (Playwright's).
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="proxy")
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self.loop
        ).result(timeout=10)
        self.port: int = self.server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: asyncio.StreamWriter | None = None
        try:
            try:
                first_line = await reader.readuntil(b"\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                return
            parts = first_line.split(b" ")
            path = parts[1] if len(parts) > 1 else b"/"
            port = self.ws_port if path.startswith(b"/ws/") else self.web_port
            try:
                up_reader, upstream = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            upstream.write(first_line)
            to_server = asyncio.ensure_future(self._pipe(reader, upstream))
            to_client = asyncio.ensure_future(self._pipe(up_reader, writer))
            done, _ = await asyncio.wait(
                {to_server, to_client}, return_when=asyncio.FIRST_COMPLETED
            )
            if to_client not in done:
                # The client has said all it will; the server finishes its answer (or closes).
                await asyncio.wait({to_client}, timeout=60)
            to_server.cancel()
            to_client.cancel()
        finally:
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
            if sink.can_write_eof():
                sink.write_eof()
        except (ConnectionError, OSError):
            pass

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
            await asyncio.sleep(0)

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()
