"""Model and field names marked for translation. Only Django's record of the models changes:
verbose names are not stored in the database, so no SQL runs (sqlmigrate shows every operation
as a no-op, and SQLite rebuilds no table)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0008_verbose_names"),
        ("kaizen", "0006_boardviewer_last_seen"),
        ("leanhub", "0003_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="board",
            options={
                "ordering": ["name"],
                "verbose_name": "board",
                "verbose_name_plural": "boards",
            },
        ),
        migrations.AlterModelOptions(
            name="boardviewer",
            options={
                "ordering": ["connected_at"],
                "verbose_name": "board viewer",
                "verbose_name_plural": "board viewers",
            },
        ),
        migrations.AlterModelOptions(
            name="card",
            options={
                "ordering": ["column__position", "position", "pk"],
                "verbose_name": "card",
                "verbose_name_plural": "cards",
            },
        ),
        migrations.AlterModelOptions(
            name="cardmove",
            options={
                "ordering": ["at", "pk"],
                "verbose_name": "card move",
                "verbose_name_plural": "card moves",
            },
        ),
        migrations.AlterModelOptions(
            name="column",
            options={
                "ordering": ["board", "position", "pk"],
                "verbose_name": "column",
                "verbose_name_plural": "columns",
            },
        ),
        migrations.AlterModelOptions(
            name="cycle",
            options={
                "ordering": ["card", "number"],
                "verbose_name": "cycle",
                "verbose_name_plural": "cycles",
            },
        ),
        migrations.AlterModelOptions(
            name="cycleaction",
            options={
                "ordering": ["cycle", "pk"],
                "verbose_name": "cycle action",
                "verbose_name_plural": "cycle actions",
            },
        ),
        migrations.AlterModelOptions(
            name="cyclephoto",
            options={
                "ordering": ["cycle", "pk"],
                "verbose_name": "cycle photo",
                "verbose_name_plural": "cycle photos",
            },
        ),
        migrations.AlterField(
            model_name="board",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="board",
            name="member_organisations",
            field=models.ManyToManyField(
                blank=True,
                related_name="joint_boards",
                to="leanhub.organisation",
                verbose_name="member organisations",
            ),
        ),
        migrations.AlterField(
            model_name="board",
            name="member_teams",
            field=models.ManyToManyField(
                blank=True,
                related_name="joint_boards",
                to="leanhub.team",
                verbose_name="member teams",
            ),
        ),
        migrations.AlterField(
            model_name="board",
            name="members",
            field=models.ManyToManyField(
                blank=True,
                help_text="People who work this joint board whatever their team (e.g. a partnership lead).",
                related_name="joint_boards",
                to=settings.AUTH_USER_MODEL,
                verbose_name="members",
            ),
        ),
        migrations.AlterField(
            model_name="board",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="board",
            name="stale_after_days",
            field=models.PositiveSmallIntegerField(
                default=14,
                help_text="A card with no movement for this many days is flagged as stale.",
                verbose_name="stale after days",
            ),
        ),
        migrations.AlterField(
            model_name="board",
            name="team",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="board",
                to="leanhub.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="boardviewer",
            name="board",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="viewers",
                to="kaizen.board",
                verbose_name="board",
            ),
        ),
        migrations.AlterField(
            model_name="boardviewer",
            name="channel_name",
            field=models.CharField(max_length=200, unique=True, verbose_name="channel name"),
        ),
        migrations.AlterField(
            model_name="boardviewer",
            name="connected_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="connected at"
            ),
        ),
        migrations.AlterField(
            model_name="boardviewer",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="card",
            name="blocked",
            field=models.BooleanField(default=False, verbose_name="blocked"),
        ),
        migrations.AlterField(
            model_name="card",
            name="blocked_reason",
            field=models.CharField(blank=True, max_length=280, verbose_name="blocked reason"),
        ),
        migrations.AlterField(
            model_name="card",
            name="board",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="cards",
                to="kaizen.board",
                verbose_name="board",
            ),
        ),
        migrations.AlterField(
            model_name="card",
            name="column",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="cards",
                to="kaizen.column",
                verbose_name="column",
            ),
        ),
        migrations.AlterField(
            model_name="card",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="card",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="card",
            name="description",
            field=models.TextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="card",
            name="done_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="done at"),
        ),
        migrations.AlterField(
            model_name="card",
            name="due_date",
            field=models.DateField(blank=True, null=True, verbose_name="due date"),
        ),
        migrations.AlterField(
            model_name="card",
            name="idea",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="cards",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="card",
            name="labels",
            field=models.CharField(
                blank=True, help_text="Comma-separated.", max_length=200, verbose_name="labels"
            ),
        ),
        migrations.AlterField(
            model_name="card",
            name="moved_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="moved at"),
        ),
        migrations.AlterField(
            model_name="card",
            name="owners",
            field=models.ManyToManyField(
                blank=True, related_name="cards", to=settings.AUTH_USER_MODEL, verbose_name="owners"
            ),
        ),
        migrations.AlterField(
            model_name="card",
            name="position",
            field=models.PositiveIntegerField(default=0, verbose_name="position"),
        ),
        migrations.AlterField(
            model_name="card",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started at"),
        ),
        migrations.AlterField(
            model_name="card",
            name="title",
            field=models.CharField(max_length=140, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="card",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="version"),
        ),
        migrations.AlterField(
            model_name="card",
            name="wip_reason",
            field=models.CharField(blank=True, max_length=280, verbose_name="wip reason"),
        ),
        migrations.AlterField(
            model_name="cardmove",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="cardmove",
            name="by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="cardmove",
            name="card",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="moves",
                to="kaizen.card",
                verbose_name="card",
            ),
        ),
        migrations.AlterField(
            model_name="cardmove",
            name="from_column",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="kaizen.column",
                verbose_name="from column",
            ),
        ),
        migrations.AlterField(
            model_name="cardmove",
            name="to_column",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="kaizen.column",
                verbose_name="to column",
            ),
        ),
        migrations.AlterField(
            model_name="cardmove",
            name="wip_reason",
            field=models.CharField(blank=True, max_length=280, verbose_name="wip reason"),
        ),
        migrations.AlterField(
            model_name="column",
            name="board",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="columns",
                to="kaizen.board",
                verbose_name="board",
            ),
        ),
        migrations.AlterField(
            model_name="column",
            name="kind",
            field=models.CharField(
                choices=[
                    ("backlog", "Not started"),
                    ("active", "In progress"),
                    ("done", "Finished"),
                ],
                default="active",
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="column",
            name="name",
            field=models.CharField(max_length=60, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="column",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="position"),
        ),
        migrations.AlterField(
            model_name="column",
            name="wip_limit",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Soft limit: going over it asks for a reason.",
                null=True,
                verbose_name="wip limit",
            ),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="baseline",
            field=models.CharField(blank=True, max_length=120, verbose_name="baseline"),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="card",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="cycles",
                to="kaizen.card",
                verbose_name="card",
            ),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="decision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("adopt", "Adopt as standard work"),
                    ("adapt", "Adapt and run another cycle"),
                    ("abandon", "Abandon, with the learning"),
                ],
                max_length=10,
                verbose_name="decision",
            ),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="evidence",
            field=models.TextField(blank=True, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="hypothesis",
            field=models.TextField(
                blank=True, help_text="If we … then …", verbose_name="hypothesis"
            ),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="learning",
            field=models.TextField(blank=True, verbose_name="learning"),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="number",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="number"),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="planned_actions",
            field=models.TextField(blank=True, verbose_name="planned actions"),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="root_cause",
            field=models.TextField(blank=True, verbose_name="root cause"),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="target",
            field=models.CharField(blank=True, max_length=120, verbose_name="target"),
        ),
        migrations.AlterField(
            model_name="cycleaction",
            name="cycle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="actions",
                to="kaizen.cycle",
                verbose_name="cycle",
            ),
        ),
        migrations.AlterField(
            model_name="cycleaction",
            name="description",
            field=models.CharField(max_length=200, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="cycleaction",
            name="done",
            field=models.BooleanField(default=False, verbose_name="done"),
        ),
        migrations.AlterField(
            model_name="cycleaction",
            name="due_date",
            field=models.DateField(blank=True, null=True, verbose_name="due date"),
        ),
        migrations.AlterField(
            model_name="cycleaction",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.AlterField(
            model_name="cyclephoto",
            name="caption",
            field=models.CharField(blank=True, max_length=200, verbose_name="caption"),
        ),
        migrations.AlterField(
            model_name="cyclephoto",
            name="content_type",
            field=models.CharField(max_length=40, verbose_name="content type"),
        ),
        migrations.AlterField(
            model_name="cyclephoto",
            name="cycle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="photos",
                to="kaizen.cycle",
                verbose_name="cycle",
            ),
        ),
        migrations.AlterField(
            model_name="cyclephoto",
            name="file",
            field=models.CharField(max_length=200, verbose_name="file"),
        ),
        migrations.AlterField(
            model_name="cyclephoto",
            name="uploaded_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="uploaded at"
            ),
        ),
        migrations.AlterField(
            model_name="cyclephoto",
            name="uploaded_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="uploaded by",
            ),
        ),
    ]
