"""Production-like: the Procfile's web process started twice, on two ports, as real separate
server processes with production settings (DEBUG off, a secret key, allowed hosts) against the
test database (PostgreSQL and Redis when the suite runs on them, else the SQLite file) and a
local S3-compatible server (moto). A photo uploaded through one process is read through the
other; the permission check still answers 404 to someone who may not see the idea.

Later work extends this test (sign-on, the worker, e-mail); keep each step a plain HTTP exchange.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import requests
from django.conf import settings
from django.test import Client

from ideas.models import Idea, IdeaPhoto
from leanhub.models import User
from tests.ideas.pictures import image_bytes
from tests.procfile_helpers import ServerProcess, base_env, database_url, start, wait_ready
from tests.s3_helpers import S3Server

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def web_pair(
    transactional_db, s3_server: S3Server, s3_bucket: str, tmp_path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = {
        **base_env(tmp_path),
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "WEB_CONCURRENCY": "1",
        **s3_server.env(s3_bucket),
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
        env["CHANNELS_PREFIX"] = settings.CHANNELS_PREFIX + "-production-test"
    webs = [start("web", env, tmp_path / f"web{n}.log", name=f"web {n}") for n in (1, 2)]
    try:
        for web in webs:
            wait_ready(web)
        yield webs[0], webs[1]
    finally:
        for web in webs:
            web.stop()


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
    web: ServerProcess, session: requests.Session, team_id: int, title: str
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
