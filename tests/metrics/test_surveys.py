"""Customer surveys (public, QR code, flood-proof) and anonymous staff pulses (groups of 5+)."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import actions, pulses
from metrics.actions import RESPONSES_PER_CLIENT
from metrics.models import Observation, Survey, SurveyResponse


@pytest.fixture
def survey(site_a1, maya) -> Survey:
    return actions.create_survey(
        site_a1, kind="customer", title="Carrow counter", question="How was today?", by=maya
    )


@pytest.fixture
def pulse(site_a1, team_a, maya) -> Survey:
    return actions.create_survey(
        site_a1, kind="staff", title="Team pulse", question="How is work?", team=team_a, by=maya
    )


def test_a_survey_feeds_a_measure_so_it_gets_an_spc_chart(client, survey):
    client.post(survey.get_public_url(), {"score": "4"})
    client.post(survey.get_public_url(), {"score": "2"})
    observation = Observation.objects.get(measure=survey.measure)
    assert observation.value == 3 and observation.date == timezone.localdate()


def test_a_customer_answers_without_signing_in(client, survey):
    assert client.get(survey.get_public_url()).status_code == 200
    response = client.post(survey.get_public_url(), {"score": "5", "comment": "Quick and kind"})
    assert "Thank you" in response.content.decode()
    assert SurveyResponse.objects.get().comment == "Quick and kind"


def test_a_missing_score_rerenders_with_an_error_keeping_the_comment(client, survey):
    response = client.post(survey.get_public_url(), {"comment": "Kept text"})
    body = response.content.decode()
    assert "This field is required" in body and "Kept text" in body
    assert not SurveyResponse.objects.exists()


def test_a_flood_from_one_client_is_throttled_and_genuine_answers_kept(client, survey):
    for _ in range(RESPONSES_PER_CLIENT):
        assert client.post(survey.get_public_url(), {"score": "5"}).status_code == 200
    response = client.post(survey.get_public_url(), {"score": "1"})
    assert response.status_code == 429
    assert SurveyResponse.objects.count() == RESPONSES_PER_CLIENT
    other = client.post(survey.get_public_url(), {"score": "3"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    assert SurveyResponse.objects.count() == RESPONSES_PER_CLIENT + 1


def test_people_answering_through_one_trusted_proxy_are_told_apart(client, survey, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    def answer(score: str, *, sent_from: str):
        # Every answer reaches LeanHub from the proxy, which says whom it came from.
        return client.post(
            survey.get_public_url(),
            {"score": score},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=sent_from,
        )

    for _ in range(RESPONSES_PER_CLIENT):
        answer("5", sent_from="203.0.113.9")
    assert answer("5", sent_from="203.0.113.9").status_code == 429
    assert answer("3", sent_from="198.51.100.7").status_code == 200
    assert SurveyResponse.objects.count() == RESPONSES_PER_CLIENT + 1


def test_a_bot_filling_the_hidden_field_is_thanked_and_ignored(client, survey):
    client.post(survey.get_public_url(), {"score": "1", "website": "spam"})
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(("fmt", "content_type", "start"), [
    ("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<?xml"),
])  # fmt: skip
def test_the_qr_code_comes_as_png_and_svg(client, maya, survey, fmt, content_type, start):
    client.force_login(maya)
    response = client.get(reverse("metrics:survey-qr", args=[survey.pk, fmt]))
    assert response["Content-Type"] == content_type
    assert response.content.startswith(start)


def test_staff_may_not_download_the_qr_code(client, sam, survey):
    client.force_login(sam)
    assert client.get(reverse("metrics:survey-qr", args=[survey.pk, "png"])).status_code == 403


def test_an_outsider_gets_404_for_a_survey(client, olu, survey):
    client.force_login(olu)
    assert client.get(survey.get_absolute_url()).status_code == 404


def test_staff_may_not_create_surveys(site_a1, sam):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.create_survey(site_a1, kind="customer", title="x", question="y", by=sam)


def test_a_pulse_needs_sign_in_and_stores_no_name(client, pulse, sam):
    assert client.get(pulse.get_public_url()).status_code == 302
    client.force_login(sam)
    client.post(pulse.get_public_url(), {"score": "4"})
    response = SurveyResponse.objects.get()
    assert len(response.voter) == 64 and response.voter != str(sam.pk)  # a keyed hash only
    assert not any(f.is_relation and f.related_model is type(sam) for f in response._meta.fields)


def test_a_pulse_takes_one_vote_per_person_a_week(client, pulse, sam):
    client.force_login(sam)
    client.post(pulse.get_public_url(), {"score": "4"})
    response = client.post(pulse.get_public_url(), {"score": "1"})
    assert "already answered" in response.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_pulse_is_refused_to_people_outside_the_team(client, pulse, wendy):
    client.force_login(wendy)
    assert client.get(pulse.get_public_url()).status_code == 403


def _last_week(n: int, pulse, score: int = 2, first: int = 0) -> None:
    """``n`` answers on last Wednesday: a finished week."""
    today = timezone.localdate()
    wednesday = today - timedelta(days=today.weekday() + 5)
    at = timezone.make_aware(datetime.combine(wednesday, time(11)))
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=pulse, score=score, voter=f"w{first + i}", created_at=at)
        for i in range(n)
    )


def test_pulse_results_wait_for_a_finished_week_of_five(client, pulse, maya):
    client.force_login(maya)
    SurveyResponse.objects.bulk_create(  # five this week: the week is still open
        SurveyResponse(survey=pulse, score=5, voter=f"v{i}") for i in range(5)
    )
    _last_week(4, pulse)
    body = client.get(pulse.get_absolute_url()).content.decode()
    assert "only for weeks that are over" in body and "Responses by score" not in body
    _last_week(1, pulse, score=3, first=4)
    body = client.get(pulse.get_absolute_url()).content.decode()
    assert "Responses by score" in body
    by_score = client.get(pulse.get_absolute_url()).context["by_score"]
    assert by_score == [{"score": 3, "n": 1}, {"score": 2, "n": 4}]  # this week's 5s not yet


@pytest.mark.parametrize("n", [1, 30])
def test_survey_list_query_count_is_flat(client, maya, site_a1, n, django_assert_max_num_queries):
    for i in range(n):
        Survey.objects.create(kind="customer", title=f"S{i}", site=site_a1)
    client.force_login(maya)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("metrics:surveys")).status_code == 200


def test_a_pulse_feeds_its_chart_only_once_a_week_is_over_with_five_answers(pulse):
    for score in [5, 4, 3, 2, 1]:
        actions.submit_response(pulse, score=score, voter=f"v{score}")
    # A running figure would give each answer away: nothing while the week is open.
    assert not Observation.objects.filter(measure=pulse.measure).exists()
    _last_week(4, pulse, score=4)
    assert pulses.close_weeks() == 0  # four answers are too few
    _last_week(1, pulse, score=2, first=4)
    assert pulses.close_weeks() == 1
    observation = Observation.objects.get(measure=pulse.measure)
    assert observation.value == Decimal("3.6")
    assert observation.date.weekday() == 0 and observation.date < timezone.localdate()
    assert pulses.close_weeks() == 0  # run again: nothing more


def test_the_first_answer_of_a_week_closes_the_week_before(pulse):
    _last_week(5, pulse, score=4)
    actions.submit_response(pulse, score=1, voter="new-week")
    assert Observation.objects.get(measure=pulse.measure).value == 4


def test_the_daily_command_closes_finished_weeks(pulse):
    from django.core.management import call_command

    _last_week(6, pulse, score=5)
    call_command("close_pulse_weeks", stdout=io.StringIO())
    assert Observation.objects.filter(measure=pulse.measure).count() == 1


def test_the_new_survey_page_is_for_the_sites_managers(client, sam, olu, maya, site_a1):
    url = reverse("metrics:survey-new", args=[site_a1.pk])
    client.force_login(sam)
    assert client.get(url).status_code == 403
    client.force_login(olu)
    assert client.get(url).status_code == 404
    client.force_login(maya)
    response = client.post(url, {"kind": "customer", "title": "Counter", "question": "How?"})
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.measure.site == site_a1


def test_the_survey_list_shows_the_surveys_one_may_see(client, survey, maya, grace):
    client.force_login(maya)
    assert "Carrow counter" in client.get(reverse("metrics:surveys")).content.decode()
    client.force_login(grace)
    assert "Carrow counter" not in client.get(reverse("metrics:surveys")).content.decode()


def test_an_answer_keeps_a_keyed_hash_of_the_address_not_the_address(survey):
    actions.answer_survey(survey, score=4, client_address="192.0.2.7")
    kept = SurveyResponse.objects.get()
    assert kept.client and "192.0.2.7" not in kept.client and kept.voter == ""


def test_answering_a_closed_survey_is_refused(survey):
    survey.is_open = False
    survey.save()
    with pytest.raises(actions.SurveyClosed):
        actions.answer_survey(survey, score=4, client_address="192.0.2.7")
    assert not SurveyResponse.objects.exists()


def test_a_flood_of_answers_is_refused_by_the_action(survey):
    for _ in range(RESPONSES_PER_CLIENT):
        actions.answer_survey(survey, score=5, client_address="192.0.2.7")
    with pytest.raises(actions.TooManyAnswers):
        actions.answer_survey(survey, score=5, client_address="192.0.2.7")
    actions.answer_survey(survey, score=5, client_address="192.0.2.8")
    assert SurveyResponse.objects.count() == RESPONSES_PER_CLIENT + 1


def test_a_pulse_takes_one_vote_a_week_and_never_the_voters_id(pulse, sam):
    actions.answer_survey(pulse, score=4, client_address="192.0.2.7", by=sam)
    with pytest.raises(actions.AlreadyAnswered):
        actions.answer_survey(pulse, score=2, client_address="192.0.2.9", by=sam)
    kept = SurveyResponse.objects.get()
    # A keyed hash of person, pulse and week: nothing in it names the person.
    assert len(kept.voter) == 64 and sam.username not in kept.voter


def test_a_pulse_answer_from_outside_the_team_is_refused_by_the_action(pulse, wendy):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.answer_survey(pulse, score=4, client_address="192.0.2.7", by=wendy)
    assert not SurveyResponse.objects.exists()
