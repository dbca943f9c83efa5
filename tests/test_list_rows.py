"""Every list shows an existing row: one row of each kind is made, and each list page, dashboard
table and drill-down is opened as someone who may see it, who must find the row there.

Lists whose row is already shown by a test next to their other tests say where; the last test
walks the URL resolver, so a new page must be put in one of the tables below (or named as not a
list) before the suite passes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ideas.maps.models import ValueStreamMap
from ideas.models import Idea
from kaizen import actions as kaizen_actions
from kaizen.models import Board, Card
from leanhub.models import Place, Team, TeamAnnouncement, User
from metrics.drills import DRILLS
from metrics.models import Measure, Outcome, Saving


@dataclass
class World:
    """One row of each kind, all of New Claims (team_a) at Carrow Jobcentre (site_a1)."""

    team: Team
    place: Place
    overdue: Idea
    stop_doing: Idea
    implemented: Idea
    adopted: Idea
    vsm: ValueStreamMap
    board: Board
    stalled: Card
    measure: Measure
    outcome: Outcome
    savings: dict[str, Saving]
    announcement: TeamAnnouncement


@pytest.fixture
def world(cast: dict[str, User], team_a: Team, team_a_coaches: Team, place: Place) -> World:
    sam, lee = cast["sam"], cast["lee"]
    now = timezone.now()
    today = timezone.localdate()
    ideas = {"team": team_a, "author": sam, "problem": "It slows every claim down"}
    overdue = Idea.objects.create(title="Pre-fill the claim form", **ideas)
    # Raised long before the organisation's first-response promise ran out, and never answered.
    Idea.objects.filter(pk=overdue.pk).update(created_at=now - datetime.timedelta(days=60))
    stop_doing = Idea.objects.create(
        title="Stop the weekly paper tally",
        kind=Idea.Kind.STOP_DOING,
        burden_name="Weekly paper tally",
        burden_owner=Idea.BurdenOwner.ORGANISATION,
        **ideas,
    )
    implemented = Idea.objects.create(
        title="Text customers the documents to bring",
        status=Idea.Status.IMPLEMENTED,
        implemented_at=now,
        **ideas,
    )
    adopted = Idea.objects.create(
        team=team_a_coaches,
        author=cast["wendy"],
        title="Text customers the documents to bring",
        problem="Same here",
        adopted_from=implemented,
    )

    from tests.ideas.maps.conftest import make_map

    vsm = make_map(team_a, lee, name="Claim to first payment — current state")
    board = kaizen_actions.ensure_team_board(team_a)
    stalled = kaizen_actions.create_card(
        board, title="Trial pre-filled forms", owners=[lee], by=lee, wip_reason="test"
    )
    Card.objects.filter(pk=stalled.pk).update(moved_at=now - datetime.timedelta(days=90))
    measure = Measure.objects.create(
        name="Minutes per new claim",
        unit="minutes",
        improvement=Measure.Improvement.DECREASE,
        team=team_a,
        created_by=lee,
    )
    outcome = Outcome.objects.create(
        idea=implemented,
        measure=measure,
        team=team_a,
        baseline_start=today - datetime.timedelta(days=90),
        baseline_end=today - datetime.timedelta(days=61),
        after_start=today - datetime.timedelta(days=60),
        after_end=today - datetime.timedelta(days=1),
        before_mean=Decimal("50"),
        after_mean=Decimal("40"),
        gain_percent=Decimal("20.0"),
        recorded_by=lee,
    )
    priya_team = cast["priya"].memberships.get().team
    assert priya_team is not None
    org_a, org_b = team_a.site.organisation, priya_team.site.organisation
    saving = {
        "team": team_a,
        "claimed_by": lee,
        "kind": Saving.Kind.CASHABLE,
        "amount": Decimal("12000"),
        "recurrence": Saving.Recurrence.RECURRING,
        "start_date": today - datetime.timedelta(days=10),
        "invested_by": org_a,
        "benefits": org_b,
        "evidence": "Call-backs fell from 120 to 40 a week.",
    }
    savings = {
        "verified": Saving.objects.create(
            title="Fewer call-backs on new claims",
            stage=Saving.Stage.REALISED,
            status=Saving.Status.VERIFIED,
            **saving,
        ),
        "claimed": Saving.objects.create(
            title="Shorter first interviews",
            stage=Saving.Stage.REALISED,
            status=Saving.Status.CLAIMED,
            **saving,
        ),
        "projected": Saving.objects.create(
            title="No more paper tally",
            stage=Saving.Stage.PROJECTED,
            status=Saving.Status.CLAIMED,
            **saving,
        ),
    }
    announcement = TeamAnnouncement.objects.create(
        team=team_a, author=lee, message="Huddle moves to 9:30 tomorrow"
    )
    return World(
        team=team_a,
        place=place,
        overdue=overdue,
        stop_doing=stop_doing,
        implemented=implemented,
        adopted=adopted,
        vsm=vsm,
        board=board,
        stalled=stalled,
        measure=measure,
        outcome=outcome,
        savings=savings,
        announcement=announcement,
    )


def _link(obj: Any, text: str) -> str:
    return f'<a href="{obj.get_absolute_url()}">{text}</a>'


@dataclass(frozen=True)
class Shows:
    """``url`` (a URL name), opened with ``args(world)`` and ``query`` by ``who``, shows every
    one of ``expected(world)`` and none of ``absent(world)``."""

    url: str
    who: str
    expected: Callable[[World], list[str]]
    args: Callable[[World], list[object]] = lambda w: []
    query: dict[str, str] = field(default_factory=dict)
    absent: Callable[[World], list[str]] = lambda w: []


def _site(w: World) -> list[object]:
    return ["site", w.team.site_id]


def _place(w: World) -> list[object]:
    return ["place", w.place.pk]


def _drill(what: str, who: str, expected: Callable[[World], list[str]], **more: Any) -> Shows:
    scope = _place if what in ("spend", "flows") else _site
    return Shows("metrics:rows", who, expected, args=lambda w: [*scope(w), what], **more)


# The rows each dashboard figure opens (every figure in metrics.drills.DRILLS), as the page.
DRILL_PAGES: dict[str, Shows] = {
    "ideas": _drill(
        "ideas",
        "maya",
        lambda w: [_link(w.stop_doing, w.stop_doing.title), _link(w.overdue, w.overdue.title)],
    ),
    "implemented": _drill(
        "implemented",
        "maya",
        lambda w: [_link(w.implemented, w.implemented.title)],
        absent=lambda w: [w.stop_doing.title],
    ),
    "overdue": _drill(
        "overdue",
        "maya",
        lambda w: [_link(w.overdue, w.overdue.title)],
        absent=lambda w: [w.implemented.title],
    ),
    "stop-doing": _drill(
        "stop-doing",
        "maya",
        lambda w: [_link(w.stop_doing, w.stop_doing.title)],
        absent=lambda w: [w.overdue.title],
    ),
    "savings": _drill("savings", "maya", lambda w: [_link(s, s.title) for s in w.savings.values()]),
    "projected": _drill(
        "projected",
        "maya",
        lambda w: [_link(w.savings["projected"], "No more paper tally")],
        absent=lambda w: [w.savings["verified"].title],
    ),
    "realised": _drill(
        "realised",
        "maya",
        lambda w: [_link(w.savings["verified"], w.savings["verified"].title)],
        absent=lambda w: [w.savings["projected"].title],
    ),
    "verified": _drill(
        "verified",
        "maya",
        lambda w: [_link(w.savings["verified"], w.savings["verified"].title)],
        absent=lambda w: [w.savings["claimed"].title],
    ),
    "awaiting": _drill(
        "awaiting",
        "maya",
        lambda w: [_link(w.savings["claimed"], w.savings["claimed"].title)],
        absent=lambda w: [w.savings["verified"].title],
    ),
    "outcomes": _drill(
        "outcomes",
        "maya",
        lambda w: [_link(w.implemented, w.implemented.title), _link(w.measure, w.measure.name)],
    ),
    "gains": _drill("gains", "maya", lambda w: ["<td>New Claims</td><td>1</td><td>20.0</td>"]),
    "spend": _drill("spend", "pat", lambda w: ["<td>Testshire Jobcentre</td>"]),
    "flows": _drill(
        "flows",
        "pat",
        lambda w: ["<td>Testshire Jobcentre</td><td>Testshire Police</td><td>3</td>"],
    ),
    "stalled": _drill("stalled", "maya", lambda w: [_link(w.stalled, w.stalled.title)]),
    "spread": _drill(
        "spread",
        "maya",
        lambda w: [
            _link(w.implemented, w.implemented.title),
            _link(w.adopted, "Work Coaches, Carrow Jobcentre"),
        ],
    ),
}

# List pages, and the tables on dashboards and on the team and place pages, that had no test
# showing one of their rows.
LIST_PAGES: dict[str, Shows] = {
    "search": Shows(
        "search",
        "sam",
        lambda w: [
            _link(w.overdue, w.overdue.title),
            _link(w.vsm, w.vsm.name),
            _link(w.measure, w.measure.name),
        ],
        query={"q": "claim"},
    ),
    "search: cards": Shows(
        "search", "lee", lambda w: [_link(w.stalled, w.stalled.title)], query={"q": "trial"}
    ),
    "value-stream maps": Shows("maps:list", "sam", lambda w: [_link(w.vsm, w.vsm.name)]),
    "kaizen boards": Shows(
        "kaizen:boards",
        "lee",
        lambda w: [
            _link(w.board, w.board.name),
            f'<a href="{reverse("kaizen:team-board", args=[w.team.pk])}">New Claims, ',
        ],
    ),
    "measures": Shows("metrics:measures", "lee", lambda w: [_link(w.measure, w.measure.name)]),
    "savings ledger": Shows(
        "metrics:savings", "maya", lambda w: [_link(s, s.title) for s in w.savings.values()]
    ),
    "savings ledger as CSV": Shows(
        "metrics:savings",
        "maya",
        lambda w: [s.title for s in w.savings.values()],
        query={"format": "csv"},
    ),
    "team page: news": Shows(
        "team", "sam", lambda w: [w.announcement.message], args=lambda w: [w.team.pk]
    ),
    "team page: people": Shows(
        "team", "sam", lambda w: ["<td>Lee</td><td>Team lead</td>"], args=lambda w: [w.team.pk]
    ),
    "place page: spend by organisation": Shows(
        "place", "pat", lambda w: ["<td>Testshire Jobcentre</td>"], args=lambda w: [w.place.slug]
    ),
    "home: my team and its news": Shows(
        "home", "sam", lambda w: [_link(w.team, "New Claims"), w.announcement.message]
    ),
    "site dashboard: gains by team": Shows(
        "metrics:dashboard-scope",
        "maya",
        lambda w: ['<tr><td>New Claims</td><td class="num">1</td><td class="num">20.0%</td>'],
        args=_site,
    ),
    # The API's lists (JSON): each shows the row the page shows.
    "API: ideas": Shows("api:ideas", "sam", lambda w: [f'"title":"{w.overdue.title}"']),
    "API: boards": Shows("api:boards", "lee", lambda w: [f'"id":{w.board.pk},"name":']),
    "API: a board's cards": Shows(
        "api:board-cards",
        "lee",
        lambda w: [f'"title":"{w.stalled.title}"'],
        args=lambda w: [w.board.pk],
    ),
    "API: measures": Shows("api:measures", "lee", lambda w: [f'"name":"{w.measure.name}"']),
    "API: value-stream maps": Shows("api:maps", "sam", lambda w: [f'"name":"{w.vsm.name}"']),
    "API: dashboards": Shows(
        "api:dashboards", "maya", lambda w: [f'"kind":"site","id":{w.team.site_id},"name":']
    ),
    "API: savings": Shows(
        "api:savings", "maya", lambda w: [f'"title":"{s.title}"' for s in w.savings.values()]
    ),
    "place dashboard: spend by organisation": Shows(
        "metrics:dashboard-scope",
        "pat",
        lambda w: ['<tr><td>Testshire Jobcentre</td><td class="num">£1,450,000,000</td></tr>'],
        args=_place,
    ),
    "team roll of honour: implemented and spread": Shows(
        "recognition:team-roll",
        "lee",
        lambda w: [_link(w.implemented, "Text customers the documents to bring"), "Work Coaches"],
        args=lambda w: [w.team.pk],
    ),
    "site roll of honour: implemented and spread": Shows(
        "recognition:site-roll",
        "maya",
        lambda w: [_link(w.implemented, "Text customers the documents to bring"), "Work Coaches"],
        args=lambda w: [w.team.site_id],
    ),
    "place roll of honour: implemented and spread": Shows(
        "recognition:place-roll",
        "pat",
        lambda w: ["from New Claims, adopted by Work Coaches"],
        args=lambda w: [w.place.slug],
    ),
}

# Lists whose rows are shown by a test beside their other tests.
TESTED_ELSEWHERE = {
    "places:red-tape": "tests/places/test_red_tape.py::test_a_lead_routes_it_and_the_owner_…",
    "places:red-tape-inbox": "tests/places/test_red_tape.py::test_a_lead_routes_it_and_the_…",
    "places:idea-red-tape": "tests/places/test_red_tape.py::test_a_lead_routes_it_and_the_…",
    "places:compare": "tests/places/test_compare.py::test_only_administrators_and_reference_…",
    "places:cases": "tests/places/test_cases.py::test_the_case_list_shows_a_case",
    "places:target": "tests/places/test_cases.py::test_target_progress_splits_cashable_and_…",
    "places:spend": "tests/places/test_spend.py::test_the_spend_map_shows_totals_overlaps_and_…",
    "places:lines": "tests/places/test_spend.py::test_the_spend_map_shows_totals_overlaps_and_…",
    "places:themes": "tests/places/test_spend.py::test_lines_and_themes_are_edited_in_the_product",
    "places:spend-import-preview": "tests/places/test_spend.py::test_import_previews_then_saves_…",
    "ideas:list": "tests/ideas/test_list.py::test_people_see_their_organisations_ideas_and_…",
    "ideas:export": "tests/ideas/test_list.py::test_csv_export_follows_the_filters_and_…",
    "ideas:burden-queue": "tests/ideas/test_spread.py::test_a_lead_routes_red_tape_to_its_…",
    "ideas:similar": "tests/ideas/test_similar.py::test_the_hint_is_an_htmx_fragment_and_a_page",
    "ideas:box": "tests/ideas/test_idea_box.py::test_a_lead_accepts_a_submission_into_the_teams_…",
    "notifications": "tests/leanhub/test_views.py::test_notification_list_serves_page_or_partial",
    "metrics:surveys": "tests/metrics/test_surveys.py::test_the_survey_list_shows_the_surveys_…",
    "metrics:dashboard": "redirects to the person's own dashboard-scope page",
    "kaizen:my-board": "tests/kaizen/test_views.py::test_people_without_a_team_get_the_boards_…",
    "kaizen:map-cards": "tests/kaizen/test_map_link.py",
    "metrics:savings-tile": "tests/metrics/test_dashboards.py::test_the_savings_tile_alone_…",
    "metrics:dashboard-charts": "tests/metrics/test_dashboard_surveys.py::test_the_charts_alone_…",
    "kaizen:idea-cards": "tests/kaizen/test_idea_cards.py::test_anyone_who_may_see_the_idea_sees_…",
    "metrics:idea-results": "tests/metrics/test_improvement_fragments.py::test_what_it_achieved_…",
    "metrics:card-results": "tests/metrics/test_improvement_fragments.py::test_what_it_achieved_…",
    "signon:organisations": "tests/signon/test_rules_pages.py::test_an_organisation_manager_sees_…",
    "api:measure-observations": "tests/api/test_endpoints.py::test_observations_are_listed_newest_…",
    "api:surveys": "tests/api/test_savings_and_surveys.py::test_a_survey_is_added_up_and_no_…",
    "tokens:list": "tests/api/test_token_pages.py::test_a_person_makes_a_token_that_is_shown_once",
    "tokens:organisation": "tests/api/test_token_pages.py::test_an_organisation_manager_makes_…",
    "webhooks:list": "tests/api/test_webhooks.py::test_a_manager_adds_a_webhook_and_sees_its_…",
    "webhooks:detail": "tests/api/test_webhooks.py::test_the_log_shows_each_delivery_and_the_…",
    "signon:organisation": "tests/signon/test_rules_pages.py::test_an_organisation_manager_sees_…",
    "public:index": "tests/places/test_public.py::test_the_place_page_shows_its_measures_changes_…",
    "public:place": "tests/places/test_public.py::test_the_place_page_shows_its_measures_changes_…",
    "public:site": "tests/places/test_public.py::test_anyone_reads_the_site_page_without_signing_in",
    "recognition:idea-thanks": "tests/recognition/test_thanks.py::test_thank_and_withdraw_an_idea",
    "recognition:card-thanks": "tests/recognition/test_thanks.py::test_a_cards_owners_are_thanked",
    "recognition:entry-thanks": "tests/library/test_views.py::test_an_entry_is_thanked_and_its_…",
    "library:list": "tests/library/test_views.py::test_the_list_shows_own_organisations_entries_…",
}

# Every other URL: an object's own page, a form, an action, a file, a fragment of one object.
NOT_LISTS = {
    "places:red-tape-item", "places:red-tape-route",
    "places:case", "places:case-new", "places:case-change", "places:case-sign-off",
    "places:target-tag", "places:line-new", "places:line-edit", "places:spend-import", "places:theme-delete",
    "login", "logout", "password_change", "password_change_done", "password_reset",
    "password_reset_done", "password_reset_confirm", "password_reset_complete",
    "notification-count", "notifications-read", "set_language", "email-preferences",
    "email-unsubscribe",
    "accessibility", "healthz", "readyz", "organisation-export", "person-erase",
    # Lists whose rows tests/test_organisation_data.py shows: organisations, their people.
    "organisations", "organisation-data",
    "maps:new", "maps:import", "maps:detail", "maps:edit", "maps:delete", "maps:step-add",
    "maps:step-edit", "maps:step-move", "maps:step-delete", "maps:step-link-idea", "maps:clone",
    "maps:target", "maps:compare", "maps:svg", "maps:png", "maps:print", "maps:export",
    "ideas:new", "ideas:detail", "ideas:respond", "ideas:support", "ideas:follow",
    "ideas:comment", "ideas:comment-edit", "ideas:adopt", "ideas:route", "ideas:photo",
    "ideas:pending-photo", "ideas:import",
    "ideas:box-link", "ideas:box-print", "ideas:box-decide", "ideas:box-photo", "box:submit",
    "kaizen:team-board", "kaizen:board", "kaizen:board-flow", "kaizen:board-settings",
    "kaizen:board-import",
    "kaizen:new-card", "kaizen:card", "kaizen:move-card", "kaizen:block-card",
    "kaizen:unblock-card", "kaizen:card-a3", "kaizen:new-cycle", "kaizen:card-from-idea",
    "kaizen:cycle", "kaizen:cycle-plan", "kaizen:cycle-check", "kaizen:cycle-action",
    "kaizen:cycle-photo", "kaizen:cycle-decide", "kaizen:cycle-action-done", "kaizen:photo",
    "metrics:measure-new", "metrics:measure", "metrics:measure-annotate", "metrics:import",
    "metrics:saving-new", "metrics:saving", "metrics:saving-edit", "metrics:saving-decide",
    "metrics:saving-evidence", "metrics:outcome-new", "metrics:outcome-new-card",
    "metrics:survey-new", "metrics:survey", "metrics:survey-qr", "metrics:respond",
    "metrics:cycle-measure", "metrics:cycle-measure-summary",
    "metrics:measure-edit", "metrics:measure-target-add", "metrics:measure-target-remove",
    "metrics:measure-ghost", "metrics:measure-mark", "metrics:organisation-spc",
    "signon-start", "signon-callback", "signon:rule", "signon:rule-delete",
    "ideas:publication", "public:place-link", "public:site-link",
    "api:root", "api:schema", "api:docs", "api:idea", "api:idea-respond", "api:idea-support",
    "api:board", "api:card", "api:card-move", "api:measure", "api:observations-bulk",
    "api:saving", "api:survey", "api:map", "api:dashboard",
    "tokens:revoke", "tokens:organisation-revoke",
    "webhooks:rotate", "webhooks:active", "webhooks:delete", "webhooks:ping", "webhooks:retry",
    "library:entry", "library:entry-edit", "library:entry-try", "library:publish",
    "library:cycle-library", "library:card-library",
}  # fmt: skip

CASES = {**{f"rows of {what}": shows for what, shows in DRILL_PAGES.items()}, **LIST_PAGES}


@pytest.mark.parametrize("name", list(CASES))
def test_the_list_shows_an_existing_row(client, cast, world, name):
    shows = CASES[name]
    client.force_login(cast[shows.who])
    response = client.get(reverse(shows.url, args=shows.args(world)), shows.query)
    assert response.status_code == 200, name
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    for expected in shows.expected(world):
        assert expected in text, f"{name}: {expected!r} not shown"
    for absent in shows.absent(world):
        assert absent not in text, f"{name}: {absent!r} shown where it does not belong"


def test_every_dashboard_figure_has_its_rows_shown():
    assert set(DRILL_PAGES) == set(DRILLS)


def _url_names(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":  # Django's own, tested by Django
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_is_a_list_with_a_row_test_or_named_as_not_a_list():
    names = _url_names(get_resolver().url_patterns)
    assert {"home", "ideas:list", "maps:list", "kaizen:boards", "metrics:rows"} <= names
    covered = {shows.url for shows in CASES.values()} | set(TESTED_ELSEWHERE) | NOT_LISTS
    unknown = names - covered
    assert not unknown, (
        f"New pages {sorted(unknown)}: if one lists rows, add it to LIST_PAGES with a row it "
        "must show; otherwise add it to NOT_LISTS."
    )
