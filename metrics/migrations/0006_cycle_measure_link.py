"""The link between a PDCA cycle and the measure it should move gets a table in metrics.

The next migration fills it from the cycles; kaizen's then drops the cycle's own two fields.
Schema and data stay in separate migrations, so on PostgreSQL no table is altered in the
transaction that wrote rows it has deferred foreign-key checks for.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("kaizen", "0004_cycle_measure"),
        ("metrics", "0005_measure_screening_and_cycle_marks"),
    ]

    operations = [
        migrations.CreateModel(
            name="CycleMeasure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("change_date", models.DateField(blank=True, help_text="Marked on the measure's chart, so before and after can be told apart.", null=True, verbose_name="The change went live on")),
                ("cycle", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="measure_link", to="kaizen.cycle")),
                ("measure", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="cycle_links", to="metrics.measure", verbose_name="Measure it should move")),
            ],
            options={
                "verbose_name": "measure of a PDCA cycle",
                "verbose_name_plural": "measures of PDCA cycles",
            },
        ),
    ]
