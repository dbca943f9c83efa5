"""A Redis of the test's own, to stop and start: the outage tests take the live layer away for
real (a refused connection, a server that goes while sockets listen), never with a mock."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from typing import Any

import pytest

REDIS_SERVER = shutil.which("redis-server")
NO_PERSISTENCE = ["--save", "", "--appendonly", "no"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def layer_settings(url: str, kind: str = "queue", *, prefix: str = "outage-test") -> dict[str, Any]:
    """``CHANNEL_LAYERS`` for the project's Redis layers (see leanhub/settings.py) at ``url``."""
    if kind == "pubsub":
        backend = "channels_redis.pubsub.RedisPubSubChannelLayer"
        hosts: list[Any] = [url]
    else:
        backend = "channels_redis.core.RedisChannelLayer"
        hosts = [{"address": url, "socket_timeout": 15}]
    return {"default": {"BACKEND": backend, "CONFIG": {"hosts": hosts, "prefix": prefix}}}


class RedisServer:
    """``redis-server`` on a free loopback port, with no persistence, that a test stops and
    starts again on the same port."""

    def __init__(self) -> None:
        if REDIS_SERVER is None:
            pytest.skip("redis-server is not installed: install Debian's redis-server package")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False
