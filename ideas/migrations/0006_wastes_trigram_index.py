"""A trigram index on the waste codes, on PostgreSQL only: the waste filter matches a code inside
the comma-separated list (LIKE '%code%'), which a B-tree cannot serve. Other databases scan."""

from __future__ import annotations

from django.db import migrations

INDEX = "CREATE INDEX IF NOT EXISTS idea_wastes_trgm_idx ON ideas_idea USING gin (wastes gin_trgm_ops)"


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(INDEX)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS idea_wastes_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0005_value_stream_maps")]

    operations = [migrations.RunPython(forwards, backwards)]
