"""Benchmark: every kind of CSV download, and its XLSX twin, streams, at how many rows a second, in how much memory.

Runs on the dashboards' benchmark database (bench/metrics_dashboards.py fills it: 100,000 ideas,
20,000 savings, 1,000,000 observations across 500 teams):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_metrics_bench \\
        DEBUG=1 .venv/bin/python bench/csv_exports.py [--runs 3]

Each download goes through Django's test client (URL routing, middleware, policy) as the
administrator, so every row is in it. It is read chunk by chunk as a browser would: rows/s is
over the whole download (the view and reading every chunk); peak memory is what Python
allocated while the file was made and read (tracemalloc, in a separate run because tracing
slows Python down), which stays flat when a file streams and grows with it when it is built
whole.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leanhub_metrics_bench")


def download(client, url: str) -> tuple[int, int]:
    """Rows (less the header) and bytes of one download, read chunk by chunk: a CSV file's
    lines, a workbook's rows (counted in its sheet, once the file is whole)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.streaming, f"{url} is built whole, not streamed"
    lines = size = 0
    xlsx = "spreadsheetml" in response["Content-Type"]
    blocks = []
    for chunk in response.streaming_content:
        if xlsx:
            blocks.append(chunk)
        else:
            lines += chunk.count(b"\n")
        size += len(chunk)
    response.close()
    if xlsx:
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(b"".join(blocks))) as book:
            lines = book.read("xl/worksheets/sheet1.xml").count(b"<row ")
    return lines - 1, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from leanhub.models import Place, Site, User

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL.")
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        sys.exit("No benchmark data: run bench/metrics_dashboards.py once first.")
    place = Place.objects.get()
    site = Site.objects.order_by("pk").first()
    assert site is not None
    rows_url = "metrics:rows"
    downloads = [
        ("ideas export (all ideas)", reverse("ideas:export")),
        ("drill: place ideas", reverse(rows_url, args=["place", place.pk, "ideas"]) + "?format=csv"),
        ("drill: all ideas", reverse(rows_url, args=["all", 0, "ideas"]) + "?format=csv"),
        ("drill: place savings", reverse(rows_url, args=["place", place.pk, "savings"]) + "?format=csv"),
        ("drill: site savings", reverse(rows_url, args=["site", site.pk, "savings"]) + "?format=csv"),
        ("savings ledger", reverse("metrics:savings") + "?format=csv"),
    ]  # fmt: skip
    # Each download's workbook twin: the same rows as XLSX.
    downloads += [
        (
            f"{label} XLSX",
            url.replace("format=csv", "format=xlsx")
            if "format=csv" in url
            else url + "?format=xlsx",
        )
        for label, url in downloads
    ]
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    print(f"{'download':<32} {'rows':>8} {'MB':>6} {'rows/s p50':>11} {'best':>9} {'peak MB':>8}")
    for label, url in downloads:
        download(client, url)  # warm up
        rates = []
        rows = size = 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            rows, size = download(client, url)
            rates.append(rows / (time.perf_counter() - t0))
        tracemalloc.start()
        tracemalloc.reset_peak()
        download(client, url)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{label:<32} {rows:>8,} {size / 1e6:>6.1f} {statistics.median(rates):>11,.0f} "
            f"{max(rates):>9,.0f} {peak / 1e6:>8.1f}"
        )


if __name__ == "__main__":
    main()
