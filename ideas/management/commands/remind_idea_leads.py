from __future__ import annotations

from django.core.management.base import BaseCommand

from ideas import actions


class Command(BaseCommand):
    help = (
        "Tell team leads about ideas past their organisation's first-response target and "
        "parked ideas due for another look. Run once a day."
    )

    def handle(self, *args, **options) -> None:
        told = actions.remind_leads()
        self.stdout.write(f"Reminded {told} team lead{'s' if told != 1 else ''}.")
