"""Dashboards in the API: the ones each person may open, and each one's figures, which must be
the figures the dashboard page shows the same person for the same period."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas.actions import adopt_idea
from ideas.models import Idea
from metrics import actions as metrics_actions
from metrics.models import Observation, Saving, SurveyResponse

pytestmark = pytest.mark.django_db


def _refs(body: dict[str, Any]) -> list[tuple[str, int]]:
    return [(r["kind"], r["id"]) for r in body["results"]]


def test_each_person_is_given_the_dashboards_they_may_open(
    api_as, lee, maya, dev, pat, priya, ada, nobody, team_a, team_a_coaches, team_a2, team_b,
    site_a1, site_a2, org_a, place,
):  # fmt: skip
    def listed(user) -> list[tuple[str, int]]:
        return _refs(api_as(user, scope="read").get(reverse("api:dashboards")).json())

    assert listed(lee) == [("team", team_a.pk)]
    assert listed(priya) == [("team", team_b.pk)]
    assert listed(maya) == [
        ("team", team_a.pk), ("team", team_a_coaches.pk), ("site", site_a1.pk)
    ]  # fmt: skip
    assert listed(dev) == [
        ("team", team_a.pk), ("team", team_a_coaches.pk), ("team", team_a2.pk),
        ("site", site_a1.pk), ("site", site_a2.pk), ("organisation", org_a.pk),
    ]  # fmt: skip
    assert listed(pat) == [("place", place.pk)]
    assert listed(nobody) == []
    everything = listed(ada)
    assert everything[0] == ("all", 0) and ("team", team_b.pk) in everything
    row = api_as(lee).get(reverse("api:dashboards")).json()["results"][0]
    assert row["url"] == reverse("metrics:dashboard-scope", args=["team", team_a.pk])
    assert row["figures"] == reverse("api:dashboard", args=["team", team_a.pk])


def test_the_list_is_paged_by_a_cursor_across_kinds(api_as, ada, cast):
    client = api_as(ada)
    whole = _refs(client.get(reverse("api:dashboards"), {"page_size": 200}).json())
    walked: list[tuple[str, int]] = []
    url: str | None = reverse("api:dashboards") + "?page_size=2"
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 2
        walked += _refs(body)
        url = body["next"]
    assert walked == whole and len(whole) > 4
    sites = _refs(client.get(reverse("api:dashboards"), {"kind": "site"}).json())
    assert sites and {kind for kind, _ in sites} == {"site"}
    for bad in ({"kind": "street"}, {"page_size": "0"}, {"page_size": "x"}):
        assert client.get(reverse("api:dashboards"), bad).status_code == 400
    assert client.get(reverse("api:dashboards"), {"cursor": "nonsense"}).status_code == 404


@pytest.fixture
def figures_data(team_a, team_a_coaches, team_b, sam, lee, wendy, olu, maya, site_a1, org_a):
    now = timezone.now()
    for n in range(5):
        Idea.objects.create(
            team=team_a, author=sam, title=f"Idea {n}", problem="p",
            status=Idea.Status.IMPLEMENTED if n % 2 else Idea.Status.NEW,
            kind=Idea.Kind.STOP_DOING if n == 1 else Idea.Kind.IMPROVEMENT,
            minutes_per_occurrence=Decimal(30), occurrences_per_year=200,
            first_response_at=now + timedelta(hours=n * 7),
            implemented_at=now + timedelta(days=n * 3) if n % 2 else None,
        )  # fmt: skip
    shared = Idea.objects.create(
        team=team_a, author=sam, title="Spread me", problem="p", shared_with_partners=True,
        status=Idea.Status.IMPLEMENTED,
    )  # fmt: skip
    adopt_idea(shared, team=team_a_coaches, by=wendy)
    adopt_idea(shared, team=team_b, by=olu)
    today = timezone.localdate()
    for n, (recurrence, stage) in enumerate(
        [("recurring", "realised"), ("one_off", "projected"), ("recurring", "projected")]
    ):
        Saving.objects.create(
            team=team_a, title=f"Saving {n}", kind=Saving.Kind.CASHABLE,
            amount=Decimal(1000 * (n + 1)) + Decimal("0.50"), recurrence=recurrence,
            start_date=today - timedelta(days=10), stage=stage, invested_by=org_a,
            benefits=org_a, evidence="e", claimed_by=lee, claimed_at=now,
            status=Saving.Status.VERIFIED if n == 0 else Saving.Status.CLAIMED,
        )  # fmt: skip
    survey = metrics_actions.create_survey(
        site_a1, kind="customer", title="Counter", question="How was today?", by=maya
    )
    Observation.objects.bulk_create(
        Observation(measure=survey.measure, date=today - timedelta(days=i), value=Decimal(4))
        for i in range(20)
    )
    SurveyResponse.objects.bulk_create(SurveyResponse(survey=survey, score=4) for _ in range(7))


def _text(value: Any) -> Any:
    """A figure as JSON gives it: decimals as strings, nothing else changed."""
    return None if value is None else str(value) if isinstance(value, Decimal) else value


@pytest.mark.parametrize(
    ("who", "kind", "obj"),
    [
        ("lee", "team", "team_a"),
        ("maya", "site", "site_a1"),
        ("dev", "organisation", "org_a"),
        ("pat", "place", "place"),
        ("ada", "all", None),
    ],
)
def test_every_figure_is_the_one_the_page_shows_the_same_person(
    api_as, client, cast, figures_data, request, who, kind, obj
):
    pk = request.getfixturevalue(obj).pk if obj else 0
    user = cast[who]
    client.force_login(user)
    page = client.get(reverse("metrics:dashboard-scope", args=[kind, pk]))
    assert page.status_code == 200
    shown = page.context
    body = api_as(user, scope="read").get(reverse("api:dashboard", args=[kind, pk])).json()
    assert body["scope"]["kind"] == kind and body["scope"]["id"] == pk
    assert body["period"] == {
        "start": shown["period"].start.isoformat(), "end": shown["period"].end.isoformat()
    }  # fmt: skip
    for name, value in body["ideas"].items():
        assert value == _text(shown["ideas"][name]), name
    assert body["ideas"]["total"] >= 6 and body["ideas"]["implemented"] >= 3
    for recurrence in ("a_year", "one_off"):
        for name, value in body["savings"][recurrence].items():
            expected = shown["savings"][recurrence][name]
            assert Decimal(value) == expected, (recurrence, name)
    assert body["savings"]["awaiting"] == shown["savings"]["awaiting"] == 2
    assert body["stalled_cards"] == shown["stalled_cards"]
    spread = shown["spread"]
    assert (body["spread"]["copies"], body["spread"]["teams"]) == (
        spread["copies"],
        spread["teams"],
    )
    assert [r["idea"] for r in body["spread"]["most"]] == [
        r["adopted_from"] for r in spread["most"]
    ]
    assert [(t["team"], t["gain"]) for t in body["gains"]["teams"]] == [
        (t["team_id"], _text(t["gain"])) for t in shown["team_gains"]
    ]
    assert body["gains"]["within"] == shown["band_counts"]["within"]
    satisfaction = shown["satisfaction"]
    for name in ("customer_mean", "customer_n", "staff_n", "staff_weeks", "responded_surveys"):
        assert body["satisfaction"][name] == satisfaction[name], name
    # The page loads its charts on their own, for the same person and period.
    charts = client.get(
        reverse("metrics:dashboard-charts", args=[kind, pk]), headers={"HX-Request": "true"}
    ).context["satisfaction"]
    assert charts["responded_surveys"] == satisfaction["responded_surveys"]
    assert [t["survey"] for t in body["satisfaction"]["trends"]] == [
        t.survey.pk for t in charts["trends"]
    ]
    assert [t["latest"]["value"] for t in body["satisfaction"]["trends"] if t["latest"]] == [
        t.latest.value for t in charts["trends"] if t.latest
    ]
    if kind == "place":
        place = shown["place"]
        assert Decimal(body["place"]["realised_a_year"]) == place["realised_a_year"]
        assert Decimal(body["place"]["realised_one_off"]) == place["realised_one_off"]
        assert len(body["place"]["flows"]) == len(place["flows"])
    else:
        assert "place" not in body
    # And as the page's words show them.
    html = page.content.decode()
    total = re.search(r"/rows/ideas/[^\"]*\">(\d+)</a>", html)
    assert total is not None and int(total.group(1)) == body["ideas"]["total"]
    verified = Decimal(body["savings"]["a_year"]["verified"]).quantize(Decimal(1), ROUND_HALF_UP)
    assert f"£{verified:,} a year" in html


def test_a_team_lead_is_given_the_ideas_awaiting_an_outcome_as_the_page_lists_them(
    api_as, client, lee, sam, team_a, figures_data
):
    body = api_as(lee).get(reverse("api:dashboard", args=["team", team_a.pk])).json()
    client.force_login(lee)
    page = client.get(reverse("metrics:dashboard-scope", args=["team", team_a.pk]))
    assert [i["id"] for i in body["awaiting_outcome"]] == [
        i.pk for i in page.context["awaiting_outcome"]
    ]
    assert body["awaiting_outcome"], "implemented ideas without an outcome"
    staff = api_as(sam).get(reverse("api:dashboard", args=["team", team_a.pk])).json()
    assert "awaiting_outcome" not in staff


@pytest.mark.parametrize(
    ("who", "kind", "obj", "status"),
    [
        ("priya", "team", "team_a", 404),  # another organisation: not even seen
        ("grace", "site", "site_a1", 404),
        ("sam", "site", "site_a1", 403),  # seen, but the dashboard is its managers'
        ("maya", "organisation", "org_a", 403),
        ("lee", "all", None, 404),
        ("lee", "street", None, 404),
    ],
)
def test_a_dashboard_outside_the_callers_reach_is_refused_as_the_page_refuses_it(
    api_as, client, cast, request, who, kind, obj, status
):
    pk = request.getfixturevalue(obj).pk if obj else 0
    client.force_login(cast[who])
    page = client.get(reverse("metrics:dashboard-scope", args=[kind, pk]))
    response = api_as(cast[who]).get(reverse("api:dashboard", args=[kind, pk]))
    assert response.status_code == page.status_code == status
    assert response.json()["error"]["status"] == status


def test_a_period_is_asked_for_by_its_dates_and_a_bad_one_is_refused(api_as, maya, site_a1):
    client = api_as(maya)
    url = reverse("api:dashboard", args=["site", site_a1.pk])
    body = client.get(url, {"start": "2025-01-01", "end": "2025-03-31"}).json()
    assert body["period"] == {"start": "2025-01-01", "end": "2025-03-31"}
    backwards = client.get(url, {"start": "2025-03-01", "end": "2025-01-01"})
    assert backwards.status_code == 400 and "end" in backwards.json()["error"]["fields"]
    assert client.get(url, {"start": "soon"}).status_code == 400
    assert client.get(url, {"colour": "red"}).status_code == 400
