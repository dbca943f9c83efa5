"""Each survey's answers counted by day (``SurveyDay``): kept exact by every way answers are
kept, moved and removed, recounted from scratch on demand, and giving the dashboards and the
public pages exactly the figures their answers give."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from leanhub import demo as core_demo
from leanhub import orgdata
from metrics import actions, demo, queries
from metrics.models import Measure, Survey, SurveyDay, SurveyResponse
from places import public
from tests.survey_helpers import days_answered, days_counted

# Late on a summer evening in UTC is already the next day in London (BST), not in winter.
SUMMER_NIGHT = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 July in London
WINTER_NIGHT = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # 23:30 on 15 January in London


@pytest.fixture
def counter(site_a1, maya) -> Survey:
    return actions.create_survey(
        site_a1, kind="customer", title="Carrow counter", question="How was today?", by=maya
    )


@pytest.fixture
def pulse(site_a1, team_a, maya) -> Survey:
    return actions.create_survey(
        site_a1, kind="staff", title="New Claims pulse", question="How is work?", team=team_a,
        by=maya,
    )  # fmt: skip


def test_each_answer_from_the_public_form_is_counted_in_its_day(client, counter, pulse, lee):
    for score, address in ((5, "10.0.0.1"), (2, "10.0.0.2"), (4, "10.0.0.3")):
        client.post(counter.get_public_url(), {"score": score}, REMOTE_ADDR=address)
    client.force_login(lee)
    client.post(pulse.get_public_url(), {"score": 3})
    today = timezone.localdate()
    assert days_counted() == {(counter.pk, today): (3, 11, 2), (pulse.pk, today): (1, 3, 0)}
    assert days_counted() == days_answered()


def test_an_answer_counts_on_its_local_day_in_summer_and_winter(counter):
    SurveyResponse.objects.create(survey=counter, score=4, created_at=SUMMER_NIGHT)
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(survey=counter, score=1, created_at=SUMMER_NIGHT - timedelta(hours=1)),
            SurveyResponse(survey=counter, score=5, created_at=WINTER_NIGHT),
        ]
    )
    assert days_counted() == {
        (counter.pk, date(2026, 7, 2)): (1, 4, 1),
        (counter.pk, date(2026, 7, 1)): (1, 1, 0),
        (counter.pk, date(2026, 1, 15)): (1, 5, 1),
    }


def test_moving_rescoring_and_removing_answers_keeps_the_days_exact(counter, pulse):
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, score=score, created_at=WINTER_NIGHT, voter=voter)
        for survey, score, voter in ((counter, 5, ""), (counter, 3, ""), (pulse, 4, "v1"))
    )
    answers = SurveyResponse.objects.filter(survey=counter)
    answers.filter(score=3).update(created_at=SUMMER_NIGHT)  # to another day
    assert days_counted()[(counter.pk, date(2026, 7, 2))] == (1, 3, 0)
    answers.filter(score=5).update(score=2)
    moved = SurveyResponse.objects.get(survey=pulse)
    moved.survey, moved.voter = counter, ""  # to another survey
    moved.save()
    one = answers.get(score=3)
    one.score = 4
    one.save(update_fields=["score"])
    assert (
        days_counted()
        == days_answered()
        == {
            (counter.pk, date(2026, 1, 15)): (2, 6, 1),
            (counter.pk, date(2026, 7, 2)): (1, 4, 1),
        }
    )
    one.delete()
    answers.filter(score=2).delete()
    # A day left without answers goes: no survey counts as answered on it.
    assert days_counted() == days_answered() == {(counter.pk, date(2026, 1, 15)): (1, 4, 1)}
    SurveyResponse.objects.all().delete()
    assert not SurveyDay.objects.exists()


def test_answers_whose_keeping_cannot_be_known_are_refused(counter):
    with pytest.raises(ValueError, match="without ignoring"):
        SurveyResponse.objects.bulk_create([SurveyResponse(survey=counter, score=4)], ignore_conflicts=True)  # fmt: skip
    assert not SurveyResponse.objects.exists() and not SurveyDay.objects.exists()


def test_a_deleted_survey_takes_its_days_with_it(counter, pulse):
    SurveyResponse.objects.create(survey=counter, score=4)
    SurveyResponse.objects.create(survey=pulse, score=4, voter="v")
    counter.delete()
    assert list(SurveyDay.objects.values_list("survey", flat=True)) == [pulse.pk]


def test_a_rebuild_counts_every_answer_again(counter, pulse):
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, score=1 + i % 5, created_at=SUMMER_NIGHT - timedelta(hours=7 * i), voter=f"{survey.kind}{i}")
        for survey in (counter, pulse)
        for i in range(40)
    )  # fmt: skip
    expected = days_counted()
    assert len(expected) > 10 and expected == days_answered()
    SurveyDay.objects.filter(date__lt=date(2026, 6, 25)).delete()  # as if written by COPY
    SurveyDay.objects.update(responses=99)
    assert SurveyDay.objects.rebuild() == len(expected)
    assert days_counted() == expected


def test_after_the_time_zone_changes_the_days_are_counted_again(counter, settings):
    SurveyResponse.objects.create(survey=counter, score=4, created_at=WINTER_NIGHT)
    settings.TIME_ZONE = "Asia/Tokyo"  # already 16 January there
    out = io.StringIO()
    call_command("recount_survey_days", stdout=out)
    assert days_counted() == {(counter.pk, date(2026, 1, 16)): (1, 4, 1)}
    assert out.getvalue() == "Survey days counted: 1\n"


def test_an_organisations_data_carries_its_surveys_days_and_no_others(counter, org_a, site_b1):
    theirs = Survey.objects.create(kind="customer", title="Police desk", site=site_b1)
    SurveyResponse.objects.create(survey=counter, score=5, created_at=WINTER_NIGHT)
    SurveyResponse.objects.create(survey=theirs, score=2, created_at=WINTER_NIGHT)
    archive = zipfile.ZipFile(orgdata.build_zip(org_a))
    rows = csv.DictReader(io.StringIO(archive.read("metrics/surveyday.csv").decode()))
    assert [(r["survey_id"], r["date"], r["responses"]) for r in rows] == [
        (str(counter.pk), "2026-01-15", "1")
    ]


def test_the_demo_counts_its_answers_in_their_days(db):
    core_demo.seed()
    demo.seed()
    counted = days_counted()
    assert sum(n for n, _total, _satisfied in counted.values()) == SurveyResponse.objects.count()
    assert counted == days_answered()


# Answers on each side of a local midnight, in summer (BST) and in winter (GMT).
EDGES = [
    datetime(2026, 6, 30, 23, 0, tzinfo=UTC) - timedelta(seconds=1),  # 30 June, 23:59:59 BST
    datetime(2026, 6, 30, 23, 0, tzinfo=UTC),  # 1 July, 00:00 BST
    SUMMER_NIGHT,  # 2 July, 00:30 BST
    datetime(2026, 7, 2, 22, 59, tzinfo=UTC),  # 2 July, 23:59 BST
    datetime(2026, 1, 14, 23, 59, 59, tzinfo=UTC),  # 14 January, 23:59:59 GMT
    datetime(2026, 1, 15, 0, 0, tzinfo=UTC),  # 15 January, 00:00 GMT
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # 29 March, the clocks go forward at 01:00
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 25 October, 01:30 BST, an hour before GMT
    datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # 25 October, 23:30 GMT
]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 7, 1), date(2026, 7, 1)),
        (date(2026, 7, 1), date(2026, 7, 2)),
        (date(2026, 6, 30), date(2026, 6, 30)),
        (date(2026, 1, 15), date(2026, 7, 1)),
        (date(2026, 3, 29), date(2026, 3, 29)),
        (date(2026, 10, 25), date(2026, 10, 25)),
        (date(2025, 12, 1), date(2026, 12, 1)),
    ],
)
def test_the_dashboard_counts_exactly_the_answers_of_its_period(
    site_a1, counter, pulse, maya, start, end
):
    other = actions.create_survey(site_a1, kind="customer", title="Phone", question="?", by=maya)
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, score=1 + (i + k) % 5, created_at=at, voter=f"v{i}" if survey == pulse else "")
        for k, survey in enumerate((counter, pulse, other))
        for i, at in enumerate(EDGES)
        if (i + k) % 3
    )  # fmt: skip
    period = queries.Period(start, end)
    figures = queries.satisfaction(queries.DashboardScope("site", site_a1), period)
    in_period = SurveyResponse.objects.filter(
        created_at__gte=period.start_dt, created_at__lt=period.end_dt
    )
    customers = in_period.filter(survey__kind="customer").aggregate(n=Count("pk"), t=Sum("score"))
    assert figures["customer_n"] == customers["n"]
    assert figures["customer_mean"] == (customers["t"] / customers["n"] if customers["n"] else None)
    # (Staff's mean is their finished weeks', from the pulse's measure: not the answers'.)
    assert figures["staff_n"] == in_period.filter(survey__kind="staff").count()
    per_survey = dict(in_period.values_list("survey").annotate(n=Count("pk")).order_by())
    assert {t.survey.pk: t.responses for t in figures["trends"]} == {
        survey.pk: per_survey.get(survey.pk, 0) for survey in (counter, pulse, other)
    }
    assert figures["responded_surveys"] == len(per_survey)


def test_the_public_page_counts_whole_days_back_to_its_first(site_a1, counter, maya):
    Measure.objects.filter(survey=counter).update(public=True)
    today = date(2026, 7, 2)
    first = today - timedelta(days=public.SATISFACTION_DAYS)  # 3 April, in BST
    midnight = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(survey=counter, score=1, created_at=midnight - timedelta(seconds=1)),
            SurveyResponse(survey=counter, score=5, created_at=midnight),
            *(SurveyResponse(survey=counter, score=s, created_at=midnight + timedelta(days=9)) for s in (4, 3, 5)),
            SurveyResponse(survey=counter, score=2, created_at=SUMMER_NIGHT),
        ]
    )  # fmt: skip
    (figures,) = public.site_report(site_a1, today=today).satisfaction
    assert (figures.responses, figures.mean, figures.satisfied) == (5, 19 / 5, 60.0)
    # The latest answer was given at 00:30 on 2 July, London time.
    assert public.site_report(site_a1, today=today).as_of == date(2026, 7, 2)
