"""Webhooks, delivered for real to an HTTP receiver on loopback: signed, retried with backoff,
logged; never to a private address unless allowed; never naming who hid their name; only to
the organisations that may see the thing."""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from api import delivery, webhooks
from api.webhook_models import WebhookDelivery, WebhookSubscription
from ideas import actions as idea_actions
from ideas.models import Idea
from kaizen import actions as kaizen_actions
from leanhub import events
from metrics import actions as metrics_actions
from metrics.models import Saving
from tests.webhook_helpers import Receiver

S = Idea.Status
D = WebhookDelivery.Status


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def loopback_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def subscribe(organisation, url, kinds=events.KINDS, *, by) -> WebhookSubscription:
    return webhooks.create_subscription(
        organisation, name="Receiver", url=url, kinds=list(kinds), by=by
    ).subscription


def accept(idea, by, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        idea_actions.change_status(idea, to=S.ACCEPTED, by=by)


def test_a_status_change_is_delivered_signed_and_without_a_hidden_name(
    cast, org_a, team_a, receiver, loopback_allowed, django_capture_on_commit_callbacks
):
    subscription = subscribe(org_a, receiver.url, [events.IDEA_STATUS_CHANGED], by=cast["dev"])
    idea = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the form", problem="x", hide_name=True
    )
    accept(idea, cast["lee"], django_capture_on_commit_callbacks)
    [row] = WebhookDelivery.objects.all()
    assert (row.status, row.kind, row.attempts) == (D.PENDING, events.IDEA_STATUS_CHANGED, 0)

    assert delivery.deliver_due() == 1
    [got] = receiver.received
    assert got.path == "/hooks/leanhub"
    assert delivery.verify(
        subscription.secret, got.headers["leanhub-signature"], got.body, now=time.time()
    )
    assert not delivery.verify("whsec_wrong", got.headers["leanhub-signature"], got.body, now=0)
    assert got.headers["leanhub-event"] == events.IDEA_STATUS_CHANGED
    assert got.headers["leanhub-event-id"] == str(row.event_id)
    payload = json.loads(got.body)
    assert payload["type"] == events.IDEA_STATUS_CHANGED
    assert payload["organisation"]["slug"] == org_a.slug
    assert payload["data"]["idea"]["id"] == idea.pk
    assert (payload["data"]["from"], payload["data"]["to"]) == (S.NEW, S.ACCEPTED)
    assert payload["data"]["idea"]["author"] == "the person who raised it"
    assert "Sam" not in got.body.decode()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.response_code) == (D.SUCCEEDED, 1, 200)
    assert row.duration_ms is not None and row.last_attempt_at is not None
    assert delivery.deliver_due() == 0 and len(receiver.received) == 1  # delivered once


def test_an_idea_not_shared_goes_only_to_its_own_organisation(
    cast, org_a, org_b, team_a, receiver, loopback_allowed, django_capture_on_commit_callbacks
):
    ours = subscribe(org_a, receiver.url, by=cast["dev"])
    theirs = subscribe(org_b, receiver.url, by=cast["grace"])
    private = Idea.objects.create(team=team_a, author=cast["sam"], title="Ours", problem="x")
    shared = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Shared", problem="x", shared_with_partners=True
    )
    accept(private, cast["lee"], django_capture_on_commit_callbacks)
    assert list(WebhookDelivery.objects.values_list("subscription", flat=True)) == [ours.pk]
    accept(shared, cast["lee"], django_capture_on_commit_callbacks)
    assert sorted(
        WebhookDelivery.objects.filter(payload__data__idea__id=shared.pk).values_list(
            "subscription", flat=True
        )
    ) == sorted([ours.pk, theirs.pk])
    # The author did not hide their name here: it is given.
    assert WebhookDelivery.objects.filter(payload__data__idea__author="Sam").exists()


def test_only_chosen_events_of_active_subscriptions_are_written(
    cast, org_a, team_a, receiver, loopback_allowed, django_capture_on_commit_callbacks
):
    subscribe(org_a, receiver.url, [events.CARD_MOVED], by=cast["dev"])
    paused = subscribe(org_a, receiver.url, [events.IDEA_STATUS_CHANGED], by=cast["dev"])
    webhooks.set_active(paused, active=False, by=cast["dev"])
    idea = Idea.objects.create(team=team_a, author=cast["sam"], title="Ours", problem="x")
    accept(idea, cast["lee"], django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.exists()


def test_a_card_moved_and_a_saving_verified_are_delivered(
    cast, org_a, team_a, receiver, loopback_allowed, django_capture_on_commit_callbacks
):
    subscribe(org_a, receiver.url, [events.CARD_MOVED, events.SAVING_VERIFIED], by=cast["dev"])
    board = kaizen_actions.ensure_team_board(team_a)
    first, second = board.columns.order_by("position")[:2]
    card = kaizen_actions.create_card(
        board, title="Shorter form", column=first, owners=[cast["lee"]], by=cast["lee"]
    )
    saving = metrics_actions.claim_saving(
        team_a,
        fields={
            "title": "Fewer call-backs",
            "kind": Saving.Kind.CASHABLE,
            "amount": Decimal("1200"),
            "recurrence": Saving.Recurrence.RECURRING,
            "start_date": timezone.localdate(),
            "stage": Saving.Stage.REALISED,
            "invested_by": org_a,
            "benefits": org_a,
            "evidence": "Counted.",
        },
        by=cast["lee"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        kaizen_actions.move_card(
            card, to=second, position=0, expected_version=card.version, by=cast["lee"]
        )
        metrics_actions.verify_saving(saving, expected_version=saving.version, by=cast["maya"])
    assert delivery.deliver_due() == 2
    kinds = {json.loads(r.body)["type"]: json.loads(r.body)["data"] for r in receiver.received}
    assert kinds[events.CARD_MOVED]["card"]["id"] == card.pk
    assert kinds[events.CARD_MOVED]["to_column"] == {"id": second.pk, "name": second.name}
    assert kinds[events.SAVING_VERIFIED]["saving"]["amount"] == "1200.00"
    assert kinds[events.SAVING_VERIFIED]["saving"]["status"] == Saving.Status.VERIFIED


def test_failures_are_retried_with_backoff_then_given_up(cast, org_a, receiver, loopback_allowed):
    receiver.statuses = [500]
    subscription = subscribe(org_a, receiver.url, by=cast["dev"])
    row = delivery.queue_ping(subscription)
    t0 = timezone.now()
    waits = [w.total_seconds() for w in delivery.BACKOFF]
    now = t0
    for n, wait in enumerate(waits, start=1):
        assert delivery.deliver_due(now=now) == 0
        row.refresh_from_db()
        assert (row.status, row.attempts, row.response_code) == (D.PENDING, n, 500)
        assert row.next_attempt_at == now + datetime.timedelta(seconds=wait)
        assert "500" in row.last_error
        # Not due a moment before its time.
        assert delivery.deliver_due(now=row.next_attempt_at - datetime.timedelta(seconds=1)) == 0
        now = row.next_attempt_at
    assert delivery.deliver_due(now=now) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == (D.FAILED, 6, None)
    assert len(receiver.received) == 6

    # Retry now: one more try, which succeeds.
    receiver.statuses = [204]
    webhooks.retry(row, by=cast["dev"])
    assert delivery.deliver_due() == 1
    row.refresh_from_db()
    assert (row.status, row.response_code) == (D.SUCCEEDED, 204)


def test_a_receiver_that_recovers_gets_the_event_on_the_next_try(
    cast, org_a, receiver, loopback_allowed
):
    receiver.statuses = [503, 200]
    row = delivery.queue_ping(subscribe(org_a, receiver.url, by=cast["dev"]))
    now = timezone.now()
    delivery.deliver_due(now=now)
    assert delivery.deliver_due(now=now + datetime.timedelta(minutes=1)) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (D.SUCCEEDED, 2)
    bodies = {r.headers["leanhub-event-id"] for r in receiver.received}
    assert bodies == {str(row.event_id)}  # the same event id on every try


def test_a_slow_receiver_times_out_and_a_redirect_is_not_followed(
    cast, org_a, receiver, loopback_allowed, settings
):
    settings.WEBHOOKS_TIMEOUT = 0.3
    receiver.delay = 1
    row = delivery.queue_ping(subscribe(org_a, receiver.url, by=cast["dev"]))
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.status == D.PENDING and "timed out" in row.last_error.lower()
    receiver.delay = 0
    receiver.statuses = [302]
    receiver.location = "http://127.0.0.1:1/elsewhere"
    delivery.deliver_due(now=timezone.now() + datetime.timedelta(minutes=2))
    row.refresh_from_db()
    assert (row.status, row.response_code) == (D.PENDING, 302)
    assert [r.path for r in receiver.received] == ["/hooks/leanhub", "/hooks/leanhub"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://localhost:{port}/",
        "http://0.0.0.0:{port}/",
    ],
)
def test_private_and_loopback_addresses_are_refused(cast, org_a, receiver, url):
    url = url.format(port=receiver.port)
    with pytest.raises(delivery.Refused):
        delivery.resolve(url)
    row = delivery.queue_ping(subscribe(org_a, url, by=cast["dev"]))
    assert delivery.deliver_due() == 0
    row.refresh_from_db()
    assert row.status == D.REFUSED and "private" in row.last_error
    assert receiver.received == []


def test_other_schemes_and_unknown_hosts_are_refused():
    for url in ("ftp://example.org/", "file:///etc/passwd", "http://no-such-host.invalid/"):
        with pytest.raises(delivery.Refused):
            delivery.resolve(url)


def test_a_public_address_passes_and_the_checked_address_is_the_one_used():
    target = delivery.resolve("https://93.184.215.14:8443/in?x=1")
    assert (target.scheme, target.address, target.port, target.path) == (
        "https",
        "93.184.215.14",
        8443,
        "/in?x=1",
    )


def test_an_administrator_may_allow_one_subscription_or_a_network(cast, org_a, receiver, settings):
    subscription = subscribe(org_a, receiver.url, by=cast["dev"])
    with pytest.raises(Exception, match="administrator"):
        webhooks.update_subscription(
            subscription,
            name="R",
            url=receiver.url,
            kinds=subscription.events,
            allow_private=True,
            by=cast["dev"],
        )
    webhooks.update_subscription(
        subscription,
        name="R",
        url=receiver.url,
        kinds=subscription.events,
        allow_private=True,
        by=cast["ada"],
    )
    delivery.queue_ping(subscription)
    assert delivery.deliver_due() == 1

    other = subscribe(org_a, receiver.url, by=cast["dev"])
    settings.WEBHOOKS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    delivery.queue_ping(other)
    assert delivery.deliver_due() == 1
    assert len(receiver.received) == 2


# --- The pages -----------------------------------------------------------------------------


def list_url(org) -> str:
    return reverse("webhooks:list", args=[org.slug])


def test_a_manager_adds_a_webhook_and_sees_its_secret_once(client, cast, org_a):
    client.force_login(cast["dev"])
    response = client.post(
        list_url(org_a),
        {"name": "Case system", "url": "https://hooks.example.org/in", "events": ["card.moved"]},
    )
    assert response.status_code == 201
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret in response.content.decode()
    assert (subscription.events, subscription.created_by) == (["card.moved"], cast["dev"])
    page = client.get(list_url(org_a)).content.decode()
    assert "Case system" in page and "https://hooks.example.org/in" in page
    assert subscription.secret not in page
    detail = reverse("webhooks:detail", args=[org_a.slug, subscription.pk])
    assert subscription.secret not in client.get(detail).content.decode()


def test_bad_input_is_refused_and_changes_nothing(client, cast, org_a):
    client.force_login(cast["dev"])
    for data in (
        {"name": "X", "url": "ftp://hooks.example.org/", "events": ["card.moved"]},
        {"name": "X", "url": "https://hooks.example.org/", "events": ["everything"]},
        {"name": "X", "url": "https://hooks.example.org/"},
        {"name": "", "url": "not a url", "events": ["card.moved"]},
    ):
        assert client.post(list_url(org_a), data).status_code == 400
    # A manager who is not an administrator cannot allow private addresses by sending the field.
    client.post(
        list_url(org_a),
        {
            "name": "X",
            "url": "https://hooks.example.org/",
            "events": ["card.moved"],
            "allow_private": "on",
        },
    )
    assert list(WebhookSubscription.objects.values_list("allow_private", flat=True)) == [False]


def test_who_may_open_the_webhook_pages(client, cast, org_a):
    url = list_url(org_a)
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(cast["grace"])  # a manager of another organisation
    assert client.get(url).status_code == 404
    client.force_login(cast["lee"])  # sees the organisation, does not manage it
    assert client.get(url).status_code == 403
    client.force_login(cast["ada"])
    assert client.get(url).status_code == 200
    assert client.put(url).status_code == 405


def test_the_log_shows_each_delivery_and_the_buttons_work(
    client, cast, org_a, receiver, loopback_allowed
):
    subscription = subscribe(org_a, receiver.url, by=cast["dev"])
    client.force_login(cast["dev"])
    base = [org_a.slug, subscription.pk]
    assert client.post(reverse("webhooks:ping", args=base)).status_code == 302
    receiver.statuses = [418]
    delivery.deliver_due()
    row = WebhookDelivery.objects.get()
    page = client.get(reverse("webhooks:detail", args=base)).content.decode()
    assert "ping" in page and "418" in page and "Retry delivery" in page

    receiver.statuses = [200]
    client.post(reverse("webhooks:retry", args=[*base, row.pk]))
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.status == D.SUCCEEDED

    old = subscription.secret
    response = client.post(reverse("webhooks:rotate", args=base))
    subscription.refresh_from_db()
    assert subscription.secret != old and subscription.secret in response.content.decode()

    client.post(reverse("webhooks:active", args=base), {"active": "0"})
    subscription.refresh_from_db()
    assert not subscription.active
    client.post(reverse("webhooks:delete", args=base))
    assert not WebhookSubscription.objects.exists() and not WebhookDelivery.objects.exists()


def test_another_organisations_subscription_is_not_found(client, cast, org_a, org_b):
    theirs = subscribe(org_b, "https://hooks.example.org/", by=cast["grace"])
    client.force_login(cast["dev"])
    for name in ("detail", "ping", "rotate", "delete"):
        for slug in (org_a.slug, org_b.slug):
            url = reverse(f"webhooks:{name}", args=[slug, theirs.pk])
            assert client.post(url).status_code == 404
    assert WebhookSubscription.objects.filter(pk=theirs.pk).exists()
