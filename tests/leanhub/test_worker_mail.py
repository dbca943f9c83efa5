"""The background worker, for real: its own process, the database queue, a real SMTP server.

* Killed with SIGKILL while it is sending an e-mail, the worker sends that e-mail exactly once
  when it comes back.
* The SMTP server is stopped (connections refused) while ideas change status; the worker keeps
  trying with backoff; when the server is back every e-mail arrives exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ideas import actions
from ideas.models import Idea, IdeaFollow
from leanhub import mail
from leanhub.models import OutgoingEmail
from tests.mail_helpers import SmtpServer, Worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

S = Idea.Status
Out = OutgoingEmail.Status


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.handler.stall = False
    server.stop()


@pytest.fixture
def workers(smtp, tmp_path) -> Iterator[tuple[list[Worker], Path]]:
    started: list[Worker] = []
    yield started, tmp_path / "worker.log"
    for worker in started:
        worker.stop()


def start(workers, smtp) -> Worker:
    started, log = workers
    worker = Worker(worker_env(smtp), log)
    started.append(worker)
    return worker


def rows() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.order_by("pk"))


def test_a_worker_killed_mid_send_sends_the_email_exactly_once_when_back(
    cast, team_a, smtp, workers
):
    log = workers[1]
    idea = Idea.objects.create(team=team_a, author=cast["sam"], title="Pre-fill", problem="Twice")
    smtp.handler.stall = True
    first = start(workers, smtp)
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    # The worker has connected and named the recipient; the message text is not sent yet.
    wait_for(smtp.handler.stalled.is_set, seconds=90, what="the worker sending", log=log)
    [row] = rows()
    assert (row.status, row.attempts) == (Out.PENDING, 1) and row.claimed_until is not None
    first.kill_9()
    smtp.handler.stall = False
    assert smtp.messages == []

    start(workers, smtp)
    wait_for(
        lambda: OutgoingEmail.objects.get(pk=row.pk).status == Out.SENT,
        seconds=120,
        what="the e-mail sent after the restart",
        log=log,
    )
    time.sleep(3)  # room for a second, wrong, delivery to show itself
    [message] = smtp.messages
    assert message["To"] == "sam@example.org"
    assert message["Message-ID"] == f"<outbox-{row.pk}@127.0.0.1>"
    assert "is now accepted" in message["Subject"]
    row.refresh_from_db()
    assert row.attempts == 2 and row.sent_at is not None


def test_every_email_arrives_exactly_once_after_the_smtp_server_was_down(
    cast, team_a, smtp, workers
):
    log = workers[1]
    smtp.stop()  # really down: the port refuses connections
    start(workers, smtp)
    ideas = [
        Idea.objects.create(team=team_a, author=cast["sam"], title=f"Idea {n}", problem="Slow")
        for n in range(3)
    ]
    IdeaFollow.objects.create(idea=ideas[0], user=cast["wendy"])
    for idea in ideas:
        actions.change_status(idea, to=S.UNDER_REVIEW, by=cast["lee"])
    actions.change_status(ideas[1], to=S.ACCEPTED, by=cast["lee"])
    expected = 5  # sam four times, wendy once
    assert len(rows()) == expected

    wait_for(
        lambda: all(r.attempts >= 1 and r.last_error for r in rows()),
        seconds=90,
        what="every e-mail tried while the server is down",
        log=log,
    )
    assert all(r.status == Out.PENDING for r in rows())
    state = mail.health()
    assert not state["ok"] and "Connection refused" in state["last_error"]
    time.sleep(5)  # the outage goes on while the worker retries

    smtp.start()
    wait_for(
        lambda: len(smtp.messages) >= expected and all(r.status == Out.SENT for r in rows()),
        seconds=150,
        what="every e-mail delivered after the outage",
        log=log,
    )
    time.sleep(3)  # room for a duplicate to show itself
    messages = smtp.messages
    assert len(messages) == expected
    assert len({m["Message-ID"] for m in messages}) == expected
    assert sorted(m["To"] for m in messages) == ["sam@example.org"] * 4 + ["wendy@example.org"]
    assert mail.health()["ok"]
