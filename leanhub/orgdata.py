"""The organisation's data stays theirs: everything LeanHub keeps that belongs to one
organisation, as a zip of CSV and JSON files (one pair per model) with the uploaded files.

Each app says which of its rows and files belong to an organisation by registering a source
(``ideas/orgdata.py``, ``kaizen/orgdata.py``, ``metrics/orgdata.py``, registered from their
``AppConfig.ready``); this module, the lowest layer, knows none of their models. The zip is
built in a temporary file on disk, never in memory, and streamed from there."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.core import serializers
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from leanhub import storage
from leanhub.http import csv_safe
from leanhub.models import (
    AuditEvent,
    Membership,
    Notification,
    Organisation,
    Place,
    PlaceSpendLine,
    Site,
    Team,
    TeamAnnouncement,
    User,
)

# A source: the querysets of one app's rows that belong to the organisation.
RowSource = Callable[[Organisation], Iterable["QuerySet[Any]"]]
# A file source: the names (in the upload storage) of the organisation's uploaded files.
FileSource = Callable[[Organisation], Iterable[str]]

_ROW_SOURCES: list[RowSource] = []
_FILE_SOURCES: list[FileSource] = []

# Never exported, whoever asks: password hashes.
EXCLUDED_FIELDS: dict[type[models.Model], set[str]] = {User: {"password"}}


def register(rows: RowSource, files: FileSource | None = None) -> None:
    """Add an app's rows (and files) to every organisation's export. Called from ``ready``."""
    if rows not in _ROW_SOURCES:
        _ROW_SOURCES.append(rows)
    if files is not None and files not in _FILE_SOURCES:
        _FILE_SOURCES.append(files)


def people_q(organisation: Organisation, *, prefix: str = "") -> Q:
    """People who hold a role anywhere in ``organisation`` (a team, a site, or all of it)."""
    return (
        Q(**{f"{prefix}memberships__team__site__organisation": organisation})
        | Q(**{f"{prefix}memberships__site__organisation": organisation})
        | Q(**{f"{prefix}memberships__organisation": organisation})
    )


def people(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(people_q(organisation)).distinct()


def core_rows(organisation: Organisation) -> Iterable[QuerySet[Any]]:
    """The core app's rows of ``organisation``."""
    members = people(organisation)
    yield Organisation.objects.filter(pk=organisation.pk)
    yield Place.objects.filter(sites__organisation=organisation).distinct()
    yield PlaceSpendLine.objects.filter(organisation=organisation)
    yield Site.objects.filter(organisation=organisation)
    yield Team.objects.filter(site__organisation=organisation)
    yield members
    yield Membership.objects.filter(
        Q(team__site__organisation=organisation)
        | Q(site__organisation=organisation)
        | Q(organisation=organisation)
    )
    yield TeamAnnouncement.objects.filter(team__site__organisation=organisation)
    yield Notification.objects.filter(recipient__in=members)
    yield AuditEvent.objects.filter(actor__in=members)


register(core_rows)


def querysets(organisation: Organisation) -> list[QuerySet[Any]]:
    """Every registered queryset for ``organisation``, in a stable order, one per model (two
    sources naming the same model are joined)."""
    by_model: dict[type[models.Model], QuerySet[Any]] = {}
    for source in _ROW_SOURCES:
        for queryset in source(organisation):
            model = queryset.model
            if model in by_model:
                by_model[model] = by_model[model] | queryset
            else:
                by_model[model] = queryset
    return [queryset.order_by("pk") for queryset in by_model.values()]


def file_names(organisation: Organisation) -> list[str]:
    names: list[str] = []
    for source in _FILE_SOURCES:
        names.extend(name for name in source(organisation) if name)
    return names


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    excluded = EXCLUDED_FIELDS.get(model, set())
    return [field for field in model._meta.concrete_fields if field.name not in excluded]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return csv_safe(value)


def _write_csv(out: IO[bytes], queryset: QuerySet[Any]) -> int:
    fields = _fields(queryset.model)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow([field.attname for field in fields])
    count = 0
    for row in queryset.values_list(*[field.attname for field in fields]).iterator(2000):
        writer.writerow([_cell(value) for value in row])
        count += 1
    text.flush()
    text.detach()
    return count


def _write_json(out: IO[bytes], queryset: QuerySet[Any]) -> None:
    model = queryset.model
    fields = [field.name for field in _fields(model) if not field.primary_key]
    fields += [field.name for field in model._meta.many_to_many]
    text = io.TextIOWrapper(out, encoding="utf-8")
    serializers.serialize("json", queryset.iterator(2000), stream=text, fields=fields, indent=1)
    text.flush()
    text.detach()


def build_zip(organisation: Organisation) -> IO[bytes]:
    """The organisation's data as a zip in a temporary file, rewound, for streaming: for each
    model ``<app>/<model>.csv`` and ``<app>/<model>.json`` (Django's JSON, which ``loaddata``
    reads), the uploaded files under ``files/``, and ``manifest.json`` counting them."""
    archive_file = tempfile.TemporaryFile()  # noqa: SIM115  (the response closes it)
    counts: dict[str, int] = {}
    missing: list[str] = []
    with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for queryset in querysets(organisation):
            meta = queryset.model._meta
            stem = f"{meta.app_label}/{meta.model_name}"
            with archive.open(f"{stem}.csv", "w", force_zip64=True) as out:
                counts[meta.label] = _write_csv(out, queryset)
            with archive.open(f"{stem}.json", "w", force_zip64=True) as out:
                _write_json(out, queryset)
        for name in file_names(organisation):
            try:
                data = storage.read(name)
            except FileNotFoundError:
                missing.append(name)
                continue
            archive.writestr(f"files/{name}", data)
        manifest = {
            "organisation": {"id": organisation.pk, "name": organisation.name},
            "exported_at": timezone.now().isoformat(),
            "rows": counts,
            "files": len(file_names(organisation)) - len(missing),
            "files_missing": missing,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    archive_file.seek(0)
    return archive_file
