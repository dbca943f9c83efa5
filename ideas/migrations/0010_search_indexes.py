"""Indexes for the header's search (leanhub/search.py), on PostgreSQL only (SQLite matches
plainly): a GIN full-text index over a value-stream map's name, process, customer and supplier, and a GIN trigram index on its name for typos.

Each full-text expression must stay identical to leanhub.search.document_sql over the kind's
title and body columns, in the order its Kind names them."""

from __future__ import annotations

from django.db import migrations

INDEXES = {
    "vsm_search_fts_idx": (
        "ideas_valuestreammap",
        "USING gin ((to_tsvector('english'::regconfig, coalesce(name, '') || ' ' || "
        "coalesce(process, '') || ' ' || coalesce(customer, '') || ' ' || "
        "coalesce(supplier, ''))))",
    ),
    "vsm_name_trgm_idx": ("ideas_valuestreammap", "USING gin (name gin_trgm_ops)"),
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
    dependencies = [("ideas", "0009_public_reporting")]

    operations = [migrations.RunPython(forwards, backwards)]
