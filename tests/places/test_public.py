"""Public reporting: a place's and a site's public page, opted into measure by measure, readable
without signing in, the same for every visitor, cacheable, and never showing a person."""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea, IdeaComment
from leanhub.models import Place, Site, Team, User
from metrics import actions as metric_actions
from metrics.models import Annotation, Measure, Observation, Survey, SurveyResponse
from places import public


@dataclass
class World:
    place: Place
    site: Site
    other_site: Site
    team: Team
    place_measure: Measure
    team_measure: Measure
    hidden_measure: Measure
    survey: Survey
    quiet_survey: Survey
    pulse: Survey
    shown_idea: Idea
    unshown_idea: Idea
    shared_idea: Idea
    people: list[User]


def _series(measure: Measure, values: Sequence[float], *, note: str = "") -> None:
    start = timezone.localdate() - datetime.timedelta(days=7 * len(values))
    Observation.objects.bulk_create(
        Observation(
            measure=measure,
            date=start + datetime.timedelta(days=7 * k),
            value=Decimal(str(v)),
            note=note,
        )
        for k, v in enumerate(values)
    )


@pytest.fixture
def world(cast, place, site_a1, site_b1, team_a, team_b) -> World:
    sam, lee, maya, olu = cast["sam"], cast["lee"], cast["maya"], cast["olu"]
    # Twenty steady weeks, then eight much lower ones: a shift, which for "lower is better" is
    # an improvement.
    team_measure = Measure.objects.create(
        name="Days to first payment",
        unit="days",
        improvement=Measure.Improvement.DECREASE,
        team=team_a,
        created_by=lee,
        public=True,
        target=Decimal("12"),
    )
    _series(team_measure, [20, 21, 19, 20, 22, 18, 20, 21, 19, 20] * 2 + [12, 11, 12, 13, 11, 12, 12, 11],
            note="Sam Okafor was off sick")  # fmt: skip
    Annotation.objects.create(measure=team_measure, date=timezone.localdate(), label="Lee's trial")
    place_measure = Measure.objects.create(
        name="Calls answered within a minute",
        unit="%",
        improvement=Measure.Improvement.INCREASE,
        place=place,
        created_by=cast["pat"],
        public=True,
    )
    _series(place_measure, [80, 82, 79, 81, 80, 83, 78, 80, 81, 79, 80, 82, 81, 80, 79])
    hidden_measure = Measure.objects.create(
        name="Sickness absence of Lee's team", unit="days", team=team_a, created_by=lee
    )
    _series(hidden_measure, [1, 2, 3])
    Measure.objects.create(
        name="Police secret backlog", unit="cases", team=team_b, created_by=olu, public=False
    )
    survey = metric_actions.create_survey(
        site_a1, kind=Survey.Kind.CUSTOMER, title="Front desk", question="How was it?", by=maya
    )
    Measure.objects.filter(survey=survey).update(public=True)
    for score in (5, 4, 4, 2, 5, 3):
        SurveyResponse.objects.create(survey=survey, score=score, comment="Ask for Lee Harrison")
    quiet_survey = metric_actions.create_survey(
        site_a1, kind=Survey.Kind.CUSTOMER, title="Phone line", question="How?", by=maya
    )
    Measure.objects.filter(survey=quiet_survey).update(public=True)
    for score in (1, 5):
        SurveyResponse.objects.create(survey=quiet_survey, score=score)
    pulse = metric_actions.create_survey(
        site_a1, kind=Survey.Kind.STAFF, title="Team pulse", question="Your week?", by=maya
    )
    Measure.objects.filter(survey=pulse).update(public=True)
    implemented = timezone.now() - datetime.timedelta(days=3)
    common = {
        "team": team_a,
        "author": sam,
        "problem": "Sam Okafor found it slow",
        "hide_name": True,
    }
    shown_idea = Idea.objects.create(
        title="Sam's text reminder idea",
        status=Idea.Status.IMPLEMENTED,
        implemented_at=implemented,
        public=True,
        public_title="Text reminders before appointments",
        public_summary="Fewer missed appointments.",
        **common,
    )
    IdeaComment.objects.create(idea=shown_idea, author=lee, body="Lee says well done Sam")
    unshown_idea = Idea.objects.create(
        title="Unshared rota swap",
        status=Idea.Status.IMPLEMENTED,
        implemented_at=implemented,
        **common,
    )
    # Marked public once, but no longer implemented: not shown either.
    shared_idea = Idea.objects.create(
        title="Reopened idea",
        status=Idea.Status.IN_PROGRESS,
        public=True,
        public_title="Half-done change",
        shared_with_partners=True,
        **common,
    )
    return World(
        place=place,
        site=site_a1,
        other_site=site_b1,
        team=team_a,
        place_measure=place_measure,
        team_measure=team_measure,
        hidden_measure=hidden_measure,
        survey=survey,
        quiet_survey=quiet_survey,
        pulse=pulse,
        shown_idea=shown_idea,
        unshown_idea=unshown_idea,
        shared_idea=shared_idea,
        people=list(cast.values()),
    )


def _pages(w: World) -> list[str]:
    return [
        reverse("public:index"),
        reverse("public:place", args=[w.place.slug]),
        reverse("public:site", args=[w.site.pk]),
    ]


def test_anyone_reads_the_site_page_without_signing_in(client: Client, world: World) -> None:
    response = client.get(reverse("public:site", args=[world.site.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "How Carrow Jobcentre is doing" in page
    # The public measure's chart, drawn by its own rules, with a plain reading.
    assert "Days to first payment" in page and "New Claims" in page
    assert "Getting better." in page
    assert "spc-svg" in page and "Engine: leanhub-spc" in page
    # Customer satisfaction: numbers only, from five answers up.
    assert "Front desk" in page and '<td class="num">6</td>' in page and "3.8" in page
    assert "67%" in page
    assert "Phone line" in page and "Fewer than 5 answers" in page
    # What we changed: the public words and the day it was done.
    assert "Text reminders before appointments" in page and "Fewer missed appointments." in page
    done = timezone.localdate(world.shown_idea.implemented_at)
    assert f"Done on {done.day} " in page
    latest = world.team_measure.observations.order_by("-date").first()
    assert latest is not None
    assert "Figures as of" in page


def test_the_place_page_shows_its_measures_changes_and_sites(client, world) -> None:
    page = client.get(reverse("public:place", args=[world.place.slug])).content.decode()
    assert "Calls answered within a minute" in page
    assert "No significant change." in page
    assert "Text reminders before appointments" in page and "Carrow Jobcentre" in page
    assert reverse("public:site", args=[world.site.pk]) in page
    # Team measures are on their site's page, not the place's.
    assert "Days to first payment" not in page
    index = client.get(reverse("public:index")).content.decode()
    assert reverse("public:place", args=[world.place.slug]) in index
    assert reverse("public:site", args=[world.site.pk]) in index
    assert reverse("public:site", args=[world.other_site.pk]) not in index


def test_nothing_opted_in_is_not_found(client, world, other_place) -> None:
    assert client.get(reverse("public:site", args=[world.other_site.pk])).status_code == 404
    assert client.get(reverse("public:place", args=[other_place.slug])).status_code == 404
    assert client.get(reverse("public:place", args=["no-such-place"])).status_code == 404
    assert client.get(reverse("public:site", args=[999999])).status_code == 404


def test_no_person_and_nothing_not_public_appears_on_any_public_page(
    client: Client, world: World
) -> None:
    never = [
        world.hidden_measure.name,
        "Police secret backlog",
        world.unshown_idea.title,
        world.shown_idea.title,  # its own title: the public title stands for it
        world.shared_idea.public_title,
        world.pulse.title,
        "Sam Okafor",
        "Lee Harrison",
        "Lee's trial",
        "well done",
        "off sick",
        "found it slow",
    ]
    for person in world.people:
        never += [person.username, person.full_name, person.email]
    never = [n for n in never if n]
    signed_in = Client()
    signed_in.force_login(world.people[0])
    for path in _pages(world):
        for who in (client, signed_in):
            for headers in ({}, {"HX-Request": "true"}):
                response = who.get(path, headers=headers)
                assert response.status_code == 200, path
                text = html.unescape(response.content.decode())
                for word in never:
                    # Whole words: "sam" is in "same".
                    assert not re.search(rf"\b{re.escape(word)}\b", text, re.I), (path, word)


def test_the_page_is_the_same_for_everyone_and_cacheable(client, world) -> None:
    path = reverse("public:site", args=[world.site.pk])
    anonymous = client.get(path)
    signed_in = Client()
    signed_in.force_login(world.people[0])
    personal = signed_in.get(path)
    assert anonymous.content == personal.content
    assert "csrfmiddlewaretoken" not in anonymous.content.decode()
    for response in (anonymous, personal):
        cache = response["Cache-Control"]
        assert "public" in cache and "max-age=300" in cache
        vary = [v.strip().lower() for v in response.get("Vary", "").split(",")]
        assert "cookie" not in vary and "accept-language" in vary
        assert response["ETag"] == anonymous["ETag"]
        assert "Set-Cookie" not in response.headers and not response.cookies
    again = client.get(path, headers={"If-None-Match": anonymous["ETag"]})
    assert again.status_code == 304 and again.content == b""
    # A new figure is a new page.
    Observation.objects.create(
        measure=world.team_measure, date=timezone.localdate(), value=Decimal("10")
    )
    changed = client.get(path, headers={"If-None-Match": anonymous["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != anonymous["ETag"]


def test_the_page_reads_in_welsh(client, world) -> None:
    path = reverse("public:site", args=[world.site.pk])
    welsh = client.get(path, {"lang": "cy"})
    assert welsh.status_code == 200
    assert welsh["Content-Language"] == "cy"
    assert '<html lang="cy">' in welsh.content.decode()
    assert f'href="{path}?lang=en-gb"' in welsh.content.decode()
    by_browser = client.get(path, headers={"Accept-Language": "cy"})
    assert '<html lang="cy">' in by_browser.content.decode()
    english = client.get(path, {"lang": "en-gb"}, headers={"Accept-Language": "cy"})
    assert '<html lang="en-gb">' in english.content.decode()


def test_the_reading_follows_the_measures_own_rules(world) -> None:
    charts = public.site_report(world.site).charts
    assert [c.measure.name for c in charts] == ["Days to first payment"]
    (chart,) = charts
    own = world.team_measure.analyse(
        list(world.team_measure.observations.order_by("date").values_list("date", "value"))
    )
    assert chart.result.variation == own.variation == "improvement_low"
    assert chart.result.engine_version == own.engine_version
    assert chart.reading == "Getting better."
    assert chart.target_reading  # a target of 12, against its limits
    # Switching the measure to NHSRplotthedots redraws the public chart by those rules.
    Measure.objects.filter(pk=world.team_measure.pk).update(rules=Measure.Rules.PLOTTHEDOTS)
    (redrawn,) = public.site_report(world.site).charts
    assert "plotthedots" in redrawn.result.engine_version.lower()


def test_plain_readings() -> None:
    from metrics import spc

    def days(n: int) -> list[datetime.date]:
        return [datetime.date(2026, 1, 1) + datetime.timedelta(days=k) for k in range(n)]

    few = spc.analyse([1, 2], days(2), improvement="increase", rules=spc.preset("nhse"))
    assert public.reading(few) == "Too few figures yet to say whether it is changing."
    assert public.reading(spc.analyse([], [], improvement="increase")) == "No figures yet."
    values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11, 10, 9, 10, 11] + [20] * 8
    worse = spc.analyse(values, days(len(values)), improvement="decrease")
    assert public.reading(worse) == "Getting worse."


def test_a_lead_opts_a_measure_in_from_its_settings(client, world, cast) -> None:
    client.force_login(cast["lee"])
    measure = world.hidden_measure
    url = reverse("metrics:measure-edit", args=[measure.pk])
    form = client.get(url).content.decode()
    assert 'name="public"' in form
    data = {
        "name": measure.name,
        "unit": measure.unit,
        "improvement": measure.improvement,
        "frequency": measure.frequency,
        "rules": measure.rules,
        "chart_type": measure.chart_type,
        "public": "on",
    }
    assert client.post(url, data).status_code == 302
    measure.refresh_from_db()
    assert measure.public
    page = Client().get(reverse("public:site", args=[world.site.pk])).content.decode()
    assert measure.name in html.unescape(page)
    # Staff can not.
    client.force_login(cast["sam"])
    assert client.post(url, {**data, "public": ""}).status_code in (403, 404)
    measure.refresh_from_db()
    assert measure.public


def test_a_staff_pulse_cannot_be_made_public(client, world, cast) -> None:
    client.force_login(cast["maya"])
    url = reverse("metrics:measure-edit", args=[world.pulse.measure_id])
    assert 'name="public"' not in client.get(url).content.decode()
    assert (
        world.pulse.title
        not in Client().get(reverse("public:site", args=[world.site.pk])).content.decode()
    )


def test_a_lead_publishes_an_implemented_idea_in_public_words(client, world, cast) -> None:
    idea = world.unshown_idea
    url = reverse("ideas:publication", args=[idea.pk])
    client.force_login(cast["sam"])
    assert client.post(url, {"public": "on", "public_title": "Rota"}).status_code == 403
    client.force_login(cast["lee"])
    detail = client.get(idea.get_absolute_url()).content.decode()
    assert "On the public pages" in detail and f'value="{idea.title}"' in detail
    refused = client.post(url, {"public": "on", "public_title": "  "})
    assert (
        refused.status_code == 400 and "Give it a title for the public." in refused.content.decode()
    )
    idea.refresh_from_db()
    assert not idea.public
    response = client.post(url, {"public": "on", "public_title": "Easier shift swaps"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.public and idea.public_title == "Easier shift swaps"
    page = Client().get(reverse("public:site", args=[world.site.pk])).content.decode()
    assert "Easier shift swaps" in page and idea.title not in page
    # Not implemented: refused, and nothing saved.
    client.force_login(cast["lee"])
    other = Idea.objects.create(team=world.team, author=cast["sam"], title="New", problem="x")
    refused = client.post(
        reverse("ideas:publication", args=[other.pk]), {"public": "on", "public_title": "New"}
    )
    assert refused.status_code == 400
    assert "Only an implemented idea" in refused.content.decode()
    other.refresh_from_db()
    assert not other.public


def test_people_who_see_the_place_and_site_find_the_link(client, world, cast) -> None:
    client.force_login(cast["maya"])
    fragment = client.get(reverse("public:site-link", args=[world.site.pk])).content.decode()
    assert reverse("public:site", args=[world.site.pk]) in fragment
    empty = client.get(reverse("public:site-link", args=[world.other_site.pk]))
    assert empty.status_code in (200, 404)
    if empty.status_code == 200:
        assert "href" not in empty.content.decode()
    place_link = client.get(reverse("public:place-link", args=[world.place.slug]))
    assert reverse("public:place", args=[world.place.slug]) in place_link.content.decode()
    place_page = client.get(reverse("place", args=[world.place.slug])).content.decode()
    assert reverse("public:place-link", args=[world.place.slug]) in place_page
    dashboard = client.get(reverse("metrics:dashboard-scope", args=["site", world.site.pk]))
    assert reverse("public:site-link", args=[world.site.pk]) in dashboard.content.decode()
    anonymous = Client().get(reverse("public:site-link", args=[world.site.pk]))
    assert anonymous.status_code == 302


def test_the_demo_has_a_public_page(client, db) -> None:
    call_command("seed_demo", verbosity=0)
    index = client.get(reverse("public:index")).content.decode()
    place = Place.objects.get(slug="eskdale")
    assert reverse("public:place", args=[place.slug]) in index
    page = client.get(reverse("public:place", args=[place.slug]))
    assert page.status_code == 200
    site = Site.objects.filter(place=place).filter(public.public_sites_q()).first()
    assert site is not None
    site_page = client.get(reverse("public:site", args=[site.pk])).content.decode()
    shown = Measure.objects.filter(public=True, team__site=site, survey__isnull=True)
    assert shown.count() >= 2
    for measure in shown:
        assert measure.name in site_page
    ideas = Idea.objects.filter(public=True, status=Idea.Status.IMPLEMENTED, team__site=site)
    assert ideas.count() >= 2
    for idea in ideas:
        assert idea.public_title in site_page
        assert idea.author.full_name not in site_page
    assert "Customer satisfaction" in site_page


def test_colleagues_see_that_an_idea_is_public_and_under_what_words(client, world, cast) -> None:
    client.force_login(cast["sam"])
    page = client.get(world.shown_idea.get_absolute_url()).content.decode()
    assert "Shown on the public pages of its site and place as" in page
    assert "Text reminders before appointments" in page
    assert 'name="public_title"' not in page  # staff cannot change it


def test_a_long_series_shows_its_latest_figures_under_the_chart(client, world) -> None:
    from places.public import TABLE_POINTS

    today = timezone.localdate()
    Observation.objects.filter(measure=world.team_measure).delete()
    Observation.objects.bulk_create(
        Observation(measure=world.team_measure, date=today - datetime.timedelta(days=d), value=d)
        for d in range(TABLE_POINTS + 40)
    )
    page = client.get(reverse("public:site", args=[world.site.pk])).content.decode()
    caption = f"The latest {TABLE_POINTS} of {TABLE_POINTS + 40} figures of Days to first payment"
    assert caption in page
    body = page.split(caption)[1].split("</tbody>")[0]
    assert body.count("<tr>") == TABLE_POINTS + 1  # and the heading's row
    # The newest figure is in it, the oldest only on the chart.
    from django.utils.formats import date_format

    oldest = today - datetime.timedelta(days=TABLE_POINTS + 39)
    assert date_format(today, "DATE_FORMAT") in body
    assert date_format(oldest, "DATE_FORMAT") not in body
