"""Savings (read, claim) and surveys (their answers added up, never an answer) over the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from metrics import actions as metrics_actions
from metrics.models import Saving, Survey, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def saving(team_a, lee, org_a, sam) -> Saving:
    idea = Idea.objects.create(team=team_a, author=sam, title="Unshared idea", problem="p")
    return Saving.objects.create(
        title="Fewer call-backs",
        team=team_a,
        claimed_by=lee,
        kind=Saving.Kind.CASHABLE,
        amount=Decimal("12000"),
        recurrence=Saving.Recurrence.RECURRING,
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        stage=Saving.Stage.REALISED,
        invested_by=org_a,
        benefits=org_a,
        evidence="Call-backs fell.",
        idea=idea,
    )


def test_savings_are_read_as_the_pages_show_them(api_as, maya, pat, priya, saving):
    body = api_as(maya).get(reverse("api:saving", args=[saving.pk])).json()
    assert (body["title"], body["amount"], body["idea"]) == (
        "Fewer call-backs",
        "12000.00",
        saving.idea_id,
    )
    assert [s["title"] for s in api_as(maya).get(reverse("api:savings")).json()["results"]] == [
        "Fewer call-backs"
    ]
    # The partnership lead sees the saving but not the unshared idea behind it.
    seen_by_pat = api_as(pat).get(reverse("api:saving", args=[saving.pk])).json()
    assert seen_by_pat["idea"] is None
    assert api_as(priya).get(reverse("api:saving", args=[saving.pk])).status_code == 404
    assert api_as(priya).get(reverse("api:savings")).json()["results"] == []


def test_a_lead_claims_a_saving_checked_as_the_form_checks_it(api_as, lee, sam, team_a, team_b):
    claim = {
        "team": team_a.pk,
        "title": "Shorter interviews",
        "kind": "cashable",
        "amount": "2500",
        "recurrence": "one_off",
        "start_date": "2026-03-01",
        "stage": "projected",
        "evidence": "Timed a week of interviews.",
    }
    assert api_as(sam).post(reverse("api:savings"), claim).status_code == 403
    assert api_as(lee).post(reverse("api:savings"), {**claim, "team": team_b.pk}).status_code == 404
    bad = api_as(lee).post(reverse("api:savings"), {**claim, "kind": "magic"})
    assert bad.status_code == 400 and "kind" in bad.json()["error"]["fields"]
    assert not Saving.objects.exists()
    response = api_as(lee).post(reverse("api:savings"), claim)
    assert response.status_code == 201, response.content
    saving = Saving.objects.get()
    assert (saving.title, saving.claimed_by, saving.status) == (
        "Shorter interviews",
        lee,
        Saving.Status.CLAIMED,
    )
    assert saving.invested_by == team_a.site.organisation


def test_a_survey_is_added_up_and_no_answer_is_given(api_as, maya, sam, priya, site_a1):
    survey = metrics_actions.create_survey(
        site_a1, kind=Survey.Kind.CUSTOMER, title="Counter", question="How was it?", by=maya
    )
    for score, comment in ((5, "Lovely staff, ask for Jo"), (5, "-"), (2, "Slow")):
        SurveyResponse.objects.create(
            survey=survey, score=score, comment=comment, voter=comment[:3]
        )
    response = api_as(sam).get(reverse("api:survey", args=[survey.pk]))
    body = response.json()
    assert body["responses"] == 3
    assert body["by_score"] == [{"score": 5, "n": 2}, {"score": 2, "n": 1}]
    text = response.content.decode()
    assert "Lovely" not in text and "Slow" not in text and survey.token not in text
    listed = api_as(sam).get(reverse("api:surveys")).json()["results"]
    assert [s["title"] for s in listed] == ["Counter"]
    assert api_as(priya).get(reverse("api:survey", args=[survey.pk])).status_code == 404


def test_a_staff_pulse_counts_only_weeks_with_enough_answers(api_as, lee, sam, team_a, site_a1):
    pulse = metrics_actions.create_survey(
        site_a1, kind=Survey.Kind.STAFF, title="Pulse", question="How?", team=team_a, by=lee
    )
    SurveyResponse.objects.create(survey=pulse, score=1, voter="x")
    body = api_as(sam).get(reverse("api:survey", args=[pulse.pk])).json()
    assert body["responses"] == 1 and body["by_score"] == []
