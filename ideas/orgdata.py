"""The ideas app's part of an organisation's data export (leanhub/orgdata.py): its ideas with
everything on them, its value-stream maps, and the ideas' photos. Pending photos (a refused
form's, private to one person for a day) are not the organisation's record and stay out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from ideas.maps.models import KaizenBurst, ValueStreamMap, ValueStreamStep
from ideas.models import Idea, IdeaComment, IdeaEvent, IdeaFollow, IdeaPhoto, IdeaSupport
from leanhub import orgdata
from leanhub.models import Organisation


def rows(organisation: Organisation) -> Iterable[QuerySet[Any]]:
    own = {"idea__team__site__organisation": organisation}
    yield Idea.objects.filter(team__site__organisation=organisation)
    yield IdeaSupport.objects.filter(**own)
    yield IdeaFollow.objects.filter(**own)
    yield IdeaComment.objects.filter(**own)
    yield IdeaPhoto.objects.filter(**own)
    yield IdeaEvent.objects.filter(**own)
    yield ValueStreamMap.objects.filter(team__site__organisation=organisation)
    yield ValueStreamStep.objects.filter(map__team__site__organisation=organisation)
    yield KaizenBurst.objects.filter(step__map__team__site__organisation=organisation)


def files(organisation: Organisation) -> Iterable[str]:
    for photo in IdeaPhoto.objects.filter(idea__team__site__organisation=organisation):
        yield photo.file_name("display")


def register() -> None:
    orgdata.register(rows, files)
