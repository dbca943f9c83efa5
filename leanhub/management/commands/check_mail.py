from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from leanhub import mail


class Command(BaseCommand):
    help = "Connect to the configured SMTP server and report the outbox's health."

    def handle(self, *args: Any, **options: Any) -> None:
        state = mail.health()
        self.stdout.write(
            f"Outbox: {state['waiting']} waiting, {state['retrying']} being retried, "
            f"{state['failed_today']} given up in the last day."
        )
        if state["last_error"]:
            self.stdout.write(f"Last error: {state['last_error']}")
        problem = mail.check_connection()
        if problem:
            raise CommandError(problem)
        self.stdout.write("The e-mail server accepts connections.")
