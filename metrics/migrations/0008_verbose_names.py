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
        ("kaizen", "0007_verbose_names"),
        ("leanhub", "0003_verbose_names"),
        ("metrics", "0007_copy_cycle_measures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="annotation",
            options={
                "ordering": ["date", "pk"],
                "verbose_name": "annotation",
                "verbose_name_plural": "annotations",
            },
        ),
        migrations.AlterModelOptions(
            name="measure",
            options={
                "ordering": ["name", "pk"],
                "verbose_name": "measure",
                "verbose_name_plural": "measures",
            },
        ),
        migrations.AlterModelOptions(
            name="observation",
            options={
                "ordering": ["date"],
                "verbose_name": "observation",
                "verbose_name_plural": "observations",
            },
        ),
        migrations.AlterModelOptions(
            name="outcome",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "outcome",
                "verbose_name_plural": "outcomes",
            },
        ),
        migrations.AlterModelOptions(
            name="saving",
            options={
                "ordering": ["-claimed_at", "-pk"],
                "verbose_name": "saving",
                "verbose_name_plural": "savings",
            },
        ),
        migrations.AlterModelOptions(
            name="survey",
            options={
                "ordering": ["title"],
                "verbose_name": "survey",
                "verbose_name_plural": "surveys",
            },
        ),
        migrations.AlterModelOptions(
            name="surveyresponse",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "survey response",
                "verbose_name_plural": "survey responses",
            },
        ),
        migrations.AlterField(
            model_name="annotation",
            name="cycle",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="annotation",
                to="kaizen.cycle",
                verbose_name="cycle",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="date",
            field=models.DateField(verbose_name="date"),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="idea",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="label",
            field=models.CharField(max_length=120, verbose_name="label"),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="measure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="annotations",
                to="metrics.measure",
                verbose_name="measure",
            ),
        ),
        migrations.AlterField(
            model_name="cyclemeasure",
            name="cycle",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measure_link",
                to="kaizen.cycle",
                verbose_name="cycle",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="created_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="fix_after_n_points",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="fix after n points"
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="frequency",
            field=models.CharField(
                choices=[("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")],
                default="weekly",
                max_length=10,
                verbose_name="frequency",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="name",
            field=models.CharField(max_length=140, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="measure",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measures",
                to="leanhub.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="place",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measures",
                to="leanhub.place",
                verbose_name="place",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="site",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measures",
                to="leanhub.site",
                verbose_name="site",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="target",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=14, null=True, verbose_name="target"
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="team",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measures",
                to="leanhub.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="unit",
            field=models.CharField(
                help_text="e.g. minutes, %, claims, score (1–5)", max_length=40, verbose_name="unit"
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="date",
            field=models.DateField(verbose_name="date"),
        ),
        migrations.AlterField(
            model_name="observation",
            name="measure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="observations",
                to="metrics.measure",
                verbose_name="measure",
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="note",
            field=models.CharField(blank=True, max_length=200, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="observation",
            name="value",
            field=models.DecimalField(decimal_places=4, max_digits=14, verbose_name="value"),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="after_end",
            field=models.DateField(verbose_name="after end"),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="after_mean",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=14, null=True, verbose_name="after mean"
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="after_start",
            field=models.DateField(verbose_name="after start"),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="baseline_end",
            field=models.DateField(verbose_name="baseline end"),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="baseline_start",
            field=models.DateField(verbose_name="baseline start"),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="before_mean",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=14, null=True, verbose_name="before mean"
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="card",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="kaizen.card",
                verbose_name="card",
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="gain_percent",
            field=models.DecimalField(
                blank=True, decimal_places=1, max_digits=8, null=True, verbose_name="gain percent"
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="idea",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="measure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="metrics.measure",
                verbose_name="measure",
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="recorded_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recorded by",
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="leanhub.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="amount",
            field=models.DecimalField(
                decimal_places=2,
                help_text="£, or hours for time released",
                max_digits=14,
                verbose_name="amount",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="card",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="savings",
                to="kaizen.card",
                verbose_name="card",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="claimed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="claimed at"
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="claimed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="savings_claimed",
                to=settings.AUTH_USER_MODEL,
                verbose_name="claimed by",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="saving",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="savings_decided",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="evidence",
            field=models.TextField(
                help_text="How the figure was worked out, and where it is seen.",
                verbose_name="evidence",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="evidence_content_type",
            field=models.CharField(blank=True, max_length=80, verbose_name="evidence content type"),
        ),
        migrations.AlterField(
            model_name="saving",
            name="evidence_file",
            field=models.FileField(
                blank=True, upload_to="metrics/evidence/%Y/%m/", verbose_name="evidence file"
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="idea",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="savings",
                to="ideas.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="invested_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="savings_invested",
                to="leanhub.organisation",
                verbose_name="invested by",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="kind",
            field=models.CharField(
                choices=[
                    ("cashable", "Cashable (£)"),
                    ("non_cashable", "Non-cashable (£)"),
                    ("time", "Time released (hours)"),
                    ("cost_avoidance", "Cost avoidance (£)"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="measure",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="savings",
                to="metrics.measure",
                verbose_name="measure",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="recurrence",
            field=models.CharField(
                choices=[("one_off", "One-off"), ("recurring", "Recurring, per year")],
                default="recurring",
                max_length=10,
                verbose_name="recurrence",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="rejection_reason",
            field=models.TextField(blank=True, verbose_name="rejection reason"),
        ),
        migrations.AlterField(
            model_name="saving",
            name="stage",
            field=models.CharField(
                choices=[("projected", "Projected"), ("realised", "Realised")],
                default="projected",
                max_length=10,
                verbose_name="stage",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="start_date",
            field=models.DateField(verbose_name="start date"),
        ),
        migrations.AlterField(
            model_name="saving",
            name="status",
            field=models.CharField(
                choices=[
                    ("claimed", "Claimed — awaiting verification"),
                    ("verified", "Verified"),
                    ("rejected", "Rejected"),
                ],
                default="claimed",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="submission",
            field=models.CharField(
                blank=True, editable=False, max_length=36, verbose_name="submission"
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="savings",
                to="leanhub.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="saving",
            name="title",
            field=models.CharField(max_length=140, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="saving",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="version"),
        ),
        migrations.AlterField(
            model_name="survey",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="is_open",
            field=models.BooleanField(default=True, verbose_name="is open"),
        ),
        migrations.AlterField(
            model_name="survey",
            name="kind",
            field=models.CharField(
                choices=[("customer", "Customer satisfaction"), ("staff", "Staff pulse")],
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="measure",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="survey",
                to="metrics.measure",
                verbose_name="measure",
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="question",
            field=models.CharField(
                default="How satisfied were you today?", max_length=200, verbose_name="question"
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="surveys",
                to="leanhub.site",
                verbose_name="site",
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="team",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="surveys",
                to="leanhub.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="title",
            field=models.CharField(max_length=140, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="survey",
            name="token",
            field=models.CharField(
                editable=False, max_length=32, unique=True, verbose_name="token"
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="client",
            field=models.CharField(blank=True, max_length=64, verbose_name="client"),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="comment",
            field=models.CharField(blank=True, max_length=500, verbose_name="comment"),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="score",
            field=models.PositiveSmallIntegerField(verbose_name="score"),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="survey",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="responses",
                to="metrics.survey",
                verbose_name="survey",
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="voter",
            field=models.CharField(blank=True, max_length=64, verbose_name="voter"),
        ),
    ]
