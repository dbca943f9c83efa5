"""Search indexes for ideas, on PostgreSQL only (SQLite falls back to plain matching, see
ideas.queries.similar_ideas and ideas.filters.IdeaFilter.filter_text):

- a GiST trigram index on the title answers "the five titles most like this text" by walking
  the index nearest first, however many titles share a few letters;
- a GIN full-text index over title and problem serves the list's free-text filter. Its
  expression must stay identical to ideas.filters.FULL_TEXT."""

from __future__ import annotations

from django.db import migrations

INDEXES = {
    "idea_title_trgm_gist_idx": "USING gist (title gist_trgm_ops)",
    "idea_text_fts_idx": "USING gin ((to_tsvector('english'::regconfig, "
    "coalesce(title, '') || ' ' || coalesce(problem, ''))))",
}


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON ideas_idea {definition}")


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0002_capture_respond_support")]

    operations = [migrations.RunPython(forwards, backwards)]
