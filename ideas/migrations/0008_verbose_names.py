"""Model and field names marked for translation. Only Django's record of the models changes:
verbose names are not stored in the database, so no SQL runs (sqlmigrate shows every operation
as a no-op, and SQLite rebuilds no table)."""

import django.db.models.deletion
import django.utils.timezone
import ideas.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0007_pending_photo"),
        ("leanhub", "0002_login_failure_device"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="idea",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "idea",
                "verbose_name_plural": "ideas",
            },
        ),
        migrations.AlterModelOptions(
            name="ideacomment",
            options={
                "ordering": ["created_at", "pk"],
                "verbose_name": "idea comment",
                "verbose_name_plural": "idea comments",
            },
        ),
        migrations.AlterModelOptions(
            name="ideaevent",
            options={
                "ordering": ["at", "pk"],
                "verbose_name": "idea event",
                "verbose_name_plural": "idea events",
            },
        ),
        migrations.AlterModelOptions(
            name="ideafollow",
            options={"verbose_name": "idea follow", "verbose_name_plural": "idea follows"},
        ),
        migrations.AlterModelOptions(
            name="ideaphoto",
            options={
                "ordering": ["position", "pk"],
                "verbose_name": "idea photo",
                "verbose_name_plural": "idea photos",
            },
        ),
        migrations.AlterModelOptions(
            name="ideasupport",
            options={"verbose_name": "idea support", "verbose_name_plural": "idea supports"},
        ),
        migrations.AlterModelOptions(
            name="kaizenburst",
            options={
                "ordering": ["step", "created_at", "pk"],
                "verbose_name": "kaizen burst",
                "verbose_name_plural": "kaizen bursts",
            },
        ),
        migrations.AlterModelOptions(
            name="valuestreammap",
            options={
                "ordering": ["team", "name", "pk"],
                "verbose_name": "value stream map",
                "verbose_name_plural": "value stream maps",
            },
        ),
        migrations.AlterModelOptions(
            name="valuestreamstep",
            options={
                "ordering": ["map", "position", "pk"],
                "verbose_name": "value stream step",
                "verbose_name_plural": "value stream steps",
            },
        ),
        migrations.AlterField(
            model_name="idea",
            name="adopted_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="adoptions",
                to="ideas.idea",
                verbose_name="adopted from",
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ideas",
                to=settings.AUTH_USER_MODEL,
                verbose_name="author",
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="first_response_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="first response at"),
        ),
        migrations.AlterField(
            model_name="idea",
            name="implemented_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="implemented at"),
        ),
        migrations.AlterField(
            model_name="idea",
            name="kind",
            field=models.CharField(
                choices=[
                    ("improvement", "Improvement"),
                    ("stop_doing", "Stop doing (red tape)"),
                    ("customer", "Customer suggestion"),
                ],
                default="improvement",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="duplicates",
                to="ideas.idea",
                verbose_name="merged into",
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="minutes_per_occurrence",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=8,
                null=True,
                verbose_name="minutes per occurrence",
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="occurrences_per_year",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="occurrences per year"
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="parked_until",
            field=models.DateField(blank=True, null=True, verbose_name="parked until"),
        ),
        migrations.AlterField(
            model_name="idea",
            name="reply_due_on",
            field=models.DateField(blank=True, null=True, verbose_name="reply due on"),
        ),
        migrations.AlterField(
            model_name="idea",
            name="routed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="routed at"),
        ),
        migrations.AlterField(
            model_name="idea",
            name="status",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("under_review", "Under review"),
                    ("accepted", "Accepted"),
                    ("in_progress", "In progress"),
                    ("implemented", "Implemented"),
                    ("declined", "Declined"),
                    ("parked", "Parked"),
                    ("duplicate", "Duplicate"),
                ],
                default="new",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="submission_token",
            field=models.UUIDField(
                blank=True, editable=False, null=True, unique=True, verbose_name="submission token"
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="support_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="support count"
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ideas",
                to="leanhub.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="title",
            field=models.CharField(max_length=140, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="idea",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.AlterField(
            model_name="idea",
            name="wastes",
            field=models.CharField(blank=True, max_length=200, verbose_name="wastes"),
        ),
        migrations.AlterField(
            model_name="ideacomment",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="author",
            ),
        ),
        migrations.AlterField(
            model_name="ideacomment",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="ideacomment",
            name="edited_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="edited at"),
        ),
        migrations.AlterField(
            model_name="ideacomment",
            name="idea",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="ideaevent",
            name="actor",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.AlterField(
            model_name="ideaevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="ideaevent",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("new", "New"),
                    ("under_review", "Under review"),
                    ("accepted", "Accepted"),
                    ("in_progress", "In progress"),
                    ("implemented", "Implemented"),
                    ("declined", "Declined"),
                    ("parked", "Parked"),
                    ("duplicate", "Duplicate"),
                ],
                max_length=20,
                verbose_name="from status",
            ),
        ),
        migrations.AlterField(
            model_name="ideaevent",
            name="idea",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="ideaevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="ideaevent",
            name="to_status",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("under_review", "Under review"),
                    ("accepted", "Accepted"),
                    ("in_progress", "In progress"),
                    ("implemented", "Implemented"),
                    ("declined", "Declined"),
                    ("parked", "Parked"),
                    ("duplicate", "Duplicate"),
                ],
                max_length=20,
                verbose_name="to status",
            ),
        ),
        migrations.AlterField(
            model_name="ideafollow",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="ideafollow",
            name="idea",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="follows",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="ideafollow",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="idea_follows",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="ideaphoto",
            name="content_type",
            field=models.CharField(max_length=40, verbose_name="content type"),
        ),
        migrations.AlterField(
            model_name="ideaphoto",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="ideaphoto",
            name="height",
            field=models.PositiveIntegerField(verbose_name="height"),
        ),
        migrations.AlterField(
            model_name="ideaphoto",
            name="idea",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="photos",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="ideaphoto",
            name="name",
            field=models.CharField(
                default=ideas.models._photo_name,
                editable=False,
                max_length=40,
                unique=True,
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="ideaphoto",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="position"),
        ),
        migrations.AlterField(
            model_name="ideaphoto",
            name="width",
            field=models.PositiveIntegerField(verbose_name="width"),
        ),
        migrations.AlterField(
            model_name="ideasupport",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="ideasupport",
            name="idea",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="supports",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="ideasupport",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="kaizenburst",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="kaizenburst",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="kaizenburst",
            name="idea",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="vsm_bursts",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="kaizenburst",
            name="step",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="bursts",
                to="ideas.valuestreamstep",
                verbose_name="step",
            ),
        ),
        migrations.AlterField(
            model_name="pendingphoto",
            name="name",
            field=models.CharField(
                default=ideas.models._photo_name,
                editable=False,
                max_length=40,
                unique=True,
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="breaks_unit",
            field=models.CharField(
                choices=[("s", "seconds"), ("min", "minutes"), ("h", "hours"), ("d", "days")],
                default="min",
                max_length=3,
                verbose_name="breaks unit",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="current",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="futures",
                to="ideas.valuestreammap",
                verbose_name="current",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="customer",
            field=models.CharField(
                help_text="Who receives what the process makes.",
                max_length=140,
                verbose_name="customer",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="day_convention",
            field=models.CharField(
                choices=[
                    ("working", "Working days (a day is the available working time)"),
                    ("calendar", "Calendar days (a day is 24 hours)"),
                ],
                default="working",
                max_length=10,
                verbose_name="day convention",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="demand_period",
            field=models.CharField(
                choices=[("day", "a day"), ("week", "a week"), ("month", "a month")],
                default="week",
                max_length=5,
                verbose_name="demand period",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="end_wait_quantity",
            field=models.FloatField(blank=True, null=True, verbose_name="end wait quantity"),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="end_wait_unit",
            field=models.CharField(
                choices=[("s", "seconds"), ("min", "minutes"), ("h", "hours"), ("d", "days")],
                default="h",
                max_length=3,
                verbose_name="end wait unit",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="end_wait_variants",
            field=models.JSONField(blank=True, default=dict, verbose_name="end wait variants"),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="information_flows",
            field=models.TextField(
                blank=True,
                help_text="How work is told what to do next: schedules, systems, phone calls.",
                verbose_name="information flows",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="is_target",
            field=models.BooleanField(default=False, verbose_name="is target"),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="name",
            field=models.CharField(max_length=140, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="shift_unit",
            field=models.CharField(
                choices=[("s", "seconds"), ("min", "minutes"), ("h", "hours"), ("d", "days")],
                default="h",
                max_length=3,
                verbose_name="shift unit",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="shifts_per_day",
            field=models.DecimalField(
                decimal_places=2, default=1, max_digits=4, verbose_name="shifts per day"
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="state",
            field=models.CharField(
                choices=[("current", "Current state"), ("future", "Future state")],
                default="current",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="submission_token",
            field=models.CharField(
                blank=True, db_index=True, max_length=40, verbose_name="submission token"
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="supplier",
            field=models.CharField(
                blank=True,
                help_text="Who or what starts it.",
                max_length=140,
                verbose_name="supplier",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="value_stream_maps",
                to="leanhub.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.AlterField(
            model_name="valuestreammap",
            name="variants",
            field=models.JSONField(blank=True, default=list, verbose_name="variants"),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="batch_size",
            field=models.FloatField(blank=True, null=True, verbose_name="batch size"),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="changeover_unit",
            field=models.CharField(
                choices=[("s", "seconds"), ("min", "minutes"), ("h", "hours"), ("d", "days")],
                default="min",
                max_length=3,
                verbose_name="changeover unit",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="cycle_unit",
            field=models.CharField(
                choices=[("s", "seconds"), ("min", "minutes"), ("h", "hours"), ("d", "days")],
                default="min",
                max_length=3,
                verbose_name="cycle unit",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="lead_unit",
            field=models.CharField(
                choices=[("s", "seconds"), ("min", "minutes"), ("h", "hours"), ("d", "days")],
                default="min",
                max_length=3,
                verbose_name="lead unit",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="map",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="steps",
                to="ideas.valuestreammap",
                verbose_name="map",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="name",
            field=models.CharField(max_length=120, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="notes",
            field=models.TextField(blank=True, verbose_name="notes"),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="performed_by",
            field=models.CharField(
                blank=True,
                help_text="Role or team; a change between steps is a hand-off.",
                max_length=120,
                verbose_name="performed by",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="position",
            field=models.PositiveIntegerField(verbose_name="position"),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="wait_unit",
            field=models.CharField(
                choices=[("s", "seconds"), ("min", "minutes"), ("h", "hours"), ("d", "days")],
                default="h",
                max_length=3,
                verbose_name="wait unit",
            ),
        ),
        migrations.AlterField(
            model_name="valuestreamstep",
            name="wait_variants",
            field=models.JSONField(blank=True, default=dict, verbose_name="wait variants"),
        ),
    ]
