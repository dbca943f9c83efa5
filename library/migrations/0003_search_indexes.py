"""Indexes for the header's search (leanhub/search.py) and the library list's words, on
PostgreSQL only (SQLite matches plainly): a GIN full-text index over an entry's title and text,
and a GIN trigram index on its title for typos.

The full-text expression must stay identical to leanhub.search.document_sql over the kind's
title and body columns (library/search.py), in that order."""

from __future__ import annotations

from django.db import migrations

INDEXES = {
    "entry_search_fts_idx": (
        "library_entry",
        "USING gin ((to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(why, '') || ' ' || coalesce(standard, '') || ' ' || coalesce(checklist, ''))))",
    ),
    "entry_title_trgm_idx": ("library_entry", "USING gin (title gin_trgm_ops)"),
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
    dependencies = [("library", "0002_starting_templates")]

    operations = [migrations.RunPython(forwards, backwards)]
