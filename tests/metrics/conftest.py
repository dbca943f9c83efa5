"""Metrics fixtures on top of the shared cast: measures, ideas and savings for team_a."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ideas.models import Idea
from metrics.models import Measure, Observation, Saving


@pytest.fixture
def measure(team_a, lee) -> Measure:
    return Measure.objects.create(
        name="Minutes per new claim",
        unit="minutes",
        improvement=Measure.Improvement.DECREASE,
        target=Decimal("40"),
        team=team_a,
        created_by=lee,
    )


@pytest.fixture
def make_observations():
    def make(measure: Measure, values: list[float], start: date = date(2026, 1, 5)) -> None:
        Observation.objects.bulk_create(
            Observation(measure=measure, date=start + timedelta(weeks=i), value=Decimal(str(v)))
            for i, v in enumerate(values)
        )

    return make


@pytest.fixture
def make_ideas():
    def make(n: int, *, team, author, **fields) -> list[Idea]:
        now = timezone.now()
        return Idea.objects.bulk_create(
            Idea(
                team=team,
                author=author,
                title=f"Idea {i}",
                problem="A problem",
                created_at=now - timedelta(days=i % 300 + 1),
                **fields,
            )
            for i in range(n)
        )

    return make


@pytest.fixture
def saving_fields(org_a):
    return {
        "title": "Fewer call-backs on new claims",
        "kind": Saving.Kind.CASHABLE,
        "amount": Decimal("12000"),
        "recurrence": Saving.Recurrence.RECURRING,
        "start_date": timezone.localdate() - timedelta(days=10),
        "stage": Saving.Stage.REALISED,
        "invested_by": org_a,
        "benefits": org_a,
        "evidence": "Call-backs fell from 120 to 40 a week; 80 × 15 min × £25/h.",
    }


@pytest.fixture
def make_savings(saving_fields):
    def make(n: int, *, team, claimed_by, **fields) -> list[Saving]:
        return Saving.objects.bulk_create(
            Saving(
                team=team, claimed_by=claimed_by, **{**saving_fields, "title": f"S{i}", **fields}
            )
            for i in range(n)
        )

    return make


@pytest.fixture
def claimed(team_a, lee, saving_fields) -> Saving:
    return Saving.objects.create(team=team_a, claimed_by=lee, **saving_fields)
