"""Start-up checks for sign-on: every configured provider is complete and answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks

from signon.providers import ProviderUnavailable, discover, providers


@checks.register("signon", "startup")
def providers_answer(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Run by `manage.py check`, `migrate` and `runserver`, and logged when a server process
    starts (leanhub.checks.report_startup_checks): a provider with missing settings is
    an error; one that does not answer is a warning (it may be down for a moment), so that
    LeanHub still starts and local passwords keep working."""
    found: list[checks.CheckMessage] = []
    for provider in providers():
        missing = provider.missing_settings
        if missing:
            found.append(
                checks.Error(
                    f"Sign-on provider {provider.key!r} is missing "
                    + ", ".join(f"OIDC_{provider.key.upper()}_{name}" for name in missing),
                    id="signon.E001",
                )
            )
            continue
        try:
            discover(provider)
        except ProviderUnavailable as error:
            found.append(
                checks.Warning(
                    f"Sign-on provider {provider.key!r} does not answer at "
                    f"{provider.discovery_url}: {error.detail}",
                    hint=f"Check OIDC_{provider.key.upper()}_ISSUER and that LeanHub can reach it.",
                    id="signon.W001",
                )
            )
    return found
