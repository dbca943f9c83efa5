"""``manage.py startup_report``: say plainly, as a server process starts, whatever would keep
LeanHub from serving people (database unreachable or not migrated, Redis unreachable, the upload
bucket missing). The Procfile runs it before each server; /readyz reports the same while the
server runs. Exits 0 so the server still starts and comes ready once the fault is put right;
``--strict`` exits 1 instead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leanhub.service import startup_problems


class Command(BaseCommand):
    help = "Report bad configuration (database, Redis, upload storage) before a server starts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--strict", action="store_true", help="Exit with status 1 when anything is not ready."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = startup_problems()
        for problem in problems:
            self.stderr.write(f"LeanHub is not ready: {problem}")
        if problems and options["strict"]:
            raise CommandError("LeanHub is not ready.")
        if not problems:
            self.stdout.write("LeanHub is ready: database, Redis and upload storage answer.")
