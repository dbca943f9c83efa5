"""Demo data for the metrics app in the Eskdale demo place: a year of measures (minutes per new
claim falling after a PDCA change), savings in every state, outcomes, surveys with responses.
Idempotent: run it again and nothing is duplicated."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ideas.models import Idea
from kaizen.models import Cycle
from leanhub.models import Organisation, Team, User
from metrics import actions, pulses
from metrics.models import (
    Annotation,
    CycleMeasure,
    Measure,
    Observation,
    Outcome,
    Saving,
    Survey,
    SurveyResponse,
)

JCP = "Eskdale Jobcentre Plus district"
POL = "Eskdale Police"
NHS = "North Eskdale NHS Trust"
CC = "Eskdale County Council"


def _team(org: str, site: str, name: str) -> Team | None:
    return (
        Team.objects.select_related("site__organisation", "site__place")
        .filter(site__organisation__name=org, site__name=site, name=name)
        .first()
    )


def _weekly(measure: Measure, values: list[float]) -> None:
    """A year of weekly figures ending this week; existing dates are left alone."""
    start = timezone.localdate() - timedelta(weeks=len(values) - 1)
    have = set(measure.observations.values_list("date", flat=True))
    Observation.objects.bulk_create(
        Observation(measure=measure, date=start + timedelta(weeks=i), value=Decimal(f"{v:.1f}"))
        for i, v in enumerate(values)
        if start + timedelta(weeks=i) not in have
    )


def _measure(team: Team, name: str, **fields: Any) -> Measure:
    measure, _ = Measure.objects.get_or_create(team=team, name=name, defaults=fields)
    return measure


def _saving(team: Team, title: str, *, by: User, **fields: Any) -> Saving:
    existing = Saving.objects.filter(team=team, title=title).first()
    if existing:
        return existing
    return actions.claim_saving(team, fields={"title": title, **fields}, by=by)


@transaction.atomic
def seed() -> dict[str, int]:
    people = {u.username: u for u in User.objects.filter(username__in=[
        "sam", "lee", "maya", "dev", "priya", "olu", "grace", "tom", "nia", "ali", "beth",
    ])}  # fmt: skip
    new_claims = _team(JCP, "Carrow Jobcentre", "New Claims")
    crime = _team(POL, "Carrow Police Station", "Crime Recording Unit")
    discharge = _team(NHS, "Carrow General Hospital", "Discharge Team")
    if not (new_claims and crime and discharge and {"sam", "lee", "maya"} <= people.keys()):
        return {}
    rng = random.Random(2026)  # the same demo every time
    today = timezone.localdate()

    # New Claims: minutes per claim about 52 until the pre-filled form went live 22 weeks ago.
    minutes = _measure(
        new_claims,
        "Minutes per new claim",
        unit="minutes",
        improvement=Measure.Improvement.DECREASE,
        target=Decimal("40"),
        frequency=Measure.Frequency.WEEKLY,
        created_by=people["lee"],
    )
    values = [52 + rng.gauss(0, 2.2) for _ in range(30)] + [
        38 + rng.gauss(0, 1.8) for _ in range(22)
    ]
    _weekly(minutes, values)
    change_day = today - timedelta(weeks=21)
    idea, _ = Idea.objects.get_or_create(
        team=new_claims,
        title="Pre-fill the claim form from the first phone call",
        defaults={
            "author": people["sam"],
            "problem": "We retype everything the customer told us on the phone.",
            "proposal": "Open the form during the call and fill it as we go.",
            "status": Idea.Status.IMPLEMENTED,
            "created_at": timezone.now() - timedelta(weeks=34),
            "first_response_at": timezone.now() - timedelta(weeks=33, days=5),
            "implemented_at": timezone.now() - timedelta(weeks=22),
            "minutes_per_occurrence": Decimal("14"),
            "occurrences_per_year": 5200,
        },
    )
    mark, _ = Annotation.objects.get_or_create(
        measure=minutes,
        label="Pre-filled claim form (PDCA cycle 1)",
        defaults={"date": change_day, "rebase": True, "idea": idea},
    )
    # The board's pre-fill card runs that change: its first cycle names this measure.
    cycle = Cycle.objects.filter(
        card__board__team=new_claims, card__title__startswith="Pre-fill the claim form", number=1
    ).first()
    if cycle is not None and not CycleMeasure.objects.filter(cycle=cycle).exists():
        CycleMeasure.objects.create(cycle=cycle, measure=minutes, change_date=change_day)
        Annotation.objects.filter(pk=mark.pk).update(cycle=cycle)
    Outcome.objects.get_or_create(
        idea=idea,
        measure=minutes,
        defaults={
            "team": new_claims,
            "baseline_start": today - timedelta(weeks=51),
            "baseline_end": today - timedelta(weeks=23),
            "after_start": today - timedelta(weeks=21),
            "after_end": today,
            "recorded_by": people["lee"],
        },
    )
    actions.refresh_outcomes(Outcome.objects.filter(measure=minutes))
    stop, _ = Idea.objects.get_or_create(
        team=new_claims,
        title="Stop the duplicate paper checklist for new claims",
        defaults={
            "author": people["sam"],
            "problem": "The paper checklist repeats what the system already records.",
            "kind": Idea.Kind.STOP_DOING,
            "status": Idea.Status.IMPLEMENTED,
            "created_at": timezone.now() - timedelta(weeks=20),
            "first_response_at": timezone.now() - timedelta(weeks=19, days=4),
            "implemented_at": timezone.now() - timedelta(weeks=12),
            "minutes_per_occurrence": Decimal("6"),
            "occurrences_per_year": 5200,
        },
    )

    backlog = _measure(
        crime,
        "Minutes per crime report",
        unit="minutes",
        improvement=Measure.Improvement.DECREASE,
        frequency=Measure.Frequency.WEEKLY,
        created_by=people.get("olu"),
    )
    _weekly(backlog, [95 + rng.gauss(0, 5) - max(0, i - 30) * 0.9 for i in range(52)])
    noon = _measure(
        discharge,
        "Discharges before noon",
        unit="%",
        improvement=Measure.Improvement.INCREASE,
        target=Decimal("33"),
        frequency=Measure.Frequency.WEEKLY,
        created_by=people.get("nia"),
    )
    _weekly(noon, [18 + rng.gauss(0, 3) + (9 if i > 36 else 0) for i in range(52)])

    jcp = new_claims.site.organisation
    council = Organisation.objects.filter(name=CC).first() or jcp
    common = {
        "recurrence": Saving.Recurrence.RECURRING,
        "stage": Saving.Stage.REALISED,
        "invested_by": jcp,
        "benefits": jcp,
    }
    verified = _saving(
        new_claims,
        "Time released by pre-filled claim forms",
        by=people["lee"],
        idea=idea,
        kind=Saving.Kind.TIME,
        amount=Decimal("1210"),
        start_date=today - timedelta(weeks=21),
        measure=minutes,
        evidence="14 minutes saved on each of 5,200 claims a year, from the SPC chart means.",
        **common,
    )
    if verified.status == Saving.Status.CLAIMED:
        actions.verify_saving(verified, expected_version=verified.version, by=people["maya"])
    _saving(
        new_claims,
        "Printing and postage no longer needed",
        by=people["lee"],
        idea=stop,
        kind=Saving.Kind.CASHABLE,
        amount=Decimal("8400"),
        start_date=today - timedelta(weeks=12),
        evidence="Print contract invoice down £700 a month since March.",
        **common,
    )
    rejected = _saving(
        new_claims,
        "Fewer complaints handled",
        by=people["lee"],
        kind=Saving.Kind.NON_CASHABLE,
        amount=Decimal("3000"),
        start_date=today - timedelta(weeks=8),
        evidence="Complaints felt lower.",
        **{**common, "stage": Saving.Stage.PROJECTED},
    )
    if rejected.status == Saving.Status.CLAIMED:
        actions.reject_saving(
            rejected,
            reason="Show the complaint counts before and after, then claim again.",
            expected_version=rejected.version,
            by=people["maya"],
        )
    if "nia" in people:
        nhs = discharge.site.organisation
        _saving(
            discharge,
            "Earlier discharges avoid council emergency care packages",
            by=people["nia"],
            kind=Saving.Kind.COST_AVOIDANCE,
            amount=Decimal("96000"),
            start_date=today - timedelta(weeks=14),
            measure=noon,
            evidence="24 fewer emergency packages a year at £4,000 each (council figures).",
            **{**common, "invested_by": nhs, "benefits": council},
        )
    if "olu" in people and "grace" in people:
        hours = _saving(
            crime,
            "Non-essential crime report fields removed",
            by=people["olu"],
            kind=Saving.Kind.TIME,
            amount=Decimal("4200"),
            start_date=today - timedelta(weeks=20),
            measure=backlog,
            evidence="Seven optional fields dropped: 9 minutes on 28,000 reports a year.",
            **{
                **common,
                "invested_by": crime.site.organisation,
                "benefits": crime.site.organisation,
            },
        )
        if hours.status == Saving.Status.CLAIMED:
            actions.verify_saving(hours, expected_version=hours.version, by=people["grace"])

    counter = Survey.objects.filter(site=new_claims.site, kind=Survey.Kind.CUSTOMER).first()
    if counter is None:
        counter = actions.create_survey(
            new_claims.site,
            kind=Survey.Kind.CUSTOMER,
            title="Carrow Jobcentre counter",
            question="How satisfied were you with our service today?",
            by=people["maya"],
        )
    if not counter.responses.exists():
        _responses(counter, days=60, per_day=4, rng=rng, mean_after=4.3, mean_before=3.6)
    pulse = Survey.objects.filter(team=new_claims, kind=Survey.Kind.STAFF).first()
    if pulse is None:
        pulse = actions.create_survey(
            new_claims.site,
            kind=Survey.Kind.STAFF,
            title="New Claims weekly pulse",
            question="How good was work this week?",
            team=new_claims,
            by=people["maya"],
        )
    if not pulse.responses.exists():
        # Twelve finished weeks of 5–8 answers each (mood lifting as the changes land), and a
        # few answers this week that stay hidden until the week is over.
        monday = pulses.week_start(today)
        rows = []
        for back in range(12, 0, -1):
            wednesday = timezone.make_aware(
                datetime.combine(monday - timedelta(weeks=back, days=-2), time(12))
            )
            mean = 3.2 + (12 - back) * 0.08
            rows += [
                SurveyResponse(
                    survey=pulse,
                    score=min(5, max(1, round(rng.gauss(mean, 0.7)))),
                    voter=f"demo-{back}-{k}",
                    created_at=wednesday + timedelta(minutes=7 * k),
                )
                for k in range(rng.randint(5, 8))
            ]
        rows += [
            SurveyResponse(survey=pulse, score=s, voter=f"demo-now-{i}")
            for i, s in enumerate([4, 4, 3])
        ]
        SurveyResponse.objects.bulk_create(rows)
        pulses.close_weeks(surveys=[pulse.pk], weeks_back=13)
    _spread(new_claims, idea, people)
    _publish(new_claims, minutes=minutes, counter=counter, ideas=(idea, stop), rng=rng)
    return {
        "measures": Measure.objects.count(),
        "observations": Observation.objects.count(),
        "savings": Saving.objects.count(),
        "survey responses": SurveyResponse.objects.count(),
    }


def _publish(
    new_claims: Team,
    *,
    minutes: Measure,
    counter: Survey,
    ideas: tuple[Idea, Idea],
    rng: random.Random,
) -> None:
    """Carrow Jobcentre's public page: two of its measures, its counter survey's figures, and
    two implemented ideas in words written for the public."""
    on_time = _measure(
        new_claims,
        "Customers seen within 10 minutes of their appointment",
        unit="%",
        improvement=Measure.Improvement.INCREASE,
        target=Decimal("90"),
        frequency=Measure.Frequency.WEEKLY,
        created_by=minutes.created_by,
    )
    _weekly(on_time, [78 + rng.gauss(0, 2.5) + (9 if i > 30 else 0) for i in range(52)])
    Measure.objects.filter(pk__in=[minutes.pk, on_time.pk, counter.measure_id]).update(public=True)
    prefill, checklist = ideas
    Idea.objects.filter(pk=prefill.pk).update(
        public=True,
        public_title="New claims filled in during the first phone call",
        public_summary="Each claim takes about 14 minutes less, so first appointments come sooner.",
    )
    Idea.objects.filter(pk=checklist.pk).update(
        public=True,
        public_title="No more paper checklist repeating the computer record",
        public_summary="Staff spend the time with customers instead.",
    )


def _spread(new_claims: Team, idea: Idea, people: dict[str, User]) -> None:
    """Another Jobcentre team adopts New Claims' pre-filled form: the idea spreads."""
    other = (
        Team.objects.filter(site__organisation=new_claims.site.organisation)
        .exclude(pk=new_claims.pk)
        .order_by("pk")
        .first()
    )
    if other is None or Idea.objects.filter(adopted_from=idea, team=other).exists():
        return
    lead = User.objects.filter(memberships__team=other, memberships__role="lead").first()
    by = lead or people.get("dev")
    if by is not None and idea.status == Idea.Status.IMPLEMENTED:
        from ideas.actions import adopt_idea

        adopt_idea(idea, team=other, by=by)


def _responses(
    survey: Survey,
    *,
    days: int,
    per_day: int,
    rng: random.Random,
    mean_before: float,
    mean_after: float,
) -> None:
    """Daily customer scores, improving half way, with the survey's measure filled in."""
    today = timezone.localdate()
    rows, daily = [], {}
    for d in range(days):
        day = today - timedelta(days=days - 1 - d)
        mean = mean_before if d < days // 2 else mean_after
        scores = [min(5, max(1, round(rng.gauss(mean, 0.8)))) for _ in range(per_day)]
        at = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        rows += [
            SurveyResponse(survey=survey, score=s, created_at=at + timedelta(hours=10 + k))
            for k, s in enumerate(scores)
        ]
        daily[day] = Decimal(sum(scores)) / len(scores)
    SurveyResponse.objects.bulk_create(rows)
    measure_id = survey.measure_id
    if measure_id is None:  # a survey made by metrics.actions.create_survey always has one
        return
    Observation.objects.bulk_create(
        Observation(measure_id=measure_id, date=day, value=value.quantize(Decimal("0.01")))
        for day, value in daily.items()
    )
