from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from leanhub import jobs


class Command(BaseCommand):
    help = (
        "Run the background worker: e-mail, digests, reminders and the other periodic jobs. "
        "Writes the periodic jobs' schedules first (idempotent), then runs the django-q2 "
        "cluster until it is stopped (SIGTERM or Ctrl+C)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = jobs.ensure_schedules()
        for name in created:
            self.stdout.write(f"Scheduled {name}")
        call_command("qcluster")
