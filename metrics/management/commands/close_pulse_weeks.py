from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from metrics import pulses


class Command(BaseCommand):
    help = (
        "Give each staff pulse's measure the mean of every finished week with at least five "
        "answers (run daily; running it again changes nothing)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = pulses.close_weeks()
        self.stdout.write(f"Staff pulse weeks closed: {written}")
