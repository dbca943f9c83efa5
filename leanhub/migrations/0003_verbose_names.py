"""Model and field names marked for translation. Only Django's record of the models changes:
verbose names are not stored in the database, so no SQL runs (sqlmigrate shows a no-op)."""

from django.db import migrations

from leanhub.migration_operations import AlterVerboseNames


class Migration(migrations.Migration):
    dependencies = [("leanhub", "0002_login_failure_device")]

    operations = [
        AlterVerboseNames(
            models={
                "auditevent": ("audit event", "audit events"),
                "loginfailure": ("login failure", "login failures"),
                "membership": ("membership", "memberships"),
                "notification": ("notification", "notifications"),
                "organisation": ("organisation", "organisations"),
                "place": ("place", "places"),
                "placespendline": ("place spend line", "place spend lines"),
                "site": ("site", "sites"),
                "team": ("team", "teams"),
                "teamannouncement": ("team announcement", "team announcements"),
                "user": ("user", "users"),
            },
            fields={
                "auditevent": {
                    "actor": "actor",
                    "at": "at",
                    "payload": "payload",
                    "target_id": "target id",
                    "target_repr": "target repr",
                    "target_type": "target type",
                    "verb": "verb",
                },
                "loginfailure": {
                    "address": "address",
                    "at": "at",
                    "device": "device",
                    "username": "username",
                },
                "membership": {
                    "created_at": "created at",
                    "organisation": "organisation",
                    "place": "place",
                    "role": "role",
                    "site": "site",
                    "team": "team",
                    "user": "user",
                },
                "notification": {
                    "actor": "actor",
                    "created_at": "created at",
                    "message": "message",
                    "read_at": "read at",
                    "recipient": "recipient",
                    "url": "url",
                },
                "organisation": {
                    "first_response_days": "first response days",
                    "kind": "kind",
                    "name": "name",
                    "slug": "slug",
                },
                "place": {
                    "annual_public_spend": "annual public spend",
                    "name": "name",
                    "population": "population",
                    "slug": "slug",
                    "spend_year": "spend year",
                },
                "placespendline": {
                    "amount": "amount",
                    "organisation": "organisation",
                    "place": "place",
                },
                "site": {
                    "name": "name",
                    "organisation": "organisation",
                    "place": "place",
                },
                "team": {
                    "name": "name",
                    "site": "site",
                },
                "teamannouncement": {
                    "author": "author",
                    "created_at": "created at",
                    "message": "message",
                    "team": "team",
                },
                "user": {
                    "full_name": "full name",
                },
            },
        ),
    ]
