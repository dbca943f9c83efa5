"""The computed figures of a value-stream map, for people or (with --json) for other tools."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from ideas.maps import calc, queries
from ideas.maps.models import ValueStreamMap


class Command(BaseCommand):
    help = "Summarise a value-stream map's figures: manage.py vsm_summary MAP_ID [--json]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("map_id", type=int)
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON.")

    def handle(self, *args: Any, map_id: int, as_json: bool = False, **options: Any) -> None:
        m = ValueStreamMap.objects.filter(pk=map_id).first()
        if m is None:
            raise CommandError(gettext("No value-stream map with id %(id)s.") % {"id": map_id})
        try:
            result = calc.compute(m.as_input(queries.steps_of(m)))
        except calc.InvalidInput as bad:
            raise CommandError(
                gettext("The map cannot be worked out:")
                + "\n"
                + "\n".join(f"{k}: {v}" for k, v in bad.errors.items())
            ) from None
        if as_json:
            self.stdout.write(
                json.dumps(
                    {"map": m.pk, "name": m.name, **result.summary()}, indent=2, ensure_ascii=False
                )
            )
            return
        self.stdout.write(f"{m.name} ({m.get_state_display()})")
        for f in result.figures:
            self.stdout.write(f"  {f.label}: {f.display}  — {f.formula}")
        bottlenecks = ", ".join(s.name for s in result.bottlenecks)
        self.stdout.write(
            gettext("Slower than takt: %(steps)s.") % {"steps": bottlenecks}
            if bottlenecks
            else gettext("No step is slower than takt.")
        )
        # Each step's capacity as worked out, which also says what it leaves out.
        for s in result.steps:
            self.stdout.write(f"  {s.formula}")
