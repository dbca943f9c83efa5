"""The kaizen app's part of an organisation's data export (leanhub/orgdata.py): its teams'
boards and the joint boards it works on, with their columns, cards, moves, PDCA cycles and the
cycles' evidence photos."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from kaizen import photos
from kaizen.models import (
    Board,
    BoardViewer,
    Card,
    CardMove,
    Column,
    Cycle,
    CycleAction,
    CyclePhoto,
)
from leanhub import orgdata
from leanhub.models import Organisation


def boards(organisation: Organisation) -> QuerySet[Board]:
    return Board.objects.filter(
        Q(team__site__organisation=organisation)
        | Q(member_organisations=organisation)
        | Q(member_teams__site__organisation=organisation)
    ).distinct()


def rows(organisation: Organisation) -> Iterable[QuerySet[Any]]:
    ids = list(boards(organisation).values_list("pk", flat=True))
    yield Board.objects.filter(pk__in=ids)
    yield Column.objects.filter(board__in=ids)
    yield Card.objects.filter(board__in=ids)
    yield CardMove.objects.filter(card__board__in=ids)
    yield BoardViewer.objects.filter(board__in=ids)
    yield Cycle.objects.filter(card__board__in=ids)
    yield CycleAction.objects.filter(cycle__card__board__in=ids)
    yield CyclePhoto.objects.filter(cycle__card__board__in=ids)


def files(organisation: Organisation) -> Iterable[str]:
    ids = list(boards(organisation).values_list("pk", flat=True))
    for name in CyclePhoto.objects.filter(cycle__card__board__in=ids).values_list(
        "file", flat=True
    ):
        yield photos.file_name(name)


def register() -> None:
    orgdata.register(rows, files)
