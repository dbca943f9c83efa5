"""Running as a service: /healthz and /readyz, the scheme from trusted proxies only, one JSON log
line per request, uploads kept in an S3-compatible store (moto's server on loopback)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.test.client import RequestFactory

from leanhub import storage
from leanhub.service import JsonLogFormatter, TrustedProxyMiddleware

# --- /healthz and /readyz ---------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client):
    # No database fixture: any query here would fail the test (pytest-django blocks it).
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_readyz_reports_each_dependency(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["storage"] == "ok"
    assert body["checks"]["redis"] == ("ok" if settings.REDIS_URL else "not configured")


def test_readyz_is_503_with_the_reason_when_the_bucket_is_missing(client, db, settings, s3_server):
    settings.STORAGES = s3_server.storages("no-such-bucket")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["storage"] == "The storage bucket no-such-bucket does not exist."
    assert body["checks"]["database"] == "ok"


def test_readyz_is_503_when_the_upload_folder_cannot_be_made(client, db, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "cannot be created" in response.json()["checks"]["storage"]


def test_readyz_is_503_when_redis_is_unreachable(client, db, settings, tmp_path):
    from tests.redis_helpers import free_port

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("Redis cannot be reached")


def test_readyz_is_503_when_the_database_is_unreachable(client, db, settings, tmp_path):
    from django.db import connections

    settings.MEDIA_ROOT = tmp_path / "media"
    connection = connections["default"]
    saved = connection.settings_dict.copy()
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("The database cannot be reached")


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_startup_report_names_what_is_wrong(db, settings, s3_server, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.STORAGES = s3_server.storages("no-such-bucket")
    call_command("startup_report")
    assert "storage: The storage bucket no-such-bucket does not exist." in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("startup_report", "--strict")


# --- The scheme from trusted proxies only --------------------------------------------------------


def _secure(remote_addr: str, proto: str | None) -> bool:
    seen: list[bool] = []

    def view(request):
        seen.append(request.is_secure())
        from django.http import HttpResponse

        return HttpResponse()

    headers = {"X-Forwarded-Proto": proto} if proto else {}
    request = RequestFactory().get("/", headers=headers, REMOTE_ADDR=remote_addr)
    TrustedProxyMiddleware(view)(request)
    return seen[0]


def test_forwarded_proto_is_believed_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _secure("10.1.2.3", "https") is True
    assert _secure("10.1.2.3", "http") is False
    assert _secure("10.1.2.3", None) is False


def test_forwarded_proto_is_ignored_from_anyone_else(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _secure("203.0.113.9", "https") is False
    settings.TRUSTED_PROXIES = []
    assert _secure("10.1.2.3", "https") is False


def test_https_redirect_follows_the_trusted_proxy_only(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = Client()
    through_proxy = client.get(
        "/accounts/login/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https"
    )
    assert through_proxy.status_code == 200
    spoofed = client.get(
        "/accounts/login/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https"
    )
    assert spoofed.status_code == 301
    assert spoofed["Location"].startswith("https://")


# --- One JSON line per request -------------------------------------------------------------------


@pytest.fixture
def request_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("leanhub.requests")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_each_request_is_one_json_line(db, settings, request_log, sam, team_a):
    settings.LOG_REQUESTS = True
    client = Client()
    client.force_login(sam)
    assert client.get(f"/teams/{team_a.pk}/?q=secret").status_code == 200
    assert client.get("/no/such/page/").status_code == 404
    lines = [json.loads(line) for line in request_log.getvalue().splitlines()]
    assert len(lines) == 2
    page, missing = lines
    assert page["method"] == "GET"
    assert page["path"] == f"/teams/{team_a.pk}/"
    assert page["status"] == 200
    assert page["user_id"] == sam.pk
    assert isinstance(page["duration_ms"], float) and page["duration_ms"] >= 0
    assert page["logger"] == "leanhub.requests" and page["level"] == "INFO"
    assert "secret" not in request_log.getvalue()
    assert missing["status"] == 404 and missing["path"] == "/no/such/page/"


def test_no_request_lines_unless_asked(db, settings, request_log):
    settings.LOG_REQUESTS = False
    Client().get("/healthz")
    assert request_log.getvalue() == ""


# --- Uploads in an S3-compatible store -----------------------------------------------------------


def test_uploads_round_trip_through_the_object_store(s3_storage, s3_server):
    name = storage.save("ideas/round-trip.jpg", b"photo bytes")
    assert name == "ideas/round-trip.jpg"
    listed = s3_server.client().list_objects_v2(Bucket=s3_storage)["Contents"]
    assert [item["Key"] for item in listed] == ["ideas/round-trip.jpg"]
    assert storage.read(name) == b"photo bytes"
    assert storage.problem() is None
    storage.delete(name)
    assert not default_storage.exists(name)
    with pytest.raises(FileNotFoundError):
        storage.read(name)


def test_a_missing_file_is_404_and_an_unreachable_store_503(db, settings, s3_server, s3_storage):
    from django.http import Http404

    from leanhub.http import protected_file

    with pytest.raises(Http404):
        protected_file("ideas/never-kept.jpg", content_type="image/jpeg")
    settings.STORAGES = s3_server.storages("no-such-bucket") | {
        "default": {
            **s3_server.storages("x")["default"],
            "OPTIONS": {
                **s3_server.storages("x")["default"]["OPTIONS"],
                "endpoint_url": "http://127.0.0.1:9",
            },
        }
    }
    response = protected_file("ideas/anything.jpg", content_type="image/jpeg")
    assert response.status_code == 503


# --- A dependency down is a 503 saying so, never a server error ---------------------------------


def test_a_page_without_its_database_is_a_503_saying_so(transactional_db, settings, tmp_path, sam):
    from django.db import connections

    client = Client(raise_request_exception=False)
    client.force_login(sam)
    connection = connections["default"]
    saved = connection.settings_dict.copy()
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/ideas/")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "LeanHub cannot reach its database just now." in response.content.decode()


def test_a_photo_sent_while_the_bucket_is_missing_is_a_503_and_saves_nothing(
    db, settings, s3_server, sam, team_a
):
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from ideas.models import Idea
    from tests.ideas.pictures import image_bytes

    settings.STORAGES = s3_server.storages("no-such-bucket")
    client = Client(raise_request_exception=False)
    client.force_login(sam)
    response = client.post(
        reverse("ideas:new"),
        {
            "title": "Pre-fill the address",
            "problem": "Typed twice",
            "team": team_a.pk,
            "kind": "improvement",
            "token": str(uuid.uuid4()),
            "photos": [SimpleUploadedFile("a.png", image_bytes("PNG"), content_type="image/png")],
        },
    )
    assert response.status_code == 503
    assert "LeanHub cannot reach its file store just now." in response.content.decode()
    assert not Idea.objects.exists()
