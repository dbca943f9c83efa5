"""Live dashboards: sockets join only dashboards the policy lets them see, and hear that their
savings changed once a verification commits (never for a change that rolled back)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import transaction
from django.urls import reverse

from metrics import actions
from tests.channels_helpers import socket_for

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_the_managers_dashboard_hears_of_a_verified_saving_only_after_commit(
    maya, dev, claimed, site_a1
):
    socket = await socket_for(f"/ws/metrics/site/{site_a1.pk}/", maya)
    connected, _ = await socket.connect()
    assert connected

    def verify_and_listen_before_commit() -> bool:
        with transaction.atomic():
            actions.verify_saving(claimed, expected_version=1, by=dev)
            return async_to_sync(socket.receive_nothing)(timeout=0.3)

    # Off the shared sync thread: the consumer needs that thread to relay a message, so a
    # broadcast sent before commit would otherwise wait unseen until this returned.
    nothing_before_commit = await database_sync_to_async(
        verify_and_listen_before_commit, thread_sensitive=False
    )()
    assert nothing_before_commit
    html = await socket.receive_from(timeout=5)
    assert 'id="savings-changed"' in html and 'data-hx-swap-oob="true"' in html
    tile_url = reverse("metrics:savings-tile", args=["site", site_a1.pk])
    assert f'data-hx-get="{tile_url}"' in html and 'data-hx-trigger="load"' in html
    await socket.disconnect()


async def test_nothing_is_heard_when_the_change_rolls_back(maya, dev, claimed, site_a1):
    socket = await socket_for(f"/ws/metrics/site/{site_a1.pk}/", maya)
    connected, _ = await socket.connect()
    assert connected

    def verify_then_roll_back() -> None:
        with transaction.atomic():
            actions.verify_saving(claimed, expected_version=1, by=dev)
            transaction.set_rollback(True)

    await database_sync_to_async(verify_then_roll_back)()
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


@pytest.mark.parametrize(("who", "kind", "fixture"), [
    ("grace", "site", "site_a1"), ("sam", "site", "site_a1"), ("pat", "team", "team_a"),
    ("dev", "all", None),
])  # fmt: skip
async def test_a_socket_for_someone_elses_dashboard_is_refused(request, cast, who, kind, fixture):
    obj = request.getfixturevalue(fixture) if fixture else None
    socket = await socket_for(f"/ws/metrics/{kind}/{obj.pk if obj else 0}/", cast[who])
    connected, code = await socket.connect()
    assert not connected and code == 4403


async def test_an_anonymous_dashboard_socket_is_refused(site_a1):
    socket = await socket_for(f"/ws/metrics/site/{site_a1.pk}/")
    connected, code = await socket.connect()
    assert not connected and code == 4401
