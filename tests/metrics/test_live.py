"""Live dashboards: sockets join only dashboards the policy lets them see, and receive the
savings tile after a verification commits."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from leanhub.asgi import application
from metrics import actions

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _socket(path: str, user=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        cookie = await database_sync_to_async(_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def test_the_managers_dashboard_tile_updates_when_a_saving_is_verified(
    maya, dev, claimed, site_a1
):
    socket = await _socket(f"/ws/metrics/site/{site_a1.pk}/", maya)
    connected, _ = await socket.connect()
    assert connected
    await database_sync_to_async(actions.verify_saving)(claimed, expected_version=1, by=dev)
    html = await socket.receive_from(timeout=5)
    assert 'id="savings-tile"' in html and 'hx-swap-oob="true"' in html
    assert "£12,000" in html
    await socket.disconnect()


@pytest.mark.parametrize(("who", "kind", "fixture"), [
    ("grace", "site", "site_a1"), ("sam", "site", "site_a1"), ("pat", "team", "team_a"),
    ("dev", "all", None),
])  # fmt: skip
async def test_a_socket_for_someone_elses_dashboard_is_refused(request, cast, who, kind, fixture):
    obj = request.getfixturevalue(fixture) if fixture else None
    socket = await _socket(f"/ws/metrics/{kind}/{obj.pk if obj else 0}/", cast[who])
    connected, code = await socket.connect()
    assert not connected and code == 4403


async def test_an_anonymous_dashboard_socket_is_refused(site_a1):
    socket = await _socket(f"/ws/metrics/site/{site_a1.pk}/")
    connected, code = await socket.connect()
    assert not connected and code == 4401
