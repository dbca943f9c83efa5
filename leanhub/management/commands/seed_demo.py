from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from leanhub import demo
from leanhub.models import Organisation


class Command(BaseCommand):
    help = "Create (or refresh) the Eskdale demo place, its agencies, teams and demo people."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has organisations (used by `make run`).",
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(
        self, *args: Any, if_empty: bool = False, quiet_logins: bool = False, **options: Any
    ) -> None:
        if if_empty and Organisation.objects.exists():
            self.stdout.write("The database already has data; demo data left as it is.")
        else:
            counts = demo.seed()
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo place ready: "
                    + ", ".join(f"{value} {key}" for key, value in counts.items())
                )
            )
            self._seed_apps()
        if not quiet_logins:
            self.print_logins()

    def _seed_apps(self) -> None:
        """Each app may add its own demo rows (ideas, boards, measures) via a demo module."""
        from importlib import import_module

        # Value-stream maps pin demo ideas to their steps, so they come after the ideas.
        for name in (
            "ideas.demo",
            "ideas.maps.demo",
            "kaizen.demo",
            "metrics.demo",
            "places.demo",
            "library.demo",
        ):
            try:
                module = import_module(name)
            except ModuleNotFoundError as error:
                if error.name != name:
                    raise
                continue
            module.seed()

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for person in demo.PEOPLE:
            self.stdout.write(f"  {person.username:<8} {person.full_name:<16} {person.note}")
