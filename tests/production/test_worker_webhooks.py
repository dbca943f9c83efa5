"""Webhooks delivered by the real worker: the Procfile's worker process (django-q2, production
settings) against the test database, and a real HTTP receiver on loopback. An event written in
one process is delivered, signed, by the other, soon after it happens (the queued job, not only
the every-minute schedule); a receiver that fails is tried again by the worker once the retry is
due, with the same event id, and each try is logged on the delivery's row."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import timezone

from api import delivery, webhooks
from api.webhook_models import WebhookDelivery
from ideas import actions as idea_actions
from ideas.models import Idea
from leanhub import events
from tests.procfile_helpers import ServerProcess, base_env, database_url, start, wait_until
from tests.webhook_helpers import Receiver

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]

D = WebhookDelivery.Status


@dataclass
class Running:
    worker: ServerProcess
    receiver: Receiver


@pytest.fixture
def running(transactional_db, tmp_path) -> Iterator[Running]:
    receiver = Receiver()
    receiver.start()
    env = {
        **base_env(tmp_path),
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "WORKER_PROCESSES": "1",
        "WORKER_POLL_SECONDS": "0.2",
        # The receiver listens on loopback, which LeanHub refuses unless allowed.
        "WEBHOOKS_ALLOW_PRIVATE": "1",
        "WEBHOOKS_TIMEOUT": "5",
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
        env["CHANNELS_PREFIX"] = settings.CHANNELS_PREFIX + "-webhooks"
    worker = start("worker", env, tmp_path / "worker.log")
    try:
        yield Running(worker, receiver)
    finally:
        worker.stop()
        receiver.stop()


def _row(pk: int) -> WebhookDelivery:
    return WebhookDelivery.objects.get(pk=pk)


def test_the_worker_delivers_signed_events_and_retries_a_failure(running, cast, org_a, team_a):
    worker, receiver = running.worker, running.receiver
    receiver.statuses = [503, 200]  # the first try fails, the next succeeds
    subscription = webhooks.create_subscription(
        org_a,
        name="Case system",
        url=receiver.url,
        kinds=[events.IDEA_STATUS_CHANGED],
        by=cast["dev"],
    ).subscription
    idea = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the form", problem="x", hide_name=True
    )

    # A lead accepts the idea in this process; the worker process delivers the event.
    idea_actions.change_status(idea, to=Idea.Status.ACCEPTED, by=cast["lee"])
    [row] = WebhookDelivery.objects.all()
    wait_until(
        lambda: _row(row.pk).attempts >= 1 and _row(row.pk).claimed_until is None,
        seconds=60,
        what="the worker's first try at the webhook",
        watch=[worker],
    )
    first = _row(row.pk)
    assert (first.status, first.response_code) == (D.PENDING, 503), worker.tail()
    assert "503" in first.last_error
    # Due again after the first wait of the backoff, not at once.
    assert first.next_attempt_at is not None
    wait = (first.next_attempt_at - first.last_attempt_at).total_seconds()
    assert wait == delivery.BACKOFF[0].total_seconds()
    assert len(receiver.received) == 1

    # The retry falls due (as it would a minute later) and the worker is asked to look: it
    # delivers the same event again, and the row says it succeeded.
    WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    delivery.request_delivery()
    wait_until(
        lambda: _row(row.pk).status == D.SUCCEEDED,
        seconds=60,
        what="the worker's retry of the webhook",
        watch=[worker],
    )
    done = _row(row.pk)
    assert (done.attempts, done.response_code, done.next_attempt_at) == (2, 200, None)
    assert done.duration_ms is not None

    assert len(receiver.received) == 2
    ids = {r.headers["leanhub-event-id"] for r in receiver.received}
    assert ids == {str(row.event_id)}
    got = receiver.received[-1]
    assert delivery.verify(
        subscription.secret, got.headers["leanhub-signature"], got.body, now=time.time()
    )
    payload = json.loads(got.body)
    assert payload["type"] == events.IDEA_STATUS_CHANGED
    assert payload["data"]["idea"]["id"] == idea.pk
    assert payload["data"]["idea"]["author"] == "the person who raised it"
    assert "Sam" not in got.body.decode()
