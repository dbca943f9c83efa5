from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from metrics.models import SurveyDay


class Command(BaseCommand):
    help = (
        "Count every survey answer again into its day, the figures the dashboards add up: after "
        "TIME_ZONE has changed, or answers were loaded without LeanHub. New answers wait until "
        "it is done."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        days = SurveyDay.objects.rebuild()
        self.stdout.write(f"Survey days counted: {days}")
