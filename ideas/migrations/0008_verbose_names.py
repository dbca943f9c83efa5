"""Model and field names marked for translation. Only Django's record of the models changes:
verbose names are not stored in the database, so no SQL runs (sqlmigrate shows a no-op)."""

from django.db import migrations

from leanhub.migration_operations import AlterVerboseNames


class Migration(migrations.Migration):
    dependencies = [("ideas", "0007_pending_photo")]

    operations = [
        AlterVerboseNames(
            models={
                "idea": ("idea", "ideas"),
                "ideacomment": ("idea comment", "idea comments"),
                "ideaevent": ("idea event", "idea events"),
                "ideafollow": ("idea follow", "idea follows"),
                "ideaphoto": ("idea photo", "idea photos"),
                "ideasupport": ("idea support", "idea supports"),
                "kaizenburst": ("kaizen burst", "kaizen bursts"),
                "valuestreammap": ("value stream map", "value stream maps"),
                "valuestreamstep": ("value stream step", "value stream steps"),
            },
            fields={
                "idea": {
                    "adopted_from": "adopted from",
                    "author": "author",
                    "created_at": "created at",
                    "first_response_at": "first response at",
                    "implemented_at": "implemented at",
                    "kind": "kind",
                    "merged_into": "merged into",
                    "minutes_per_occurrence": "minutes per occurrence",
                    "occurrences_per_year": "occurrences per year",
                    "parked_until": "parked until",
                    "reply_due_on": "reply due on",
                    "routed_at": "routed at",
                    "status": "status",
                    "submission_token": "submission token",
                    "support_count": "support count",
                    "team": "team",
                    "title": "title",
                    "updated_at": "updated at",
                    "wastes": "wastes",
                },
                "ideacomment": {
                    "author": "author",
                    "created_at": "created at",
                    "edited_at": "edited at",
                    "idea": "idea",
                },
                "ideaevent": {
                    "actor": "actor",
                    "at": "at",
                    "from_status": "from status",
                    "idea": "idea",
                    "note": "note",
                    "to_status": "to status",
                },
                "ideafollow": {
                    "created_at": "created at",
                    "idea": "idea",
                    "user": "user",
                },
                "ideaphoto": {
                    "content_type": "content type",
                    "created_at": "created at",
                    "height": "height",
                    "idea": "idea",
                    "name": "name",
                    "position": "position",
                    "width": "width",
                },
                "ideasupport": {
                    "created_at": "created at",
                    "idea": "idea",
                    "user": "user",
                },
                "kaizenburst": {
                    "created_at": "created at",
                    "created_by": "created by",
                    "idea": "idea",
                    "step": "step",
                },
                "pendingphoto": {
                    "name": "name",
                },
                "valuestreammap": {
                    "breaks_unit": "breaks unit",
                    "created_at": "created at",
                    "created_by": "created by",
                    "current": "current",
                    "customer": "customer",
                    "day_convention": "day convention",
                    "demand_period": "demand period",
                    "end_wait_quantity": "end wait quantity",
                    "end_wait_unit": "end wait unit",
                    "end_wait_variants": "end wait variants",
                    "information_flows": "information flows",
                    "is_target": "is target",
                    "name": "name",
                    "shift_unit": "shift unit",
                    "shifts_per_day": "shifts per day",
                    "state": "state",
                    "submission_token": "submission token",
                    "supplier": "supplier",
                    "team": "team",
                    "updated_at": "updated at",
                    "variants": "variants",
                },
                "valuestreamstep": {
                    "batch_size": "batch size",
                    "changeover_unit": "changeover unit",
                    "cycle_unit": "cycle unit",
                    "lead_unit": "lead unit",
                    "map": "map",
                    "name": "name",
                    "notes": "notes",
                    "performed_by": "performed by",
                    "position": "position",
                    "wait_unit": "wait unit",
                    "wait_variants": "wait variants",
                },
            },
        ),
    ]
