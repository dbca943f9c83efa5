"""Indexes for the header's search (leanhub/search.py), on PostgreSQL only (SQLite matches
plainly): GIN full-text indexes over a card's title and
description and over a PDCA cycle's text, and a GIN trigram index on a card's title for typos.

Each full-text expression must stay identical to leanhub.search.document_sql over the kind's
title and body columns, in the order its Kind names them."""

from __future__ import annotations

from django.db import migrations

INDEXES = {
    "card_search_fts_idx": (
        "kaizen_card",
        "USING gin ((to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(description, ''))))",
    ),
    "card_title_trgm_idx": (
        "kaizen_card",
        "USING gin (title gin_trgm_ops)",
    ),
    "cycle_search_fts_idx": (
        "kaizen_cycle",
        "USING gin ((to_tsvector('english'::regconfig, coalesce(problem, '') || ' ' || coalesce(root_cause, '') || ' ' || coalesce(hypothesis, '') || ' ' || coalesce(planned_actions, '') || ' ' || coalesce(result, '') || ' ' || coalesce(standard, '') || ' ' || coalesce(learning, ''))))",
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
    dependencies = [("kaizen", "0007_verbose_names")]

    operations = [migrations.RunPython(forwards, backwards)]
