"""The OpenID Connect providers LeanHub trusts, from settings.SIGNON_PROVIDERS (built from the
environment in leanhub/settings.py), and their discovery documents."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

# A discovery document is fetched again after this long, so rotated endpoints are picked up.
DISCOVERY_TTL_SECONDS = 60 * 60
_REQUIRED_ENDPOINTS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    sign_algo: str = "RS256"
    email_claim: str = "email"

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def missing_settings(self) -> list[str]:
        return [
            name
            for name, value in (
                ("ISSUER", self.issuer),
                ("CLIENT_ID", self.client_id),
                ("CLIENT_SECRET", self.client_secret),
            )
            if not value
        ]


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be fetched or is not usable."""

    def __init__(self, provider: Provider, detail: str) -> None:
        super().__init__(f"{provider.key} ({provider.discovery_url}): {detail}")
        self.provider = provider
        self.detail = detail


def providers() -> list[Provider]:
    configured: list[dict[str, Any]] = getattr(settings, "SIGNON_PROVIDERS", [])
    return [Provider(**entry) for entry in configured]


def get_provider(key: str | None) -> Provider | None:
    return next((p for p in providers() if p.key == key), None)


def timeout() -> float:
    return float(getattr(settings, "OIDC_TIMEOUT", 10))


_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


def forget_discovery() -> None:
    with _lock:
        _cache.clear()


def discover(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document (cached for an hour); ProviderUnavailable when the
    provider does not answer or answers with something that is not one."""
    with _lock:
        cached = _cache.get(provider.discovery_url)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL_SECONDS:
        return cached[1]
    try:
        response = requests.get(provider.discovery_url, timeout=timeout())
        response.raise_for_status()
        document = response.json()
    except requests.RequestException as error:
        logger.error("Sign-on provider %s does not answer: %s", provider.key, error)
        raise ProviderUnavailable(provider, str(error)) from error
    except ValueError as error:
        logger.error("Sign-on provider %s sent no JSON discovery document", provider.key)
        raise ProviderUnavailable(provider, "the discovery document is not JSON") from error
    if not isinstance(document, dict) or any(not document.get(k) for k in _REQUIRED_ENDPOINTS):
        raise ProviderUnavailable(provider, "the discovery document lacks required endpoints")
    if str(document["issuer"]).rstrip("/") != provider.issuer.rstrip("/"):
        raise ProviderUnavailable(
            provider,
            f"the discovery document names issuer {document['issuer']!r}, "
            f"not the configured {provider.issuer!r}",
        )
    with _lock:
        _cache[provider.discovery_url] = (time.monotonic(), document)
    return document
