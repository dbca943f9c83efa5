"""What LeanHub refuses in an ID token. The tokens are signed with the test provider's own key,
which the provider publishes at its JWKS endpoint; LeanHub fetches that set over HTTP as it
would any provider's, so only the token's contents differ from a real sign-in."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from leanhub.models import User
from signon.backends import SignOnBackend
from signon.problems import BadToken
from signon.providers import get_provider
from tests.oidc_provider import CLIENT_ID
from tests.signon.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(signon_settings) -> SignOnBackend:
    backend = SignOnBackend()
    provider = get_provider("test")
    assert provider is not None
    backend.configure(provider)
    return backend


def _claims(provider, **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "sub": "alice",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_a_good_token_is_accepted(backend, signon_settings):
    token = signon_settings.sign(_claims(signon_settings))
    assert backend.verify_token(token, nonce="n-1")["sub"] == "alice"


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"aud": "some-other-service"}, "another client"),
        ({"aud": ["some-other-service", CLIENT_ID]}, "azp"),
        ({"iss": "https://evil.example"}, "another issuer"),
        ({"exp": None}, "exp"),
        ({"nonce": "n-2"}, "Nonce"),
    ],
    ids=[
        "expired",
        "wrong-audience",
        "several-audiences-no-azp",
        "wrong-issuer",
        "no-expiry",
        "replayed-nonce",
    ],
)
def test_a_bad_token_is_refused(backend, signon_settings, changes, why):
    token = signon_settings.sign(_claims(signon_settings, **changes))
    with pytest.raises(BadToken, match=why):
        backend.verify_token(token, nonce="n-1")


def test_a_token_signed_by_someone_else_is_refused(backend, signon_settings):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = signon_settings.sign(_claims(signon_settings), key=stranger)
    with pytest.raises(BadToken):
        backend.verify_token(token, nonce="n-1")


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c"])
def test_garbage_is_refused(backend, token):
    with pytest.raises(BadToken):
        backend.verify_token(token, nonce="n-1")


def test_an_unsigned_token_is_refused(backend, signon_settings):
    token = jwt.encode(_claims(signon_settings), key=None, algorithm="none")
    with pytest.raises(BadToken):
        backend.verify_token(token, nonce="n-1")


def test_a_token_the_page_cannot_check_gets_a_clear_page(
    client, signon_settings, settings, jcp_leads_rule
):
    """End to end: LeanHub expects ES256 from this provider, which signs RS256."""
    settings.SIGNON_PROVIDERS = [signon_settings.settings_entry(sign_algo="ES256")]
    response = sign_in(client, signon_settings, "alice")
    assert response.status_code == 400
    assert "Your sign-in could not be checked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "oidc_id_token" not in client.session
    assert not User.objects.filter(email="alice@jcp.example.gov.uk").exists()
