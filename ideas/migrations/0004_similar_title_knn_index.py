"""A GiST trigram index on idea titles, on PostgreSQL only: it answers "the five titles most
like this text" by walking the index in distance order, however many titles share trigrams."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS idea_title_trgm_gist_idx ON ideas_idea "
        "USING gist (title gist_trgm_ops)"
    )


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS idea_title_trgm_gist_idx")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0003_similar_search_index")]

    operations = [migrations.RunPython(forwards, backwards)]
