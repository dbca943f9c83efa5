from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from leanhub.models import Role
from signon.models import SignOnRule
from signon.providers import forget_discovery
from tests.oidc_provider import LoopbackProvider, sign_in_at_provider, start_provider

CALLBACK = "http://testserver/accounts/sign-on/callback/"
AFTER_LOGOUT = "http://testserver/accounts/login/"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> Iterator[LoopbackProvider]:
    provider = start_provider(
        tmp_path_factory.mktemp("oidc"),
        redirect_uris=[CALLBACK],
        post_logout_redirect_uris=[AFTER_LOGOUT],
    )
    yield provider
    provider.stop()


@pytest.fixture
def signon_settings(settings, oidc_provider) -> Iterator[LoopbackProvider]:
    """LeanHub configured with the test provider, as OIDC_PROVIDERS=test would."""
    settings.SIGNON_PROVIDERS = [oidc_provider.settings_entry()]
    forget_discovery()
    yield oidc_provider
    forget_discovery()


@pytest.fixture
def jcp_leads_rule(org_a, team_a) -> SignOnRule:
    return SignOnRule.objects.create(
        organisation=org_a, claim="groups", value="jcp-leads", role=Role.LEAD, team=team_a
    )


def sign_in(
    client, provider: LoopbackProvider, login: str, *, key: str = "test", next_url: str = ""
):
    """The whole round trip: LeanHub's button, the provider's form, back to LeanHub."""
    start = reverse("signon-start", args=[key]) + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302, response.content.decode()[:500]
    callback = sign_in_at_provider(provider, response.url, login)
    assert callback.startswith(CALLBACK), callback
    return client.get(callback.removeprefix("http://testserver"))


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on: a provider that does not answer."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
