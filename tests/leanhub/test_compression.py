"""Static files: hashed names, a year's immutable caching, brotli and gzip copies. Pages: gzip,
streamed CSVs included."""

from __future__ import annotations

import csv
import gzip
import io
import re
from pathlib import Path

import brotli
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from ideas.models import Idea

SOURCE = Path(settings.BASE_DIR) / "static" / "leanhub" / "app.css"


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_pages_link_to_hashed_static_files(client):
    url = static("leanhub/app.css")
    assert re.fullmatch(r"/static/leanhub/app\.[0-9a-f]{12}\.css", url), url
    assert url in client.get(reverse("login")).content.decode()


def test_a_hashed_static_file_is_cached_for_a_year_and_sent_as_brotli(client):
    response = client.get(static("leanhub/app.css"), headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=31536000, public, immutable"
    assert response["Content-Encoding"] == "br"
    assert response["Vary"] == "Accept-Encoding"
    assert brotli.decompress(_body(response)) == SOURCE.read_bytes()


def test_a_static_file_is_sent_as_gzip_to_a_browser_without_brotli(client):
    response = client.get(static("leanhub/app.css"), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(_body(response)) == SOURCE.read_bytes()


def test_a_static_file_is_sent_plain_when_no_compression_is_asked_for(client):
    response = client.get(static("leanhub/app.css"))
    assert not response.has_header("Content-Encoding")
    assert _body(response) == SOURCE.read_bytes()


def test_an_unhashed_static_name_is_not_cached_for_ever(client):
    response = client.get("/static/leanhub/app.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]


def test_pages_are_gzipped_when_asked(client, cast):
    client.force_login(cast["sam"])
    response = client.get(reverse("ideas:list"), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "<main" in gzip.decompress(response.content).decode()


def test_a_streamed_csv_is_gzipped_and_still_whole(client, cast, team_a):
    for n in range(40):
        Idea.objects.create(team=team_a, author=cast["sam"], title=f"Idea {n}", problem="p")
    client.force_login(cast["maya"])
    response = client.get(reverse("ideas:export"), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Encoding"] == "gzip"
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(_body(response)).decode())))
    assert sorted(r["Title"] for r in rows) == sorted(f"Idea {n}" for n in range(40))
