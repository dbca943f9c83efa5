from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ideas import demo


class Command(BaseCommand):
    help = "Add the demo ideas to the Eskdale demo place (run seed_demo first). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = demo.seed()
        self.stdout.write(
            self.style.SUCCESS(", ".join(f"{value} {key}" for key, value in counts.items()))
        )
