"""LeanHub run as production runs it, end to end in Chromium.

The Procfile's own command lines start two web processes (gunicorn), the ws process (uvicorn)
and the worker (django-q2), with production settings (DEBUG off, a secret key, allowed hosts),
on PostgreSQL and Redis, a local S3-compatible object store (moto's server), a real SMTP server
(aiosmtpd) and a real OpenID provider (tests/oidc). In front of each web process a small reverse
proxy sends /ws/ to the ws process and the rest to that web process, as the Procfile asks.

A newcomer signs in through the provider, raises an idea with a photo through the form; the
photo is in the bucket; the worker e-mails the team's lead, whose link (SITE_URL) opens the
idea in the browser; the lead watches the team's board through one web process while a card is
moved through the other, and sees it move.

It runs in the PostgreSQL + Redis run of scripts/test.sh (under CI=true both runs are made):
processes that share nothing but the services need Redis to carry a move from one to another,
and the in-memory channel layer of the SQLite run cannot.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from ideas.models import Idea, IdeaPhoto
from kaizen import actions as kaizen_actions
from kaizen.models import Card
from leanhub.models import Membership, OutgoingEmail, Role, User
from signon.models import SignOnRule
from tests.browser.conftest import DESKTOP, off_the_browser_thread
from tests.conftest import PASSWORD
from tests.ideas.pictures import image_bytes
from tests.mail_helpers import SmtpServer
from tests.oidc_provider import LoopbackProvider, start_provider
from tests.procfile_helpers import (
    RoutingProxy,
    ServerProcess,
    base_env,
    database_url,
    start,
    wait_ready,
    wait_until,
)
from tests.s3_helpers import S3Server

pytestmark = [
    pytest.mark.production,
    pytest.mark.skipif(
        not (settings.REDIS_URL and connection.vendor == "postgresql"),
        reason="runs in the PostgreSQL + Redis run (DATABASE_URL=postgres://…, REDIS_URL set, "
        "as scripts/test.sh does under CI=true): separate processes need Redis to share a "
        "card move",
    ),
]

PROVIDER_NAME = "Testshire ID"
READY_LINE = "LeanHub is ready: database, Redis and upload storage answer"


@dataclass
class Deployment:
    site: RoutingProxy  # SITE_URL: the proxy in front of web A
    other: RoutingProxy  # the proxy in front of web B
    web_a: ServerProcess
    web_b: ServerProcess
    ws: ServerProcess
    worker: ServerProcess
    smtp: SmtpServer
    provider: LoopbackProvider
    bucket: str

    @property
    def processes(self) -> list[ServerProcess]:
        return [self.web_a, self.web_b, self.ws, self.worker]

    def logs(self) -> str:
        return "\n".join(p.tail() for p in self.processes)


def _requests_logged(server: ServerProcess) -> list[dict]:
    return [json.loads(line) for line in server.log_lines() if line.startswith('{"')]


@pytest.fixture
def deployment(
    transactional_db, s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> Iterator[Deployment]:
    site, other = RoutingProxy(), RoutingProxy()
    smtp = SmtpServer()
    smtp.start()
    provider = start_provider(
        tmp_path,
        redirect_uris=[f"{proxy.url}/accounts/sign-on/callback/" for proxy in (site, other)],
        post_logout_redirect_uris=[f"{proxy.url}/accounts/login/" for proxy in (site, other)],
    )
    env = {
        **base_env(tmp_path),
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": site.url,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CHANNELS_PREFIX": settings.CHANNELS_PREFIX + "-production-run",
        **s3_server.env(s3_bucket),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_TIMEOUT": "10",
        "OIDC_PROVIDERS": "testshire",
        "OIDC_TESTSHIRE_NAME": PROVIDER_NAME,
        "OIDC_TESTSHIRE_ISSUER": provider.issuer,
        "OIDC_TESTSHIRE_CLIENT_ID": provider.settings_entry()["client_id"],
        "OIDC_TESTSHIRE_CLIENT_SECRET": provider.settings_entry()["client_secret"],
        "OIDC_TESTSHIRE_SCOPES": "openid email profile groups",
        "WEB_CONCURRENCY": "1",
        "WORKER_PROCESSES": "1",
        "WORKER_POLL_SECONDS": "0.2",
    }
    started: list[ServerProcess] = []
    try:
        for process, name in (
            ("web", "web A"),
            ("web", "web B"),
            ("ws", "ws"),
            ("worker", "worker"),
        ):
            log = tmp_path / f"{name.replace(' ', '-')}.log"
            started.append(start(process, env, log, name=name))
        web_a, web_b, ws, worker = started
        site.web_port, site.ws_port = web_a.port, ws.port
        other.web_port, other.ws_port = web_b.port, ws.port
        for server in (web_a, web_b, ws):
            wait_ready(server)
        yield Deployment(site, other, web_a, web_b, ws, worker, smtp, provider, s3_bucket)
    finally:
        for server in started:
            server.stop()
        for proxy in (site, other):
            proxy.stop()
        provider.stop()
        smtp.stop()


def _to(message: EmailMessage, address: str) -> bool:
    return message["To"] == address


def test_a_newcomer_raises_an_idea_the_lead_hears_and_the_board_moves_across_processes(
    deployment: Deployment, new_page, s3_server: S3Server, org_a, team_a, lee
):
    d = deployment
    # Every process said at start-up that what it needs answers.
    for server in d.processes:
        assert READY_LINE in server.log_text(), server.tail()
    assert "the e-mail server accepts connections" in d.worker.log_text(), d.worker.tail()
    SignOnRule.objects.create(
        organisation=org_a, claim="groups", value="jcp-leads", role=Role.LEAD, team=team_a
    )

    # --- Sign in through the provider, in Chromium, on web A ---------------------------------
    alice = new_page(DESKTOP)
    alice.set_default_timeout(20_000)
    alice.goto(f"{d.site.url}/")
    expect(alice).to_have_url(re.compile(r"/accounts/login/"))
    alice.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(alice).to_have_url(re.compile(re.escape(d.provider.issuer) + "/interaction/"))
    alice.locator("input[name=login]").fill("alice")
    alice.locator("input[name=password]").fill("any")
    alice.get_by_role("button", name="Sign-in").click()
    expect(alice).to_have_url(f"{d.site.url}/")
    expect(alice.get_by_role("navigation", name="Main")).to_be_visible()
    newcomer = User.objects.get(email="alice@jcp.example.gov.uk")
    assert Membership.objects.get(user=newcomer).team == team_a

    # --- Raise an idea with a photo through the form ------------------------------------------
    title = "Pre-fill the address from the first screen"
    alice.goto(f"{d.site.url}/ideas/new/")
    expect(alice.get_by_role("heading", level=1)).to_have_text("Raise an idea")
    alice.get_by_label("Title").fill(title)
    alice.get_by_label("What is the problem now?").fill("Customers give their address three times.")
    alice.get_by_label("Photos").set_input_files(
        {"name": "counter.png", "mimeType": "image/png", "buffer": image_bytes("PNG", (120, 90))}
    )
    alice.get_by_role("button", name="Send my idea").click()
    expect(alice).to_have_url(re.compile(re.escape(d.site.url) + r"/ideas/\d+/$"))
    expect(alice.get_by_role("heading", level=1)).to_have_text(title)
    idea = Idea.objects.get(title=title)
    assert (idea.author, idea.team) == (newcomer, team_a)

    # The photo is in the bucket, and the page shows it as read back from there.
    photo = IdeaPhoto.objects.get(idea=idea)
    kept = s3_server.client().get_object(Bucket=d.bucket, Key=photo.file_name("display"))
    assert kept["Body"].read()[:8] == b"\x89PNG\r\n\x1a\n"
    expect(alice.get_by_role("img", name="Photo 1 of the idea")).to_be_visible()
    alice.wait_for_function(
        "() => { const img = document.querySelector('.photo-grid img');"
        " return !!img && img.complete && img.naturalWidth > 0; }"
    )

    # --- The worker e-mails the lead; the link opens the idea ---------------------------------
    wait_until(
        lambda: any(_to(m, "lee@example.org") for m in d.smtp.messages),
        seconds=60,
        what="the lead's e-mail at the SMTP server",
        watch=d.processes,
    )
    [told] = [m for m in d.smtp.messages if _to(m, "lee@example.org")]
    assert title in told["Subject"]
    body = told.get_body(preferencelist=("plain",))
    assert body is not None
    links = re.findall(r"https?://\S+/ideas/\d+/", body.get_content())
    assert links == [f"{d.site.url}{idea.get_absolute_url()}"]
    assert OutgoingEmail.objects.get(recipient=lee, sent_at__isnull=False).attempts == 1

    lead = new_page(DESKTOP)
    lead.set_default_timeout(20_000)
    lead.goto(links[0])  # as if clicked in a mail client: not signed in yet
    expect(lead).to_have_url(re.compile(r"/accounts/login/\?next="))
    lead.get_by_label("Username").fill("lee")
    lead.get_by_label("Password").fill(PASSWORD)
    lead.get_by_role("button", name="Sign in").click()
    expect(lead).to_have_url(links[0])
    expect(lead.get_by_role("heading", level=1)).to_have_text(title)
    expect(lead.get_by_role("img", name="Photo 1 of the idea")).to_be_visible()
    lead.wait_for_function(
        "() => { const img = document.querySelector('.photo-grid img');"
        " return !!img && img.complete && img.naturalWidth > 0; }"
    )

    # --- A card moved through web B reaches the lead watching through web A -------------------
    board = off_the_browser_thread(kaizen_actions.ensure_team_board, team_a)
    columns = {c.name: c for c in board.columns.all()}
    card = off_the_browser_thread(
        kaizen_actions.create_card, board, title="Text reminders", column=columns["Plan"], by=lee
    )
    lead.goto(f"{d.site.url}{board.get_absolute_url()}")
    expect(lead.locator(f"#column-{columns['Plan'].pk} #card-{card.pk}")).to_be_visible()
    # The viewers list arrives over the board's socket (through the ws process): we are live.
    expect(lead.locator(f"#board-viewers-{board.pk}")).to_contain_text("Lee")
    lead.wait_for_load_state("networkidle")

    # The newcomer moves it on the move form's own page, served by web B.
    alice.goto(f"{d.other.url}/kaizen/cards/{card.pk}/move/")
    alice.get_by_label("Column").select_option(label="Do")
    alice.get_by_role("button", name="Move").click()
    alice.wait_for_load_state()

    expect(lead.locator(f"#column-{columns['Do'].pk} #card-{card.pk}")).to_be_attached(
        timeout=20_000
    )
    expect(lead.locator(f"#column-{columns['Plan'].pk} #card-{card.pk}")).to_have_count(0)
    assert Card.objects.get(pk=card.pk).column == columns["Do"]

    move = f"/kaizen/cards/{card.pk}/move/"
    moved_on = {
        server.name
        for server in (d.web_a, d.web_b)
        for entry in _requests_logged(server)
        if entry.get("path") == move and entry.get("method") == "POST"
    }
    assert moved_on == {"web B"}, d.logs()
    board_pages = {
        server.name
        for server in (d.web_a, d.web_b)
        for entry in _requests_logged(server)
        if entry.get("path") == board.get_absolute_url() and entry.get("user_id") == lee.pk
    }
    assert board_pages == {"web A"}, d.logs()
    # Nobody saw a server error, and no process logged one.
    for server in d.processes:
        entries = _requests_logged(server)
        assert all(e.get("status", 200) < 500 for e in entries), server.tail()
        assert not [e for e in entries if e["level"] in {"ERROR", "CRITICAL"}], server.tail()
