"""Staff pulses stay anonymous: results are read only from finished weeks with at least
MINIMUM_PULSE_GROUP answers.

Showing a running figure would let anyone who watches it work out one person's score (the mean
before and after their answer). So a pulse's week is counted only once it is over, as a group
of at least five, and the pulse's measure gets that week's mean then — never before.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypedDict, cast

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import ngettext

from metrics import readings
from metrics.models import MINIMUM_PULSE_GROUP, Measure, Observation, Survey, SurveyResponse


class PulseWeek(TypedDict):
    """One finished week of one staff pulse: the week's start (as the database truncates it),
    how many answered, and their mean score."""

    survey_id: int
    week: date
    n: int
    mean: float


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def finished_weeks(
    responses: QuerySet[SurveyResponse], *, today: date | None = None
) -> list[PulseWeek]:
    """The finished weeks of ``responses`` (staff pulse answers) with at least
    MINIMUM_PULSE_GROUP answers each: one row per survey and week, with n and the mean."""
    this_week = week_start(today or timezone.localdate())
    rows = (
        responses.filter(created_at__lt=_midnight(this_week))
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values("survey_id", "week")
        .annotate(n=Count("pk"), mean=Avg("score"))
        .filter(n__gte=MINIMUM_PULSE_GROUP)
        .order_by("survey_id", "week")
    )
    # values() rows are plain dicts to the type checker; these have exactly PulseWeek's keys.
    return cast(list[PulseWeek], list(rows))


def shown_q(weeks: list[PulseWeek]) -> Q:
    """The answers inside ``weeks`` (rows of :func:`finished_weeks`): all that may be shown."""
    q = Q(pk__in=[])
    for row in weeks:
        start = _as_date(row["week"])
        q |= Q(
            survey_id=row["survey_id"],
            created_at__gte=_midnight(start),
            created_at__lt=_midnight(start + timedelta(days=7)),
        )
    return q


def close_weeks(
    *, surveys: Iterable[Survey | int] | None = None, today: date | None = None, weeks_back: int = 8
) -> int:
    """Give each staff pulse's measure the mean of every finished week (within ``weeks_back``)
    that reached MINIMUM_PULSE_GROUP answers and has no figure yet. Idempotent: run it daily,
    and on a pulse's first answer of a new week. Returns the number of figures written."""
    today = today or timezone.localdate()
    since = week_start(today) - timedelta(weeks=weeks_back)
    responses = SurveyResponse.objects.filter(
        survey__kind=Survey.Kind.STAFF,
        survey__measure__isnull=False,
        created_at__gte=_midnight(since),
    )
    if surveys is not None:
        responses = responses.filter(survey__in=surveys)
    weeks = finished_weeks(responses, today=today)
    if not weeks:
        return 0
    measure_of = dict(
        Survey.objects.filter(pk__in={w["survey_id"] for w in weeks}).values_list(
            "pk", "measure_id"
        )
    )
    have = set(
        Observation.objects.filter(
            measure_id__in=set(measure_of.values()), date__gte=since
        ).values_list("measure_id", "date")
    )
    new = [
        Observation(
            measure_id=measure_of[w["survey_id"]],
            date=_as_date(w["week"]),
            value=Decimal(str(round(w["mean"], 4))),
            # Stored with the figure: written in the language of the request that closes the week.
            note=ngettext("%(count)s answer", "%(count)s answers", w["n"]) % {"count": w["n"]},
        )
        for w in weeks
        if (measure_of[w["survey_id"]], _as_date(w["week"])) not in have
    ]
    Observation.objects.bulk_create(new, ignore_conflicts=True)
    # The measure list's warnings follow the weeks just added.
    touched = {o.measure_id for o in new}
    if touched:
        readings.read_many(list(Measure.objects.filter(pk__in=touched)))
    return len(new)


def _as_date(value: date) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
