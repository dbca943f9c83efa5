"""What each survey's days (``SurveyDay``) say, and what its answers say when counted one by
one: the two must always agree."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.utils import timezone

# (survey id, local date) -> (answers, scores added up, answers of 4 or 5)
Days = dict[tuple[int, date], tuple[int, int, int]]


def days_counted(model: Any = None) -> Days:
    """Every day the roll-up holds (``model``: a historical SurveyDay, for migration tests)."""
    if model is None:
        from metrics.models import SurveyDay as model
    return {
        (survey_id, day): (n, total, satisfied)
        for survey_id, day, n, total, satisfied in model.objects.values_list(
            "survey_id", "date", "responses", "score_total", "satisfied"
        )
    }


def days_answered(model: Any = None) -> Days:
    """The same, counted here from every answer kept, each on its day in TIME_ZONE."""
    if model is None:
        from metrics.models import SurveyResponse as model
    days: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0, 0])
    here = timezone.get_default_timezone()
    for survey_id, at, score in model.objects.values_list("survey_id", "created_at", "score"):
        counts = days[(survey_id, timezone.localdate(at, here))]
        counts[0] += 1
        counts[1] += score
        counts[2] += score >= 4
    return {key: (n, total, satisfied) for key, (n, total, satisfied) in days.items()}
