"""The Welsh catalogue compiled for the tests that read pages in Welsh.

`make messages` (run by `make test` and `make run`) compiles locale/cy/LC_MESSAGES/django.po;
a test run started straight from pytest may find no .mo, or one older than the .po. This
compiles it when needed (with GNU gettext's msgfmt, as compilemessages does) and makes Django
read it again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.test.signals import language_changed

ROOT = Path(__file__).resolve().parents[1]
WELSH_PO = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
WELSH_MO = WELSH_PO.with_suffix(".mo")


def ensure_welsh_compiled() -> None:
    if WELSH_MO.exists() and WELSH_MO.stat().st_mtime >= WELSH_PO.stat().st_mtime:
        return
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt compiles the catalogues: install gettext"
    # Written aside and moved into place, so parallel test workers never read half a file.
    handle, partial = tempfile.mkstemp(dir=WELSH_MO.parent, suffix=".mo.part")
    os.close(handle)
    try:
        subprocess.run(
            [msgfmt, "--check", "-o", partial, str(WELSH_PO)], check=True, capture_output=True
        )
        os.replace(partial, WELSH_MO)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    # Django keeps every catalogue it has loaded: forget them so the new one is read, as Django
    # does itself when a test changes LOCALE_PATHS.
    language_changed(setting="LOCALE_PATHS")
