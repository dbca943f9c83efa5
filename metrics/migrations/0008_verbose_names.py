"""Model and field names marked for translation. Only Django's record of the models changes:
verbose names are not stored in the database, so no SQL runs (sqlmigrate shows a no-op)."""

from django.db import migrations

from leanhub.migration_operations import AlterVerboseNames


class Migration(migrations.Migration):
    dependencies = [("metrics", "0007_copy_cycle_measures")]

    operations = [
        AlterVerboseNames(
            models={
                "annotation": ("annotation", "annotations"),
                "measure": ("measure", "measures"),
                "observation": ("observation", "observations"),
                "outcome": ("outcome", "outcomes"),
                "saving": ("saving", "savings"),
                "survey": ("survey", "surveys"),
                "surveyresponse": ("survey response", "survey responses"),
            },
            fields={
                "annotation": {
                    "cycle": "cycle",
                    "date": "date",
                    "idea": "idea",
                    "label": "label",
                    "measure": "measure",
                },
                "cyclemeasure": {
                    "cycle": "cycle",
                },
                "measure": {
                    "created_at": "created at",
                    "created_by": "created by",
                    "fix_after_n_points": "fix after n points",
                    "frequency": "frequency",
                    "name": "name",
                    "organisation": "organisation",
                    "place": "place",
                    "site": "site",
                    "target": "target",
                    "team": "team",
                    "unit": "unit",
                },
                "observation": {
                    "date": "date",
                    "measure": "measure",
                    "note": "note",
                    "value": "value",
                },
                "outcome": {
                    "after_end": "after end",
                    "after_mean": "after mean",
                    "after_start": "after start",
                    "baseline_end": "baseline end",
                    "baseline_start": "baseline start",
                    "before_mean": "before mean",
                    "card": "card",
                    "created_at": "created at",
                    "gain_percent": "gain percent",
                    "idea": "idea",
                    "measure": "measure",
                    "recorded_by": "recorded by",
                    "team": "team",
                },
                "saving": {
                    "amount": "amount",
                    "card": "card",
                    "claimed_at": "claimed at",
                    "claimed_by": "claimed by",
                    "decided_at": "decided at",
                    "decided_by": "decided by",
                    "evidence": "evidence",
                    "evidence_content_type": "evidence content type",
                    "evidence_file": "evidence file",
                    "idea": "idea",
                    "invested_by": "invested by",
                    "kind": "kind",
                    "measure": "measure",
                    "recurrence": "recurrence",
                    "rejection_reason": "rejection reason",
                    "stage": "stage",
                    "start_date": "start date",
                    "status": "status",
                    "submission": "submission",
                    "team": "team",
                    "title": "title",
                    "version": "version",
                },
                "survey": {
                    "created_at": "created at",
                    "is_open": "is open",
                    "kind": "kind",
                    "measure": "measure",
                    "question": "question",
                    "site": "site",
                    "team": "team",
                    "title": "title",
                    "token": "token",
                },
                "surveyresponse": {
                    "client": "client",
                    "comment": "comment",
                    "created_at": "created at",
                    "score": "score",
                    "survey": "survey",
                    "voter": "voter",
                },
            },
        ),
    ]
