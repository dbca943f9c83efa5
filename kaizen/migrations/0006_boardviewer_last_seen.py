"""A board's viewer counts only while its socket keeps sending a heartbeat: when it last did.
Rows already there get the time of the migration and lapse a minute later unless heard from."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kaizen", "0005_cycle_measure_moves_to_metrics"),
    ]

    operations = [
        migrations.AddField(
            model_name="boardviewer",
            name="last_seen",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="last seen"),
        ),
    ]
