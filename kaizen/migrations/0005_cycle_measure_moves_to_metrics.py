"""A cycle no longer names its measure: metrics holds that link now (metrics 0007 copied every
cycle's measure and go-live day into it first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("kaizen", "0004_cycle_measure"),
        ("metrics", "0007_copy_cycle_measures"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="cycle",
            name="change_date",
        ),
        migrations.RemoveField(
            model_name="cycle",
            name="measure",
        ),
    ]
