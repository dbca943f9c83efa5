from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ideas import actions


class Command(BaseCommand):
    help = (
        "The ideas' daily job: send parked ideas whose revisit date has come back for review, "
        "then tell team leads about ideas past their organisation's first-response target. "
        "Run once a day; a second run the same day changes nothing more."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        returned = actions.return_parked_ideas()
        self.stdout.write(
            f"Brought {returned} parked idea{'s' if returned != 1 else ''} back for review."
        )
        told = actions.remind_leads()
        self.stdout.write(f"Reminded {told} team lead{'s' if told != 1 else ''}.")
