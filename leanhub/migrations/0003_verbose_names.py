"""Model and field names marked for translation. Only Django's record of the models changes:
verbose names are not stored in the database, so no SQL runs (sqlmigrate shows every operation
as a no-op, and SQLite rebuilds no table)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("leanhub", "0002_login_failure_device"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["-at", "-pk"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
            },
        ),
        migrations.AlterModelOptions(
            name="loginfailure",
            options={
                "ordering": ["-at"],
                "verbose_name": "login failure",
                "verbose_name_plural": "login failures",
            },
        ),
        migrations.AlterModelOptions(
            name="membership",
            options={
                "ordering": ["user", "role"],
                "verbose_name": "membership",
                "verbose_name_plural": "memberships",
            },
        ),
        migrations.AlterModelOptions(
            name="notification",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
            },
        ),
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": ["name"],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.AlterModelOptions(
            name="place",
            options={
                "ordering": ["name"],
                "verbose_name": "place",
                "verbose_name_plural": "places",
            },
        ),
        migrations.AlterModelOptions(
            name="placespendline",
            options={
                "ordering": ["-amount"],
                "verbose_name": "place spend line",
                "verbose_name_plural": "place spend lines",
            },
        ),
        migrations.AlterModelOptions(
            name="site",
            options={
                "ordering": ["organisation__name", "name"],
                "verbose_name": "site",
                "verbose_name_plural": "sites",
            },
        ),
        migrations.AlterModelOptions(
            name="team",
            options={
                "ordering": ["site__name", "name"],
                "verbose_name": "team",
                "verbose_name_plural": "teams",
            },
        ),
        migrations.AlterModelOptions(
            name="teamannouncement",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "team announcement",
                "verbose_name_plural": "team announcements",
            },
        ),
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["full_name", "username"],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, verbose_name="at"
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="payload",
            field=models.JSONField(blank=True, default=dict, verbose_name="payload"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="target_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="target id"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="target_repr",
            field=models.CharField(blank=True, max_length=300, verbose_name="target repr"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="target_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to="contenttypes.contenttype",
                verbose_name="target type",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="verb",
            field=models.CharField(max_length=80, verbose_name="verb"),
        ),
        migrations.AlterField(
            model_name="loginfailure",
            name="address",
            field=models.GenericIPAddressField(
                blank=True, db_index=True, null=True, verbose_name="address"
            ),
        ),
        migrations.AlterField(
            model_name="loginfailure",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, verbose_name="at"
            ),
        ),
        migrations.AlterField(
            model_name="loginfailure",
            name="device",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="device"),
        ),
        migrations.AlterField(
            model_name="loginfailure",
            name="username",
            field=models.CharField(db_index=True, max_length=150, verbose_name="username"),
        ),
        migrations.AlterField(
            model_name="membership",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="leanhub.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="place",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="leanhub.place",
                verbose_name="place",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("staff", "Frontline staff"),
                    ("lead", "Team lead"),
                    ("manager", "Manager"),
                    ("partnership", "Place partnership lead"),
                    ("admin", "Administrator"),
                ],
                max_length=20,
                verbose_name="role",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="site",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="leanhub.site",
                verbose_name="site",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="team",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="leanhub.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="message",
            field=models.CharField(max_length=300, verbose_name="message"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="read_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="read at"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="recipient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="url",
            field=models.CharField(blank=True, max_length=300, verbose_name="url"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="first_response_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="Days within which every new idea should get its first response.",
                verbose_name="first response days",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("jobcentre", "Jobcentre Plus district"),
                    ("police", "Police force"),
                    ("nhs", "NHS trust"),
                    ("council", "Council"),
                    ("other", "Other"),
                ],
                default="other",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="name",
            field=models.CharField(max_length=200, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="slug",
            field=models.SlugField(max_length=80, unique=True, verbose_name="slug"),
        ),
        migrations.AlterField(
            model_name="place",
            name="annual_public_spend",
            field=models.DecimalField(
                decimal_places=2,
                help_text="Total public spend in the area, £ a year.",
                max_digits=16,
                verbose_name="annual public spend",
            ),
        ),
        migrations.AlterField(
            model_name="place",
            name="name",
            field=models.CharField(max_length=200, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="place",
            name="population",
            field=models.PositiveIntegerField(verbose_name="population"),
        ),
        migrations.AlterField(
            model_name="place",
            name="slug",
            field=models.SlugField(max_length=80, unique=True, verbose_name="slug"),
        ),
        migrations.AlterField(
            model_name="place",
            name="spend_year",
            field=models.CharField(
                blank=True, help_text="e.g. 2009-10", max_length=9, verbose_name="spend year"
            ),
        ),
        migrations.AlterField(
            model_name="placespendline",
            name="amount",
            field=models.DecimalField(
                decimal_places=2, help_text="£ a year", max_digits=16, verbose_name="amount"
            ),
        ),
        migrations.AlterField(
            model_name="placespendline",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="spend_lines",
                to="leanhub.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="placespendline",
            name="place",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="spend_lines",
                to="leanhub.place",
                verbose_name="place",
            ),
        ),
        migrations.AlterField(
            model_name="site",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="site",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sites",
                to="leanhub.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="site",
            name="place",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sites",
                to="leanhub.place",
                verbose_name="place",
            ),
        ),
        migrations.AlterField(
            model_name="team",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="team",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="leanhub.site",
                verbose_name="site",
            ),
        ),
        migrations.AlterField(
            model_name="teamannouncement",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="author",
            ),
        ),
        migrations.AlterField(
            model_name="teamannouncement",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="teamannouncement",
            name="message",
            field=models.CharField(max_length=280, verbose_name="message"),
        ),
        migrations.AlterField(
            model_name="teamannouncement",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="announcements",
                to="leanhub.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="full_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="full name"),
        ),
    ]
