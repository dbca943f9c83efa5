"""Model and field names marked for translation. Only Django's record of the models changes:
verbose names are not stored in the database, so no SQL runs (sqlmigrate shows a no-op)."""

from django.db import migrations

from leanhub.migration_operations import AlterVerboseNames


class Migration(migrations.Migration):
    dependencies = [("kaizen", "0006_boardviewer_last_seen")]

    operations = [
        AlterVerboseNames(
            models={
                "board": ("board", "boards"),
                "boardviewer": ("board viewer", "board viewers"),
                "card": ("card", "cards"),
                "cardmove": ("card move", "card moves"),
                "column": ("column", "columns"),
                "cycle": ("cycle", "cycles"),
                "cycleaction": ("cycle action", "cycle actions"),
                "cyclephoto": ("cycle photo", "cycle photos"),
            },
            fields={
                "board": {
                    "created_at": "created at",
                    "member_organisations": "member organisations",
                    "member_teams": "member teams",
                    "members": "members",
                    "name": "name",
                    "stale_after_days": "stale after days",
                    "team": "team",
                },
                "boardviewer": {
                    "board": "board",
                    "channel_name": "channel name",
                    "connected_at": "connected at",
                    "user": "user",
                },
                "card": {
                    "blocked": "blocked",
                    "blocked_reason": "blocked reason",
                    "board": "board",
                    "column": "column",
                    "created_at": "created at",
                    "created_by": "created by",
                    "description": "description",
                    "done_at": "done at",
                    "due_date": "due date",
                    "idea": "idea",
                    "labels": "labels",
                    "moved_at": "moved at",
                    "owners": "owners",
                    "position": "position",
                    "started_at": "started at",
                    "title": "title",
                    "version": "version",
                    "wip_reason": "wip reason",
                },
                "cardmove": {
                    "at": "at",
                    "by": "by",
                    "card": "card",
                    "from_column": "from column",
                    "to_column": "to column",
                    "wip_reason": "wip reason",
                },
                "column": {
                    "board": "board",
                    "kind": "kind",
                    "name": "name",
                    "position": "position",
                    "wip_limit": "wip limit",
                },
                "cycle": {
                    "baseline": "baseline",
                    "card": "card",
                    "created_at": "created at",
                    "decided_at": "decided at",
                    "decision": "decision",
                    "evidence": "evidence",
                    "hypothesis": "hypothesis",
                    "learning": "learning",
                    "number": "number",
                    "planned_actions": "planned actions",
                    "root_cause": "root cause",
                    "target": "target",
                },
                "cycleaction": {
                    "cycle": "cycle",
                    "description": "description",
                    "done": "done",
                    "due_date": "due date",
                    "owner": "owner",
                },
                "cyclephoto": {
                    "caption": "caption",
                    "content_type": "content type",
                    "cycle": "cycle",
                    "file": "file",
                    "uploaded_at": "uploaded at",
                    "uploaded_by": "uploaded by",
                },
            },
        ),
    ]
