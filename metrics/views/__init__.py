"""The metrics app's pages, one module per concern: ``dashboards`` (and the rows behind each
figure), ``measures`` (with their charts, imports and outcomes), ``savings`` (the ledger and its
verification), ``surveys`` (including the public answer page) and ``results`` (what an idea or a
card achieved, for their pages)."""

from __future__ import annotations
