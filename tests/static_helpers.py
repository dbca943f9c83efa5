"""The collected static files the test suite serves: hashed names, gzip and brotli copies."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command


def sources() -> tuple[set[str], float]:
    """Every static file's name, and the newest one's modification time."""
    names: set[str] = set()
    newest = 0.0
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            names.add(Path(path).as_posix())
            newest = max(newest, os.stat(storage.path(path)).st_mtime)
    return names, newest


def collect_static_if_stale() -> None:
    """Collect again when a file changed since, or a file is new: an installed package's files
    keep the package's own (older) times, so a new app's files are found by name."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        names, newest = sources()
        collected = set(json.loads(manifest.read_text()).get("paths", {}))
        if manifest.stat().st_mtime >= newest and names <= collected:
            return
    call_command("collectstatic", interactive=False, verbosity=0)
