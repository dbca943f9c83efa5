"""A real SMTP server on loopback (aiosmtpd) and the real background worker in a process of its
own, for the e-mail tests."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Handler:
    """Keeps every message the server accepted. With ``stall`` set it holds each client at RCPT
    (before any message text is sent) until ``stall`` is cleared: a sender caught there is in
    the middle of sending."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.stall = False
        self.stalled = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        while self.stall:
            self.stalled.set()
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped (the port is closed: connections are
    refused) and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Handler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)


def database_url() -> str:
    """The test database, as a DATABASE_URL another process can open."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """``manage.py worker`` in a process group of its own, as production runs it."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "worker"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill_9(self) -> None:
        """Every process of the worker dies at once, as in a crash: no clean-up runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """As a service manager stops it: SIGTERM to the main process, which stops the rest."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def worker_env(smtp: SmtpServer, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_SETTINGS"))
    }
    env.update(
        {
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_TIMEOUT": "20",
            # Shortened so a test waits seconds, not minutes, between tries.
            "EMAIL_RETRY_BASE_SECONDS": "1",
            "EMAIL_RETRY_MAX_SECONDS": "2",
            "EMAIL_MAX_ATTEMPTS": "1000",
            "EMAIL_CLAIM_SECONDS": "3",
            "WORKER_PROCESSES": "1",
            "WORKER_TIMEOUT": "8",
            "WORKER_RETRY": "10",
            "WORKER_POLL_SECONDS": "0.2",
            "LOG_LEVEL": "INFO",
        }
    )
    env.update(extra)
    return env


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str, log: Path) -> None:
    """Poll until ``condition`` holds; fail with the worker's log when it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not after {seconds} s. Worker log:\n{log.read_text()[-5000:]}")
