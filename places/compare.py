"""Places side by side: the figures a reference group compares, a handful of grouped queries
whatever the number of places."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from ideas.models import Idea
from leanhub.models import Membership, Place
from metrics.models import Saving
from metrics.queries import Median
from places.models import SpendLine

MONEY_KINDS = (Saving.Kind.CASHABLE, Saving.Kind.NON_CASHABLE, Saving.Kind.COST_AVOIDANCE)


@dataclass(frozen=True)
class PlaceFigures:
    place: Place
    spend: Decimal
    spend_per_head: Decimal | None
    saved: Decimal
    saved_share: Decimal | None  # of spend, 0-1
    staff: int
    ideas: int
    ideas_per_100_staff: Decimal | None
    implemented: int
    implementation_rate: Decimal | None  # of ideas raised, 0-1
    median_days_to_first_response: float | None
    red_tape_hours_removed: Decimal


def _bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(date(year, 4, 1), time.min, tzinfo=zone),
        datetime.combine(date(year + 1, 4, 1), time.min, tzinfo=zone),
    )


def _median_waits(answered: QuerySet[Idea]) -> dict[int, float]:
    """Each place's median days from an idea being raised to its first response. PostgreSQL
    works it out in the grouped query; elsewhere (SQLite, the demo) every wait is read."""
    if connection.vendor == "postgresql":
        wait = ExpressionWrapper(
            F("first_response_at") - F("created_at"), output_field=DurationField()
        )
        return {
            place_id: median.total_seconds() / 86400
            for place_id, median in answered.values_list("team__site__place_id")
            .annotate(median=Median(wait, output_field=DurationField()))
            .order_by()
            if median is not None
        }
    waits: dict[int, list[float]] = defaultdict(list)
    for place_id, created, first in answered.values_list(
        "team__site__place_id", "created_at", "first_response_at"
    ):
        if first is not None:  # always, as answered
            waits[place_id].append((first - created).total_seconds() / 86400)
    return {place_id: statistics.median(days) for place_id, days in waits.items()}


def compare(places: list[Place], year: int) -> list[PlaceFigures]:
    """The figures of each place for one financial year (April to March)."""
    ids = [place.pk for place in places]
    start, end = _bounds(year)
    spend = dict(
        SpendLine.objects.filter(place_id__in=ids, year=year)
        .values_list("place_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    saved = dict(
        Saving.objects.filter(
            team__site__place_id__in=ids,
            status=Saving.Status.VERIFIED,
            kind__in=MONEY_KINDS,
            start_date__gte=start.date(),
            start_date__lt=end.date(),
        )
        .values_list("team__site__place_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    staff = dict(
        Membership.objects.filter(team__site__place_id__in=ids)
        .values_list("team__site__place_id")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    )
    raised = Idea.objects.filter(
        team__site__place_id__in=ids, created_at__gte=start, created_at__lt=end
    )
    counts = {
        place_id: (n, done)
        for place_id, n, done in raised.values_list("team__site__place_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=Idea.Status.IMPLEMENTED)))
        .order_by()
    }
    waits = _median_waits(raised.filter(first_response_at__isnull=False))
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for place_id, minutes, times in Idea.objects.filter(
        team__site__place_id__in=ids,
        kind=Idea.Kind.STOP_DOING,
        status=Idea.Status.IMPLEMENTED,
        implemented_at__gte=start,
        implemented_at__lt=end,
        minutes_per_occurrence__isnull=False,
        occurrences_per_year__isnull=False,
    ).values_list("team__site__place_id", "minutes_per_occurrence", "occurrences_per_year"):
        if minutes is not None and times is not None:
            hours[place_id] += minutes * times / 60
    rows = []
    for place in places:
        total = spend.get(place.pk, Decimal(0))
        people = staff.get(place.pk, 0)
        n, done = counts.get(place.pk, (0, 0))
        money = saved.get(place.pk, Decimal(0))
        rows.append(
            PlaceFigures(
                place=place,
                spend=total,
                spend_per_head=total / place.population if place.population and total else None,
                saved=money,
                saved_share=money / total if total else None,
                staff=people,
                ideas=n,
                ideas_per_100_staff=Decimal(n) * 100 / people if people else None,
                implemented=done,
                implementation_rate=Decimal(done) / n if n else None,
                median_days_to_first_response=waits.get(place.pk),
                red_tape_hours_removed=hours.get(place.pk, Decimal(0)),
            )
        )
    return rows
