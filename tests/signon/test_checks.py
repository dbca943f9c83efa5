"""Bad configuration is reported by `manage.py check`, never as an error page."""

from __future__ import annotations

import pytest
from django.core import checks

from signon.providers import forget_discovery


def _signon_messages() -> list[checks.CheckMessage]:
    forget_discovery()
    return checks.run_checks(tags=["signon"])


def test_a_provider_that_does_not_answer_is_reported(settings, unused_port):
    settings.SIGNON_PROVIDERS = [
        {
            "key": "entra",
            "name": "Microsoft",
            "issuer": f"http://127.0.0.1:{unused_port}",
            "client_id": "a",
            "client_secret": "b",
        }
    ]
    [message] = _signon_messages()
    assert message.id == "signon.W001"
    assert "'entra' does not answer" in message.msg
    assert "OIDC_ENTRA_ISSUER" in message.hint


def test_missing_settings_are_an_error(settings):
    settings.SIGNON_PROVIDERS = [
        {
            "key": "google",
            "name": "Google",
            "issuer": "https://accounts.google.com",
            "client_id": "",
            "client_secret": "",
        }
    ]
    [message] = _signon_messages()
    assert message.id == "signon.E001"
    assert "OIDC_GOOGLE_CLIENT_ID" in message.msg and "OIDC_GOOGLE_CLIENT_SECRET" in message.msg


def test_a_provider_that_answers_passes(settings, signon_settings):
    assert _signon_messages() == []


@pytest.mark.django_db
def test_the_environment_builds_the_provider_list(monkeypatch):
    import importlib

    from leanhub import settings as settings_module

    monkeypatch.setenv("OIDC_PROVIDERS", "entra, keycloak")
    monkeypatch.setenv("OIDC_ENTRA_NAME", "Microsoft")
    monkeypatch.setenv("OIDC_ENTRA_ISSUER", "https://login.microsoftonline.com/t/v2.0")
    monkeypatch.setenv("OIDC_ENTRA_EMAIL_CLAIM", "preferred_username")
    monkeypatch.setenv("DEBUG", "1")
    try:
        reloaded = importlib.reload(settings_module)
        entra, keycloak = reloaded.SIGNON_PROVIDERS
        assert entra["key"] == "entra" and entra["name"] == "Microsoft"
        assert entra["email_claim"] == "preferred_username"
        assert keycloak["name"] == "keycloak" and keycloak["scopes"] == "openid email profile"
    finally:
        monkeypatch.delenv("OIDC_PROVIDERS")
        importlib.reload(settings_module)


def test_a_server_process_logs_a_provider_that_does_not_answer(settings, unused_port, caplog):
    from leanhub.checks import report_startup_checks

    settings.SIGNON_PROVIDERS = [
        {
            "key": "keycloak",
            "name": "Keycloak",
            "issuer": f"http://127.0.0.1:{unused_port}/realms/lh",
            "client_id": "a",
            "client_secret": "b",
        }
    ]
    forget_discovery()
    with caplog.at_level("WARNING", logger="leanhub.startup"):
        report_startup_checks(wait=True)
    [record] = [r for r in caplog.records if r.name == "leanhub.startup"]
    assert "signon.W001" in record.getMessage()
    assert "'keycloak' does not answer" in record.getMessage()
