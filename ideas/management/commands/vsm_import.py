"""Import a value-stream map from a JSON file into a team: all of it, or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from ideas.maps import json_format
from leanhub.models import Team, User


class Command(BaseCommand):
    help = "Import a value-stream map: manage.py vsm_import FILE --team TEAM_ID [--by USERNAME]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--team", type=int, required=True, help="Id of the team the map belongs to."
        )
        parser.add_argument(
            "--by",
            help="Username recorded as the importer (default: the first administrator).",
        )

    def handle(
        self, *args: Any, file: str, team: int, by: str | None = None, **options: Any
    ) -> None:
        team_obj = Team.objects.select_related("site").filter(pk=team).first()
        if team_obj is None:
            raise CommandError(gettext("No team with id %(id)s.") % {"id": team})
        users = User.objects.filter(is_active=True)
        person = (
            users.filter(username=by).first()
            if by
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if person is None:
            raise CommandError(
                gettext("No such user %(username)s.") % {"username": repr(by)}
                if by
                else gettext("No administrator to record as importer; pass --by.")
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(gettext("No file at %(path)s.") % {"path": file})
        try:
            data = json_format.read_path(path)
            m = json_format.import_map(data, team=team_obj, by=person)
        except json_format.ImportRefused as refused:
            raise CommandError(
                gettext("Nothing imported:") + "\n" + "\n".join(refused.problems)
            ) from None
        except OSError as error:
            raise CommandError(
                gettext("Nothing imported: %(file)s cannot be read (%(error)s).")
                % {"file": file, "error": error.strerror or error}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Imported map {m.pk}: {m.name} ({m.steps.count()} steps).")
        )
