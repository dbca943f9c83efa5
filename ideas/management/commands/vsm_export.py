"""Print a value-stream map as JSON (docs/vsm-format.md), or write it to a file."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from ideas.maps import json_format, queries
from ideas.maps.models import ValueStreamMap


class Command(BaseCommand):
    help = "Export a value-stream map as JSON: manage.py vsm_export MAP_ID [--output FILE]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("map_id", type=int)
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, map_id: int, output: str | None = None, **options: Any) -> None:
        m = ValueStreamMap.objects.filter(pk=map_id).first()
        if m is None:
            raise CommandError(gettext("No value-stream map with id %(id)s.") % {"id": map_id})
        text = json.dumps(
            json_format.export_map(m, queries.steps_of(m)), indent=2, ensure_ascii=False
        )
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            self.stdout.write(self.style.SUCCESS(f"Wrote {m.name} to {output}."))
        else:
            self.stdout.write(text)
