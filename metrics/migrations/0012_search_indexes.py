"""Indexes for the header's search (leanhub/search.py), on PostgreSQL only (SQLite matches
plainly): a GIN full-text index over a measure's name and unit,
and a GIN trigram index on its name for typos.

Each full-text expression must stay identical to leanhub.search.document_sql over the kind's
title and body columns, in the order its Kind names them."""

from __future__ import annotations

from django.db import migrations

INDEXES = {
    "measure_search_fts_idx": (
        "metrics_measure",
        "USING gin ((to_tsvector('english'::regconfig, coalesce(name, '') || ' ' || coalesce(unit, ''))))",
    ),
    "measure_name_trgm_idx": (
        "metrics_measure",
        "USING gin (name gin_trgm_ops)",
    ),
}


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, definition) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("metrics", "0011_public_reporting")]

    operations = [migrations.RunPython(forwards, backwards)]
