"""Bad configuration, as an IT team might get it wrong on the day: the sign-on provider's URL does
not answer, the upload bucket does not exist, the SMTP server refuses connections. The Procfile's
web process and worker start anyway and say so plainly at start-up; /readyz names each fault;
and a person meets a page that says what is wrong, never a 500."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from django.conf import settings
from django.test import Client

from ideas.models import Idea
from leanhub.models import OutgoingEmail, User
from tests.ideas.pictures import image_bytes
from tests.procfile_helpers import (
    ServerProcess,
    base_env,
    database_url,
    readyz,
    start,
    wait_until,
)
from tests.redis_helpers import free_port
from tests.s3_helpers import S3Server

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]


@dataclass
class Misconfigured:
    web: ServerProcess
    worker: ServerProcess
    bucket: str
    smtp_port: int
    issuer: str


@pytest.fixture
def misconfigured(transactional_db, s3_server: S3Server, tmp_path) -> Iterator[Misconfigured]:
    bucket = f"leanhub-missing-{uuid.uuid4().hex[:8]}"  # never created
    smtp_port = free_port()  # nothing listens: connections are refused
    issuer = f"http://127.0.0.1:{free_port()}/realms/staff"  # nothing answers
    env = {
        **base_env(tmp_path),
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "WEB_CONCURRENCY": "1",
        **s3_server.env(bucket),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "5",
        "OIDC_PROVIDERS": "testshire",
        "OIDC_TESTSHIRE_NAME": "Testshire ID",
        "OIDC_TESTSHIRE_ISSUER": issuer,
        "OIDC_TESTSHIRE_CLIENT_ID": "leanhub",
        "OIDC_TESTSHIRE_CLIENT_SECRET": "secret",
        "OIDC_TIMEOUT": "3",
        "WORKER_PROCESSES": "1",
        "WORKER_POLL_SECONDS": "0.2",
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
        env["CHANNELS_PREFIX"] = settings.CHANNELS_PREFIX + "-misconfigured"
    web = start("web", env, tmp_path / "web.log")
    worker = start("worker", env, tmp_path / "worker.log")
    try:
        wait_until(lambda: readyz(web) is not None, seconds=90, what="web listening", watch=[web])
        yield Misconfigured(web, worker, bucket, smtp_port, issuer)
    finally:
        web.stop()
        worker.stop()


def _signed_in(user: User) -> requests.Session:
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return session


def _raise_idea(web: ServerProcess, session: requests.Session, team_id: int, title: str, **files):
    form = session.get(f"{web.url}/ideas/new/", timeout=20)
    assert form.status_code == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert csrf and token
    data = {
        "csrfmiddlewaretoken": csrf.group(1),
        "title": title,
        "problem": "Customers give their address three times.",
        "team": str(team_id),
        "kind": "improvement",
        "token": token.group(1),
    }
    return session.post(
        f"{web.url}/ideas/new/", data=data, files=files, allow_redirects=False, timeout=30
    )


def test_bad_configuration_is_said_plainly_and_never_a_500(misconfigured, sam, lee, team_a):
    m = misconfigured
    web, worker = m.web, m.worker

    # --- At start-up: each process says what is wrong, and starts anyway ---------------------
    assert (
        f"LeanHub is not ready: storage: The storage bucket {m.bucket} does not exist."
        in web.log_text()
    ), web.tail()
    wait_until(
        lambda: "'testshire' does not answer" in web.log_text(),
        seconds=30,
        what="the start-up warning about the sign-on provider",
        watch=[web],
    )
    [warning] = [
        json.loads(line)
        for line in web.log_lines()
        if line.startswith("{") and "'testshire' does not answer" in line
    ][:1]
    assert warning["level"] == "WARNING" and warning["logger"] == "leanhub.startup"
    assert m.issuer in warning["message"] and "OIDC_TESTSHIRE_ISSUER" in warning["message"]
    wait_until(
        lambda: "LeanHub is not ready: mail: The e-mail server" in worker.log_text(),
        seconds=60,
        what="the worker's start-up report about the SMTP server",
        watch=[worker],
    )
    assert f"The e-mail server 127.0.0.1:{m.smtp_port} refused" in worker.log_text()
    assert "Connection refused" in worker.log_text()

    # --- /readyz names the missing bucket; /healthz says the process is alive ----------------
    answer = readyz(web)
    assert answer is not None and answer.status_code == 503
    checks = answer.json()["checks"]
    assert checks["storage"] == f"The storage bucket {m.bucket} does not exist."
    assert checks["database"] == "ok" and checks["mail"] == "ok"
    assert requests.get(f"{web.url}/healthz", timeout=10).status_code == 200

    # --- A person meets a plain page, never a 500 ---------------------------------------------
    login = requests.get(f"{web.url}/accounts/login/", timeout=20)
    assert login.status_code == 200 and "Sign in with Testshire ID" in login.text
    provider_down = requests.get(f"{web.url}/accounts/sign-on/testshire/", timeout=30)
    assert provider_down.status_code == 503
    assert "Your sign-in provider is not answering" in provider_down.text

    sams = _signed_in(sam)
    with_photo = _raise_idea(
        web,
        sams,
        team_a.pk,
        "With a photo, while the bucket is missing",
        photos=("counter.png", image_bytes("PNG", (64, 48)), "image/png"),
    )
    assert with_photo.status_code == 503
    assert "cannot reach its file store" in with_photo.text
    assert not Idea.objects.exists()

    # Without a photo the idea is raised; its e-mail to the lead waits in the outbox while the
    # SMTP server refuses, and /readyz says e-mail is not going out (without calling the web
    # process unready for it: people are still served).
    without = _raise_idea(web, sams, team_a.pk, "Without a photo")
    assert without.status_code == 302
    assert Idea.objects.get().title == "Without a photo"
    wait_until(
        lambda: OutgoingEmail.objects.filter(recipient=lee, attempts__gte=1).exists(),
        seconds=60,
        what="the worker's first try at the lead's e-mail",
        watch=[worker],
    )
    answer = readyz(web)
    assert answer is not None
    mail_check = answer.json()["checks"]["mail"]
    assert mail_check.startswith("E-mail is not going out") and "Connection refused" in mail_check
    assert OutgoingEmail.objects.get(recipient=lee).status == OutgoingEmail.Status.PENDING

    entries = [json.loads(line) for line in web.log_lines() if line.startswith("{")]
    statuses = [e["status"] for e in entries if "status" in e]
    assert 503 in statuses and 500 not in statuses, web.tail()
