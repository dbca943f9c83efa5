"""Production-like: the Procfile's web process started twice, on two ports, as real separate
server processes with production settings (DEBUG off, a secret key, allowed hosts) against the
test database (PostgreSQL and Redis when the suite runs on them, else the SQLite file) and a
local S3-compatible server (moto). A photo uploaded through one process is read through the
other; the permission check still answers 404 to someone who may not see the idea.

Later work extends this test (sign-on, the worker, e-mail); keep each step a plain HTTP exchange.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from honcho.environ import parse_procfile

from ideas.models import Idea, IdeaPhoto
from leanhub.models import User
from tests.ideas.pictures import image_bytes
from tests.redis_helpers import free_port
from tests.s3_helpers import S3Server

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]


def procfile_command(process: str) -> str:
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


@dataclass
class WebProcess:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()


def start_web(env: dict[str, str], log: Path) -> WebProcess:
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["/bin/sh", "-c", procfile_command("web")],
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return WebProcess(port=port, process=process, log=log)


def wait_ready(web: WebProcess, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if web.process.poll() is not None:
            raise AssertionError("web process ended:\n" + "\n".join(web.log_lines()[-30:]))
        try:
            response = requests.get(f"{web.url}/readyz", timeout=5)
        except requests.ConnectionError:
            time.sleep(0.3)
            continue
        assert response.status_code == 200, response.text
        return
    raise AssertionError("web process never came ready:\n" + "\n".join(web.log_lines()[-30:]))


def stop(web: WebProcess) -> None:
    if web.process.poll() is None:
        os.killpg(web.process.pid, signal.SIGTERM)
        try:
            web.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(web.process.pid, signal.SIGKILL)
            web.process.wait()


@pytest.fixture
def web_pair(
    transactional_db, s3_server: S3Server, s3_bucket: str, tmp_path
) -> Iterator[tuple[WebProcess, WebProcess]]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        **s3_server.env(s3_bucket),
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
        env["CHANNELS_PREFIX"] = settings.CHANNELS_PREFIX + "-production-test"
    webs = [start_web(env, tmp_path / f"web{n}.log") for n in (1, 2)]
    try:
        for web in webs:
            wait_ready(web)
        yield webs[0], webs[1]
    finally:
        for web in webs:
            stop(web)


def signed_in(user: User) -> requests.Session:
    """A browser session for ``user``: the session row is in the shared database, so every
    server process knows the cookie."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return session


def raise_idea_with_photo(
    web: WebProcess, session: requests.Session, team_id: int, title: str
) -> Idea:
    form = session.get(f"{web.url}/ideas/new/", timeout=20)
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    form_token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token and form_token
    response = session.post(
        f"{web.url}/ideas/new/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "title": title,
            "problem": "Customers give their address three times.",
            "team": str(team_id),
            "kind": "improvement",
            "token": form_token.group(1),
        },
        files={"photos": ("counter.png", image_bytes("PNG", (64, 48)), "image/png")},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:2000]
    return Idea.objects.get(title=title)


def test_an_upload_on_one_web_process_is_read_on_the_other(
    web_pair, s3_server, s3_bucket, sam, priya, team_a
):
    first, second = web_pair
    sams = signed_in(sam)
    for uploader, reader, title in (
        (first, second, "Pre-fill the address (raised on the first process)"),
        (second, first, "Pre-fill the postcode (raised on the second process)"),
    ):
        idea = raise_idea_with_photo(uploader, sams, team_a.pk, title)
        photo = IdeaPhoto.objects.get(idea=idea)
        kept = s3_server.client().get_object(Bucket=s3_bucket, Key=photo.file_name("display"))
        stored = kept["Body"].read()
        assert stored[:8] == b"\x89PNG\r\n\x1a\n"

        url = f"{reader.url}/ideas/{idea.pk}/photos/{photo.pk}/display/"
        read = sams.get(url, timeout=20)
        assert read.status_code == 200
        assert read.headers["Content-Type"] == "image/png"
        assert read.content == stored

        # Priya works for the other organisation and cannot see the idea: not its photo either.
        assert signed_in(priya).get(url, timeout=20).status_code == 404
        assert requests.get(url, timeout=20, allow_redirects=False).status_code == 302

    # Each process wrote one JSON line per request, with the user's id.
    for web in web_pair:
        entries = [json.loads(line) for line in web.log_lines() if line.startswith("{")]
        photo_reads = [e for e in entries if "/photos/" in e.get("path", "")]
        assert {(e["status"], e["user_id"]) for e in photo_reads} >= {(200, sam.pk)}
