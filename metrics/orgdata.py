"""The metrics app's part of an organisation's data export (leanhub/orgdata.py): its measures
with their observations, annotations, targets over time, changes of SPC rules and outcomes, the savings it claimed, invested in or
benefits from (with their evidence files), and its surveys with their responses (and those
counted by day)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from leanhub import orgdata
from leanhub.models import Organisation
from metrics.models import (
    Annotation,
    CycleMeasure,
    Measure,
    MeasureTarget,
    Observation,
    Outcome,
    RulesChange,
    Saving,
    Survey,
    SurveyDay,
    SurveyResponse,
)


def measures(organisation: Organisation) -> QuerySet[Measure]:
    return Measure.objects.filter(
        Q(team__site__organisation=organisation)
        | Q(site__organisation=organisation)
        | Q(organisation=organisation)
    )


def savings(organisation: Organisation) -> QuerySet[Saving]:
    return Saving.objects.filter(
        Q(team__site__organisation=organisation)
        | Q(invested_by=organisation)
        | Q(benefits=organisation)
    )


def rows(organisation: Organisation) -> Iterable[QuerySet[Any]]:
    own_measures = measures(organisation)
    surveys = Survey.objects.filter(
        Q(site__organisation=organisation) | Q(team__site__organisation=organisation)
    )
    yield own_measures
    yield Observation.objects.filter(measure__in=own_measures)
    yield Annotation.objects.filter(measure__in=own_measures)
    yield MeasureTarget.objects.filter(measure__in=own_measures)
    yield RulesChange.objects.filter(measure__in=own_measures)
    yield Outcome.objects.filter(
        Q(team__site__organisation=organisation) | Q(measure__in=own_measures)
    )
    yield savings(organisation)
    yield surveys
    yield SurveyResponse.objects.filter(survey__in=surveys)
    # Counted from the answers above; kept so that loaddata, which saves rows raw (without
    # counting them), gives the dashboards their figures again.
    yield SurveyDay.objects.filter(survey__in=surveys)
    yield CycleMeasure.objects.filter(measure__in=own_measures)


def files(organisation: Organisation) -> Iterable[str]:
    yield from (
        savings(organisation).exclude(evidence_file="").values_list("evidence_file", flat=True)
    )


def register() -> None:
    orgdata.register(rows, files)
