"""``manage.py startup_report``: say plainly, as a server process starts, whatever would keep
LeanHub from serving people (database unreachable or not migrated, Redis unreachable, the upload
bucket missing) or e-mail from going out (e-mails being retried; with ``--mail``, as the worker
runs it, the SMTP server refusing a connection). The Procfile runs it before each server; /readyz
reports the same while the server runs. Exits 0 so the server still starts and comes ready once
the fault is put right; ``--strict`` exits 1 instead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leanhub import mail
from leanhub.service import startup_problems

# A mail server that does not answer holds the worker's start no longer than this.
MAIL_CHECK_SECONDS = 10


class Command(BaseCommand):
    help = "Report bad configuration (database, Redis, upload storage) before a server starts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--strict", action="store_true", help="Exit with status 1 when anything is not ready."
        )
        parser.add_argument(
            "--mail",
            action="store_true",
            help="Also connect to the SMTP server (the worker, which sends the e-mail).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = startup_problems()
        if options["mail"]:
            refused = mail.check_connection(timeout=MAIL_CHECK_SECONDS)
            if refused:
                problems.append(f"mail: {refused}")
        for problem in problems:
            self.stderr.write(f"LeanHub is not ready: {problem}")
        if problems and options["strict"]:
            raise CommandError("LeanHub is not ready.")
        if not problems:
            self.stdout.write(
                "LeanHub is ready: database, Redis and upload storage answer"
                + (", and the e-mail server accepts connections." if options["mail"] else ".")
            )
