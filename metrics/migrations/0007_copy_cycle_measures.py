"""Every cycle that names a measure or a go-live day gets its link in metrics (a cycle whose
measure was deleted kept its day, and keeps it here). Reversing copies the links back onto the
cycles, whose two fields kaizen 0005 gives back when it is reversed, before this.
"""

from django.db import migrations, models


def copy_links_from_cycles(apps, schema_editor):
    Cycle = apps.get_model("kaizen", "Cycle")
    CycleMeasure = apps.get_model("metrics", "CycleMeasure")
    cycles = (
        Cycle.objects.filter(models.Q(measure__isnull=False) | models.Q(change_date__isnull=False))
        .order_by("pk")
        .values_list("pk", "measure_id", "change_date")
    )
    CycleMeasure.objects.bulk_create(
        [
            CycleMeasure(cycle_id=cycle_id, measure_id=measure_id, change_date=change_date)
            for cycle_id, measure_id, change_date in cycles
        ],
        batch_size=2000,
    )


def copy_links_back_to_cycles(apps, schema_editor):
    Cycle = apps.get_model("kaizen", "Cycle")
    CycleMeasure = apps.get_model("metrics", "CycleMeasure")
    links = CycleMeasure.objects.order_by("pk").values_list("cycle_id", "measure_id", "change_date")
    for cycle_id, measure_id, change_date in links:
        Cycle.objects.filter(pk=cycle_id).update(measure_id=measure_id, change_date=change_date)


class Migration(migrations.Migration):

    dependencies = [
        ("kaizen", "0004_cycle_measure"),
        ("metrics", "0006_cycle_measure_link"),
    ]

    operations = [
        migrations.RunPython(copy_links_from_cycles, copy_links_back_to_cycles),
    ]
