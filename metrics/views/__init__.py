"""The metrics app's pages, one module per concern: ``dashboards`` (and the rows behind each
figure), ``measures`` (with their charts, imports and outcomes), ``savings`` (the ledger and its
verification) and ``surveys`` (including the public answer page)."""

from __future__ import annotations
