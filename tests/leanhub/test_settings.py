"""Settings come from the environment. Each case runs a fresh interpreter with its own env."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "hosts": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts"),
    "debug": settings.DEBUG,
    "allowed": settings.ALLOWED_HOSTS,
    "media": str(settings.MEDIA_ROOT),
    "email": settings.EMAIL_BACKEND,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "session_secure": settings.SESSION_COOKIE_SECURE,
}))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "REDIS_CHANNEL_LAYER",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "MEDIA_ROOT",
            "HTTPS",
            "EMAIL_BACKEND",
        }
    }
    env["DJANGO_SETTINGS_MODULE"] = "leanhub.settings"
    env.update(extra)
    return env


def _settings(**env: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_defaults_are_sqlite_in_memory_layer_and_console_email():
    s = _settings(DEBUG="1")
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"].endswith("db.sqlite3")
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["email"] == "django.core.mail.backends.console.EmailBackend"
    assert s["debug"] is True


def test_database_url_switches_to_postgresql():
    s = _settings(DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/leanhub_prod")
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "leanhub_prod"


def test_redis_url_switches_to_the_redis_channel_layer():
    s = _settings(DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/3")
    assert s["layer"] == "channels_redis.core.RedisChannelLayer"
    assert s["hosts"][0]["address"] == "redis://127.0.0.1:6379/3"


def test_the_pubsub_redis_layer_can_be_chosen():
    s = _settings(DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/3", REDIS_CHANNEL_LAYER="pubsub")
    assert s["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert s["hosts"] == ["redis://127.0.0.1:6379/3"]


def test_media_root_and_allowed_hosts_come_from_the_environment(tmp_path):
    s = _settings(
        DEBUG="1", MEDIA_ROOT=str(tmp_path), ALLOWED_HOSTS="leanhub.example.gov.uk, other.example"
    )
    assert s["media"] == str(tmp_path)
    assert s["allowed"] == ["leanhub.example.gov.uk", "other.example"]


def test_https_turns_on_redirect_secure_cookies_and_hsts():
    s = _settings(SECRET_KEY="x" * 60, ALLOWED_HOSTS="leanhub.example", HTTPS="1")
    assert s["ssl_redirect"] is True
    assert s["session_secure"] is True
    assert s["hsts"] >= 31536000


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("entry_point", ["leanhub.wsgi", "leanhub.asgi"])
def test_no_server_starts_without_a_secret_key(entry_point):
    result = subprocess.run(
        [sys.executable, "-c", f"import {entry_point}"],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_offline_commands_work_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_is_clean_with_production_settings():
    env = _clean_env(
        SECRET_KEY="k3y-" + "a9Zq" * 16,
        ALLOWED_HOSTS="leanhub.example.gov.uk",
        HTTPS="1",
        DEBUG="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


GC_PROBE = """
import gc, json, leanhub.{module}
print(json.dumps({{"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}}))
"""


@pytest.mark.parametrize("module", ["wsgi", "asgi"])
def test_servers_freeze_what_is_loaded_and_collect_less_often(module):
    """leanhub.runtime: the loaded code is frozen out of the collector's walks and the youngest
    generation is collected after 100,000 new objects, unless GC_THRESHOLD says otherwise."""

    def probe(**env: str) -> dict:
        out = subprocess.run(
            [sys.executable, "-c", GC_PROBE.format(module=module)],
            cwd=ROOT,
            env=_clean_env(DEBUG="1", **env),
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    tuned = probe(GC_THRESHOLD="")
    assert tuned["threshold"] == [100_000, 50, 100]
    assert tuned["frozen"] > 10_000  # Django, LeanHub and their templates' modules
    assert probe(GC_THRESHOLD="25000")["threshold"] == [25_000, 50, 100]
    untouched = probe(GC_THRESHOLD="0")
    assert untouched["threshold"] == [700, 10, 10] and untouched["frozen"] == 0
