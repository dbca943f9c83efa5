"""Import a value-stream map from a JSON file into a team: all of it, or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ideas.maps import json_format
from leanhub.models import Team, User


class Command(BaseCommand):
    help = "Import a value-stream map: manage.py vsm_import FILE --team TEAM_ID [--by USERNAME]."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--team", type=int, required=True, help="Id of the team the map belongs to."
        )
        parser.add_argument(
            "--by",
            help="Username recorded as the importer (default: the first administrator).",
        )

    def handle(self, *args, file: str, team: int, by: str | None = None, **options) -> None:
        team_obj = Team.objects.select_related("site").filter(pk=team).first()
        if team_obj is None:
            raise CommandError(f"No team with id {team}.")
        users = User.objects.filter(is_active=True)
        person = (
            users.filter(username=by).first()
            if by
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if person is None:
            raise CommandError(
                f"No such user {by!r}."
                if by
                else "No administrator to record as importer; pass --by."
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        try:
            data = json_format.read_path(path)
            m = json_format.import_map(data, team=team_obj, by=person)
        except json_format.ImportRefused as refused:
            raise CommandError("Nothing imported:\n" + "\n".join(refused.problems)) from None
        except OSError as error:
            raise CommandError(
                _("Nothing imported: %(file)s cannot be read (%(error)s).")
                % {"file": file, "error": error.strerror or error}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Imported map {m.pk}: {m.name} ({m.steps.count()} steps).")
        )
