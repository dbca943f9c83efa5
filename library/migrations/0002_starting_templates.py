"""The starting templates (A3, 5S audit, standard work sheet, gemba walk checklist), so a new
installation's library is never empty."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor) -> None:
    from library.templates_seed import ensure_templates

    ensure_templates(apps.get_model("library", "Entry"))


def backwards(apps, schema_editor) -> None:
    from library.templates_seed import TEMPLATES

    titles = [t["title"] for t in TEMPLATES]
    apps.get_model("library", "Entry").objects.filter(team__isnull=True, title__in=titles).delete()


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
