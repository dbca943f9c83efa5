"""The collected static files the test suite serves: hashed names, gzip and brotli copies."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command


def newest_source_mtime() -> float:
    newest = 0.0
    for finder in finders.get_finders():
        for path, storage in finder.list(None):
            newest = max(newest, os.stat(storage.path(path)).st_mtime)
    return newest


def collect_static_if_stale() -> None:
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and manifest.stat().st_mtime >= newest_source_mtime():
        return
    call_command("collectstatic", interactive=False, verbosity=0)
