"""Trigram search for similar ideas and free-text filtering, on PostgreSQL only.

SQLite has no pg_trgm; there the similar-idea lookup falls back to word matching
(see ideas.queries), so this migration does nothing on other databases."""

from __future__ import annotations

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS idea_title_trgm_idx ON ideas_idea USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS idea_problem_trgm_idx ON ideas_idea USING gin (problem gin_trgm_ops)",
]


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for sql in INDEXES:
        schema_editor.execute(sql)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS idea_title_trgm_idx")
    schema_editor.execute("DROP INDEX IF EXISTS idea_problem_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0002_capture_respond_support")]

    operations = [migrations.RunPython(forwards, backwards)]
