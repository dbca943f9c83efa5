"""Satisfaction on the dashboards: each survey in scope (the most answered first, a bounded
number) read as an SPC chart of its measure over the dashboard period, with staff pulses kept
anonymous, in a fixed number of queries however many observations there are."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import actions, pulses, queries
from metrics.models import Annotation, Observation, Survey, SurveyResponse

# A dot of a small chart: a zero-length stroke in one of its per-kind paths.
DOT = re.compile(r"M[\d.]+,[\d.]+h0")
# 14 ordinary days, then 7 clearly better ones: the last point is above the upper limit.
IMPROVING = [3.0, 3.2] * 7 + [4.0, 4.1, 4.2, 4.0, 4.1, 4.3, 4.2]


def url(kind: str, pk: int) -> str:
    return reverse("metrics:dashboard-scope", args=[kind, pk])


def charts_url(kind: str, pk: int) -> str:
    return reverse("metrics:dashboard-charts", args=[kind, pk])


def page(client, kind: str, pk: int, params: dict[str, object] | None = None) -> str:
    """The dashboard as a browser shows it: the page, then its survey charts, which the page
    loads on their own (htmx) for the same period."""
    body = client.get(url(kind, pk), params or {}).content.decode()
    period = re.search(r'data-hx-get="([^"]+/charts/\?[^"]+)"', body)
    assert period is not None, "the page loads its charts"
    loaded = client.get(period.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert loaded.status_code == 200
    return body + loaded.content.decode()


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


def daily(survey: Survey, values: list[float], *, last: date | None = None) -> None:
    """One observation a day, the last one on ``last`` (today by default)."""
    last = last or timezone.localdate()
    first = last - timedelta(days=len(values) - 1)
    Observation.objects.bulk_create(
        Observation(measure=survey.measure, date=first + timedelta(days=i), value=Decimal(str(v)))
        for i, v in enumerate(values)
    )


def answers(survey: Survey, n: int, score: int = 4) -> None:
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, score=score, voter=f"v{i}" if survey.kind == "staff" else "")
        for i in range(n)
    )


def test_a_survey_on_the_dashboard_shows_its_variation_latest_mean_and_a_small_chart(
    client, maya, site_a1, counter
):
    daily(counter, IMPROVING)
    answers(counter, 12)
    client.force_login(maya)
    body = page(client, "site", site_a1.pk)
    assert f'<a href="{counter.measure.get_absolute_url()}">Carrow counter' in body
    assert "12 responses in this period" in body
    assert "Special cause variation: improvement (higher)" in body
    assert "Latest mean score: <strong>4.20</strong>" in body
    assert f'aria-labelledby="trend-{counter.pk}-title trend-{counter.pk}-desc"' in body
    assert "21 points from" in body and "Mean 3.44, process limits" in body
    assert len(DOT.findall(body)) == 21  # one dot a day, drawn in the small frame
    assert 'viewBox="0 0 240 72"' in body


def test_only_the_dashboard_periods_observations_are_charted(client, maya, site_a1, counter):
    today = timezone.localdate()
    daily(counter, [1.0, 1.0, 5.0], last=today - timedelta(days=100))  # before the period
    daily(counter, IMPROVING)
    client.force_login(maya)
    start = today - timedelta(days=30)
    body = page(client, "site", site_a1.pk, {"start": start, "end": today})
    assert "21 points from" in body
    assert len(DOT.findall(body)) == 21


def test_a_rebase_mark_in_the_period_starts_new_limits_as_on_the_measure_page(
    maya, site_a1, counter
):
    daily(counter, IMPROVING)
    first_better_day = timezone.localdate() - timedelta(days=6)
    Annotation.objects.create(
        measure=counter.measure, date=first_better_day, label="New queue", rebase=True
    )
    scope = queries.DashboardScope("site", site_a1)
    (trend,) = queries.satisfaction(scope, queries.default_period())["trends"]
    assert len(trend.result.segments) == 2
    assert trend.result.segments[-1].mean == pytest.approx(sum(IMPROVING[14:]) / 7)


def test_too_few_points_say_there_is_not_enough_data(client, maya, site_a1, counter):
    quiet = actions.create_survey(site_a1, kind="customer", title="Quiet desk", question="?",
                                  by=maya)  # fmt: skip
    daily(counter, [4.0])
    client.force_login(maya)
    body = page(client, "site", site_a1.pk)
    # NHS England's rules (the default): a run chart until there are 13 points.
    assert "Fewer than 13 points (not counting ghosted ones): shown as a run chart" in body
    assert "Latest mean score: <strong>4.00</strong>" in body
    assert "Not enough data: no scores in this period." in body  # the quiet desk
    assert f"trend-{quiet.pk}-title" not in body  # nothing to draw


def test_a_staff_pulse_shows_no_score_until_a_finished_week_has_five_answers(
    client, lee, team_a, pulse
):
    today = timezone.localdate()
    last_wednesday = timezone.make_aware(
        datetime.combine(today - timedelta(days=today.weekday() + 5), time(11))
    )
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=pulse, score=s, voter=f"v{s}", created_at=last_wednesday)
        for s in [5, 4, 3, 2]
    )
    pulses.close_weeks()
    client.force_login(lee)
    body = page(client, "team", team_a.pk)
    assert "New Claims pulse" in body and "4 responses in this period" in body
    assert "Not enough data: no scores in this period." in body
    assert "Latest mean score" not in body
    assert "Too few answers to show" in body
    SurveyResponse.objects.create(survey=pulse, score=1, voter="v1", created_at=last_wednesday)
    pulses.close_weeks()
    body = page(client, "team", team_a.pk)
    assert 'Latest mean score: <strong>3.00</strong> <span class="meta">(week beginning' in body
    assert '3.00 <span class="meta">(1 week; 5 answers in all)' in body


def test_a_team_dashboard_charts_its_own_and_its_sites_surveys_only(
    client, lee, maya, team_a, team_a_coaches, counter, pulse
):
    coaches = actions.create_survey(team_a.site, kind="staff", title="Coaches pulse",
                                    question="?", team=team_a_coaches, by=maya)  # fmt: skip
    scope = queries.DashboardScope("team", team_a)
    trends = queries.satisfaction(scope, queries.default_period())["trends"]
    assert {t.survey for t in trends} == {counter, pulse}
    assert coaches not in {t.survey for t in trends}


def test_at_most_six_surveys_are_charted_the_most_answered_first(site_a1, maya):
    surveys = [
        actions.create_survey(site_a1, kind="customer", title=f"Desk {i}", question="?", by=maya)
        for i in range(8)
    ]
    for i, survey in enumerate(surveys[:7]):
        answers(survey, i + 1)  # desk 6 has most; desk 7 none
    figures = queries.satisfaction(
        queries.DashboardScope("site", site_a1), queries.default_period()
    )
    assert [t.survey.title for t in figures["trends"]] == [f"Desk {i}" for i in (6, 5, 4, 3, 2, 1)]
    assert [t.responses for t in figures["trends"]] == [7, 6, 5, 4, 3, 2]
    assert figures["responded_surveys"] == 7
    assert figures["customer_n"] == 28 and figures["customer_mean"] == 4


def test_silent_surveys_fill_the_free_places_by_title(site_a1, maya, counter):
    actions.create_survey(site_a1, kind="customer", title="A quiet desk", question="?", by=maya)
    answers(counter, 3)
    figures = queries.satisfaction(
        queries.DashboardScope("site", site_a1), queries.default_period()
    )
    assert [t.survey.title for t in figures["trends"]] == ["Carrow counter", "A quiet desk"]


def test_the_place_partnership_lead_can_open_each_charted_surveys_measure(
    client, pat, place, counter
):
    daily(counter, IMPROVING)
    client.force_login(pat)
    body = page(client, "place", place.pk)
    assert counter.measure.get_absolute_url() in body
    assert client.get(counter.measure.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("days", [2, 300])
def test_satisfaction_takes_six_queries_however_many_observations(
    site_a1, maya, days, django_assert_num_queries
):
    for i in range(6):
        survey = actions.create_survey(
            site_a1, kind="customer", title=f"Desk {i}", question="?", by=maya
        )
        daily(survey, [3 + (d % 5) / 4 for d in range(days)])
        answers(survey, i + 1)
    scope = queries.DashboardScope("site", site_a1)
    # Surveys in scope; their responses counted; the charted surveys with their measures; the
    # measures' observations; their targets over time; their rebase marks.
    with django_assert_num_queries(6):
        figures = queries.satisfaction(scope, queries.default_period())
    assert all(len(t.result.points) == days for t in figures["trends"])


@pytest.mark.parametrize("days", [2, 300])
@pytest.mark.parametrize(
    ("who", "kind", "fixture"),
    [("lee", "team", "team_a"), ("maya", "site", "site_a1"), ("pat", "place", "place"),
     ("ada", "all", None)],
)  # fmt: skip
def test_a_dashboard_with_charted_surveys_keeps_a_flat_query_count(
    client, cast, request, who, kind, fixture, days, site_a1, team_a, maya,
    django_assert_max_num_queries,
):  # fmt: skip
    for i in range(8):
        survey = actions.create_survey(
            site_a1, kind="customer", title=f"Desk {i}", question="?", by=maya
        )
        daily(survey, [3 + (d % 5) / 4 for d in range(days)])
        answers(survey, i + 1)
    pk = request.getfixturevalue(fixture).pk if fixture else 0
    client.force_login(cast[who])
    # 25: the charted measures' targets over time are one query more, for all of them.
    with django_assert_max_num_queries(25):
        assert client.get(url(kind, pk)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(charts_url(kind, pk), headers={"HX-Request": "true"}).status_code == 200


def test_a_scope_without_surveys_costs_one_query(site_a1, django_assert_num_queries):
    scope = queries.DashboardScope("site", site_a1)
    with django_assert_num_queries(1):  # the surveys in scope: none
        figures = queries.satisfaction(scope, queries.default_period())
    assert figures["trends"] == [] and figures["customer_mean"] is None


def test_a_small_chart_draws_each_kind_of_dot_as_one_path():
    from metrics import chart, spc

    result = spc.analyse(IMPROVING, improvement="increase")
    g = chart.geometry(result, frame=chart.SMALL)
    assert (g.width, g.height) == (240, 72)
    assert {p.css: len(DOT.findall(p.d)) for p in g.dot_paths} == {
        "spc-concern": 14,  # a run of 7 or more below the mean, the wrong way
        "spc-improvement": 7,
    }
    assert all(4 <= d.x <= 236 and 6 <= d.y <= 66 for d in g.dots)  # inside the small frame
    crowded = chart.geometry(spc.analyse([3.0, 3.5] * 180), frame=chart.SMALL)
    assert crowded.dot_size == 1.5 and g.dot_size == 5.0


def test_the_dashboard_page_loads_its_charts_on_their_own_for_its_period(
    client, maya, site_a1, counter, django_assert_max_num_queries
):
    """The figures come first: the page draws no chart and reads no observation of a chart;
    a placeholder (a link without scripts) loads them for the period the page shows."""
    daily(counter, IMPROVING)
    client.force_login(maya)
    body = client.get(url("site", site_a1.pk), {"start": "2026-01-01", "end": "2026-03-31"})
    html = body.content.decode()
    assert "Scores over time" in html and f"trend-{counter.pk}-title" not in html
    assert body.context["satisfaction"]["trends"] == []  # none read
    wanted = f"{charts_url('site', site_a1.pk)}?start=2026-01-01&amp;end=2026-03-31"
    assert f'data-hx-get="{wanted}" data-hx-trigger="load"' in html
    assert f'<a href="{wanted}">Scores over time</a>' in html
    # The printed report has them inline.
    report = client.get(url("site", site_a1.pk), {"print": "1"}).content.decode()
    assert f"trend-{counter.pk}-title" in report and "/charts/" not in report


def test_the_charts_alone_are_a_fragment_for_htmx_and_a_page_without_scripts(
    client, maya, site_a1, counter
):
    daily(counter, IMPROVING)
    client.force_login(maya)
    fragment = client.get(charts_url("site", site_a1.pk), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.startswith('<div id="survey-charts">') and "<html" not in html
    assert f"trend-{counter.pk}-title" in html and "21 points from" in html
    page_ = client.get(charts_url("site", site_a1.pk)).content.decode()
    assert "<title>Scores over time: Carrow Jobcentre" in page_
    assert f'href="{url("site", site_a1.pk)}?start=' in page_  # back to the same period
    assert f"trend-{counter.pk}-title" in page_


def test_the_charts_answer_only_those_who_may_see_the_dashboard(
    client, sam, priya, grace, site_a1, counter
):
    daily(counter, IMPROVING)
    seen = set()
    for who in (sam, priya, grace):  # staff of the site; another organisation's staff, manager
        client.force_login(who)
        status = client.get(url("site", site_a1.pk)).status_code
        assert status in (403, 404)
        assert client.get(charts_url("site", site_a1.pk)).status_code == status
        seen.add(status)
    assert seen == {403, 404}
    assert client.get(charts_url("county", site_a1.pk)).status_code == 404
    client.logout()
    assert client.get(charts_url("site", site_a1.pk)).status_code == 302  # to sign in
