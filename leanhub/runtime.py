"""How a server process runs Python once LeanHub is loaded (the WSGI and ASGI entry points).

A page builds tens of thousands of short-lived objects (a 5,000-point chart, a 300-card board, a
page of ideas). With CPython's default thresholds the collector runs its youngest generation every
700 new objects and, every so often, a full collection that walks every object the process holds,
the loaded code, templates and URL patterns included: measured on the benchmark data, that added
60-110 ms to one request in ten of the heaviest pages (their p95 ran at twice their median).

So, once loaded, the process freezes what it holds now (never collected again: it lives as long
as the process) and collects the youngest generation after ``GC_THRESHOLD`` new objects (100,000
unless set; 0 leaves CPython's defaults). Memory is still returned: objects free themselves by
reference counting, and reference cycles are still collected, less often.
"""

from __future__ import annotations

import gc
import os

DEFAULT_THRESHOLD = 100_000


def tune_garbage_collector(setting: str | None = None) -> None:
    """Freeze what is loaded and collect less often (see the module's docstring). ``setting``
    stands for the environment's GC_THRESHOLD when given."""
    if setting is None:
        setting = os.environ.get("GC_THRESHOLD")
    threshold = int(setting or DEFAULT_THRESHOLD)
    if threshold <= 0:
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(threshold, 50, 100)
