"""Lists agree with pages: nothing anyone is shown anywhere belongs to an object whose own page
would answer them 404, and a hidden name stays hidden on every path.

A cast of two places, three organisations and every role, with one of every kind of object,
each carrying a marker (a title or name found nowhere else). For each person, the objects' own
pages are the oracle: those answering 404 are hidden from them. Then every URL the resolver
knows is opened as that person, its arguments filled from the cast's objects (lists with
filters, drill-downs, CSV exports, htmx fragments, the similar-ideas lookup, notifications,
forms, files), and none may show a hidden marker, a link to a hidden object, or the name of the
person who raised an idea with "Hide my name" (only administrators and that person may read it).
What the live sockets push is checked the same way for everyone whose socket may join the group,
and so is every e-mail for its recipients.

A new URL pattern is walked without anyone adding it here; the test of the classification below
fails for a pattern that can be neither filled nor is named in ``SKIPPED``.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ideas import actions as idea_actions
from ideas import box as idea_box
from ideas.maps import actions as map_actions
from ideas.maps.models import KaizenBurst, ValueStreamStep
from ideas.models import Idea, IdeaComment
from kaizen import actions as kaizen_actions
from kaizen.models import Board, Card, CycleAction
from leanhub import mail as outbox
from leanhub.live_routes import websocket_urlpatterns
from leanhub.models import (
    Membership,
    Organisation,
    Place,
    Role,
    Site,
    Team,
    TeamAnnouncement,
    User,
)
from library import actions as library_actions
from library.models import Entry as LibraryEntry
from metrics import actions as metrics_actions
from metrics.drills import DRILLS
from metrics.models import Measure, Observation, Outcome, Saving, Survey
from places import redtape
from places.models import BurdenOwner, InvestCase, PendingSpendImport, ServiceTheme, SpendLine
from recognition import thanks
from signon.models import OrganisationSignOn, SignOnRule
from tests.channels_helpers import GroupListener
from tests.ideas.maps.conftest import make_map
from tests.spreadsheet_helpers import body_bytes, differences, is_xlsx, xlsx_text

HIDDEN_NAME = "Zanzibar Quillfeather"

# --- The cast's objects -------------------------------------------------------------------------


@dataclass(frozen=True)
class Thing:
    """One object of the cast: the URL of its own page (the oracle) and the marker that names it
    (None for an object that is only an argument, such as a dashboard scope)."""

    kind: str
    obj: Any
    page: str
    marker: str | None


@dataclass
class Cast:
    people: dict[str, User]
    things: list[Thing]
    # Fills for each URL argument kind: the objects (or plain values) it can take.
    fills: dict[str, list[Any]] = field(default_factory=dict)
    hidden_author: User | None = None


def _url(obj: Any) -> str:
    return str(obj.get_absolute_url())


def _person(username: str, full_name: str, role: str | None = None, **scope: Any) -> User:
    user = User.objects.create(username=username, full_name=full_name, email=f"{username}@x.org")
    if role:
        Membership.objects.create(user=user, role=role, **scope)
    return user


def _idea(team: Team, author: User, title: str, **more: Any) -> Idea:
    return Idea.objects.create(team=team, author=author, title=title, problem="It is slow", **more)


def _build(
    base: dict[str, User],
    place: Place,
    other_place: Place,
    org_a: Organisation,
    org_b: Organisation,
    site_a1: Site,
    site_b1: Site,
    team_a: Team,
    team_b: Team,
) -> Cast:
    people = dict(base)
    sam, lee, olu, maya, grace, ada = (
        people[n] for n in ("sam", "lee", "olu", "maya", "grace", "ada")
    )
    # A third organisation, in another place.
    org_c = Organisation.objects.create(
        name="Elsewhere Council", slug="ec", kind=Organisation.Kind.COUNCIL
    )
    site_c = Site.objects.create(name="Elsewhere Hall", organisation=org_c, place=other_place)
    team_c = Team.objects.create(name="Benefits Desk", site=site_c)
    people["cara"] = _person("cara", "Cara", Role.STAFF, team=team_c)
    people["ceri"] = _person("ceri", "Ceri", Role.LEAD, team=team_c)
    people["quinn"] = _person("quinn", "Quinn", Role.PARTNERSHIP, place=other_place)
    hidey = people["hidey"] = _person("hidey", HIDDEN_NAME, Role.STAFF, team=team_a)
    cara, ceri = people["cara"], people["ceri"]

    now, today = timezone.now(), timezone.localdate()
    things: list[Thing] = []

    def add(kind: str, obj: Any, marker: str | None, page: str | None = None) -> Any:
        things.append(Thing(kind, obj, page or _url(obj), marker))
        return obj

    # Ideas: own organisation's, shared with partners, and of the other place.
    ia_priv = add("idea", _idea(team_a, sam, "Mkideaapriv"), "Mkideaapriv")
    add("idea", _idea(team_a, sam, "Mkideaashared", shared_with_partners=True), "Mkideaashared")
    ib_priv = add("idea", _idea(team_b, people["priya"], "Mkideabpriv"), "Mkideabpriv")
    ib_shared = add(
        "idea",
        _idea(team_b, people["priya"], "Mkideabshared", shared_with_partners=True),
        "Mkideabshared",
    )
    add("idea", _idea(team_c, cara, "Mkideacshared", shared_with_partners=True), "Mkideacshared")
    # Raised with "Hide my name", accepted, made a card, discussed: the ordinary path, through
    # the actions, so its notifications and e-mails are the real ones.
    ih, _ = idea_actions.submit_idea(
        idea_actions.NewIdea(
            team=team_a,
            title="Mkideahidden",
            problem="Slow",
            hide_name=True,
            shared_with_partners=True,  # its card, which has its title, is seen in the place
        ),
        token=None,
        by=hidey,
    )
    add("idea", ih, "Mkideahidden")
    idea_actions.change_status(ih, to=Idea.Status.ACCEPTED, note="Yes", by=lee)
    idea_actions.add_comment(ih, body="Mkcommenthidey", by=hidey)
    idea_actions.add_comment(ih, body="Thank you", by=lee)
    idea_actions.set_support(ih, on=True, by=sam)
    # Thanked: the thanks reaches the hidden author, and nobody else learns who they are.
    thanks.toggle(thanks.of_idea(ih), by=sam, message="Great work")
    # Raised with "Hide my name" and implemented, then spread to the police and back: on every
    # roll of honour of both places' teams, sites and places, never with the author's name.
    done, _ = idea_actions.submit_idea(
        idea_actions.NewIdea(
            team=team_a, title="Mkideahiddendone", problem="Slow", hide_name=True,
            shared_with_partners=True,
        ),
        token=None,
        by=hidey,
    )  # fmt: skip
    add("idea", done, "Mkideahiddendone")
    for status in (Idea.Status.ACCEPTED, Idea.Status.IMPLEMENTED):
        idea_actions.change_status(done, to=status, by=lee)
    spread = idea_actions.adopt_idea(done, team=team_b, by=olu)
    add("idea", spread, None)

    # Boards and cards: each team's, and a joint board of the police and the council.
    board_a = add("board", kaizen_actions.ensure_team_board(team_a), None)
    board_b = add("board", kaizen_actions.ensure_team_board(team_b), None)
    board_c = add("board", kaizen_actions.ensure_team_board(team_c), None)
    joint = Board.objects.create(name="Mkboardjoint")
    joint.member_teams.set([team_b])
    joint.member_organisations.set([org_c])
    kaizen_actions._add_default_columns(joint)
    add("board", joint, "Mkboardjoint")
    card_h = kaizen_actions.create_card_from_idea(ih, by=lee)
    thanks.toggle(thanks.of_card(card_h), by=sam)
    add("card", kaizen_actions.create_card(board_a, title="Mkcarda", by=lee), "Mkcarda")
    card_b = add("card", kaizen_actions.create_card(board_b, title="Mkcardb", by=olu), "Mkcardb")
    add("card", kaizen_actions.create_card(board_c, title="Mkcardc", by=ceri), "Mkcardc")
    add("card", kaizen_actions.create_card(joint, title="Mkcardjoint", by=ada), "Mkcardjoint")
    add("card", card_h, None)
    cycle_b = kaizen_actions.start_cycle(card_b, by=olu)
    kaizen_actions.update_cycle(cycle_b, problem="Mkcycleb", by=olu)
    add("cycle", cycle_b, "Mkcycleb", page=reverse("kaizen:cycle", args=[cycle_b.pk]))
    cycle_h = kaizen_actions.start_cycle(card_h, by=lee)
    add("cycle", cycle_h, None, page=reverse("kaizen:cycle", args=[cycle_h.pk]))
    kaizen_actions.add_cycle_action(cycle_h, description="Try it", owner=hidey, by=lee)

    # The library: a change of team_a adopted from the hidden author's card and shared with
    # partners (its card, measure and people only where each may be opened), one kept to its
    # organisation, one of the other place, tried by the police and thanked.
    kaizen_actions.decide_cycle(cycle_h, decision="adopt", standard="Do it so", by=lee)
    shared_entry = library_actions.publish_cycle(
        cycle_h,
        text=library_actions.Text(
            title="Mklibashared", summary="Changed", theme="waiting", shared_with_partners=True,
            contact=lee,
        ),
        by=lee,
    )  # fmt: skip
    add("entry", shared_entry, "Mklibashared")
    add(
        "entry",
        LibraryEntry.objects.create(team=team_a, title="Mklibapriv", summary="x", theme="waiting"),
        "Mklibapriv",
    )
    add(
        "entry",
        LibraryEntry.objects.create(
            team=team_c,
            title="Mklibcshared",
            summary="x",
            theme="waiting",
            shared_with_partners=True,
        ),
        "Mklibcshared",
    )
    library_actions.try_here(shared_entry, team=team_b, by=olu)
    thanks.toggle(thanks.of_entry(shared_entry), by=sam)

    # Maps: an unshared idea pinned to a step, and another team's card improving one.
    maps = {}
    for key, team, by in (("a", team_a, lee), ("b", team_b, olu), ("c", team_c, ceri)):
        m = make_map(team, by, name=f"Mkmap{key}")
        ValueStreamStep.objects.create(map=m, position=0, name=f"Mkstep{key}", cycle_s=60)
        maps[key] = add("map", m, f"Mkmap{key}")
    step_a = maps["a"].steps.get()
    KaizenBurst.objects.create(step=step_a, idea=ia_priv, created_by=lee)
    KaizenBurst.objects.create(step=step_a, idea=ib_shared, created_by=lee)
    Card.objects.filter(pk=card_b.pk).update(vsm_step=step_a)

    # Measures of every scope, and an outcome of a shared idea on its own team's measure.
    measure_fields = {"unit": "minutes", "improvement": Measure.Improvement.DECREASE}
    measures = {}
    for key, scope in (
        ("a", {"team": team_a}),
        ("b", {"team": team_b}),
        ("c", {"team": team_c}),
        ("siteb", {"site": site_b1}),
        ("orgb", {"organisation": org_b}),
        ("place", {"place": place}),
        ("elsewhere", {"place": other_place}),
    ):
        measures[key] = add(
            "measure",
            Measure.objects.create(
                name=f"Mkmeasure{key}", created_by=ada, **measure_fields, **scope
            ),
            f"Mkmeasure{key}",
        )
    # Public reporting: a team's measure and an idea raised with "Hide my name", published by
    # its team under words for the public. Their own names and the hidden author stay on the
    # pages the person may open; only the public words reach the public pages.
    published = Measure.objects.create(
        name="Claims cleared each week", unit="claims", team=team_a, created_by=ada, public=True
    )
    Observation.objects.bulk_create(
        Observation(measure=published, date=today - datetime.timedelta(weeks=k), value=k % 5)
        for k in range(20)
    )
    add(
        "idea",
        _idea(
            team_a,
            hidey,
            "Mkideapublic",
            hide_name=True,
            status=Idea.Status.IMPLEMENTED,
            implemented_at=now,
            public=True,
            public_title="Shorter queues at the counter",
        ),
        "Mkideapublic",
    )
    outcome = {
        "baseline_start": today - datetime.timedelta(days=90),
        "baseline_end": today - datetime.timedelta(days=61),
        "after_start": today - datetime.timedelta(days=60),
        "after_end": today - datetime.timedelta(days=1),
        "before_mean": Decimal("50"),
        "after_mean": Decimal("40"),
        "gain_percent": Decimal("20.0"),
    }
    Outcome.objects.create(
        idea=ib_shared, measure=measures["b"], team=team_b, recorded_by=olu, **outcome
    )
    Outcome.objects.create(
        card=card_b, measure=measures["b"], team=team_b, recorded_by=olu, **outcome
    )

    # Savings: one linked to an idea not shared with partners.
    saving = {
        "kind": Saving.Kind.CASHABLE,
        "amount": Decimal("12000"),
        "recurrence": Saving.Recurrence.RECURRING,
        "start_date": today - datetime.timedelta(days=10),
        "stage": Saving.Stage.REALISED,
        "evidence": "Call-backs fell.",
    }
    for key, team, by, org, idea in (
        ("a", team_a, lee, org_a, ia_priv),
        ("b", team_b, olu, org_b, ib_priv),
        ("c", team_c, ceri, org_c, None),
    ):
        add(
            "saving",
            Saving.objects.create(
                title=f"Mksaving{key}",
                team=team,
                claimed_by=by,
                invested_by=org,
                benefits=org,
                idea=idea,
                **saving,
            ),
            f"Mksaving{key}",
        )

    # Surveys of each organisation's site.
    for key, site, by in (("a", site_a1, maya), ("b", site_b1, grace), ("c", site_c, ada)):
        survey = metrics_actions.create_survey(
            site, kind=Survey.Kind.CUSTOMER, title=f"Mksurvey{key}", question="How?", by=by
        )
        add("survey", survey, f"Mksurvey{key}")

    # Idea boxes: what came through each team's box is for its leads; the box page is the oracle.
    # The service users' box of team_a too, kept apart on its own tab.
    boxes = [
        ("a", team_a, lee, "staff"),
        ("s", team_a, lee, "service"),
        ("b", team_b, olu, "staff"),
        ("c", team_c, ceri, "staff"),
    ]
    for key, team, by, box_kind in boxes:
        opened = idea_box.open_box(team, kind=box_kind, by=by)
        box_page = f"{reverse('ideas:box', args=[team.pk])}?kind={box_kind}"
        add("box", opened, None, page=box_page)
        held = idea_box.submit(
            opened, title=f"Mkboxsub{key}", problem="Slow", client_address=f"192.0.2.{ord(key)}"
        )
        add("submission", held, f"Mkboxsub{key}", page=box_page)

    # Team news: the team page is its oracle.
    for key, team, by in (("a", team_a, lee), ("b", team_b, olu), ("c", team_c, ceri)):
        TeamAnnouncement.objects.create(team=team, author=by, message=f"Mknews{key}")
        add("team", team, f"Mknews{key}", page=reverse("team", args=[team.pk]))
    for a_place in (place, other_place):
        add("place", a_place, None, page=reverse("place", args=[a_place.slug]))

    # Dashboard scopes: arguments only, opened when their own dashboard opens.
    scopes: list[tuple[str, int]] = [("all", 0)]
    for kind, objs in (
        ("team", [team_a, team_b, team_c]),
        ("site", [site_a1, site_b1, site_c]),
        ("organisation", [org_a, org_b, org_c]),
        ("place", [place, other_place]),
    ):
        for obj in objs:
            scopes.append((kind, obj.pk))
    for kind, pk in scopes:
        add(
            "scope",
            (kind, pk),
            None,
            page=reverse("metrics:dashboard-scope", args=[kind, pk]),
        )
    Idea.objects.filter(pk=ia_priv.pk).update(created_at=now - datetime.timedelta(days=60))

    # Total Place: invest-to-save cases and spend lines of each place, an import waiting for
    # the partnership lead who checked it (private to them).
    pat, quinn = people["pat"], people["quinn"]
    for key, a_place, by in (("here", place, pat), ("elsewhere", other_place, quinn)):
        case = InvestCase.objects.create(
            place=a_place, title=f"Mkcase{key}", first_year=2025, created_by=by
        )
        add("case", case, f"Mkcase{key}", page=reverse("places:case", args=[a_place.slug, case.pk]))
    for key, a_place, org in (("a", place, org_a), ("c", other_place, org_c)):
        theme = ServiceTheme.objects.create(place=a_place, name=f"Worklessness {key}")
        line = SpendLine.objects.create(
            place=a_place,
            organisation=org,
            theme=theme,
            year=2025,
            outcome=f"Mkline{key}",
            amount=Decimal("1000"),
        )
        add("line", line, f"Mkline{key}", reverse("places:line-edit", args=[a_place.slug, line.pk]))
    pending = PendingSpendImport.objects.create(
        place=place,
        by=pat,
        filename="Mkimportfile.csv",
        rows=[[2, org_a.pk, "Worklessness a", 2025, "", "10.00"]],
    )
    add(
        "pending",
        pending,
        "Mkimportfile",
        page=reverse("places:spend-import-preview", args=[place.slug, pending.pk]),
    )

    # Red tape: a stop-doing idea of the council's team routed to an outside owner whose only
    # member is a guest, who sees what is routed to them and nothing else.
    guest = people["gus"] = _person("gus", "Gus Guest")
    owner = BurdenOwner.objects.create(name="Mkownerbody", kind=BurdenOwner.Kind.GOVERNMENT)
    owner.members.set([guest])
    red = _idea(
        team_b,
        people["priya"],
        "Mkidearedtape",
        kind=Idea.Kind.STOP_DOING,
        burden_name="Mkidearedtape form",
        burden_owner=Idea.BurdenOwner.GOVERNMENT,
    )
    add("idea", red, "Mkidearedtape")
    routing = redtape.route(red, owner, place=place, by=people["olu"])
    # The item page is the guest's oracle for the idea's title: routed to them, so theirs.
    add(
        "routing", routing, "Mkidearedtape", page=reverse("places:red-tape-item", args=[routing.pk])
    )

    # Single sign-on: the council's rules, for its managers and administrators.
    OrganisationSignOn.objects.create(organisation=org_a, local_passwords_allowed=True)
    rule = SignOnRule.objects.create(
        organisation=org_a, claim="groups", value="mkrulegroup", role=Role.LEAD, team=team_a
    )
    add("rule", rule, "mkrulegroup", page=reverse("signon:rule", args=[org_a.slug, rule.pk]))
    # A webhook of each organisation: its page (and log) is its managers' only.
    from api.webhook_models import WebhookSubscription

    for key, org in (("a", org_a), ("b", org_b)):
        hook = WebhookSubscription.objects.create(
            organisation=org, name=f"Mkwebhook{key}", url=f"https://hooks.example.org/{key}"
        )
        add(
            "webhook",
            hook,
            f"Mkwebhook{key}",
            page=reverse("webhooks:detail", args=[org.slug, hook.pk]),
        )

    cast = Cast(people=people, things=things, hidden_author=hidey)
    by_kind: dict[str, list[Any]] = {}
    for thing in things:
        by_kind.setdefault(thing.kind, []).append(thing.obj)
    cast.fills = {
        "team": [team_a, team_b, team_c],
        "place": [place, other_place],
        "site": [site_a1, site_b1, site_c],
        "idea": by_kind["idea"],
        "map": by_kind["map"],
        "step": list(ValueStreamStep.objects.all()),
        "comment": list(IdeaComment.objects.all()),
        "board": by_kind["board"],
        "card": by_kind["card"],
        "cycle": by_kind["cycle"],
        "action": list(CycleAction.objects.all()),
        "measure": by_kind["measure"],
        "saving": by_kind["saving"],
        "survey": by_kind["survey"],
        "box": by_kind["box"],
        "submission": by_kind["submission"],
        "scope": scopes,
        "what": list(DRILLS),
        "token": [s.token for s in by_kind["survey"]],
        "fmt": ["png", "svg"],
        "case": by_kind["case"],
        "line": by_kind["line"],
        "pending": by_kind["pending"],
        "routing": by_kind["routing"],
        "rule": by_kind["rule"],
        "webhook": by_kind["webhook"],
        "entry": by_kind["entry"],
        "organisation": [org_a, org_b, org_c],
        "person": [hidey, sam],
    }
    return cast


# --- Walking the resolver -----------------------------------------------------------------------

# The literal path segment before an id names the kind of object it takes.
SEGMENT_KINDS = {
    "teams": "team",
    "places": "place",
    "sites": "site",  # public/sites/<site_id>/
    "maps": "map",
    "steps": "step",
    "ideas": "idea",
    "comments": "comment",
    "boards": "board",
    "cards": "card",
    "cycles": "cycle",
    "actions": "action",
    "measures": "measure",
    "savings": "saving",
    "surveys": "survey",
    "idea": "idea",  # metrics/outcomes/new/idea/<idea_id>/
    "card": "card",
    "new": "site",  # metrics/surveys/new/<site_id>/
    "cases": "case",
    "lines": "line",
    "import": "pending",  # places/<slug>/spend/import/<pk>/
    "items": "routing",  # places/owners/items/<pk>/
    "rules": "rule",
    "webhooks": "webhook",
    "organisations": "organisation",
    "sign-on": "organisation",
    "people": "person",
    "box": "box",  # box/<box_token>/: the public page of a team's idea box
    "submissions": "submission",  # ideas/box/submissions/<submission_id>/
    "entries": "entry",  # library/entries/<entry_id>/
}

# URL names needing what no cast object gives, each with the reason; everything else is walked.
SKIPPED = {
    "password_reset_confirm": "a signed one-time link, not a page of any object",
    "ideas:photo": "a photo file of an idea; the cast has no photos (tests/ideas/test_photos.py)",
    "ideas:pending-photo": "a photo someone is adding to their own form, private to them",
    "kaizen:photo": "a photo file of a cycle; the cast has no photos (tests/kaizen)",
    "ideas:box-photo": "a photo sent through an idea box; the cast has no photos "
    "(tests/ideas/test_idea_box.py)",
    "signon-start": "a redirect to an identity provider, not a page of any object",
    # POST-only actions: nothing to show on GET (each refuses it with 405).
    "metrics:measure-ghost": "POST only: greys out one observation of a measure",
    "metrics:measure-mark": "POST only: recalculates from a change on a chart, or removes it",
    "metrics:measure-target-remove": "POST only: removes a target line of a measure",
    "places:case-change": "POST only: a change to an invest-to-save case",
    "places:case-sign-off": "POST only: a party signs an invest-to-save case off",
    "places:red-tape-route": "POST only: sends a stop-doing idea to its owner",
    "places:theme-delete": "POST only: deletes a service theme of a place",
    "signon:rule-delete": "POST only: deletes a sign-on rule",
    "tokens:revoke": "POST only: revokes the person's own API token",
    "tokens:organisation-revoke": "POST only: revokes an organisation's service token",
    "webhooks:rotate": "POST only: a new signing secret for an organisation's webhook",
    "webhooks:active": "POST only: pauses or resumes an organisation's webhook",
    "webhooks:delete": "POST only: deletes an organisation's webhook",
    "webhooks:ping": "POST only: sends a test event to an organisation's webhook",
    "webhooks:retry": "POST only: tries one delivery of a webhook again",
}

# Pages anyone holding their link may open, whoever they are: only names are looked for there.
OPEN_TO_TOKEN_HOLDERS = {
    "metrics:respond": "a survey's public page, reached from its QR code: the token is the key",
    "box:submit": "a team's idea box, reached from its QR code: the token is the key",
}

# Pages listing a team's people, where a person's name says nothing of what they raised.
NAMES_LISTED = {
    "team": "the team page lists who works in the team, with their roles",
}

# Query strings each walked URL is also opened with: filters and the CSV forms of lists.
QUERIES: dict[str, list[dict[str, str]]] = {
    "ideas:list": [{"q": "Mk"}, {"status": Idea.Status.ACCEPTED}, {"following": "on"}],
    "ideas:export": [{"q": "Mk"}],
    "ideas:similar": [{"title": "Mkidea"}, {"problem": "slow"}],
    # Every kind of thing searched for by its markers, each kind alone too, and the hidden
    # author's name (which no result may name, nor find their idea by).
    "search": [
        {"q": "Mk"},
        *({"q": f"Mk{kind}"} for kind in ("idea", "card", "cycle", "map", "measure", "lib")),
        *(
            {"q": "Mk", "kind": kind}
            for kind in ("ideas", "cards", "cycles", "maps", "measures", "library")
        ),
        {"q": HIDDEN_NAME},
        {"q": "Zanzibar"},
    ],
    "metrics:savings": [{"format": "csv"}, {"status": Saving.Status.CLAIMED}],
    "library:list": [{"q": "Mk"}, {"kind": "change"}, {"service": "jobcentre"}],
    "metrics:measures": [{"format": "csv"}],
    "metrics:dashboard-scope": [{"format": "csv"}],
    "metrics:rows": [{"format": "csv"}],
    "metrics:measure": [{"format": "csv"}],
    "places:lines": [{"format": "csv"}],
    "notifications": [{"show": "unread"}],
    "kaizen:my-board": [{"huddle": "1"}],
    "kaizen:board": [{"huddle": "1"}],
    # The API's idea list, with the web list's filters and sorts.
    "api:ideas": [
        {"q": "Mk"},
        {"status": Idea.Status.ACCEPTED},
        {"following": "true"},
        {"sort": "-support"},
    ],
    "api:boards": [{"page_size": "200"}],
    "api:measures": [{"page_size": "200"}],
    "api:savings": [{"page_size": "200"}],
    "api:surveys": [{"page_size": "200"}],
    "api:maps": [{"page_size": "200"}],
    "api:dashboards": [{"page_size": "200"}],
}


# Every CSV form of a list has its XLSX twin, walked the same way.
for _queries in QUERIES.values():
    _queries += [{**q, "format": "xlsx"} for q in _queries if q.get("format") == "csv"]


# The URLs whose CSV download was compared with its workbook by the walk.
xlsx_twins: set[str] = set()

# Every download the project offers: each must be met by the walk, CSV and XLSX.
DOWNLOADS = {"ideas:export", "metrics:rows", "metrics:savings", "metrics:measure", "places:lines"}


@dataclass(frozen=True)
class Walked:
    name: str
    route: str
    kinds: dict[str, str]  # URL argument -> the fill kind it takes


def _arguments(route: str) -> list[tuple[str, str]]:
    """``(argument, the literal segment before it)`` for each argument of ``route``."""
    out: list[tuple[str, str]] = []
    before = ""
    for part in route.replace(".", "/").split("/"):
        if part.startswith("<") and part.endswith(">"):
            out.append((part[1:-1].split(":")[-1], before))
        elif part:
            before = part
    return out


def _kinds(route: str) -> dict[str, str] | None:
    """What each argument of ``route`` takes, or None when one cannot be filled."""
    args = _arguments(route)
    names = [a for a, _ in args]
    kinds: dict[str, str] = {}
    for arg, before in args:
        if arg in ("kind", "pk") and "kind" in names:
            kinds[arg] = "scope"
        elif arg in ("what", "token", "fmt"):
            kinds[arg] = arg
        elif before in SEGMENT_KINDS:
            kinds[arg] = SEGMENT_KINDS[before]
        else:
            return None
    return kinds


def walked_urls() -> tuple[list[Walked], set[str]]:
    """Every named URL (Django's admin aside) the walker fills, and the names it cannot fill."""
    walked: list[Walked] = []
    unfillable: set[str] = set()

    def walk(patterns: list[Any], namespace: str, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":  # Django's own, tested by Django
                    continue
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, inner, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                name = namespace + (p.name or str(p.pattern))
                if name in SKIPPED:
                    continue
                kinds = _kinds(prefix + str(p.pattern))
                if kinds is None:
                    unfillable.add(name)
                else:
                    walked.append(Walked(name, prefix + str(p.pattern), kinds))

    walk(get_resolver().url_patterns, "", "")
    return walked, unfillable


def _value(kind: str, obj: Any, arg: str = "") -> Any:
    if kind in ("what", "token", "fmt"):
        return obj
    if kind == "box":
        return obj.token
    return obj.slug if kind == "place" or arg == "slug" else obj.pk


# An object that belongs to another in the same path: (its kind, the other's kind).
BELONGS = [
    ("line", "place"),
    ("case", "place"),
    ("pending", "place"),
    ("rule", "organisation"),
    ("webhook", "organisation"),
]


def _fits(values: dict[str, Any]) -> bool:
    """A step of that map, a comment of that idea."""
    step, m = values.get("step"), values.get("map")
    if step is not None and m is not None and step.map_id != m.pk:
        return False
    comment, idea = values.get("comment"), values.get("idea")
    if comment is not None and idea is not None and comment.idea_id != idea.pk:
        return False
    for kind, parent in BELONGS:
        child, of = values.get(kind), values.get(parent)
        if child is not None and of is not None and getattr(child, f"{parent}_id") != of.pk:
            return False
    return True


def fills(walk: Walked, cast: Cast, seen: set[int]) -> Iterator[str]:
    """The paths of ``walk`` with arguments from the cast: combinations of objects the person
    may see (``seen``: the objects whose page did not answer 404) until every such object has
    been in one, and one combination with an object they may not see."""
    kinds = sorted(set(walk.kinds.values()))
    hidden_done = False
    covered: set[tuple[str, int]] = set()
    for combo in itertools.product(*(cast.fills[k] for k in kinds)):
        values = dict(zip(kinds, combo, strict=True))
        if not _fits(values):
            continue
        keys = [(k, id(v)) for k, v in values.items()]
        if all(_seen(cast, v, seen) for v in combo):
            # A URL without arguments is opened once (its one, empty, combination).
            if keys and all(key in covered for key in keys):
                continue
            covered.update(keys)
        elif hidden_done:
            continue
        else:
            hidden_done = True
        kwargs: dict[str, Any] = {}
        for arg, kind in walk.kinds.items():
            value = values[kind]
            if kind == "scope":
                kwargs[arg] = value[0] if arg == "kind" else value[1]
            else:
                kwargs[arg] = _value(kind, value, arg)
        yield reverse(walk.name, kwargs=kwargs)


def _seen(cast: Cast, value: Any, seen: set[int]) -> bool:
    key = _seen_key(cast, value)
    return key is None or id(key) in seen


def _seen_key(cast: Cast, value: Any) -> Any:
    """The object whose page decides whether ``value`` is seen (None: an argument without one)."""
    for thing in cast.things:
        if thing.obj is value or (thing.kind == "scope" and thing.obj == value):
            return thing.obj
    owner = getattr(value, "map", None) or getattr(value, "idea", None)
    if isinstance(value, CycleAction):
        owner = value.cycle
    if owner is not None:
        for thing in cast.things:
            if thing.obj.__class__ is owner.__class__ and thing.obj.pk == owner.pk:
                return thing.obj
    return None


# --- The checks ---------------------------------------------------------------------------------


@dataclass
class Oracle:
    """What one person may not be shown."""

    markers: list[str]
    links: list[str]
    names: list[str]
    seen: set[int]

    def leaks(self, text: str) -> list[str]:
        low = text.lower()
        found = [m for m in self.markers if m.lower() in low]
        found += [f"a link to {u}" for u in self.links if f'href="{u}"' in text]
        # The API names an object by its page's address: "url":"/ideas/5/".
        found += [f"the API's link to {u}" for u in self.links if f'"url":"{u}"' in text]
        found += [f"the hidden name {n!r}" for n in self.names if n.lower() in low]
        return found


def _body(response: Any) -> str:
    if is_xlsx(response):  # a zip: read as a spreadsheet shows it
        return xlsx_text(body_bytes(response))
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def oracle_for(client: Client, user: User | None, cast: Cast) -> Oracle:
    markers: list[str] = []
    links: list[str] = []
    seen: set[int] = set()
    shown: set[str] = set()  # markers some page the person may open is about
    for thing in cast.things:
        status = client.get(thing.page).status_code
        if status == 200 or status == 403:
            seen.add(id(thing.obj))
            if thing.marker:
                shown.add(thing.marker)
            continue
        if user is not None and user.is_active:
            assert status == 404, f"{thing.page} answered {status}"
        if thing.marker:
            markers.append(thing.marker)
        if thing.kind not in ("scope", "place", "team"):
            links.append(thing.page)
    admin = user is not None and (user.is_superuser or user.memberships.filter(role=Role.ADMIN))
    names = [] if admin or user == cast.hidden_author else [HIDDEN_NAME]
    return Oracle([m for m in markers if m not in shown], links, names, seen)


PEOPLE = [
    "sam", "lee", "maya", "dev", "priya", "grace", "pat", "quinn", "cara", "hidey", "ada",
    "nobody", "ivy", "gus", "anonymous",
]  # fmt: skip


@pytest.fixture
def cast(
    cast,
    place,
    other_place,
    org_a,
    org_b,
    site_a1,
    site_b1,
    team_a,
    team_b,
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    # What the actions do after commit (e-mails, live updates) is done, as it would be.
    with django_capture_on_commit_callbacks(execute=True):
        built = _build(cast, place, other_place, org_a, org_b, site_a1, site_b1, team_a, team_b)
    with django_capture_on_commit_callbacks(execute=True):
        idea_actions.remind_leads()  # overdue ideas, listed to their leads by e-mail
    # The outbox is sent as the worker sends it: digests gathered, then every due e-mail.
    outbox.send_daily_digests()
    outbox.send_weekly_digests()
    outbox.deliver_due()
    return built


def test_every_url_is_walked_or_skipped_with_a_reason():
    walked, unfillable = walked_urls()
    names = {w.name for w in walked}
    assert {"ideas:list", "ideas:export", "ideas:similar", "metrics:rows", "notifications"} <= names
    # Every endpoint of the API is walked: none may be skipped.
    api = {"api:ideas", "api:idea", "api:idea-respond", "api:idea-support", "api:boards"}
    api |= {"api:board", "api:board-cards", "api:card", "api:card-move", "api:measures"}
    api |= {"api:measure", "api:measure-observations", "api:root", "api:schema", "api:docs"}
    api |= {"api:observations-bulk", "api:savings", "api:saving", "api:surveys", "api:survey"}
    api |= {"api:maps", "api:map", "api:dashboards", "api:dashboard"}
    assert api <= names and not any(name.startswith("api:") for name in SKIPPED)
    assert not unfillable, (
        f"URLs {sorted(unfillable)} take arguments the conformance walker cannot fill: name "
        "the segment before each in SEGMENT_KINDS (and give the cast such an object), or add "
        "the URL to SKIPPED with the reason."
    )
    assert set(SKIPPED) <= {*names, *SKIPPED} and not set(SKIPPED) & names


def _walk_as(who: str, cast: Cast) -> tuple[int, list[str]]:
    """Open every walked URL as ``who``; the number opened, and what leaked where."""
    user = None if who == "anonymous" else cast.people[who]
    client = Client()
    if user is not None:
        client.force_login(user)
    oracle = oracle_for(client, user, cast)
    if not (oracle.markers or oracle.links or oracle.names):
        assert who == "ada", f"{who} may see everything"
        return 0, []  # an administrator may be shown anything: nothing to look for
    walked, _ = walked_urls()
    leaks: list[str] = []
    opened = 0
    for walk in walked:
        refused_get = False
        for n, path in enumerate(fills(walk, cast, oracle.seen)):
            if n and refused_get:
                break  # a form's action, refusing GET: once is enough
            # The filters, the CSV form and the htmx fragment of the first fill of each URL.
            for query in [{}, *(QUERIES.get(walk.name, []) if n == 0 else [])]:
                response = client.get(path, query)
                opened += 1
                refused_get = response.status_code == 405
                texts = [_body(response)]
                if response.status_code == 200 and "text/csv" in response.get("Content-Type", ""):
                    # The same download as a workbook: the same cells, for this person too.
                    twin = client.get(path, {**query, "format": "xlsx"})
                    csv_data = texts[0].encode()
                    assert is_xlsx(twin), f"{path}?{query} has no XLSX twin"
                    assert not differences(csv_data, body_bytes(twin)), (who, path, query)
                    xlsx_twins.add(walk.name)
                html = "html" in response.get("Content-Type", "")
                if n == 0 and response.status_code == 200 and html and not query:
                    fragment = client.get(path, query, headers={"HX-Request": "true"})
                    texts.append(_body(fragment))
                if walk.name == "search" and query.get("q"):
                    # The page repeats what the person typed ("results for …"): that is not
                    # shown to them by anyone. What it found must still name no one hidden.
                    texts = [t.replace(query["q"], "") for t in texts]
                found = [f for text in texts for f in oracle.leaks(text)]
                if walk.name in OPEN_TO_TOKEN_HOLDERS:
                    found = [f for f in found if f.startswith("the hidden name")]
                if walk.name in NAMES_LISTED:
                    found = [f for f in found if not f.startswith("the hidden name")]
                if found:
                    leaks.append(f"{who} at {path}?{query}: {sorted(set(found))}")
    return opened, leaks


def test_nothing_shown_belongs_to_a_page_that_answers_404(cast):
    """Everyone in the cast, one after another (the cast is built once)."""
    _check_the_oracle(cast)
    leaks: list[str] = []
    opened = 0
    for who in PEOPLE:
        n, found = _walk_as(who, cast)
        opened += n
        leaks += found
    assert opened > 1000
    assert xlsx_twins >= DOWNLOADS, f"no XLSX twin compared for {DOWNLOADS - xlsx_twins}"
    assert not leaks, "Shown what their own pages hide:\n" + "\n".join(leaks)


def test_every_email_keeps_to_its_recipients_pages(cast):
    assert mail.outbox, "the cast's actions send e-mails"
    by_address = {u.email: u for u in cast.people.values()}
    for message in mail.outbox:
        for address in message.to:
            user = by_address[address]
            client = Client()
            client.force_login(user)
            oracle = oracle_for(client, user, cast)
            text = message.subject + message.body
            text += "".join(str(a[0]) for a in getattr(message, "alternatives", []))
            assert not oracle.leaks(text), (address, message.subject)


# --- Live sockets -------------------------------------------------------------------------------


def _drain(listener: GroupListener, group: str) -> list[dict[str, Any]]:
    """What was pushed to ``group``: the pushes are sent before the actions return, so a short
    wait finds them (most groups get nothing)."""
    received = []
    while True:
        try:
            received.append(listener.receive(group, 0.2))
        except TimeoutError:
            return received


def _socket_fills(route: str, cast: Cast) -> list[dict[str, Any]]:
    kinds = _kinds(route)
    assert kinds is not None, f"the walker cannot fill the socket route {route}"
    out = []
    for combo in itertools.product(*(cast.fills[k] for k in kinds.values())):
        kwargs = {}
        for (arg, kind), value in zip(kinds.items(), combo, strict=True):
            if kind == "scope":
                kwargs[arg] = value[0] if arg == "kind" else value[1]
            else:
                kwargs[arg] = _value(kind, value, arg)
        out.append(kwargs)
    # Scope pairs are filled twice (kind and pk each range over the scopes): keep each once.
    unique = {tuple(sorted(k.items())) for k in out}
    return [dict(k) for k in unique if _scope_pair_fits(dict(k), cast)]


def _scope_pair_fits(kwargs: dict[str, Any], cast: Cast) -> bool:
    if "kind" not in kwargs:
        return True
    return (kwargs["kind"], kwargs["pk"]) in cast.fills["scope"]


@pytest.mark.django_db(transaction=True)
def test_live_fragments_keep_to_every_viewers_pages(cast, django_capture_on_commit_callbacks):
    """Every socket route is opened (through its consumer's own decision) for every person;
    then the cast works: a board is viewed by the person who hid their name, cards move, a
    saving is claimed, a map changes, a notification arrives. Each fragment pushed to a group
    is read as each person whose socket joined it."""
    audience: dict[str, list[User]] = {}
    for route in websocket_urlpatterns:
        assert isinstance(route, URLPattern)
        consumer_class = route.callback.consumer_class  # type: ignore[attr-defined]
        for kwargs in _socket_fills(str(route.pattern), cast):
            for user in cast.people.values():
                if not user.is_active:
                    continue
                consumer = consumer_class()
                consumer.scope = {"url_route": {"kwargs": kwargs, "args": ()}, "user": user}
                for group in async_to_sync(consumer.groups_for)(user) or []:
                    audience.setdefault(group, []).append(user)
    assert any(g.startswith("kaizen.board.") for g in audience)
    listener = GroupListener(*audience)
    try:
        people = cast.people
        lee, hidey, olu, sam = people["lee"], people["hidey"], people["olu"], people["sam"]
        card_h = Card.objects.get(title="Mkideahidden")
        card_b = Card.objects.get(title="Mkcardb")
        step_a = ValueStreamStep.objects.get(name="Mkstepa")
        with django_capture_on_commit_callbacks(execute=True):
            kaizen_actions.join_board(card_h.board_id, channel_name="hidey-tab", by=hidey)
            kaizen_actions.join_board(card_h.board_id, channel_name="lee-tab", by=lee)
            kaizen_actions.block_card(card_h, reason="Waiting", by=lee)
            kaizen_actions.block_card(card_b, reason="Waiting", by=olu)
        with django_capture_on_commit_callbacks(execute=True):
            metrics_actions.claim_saving(
                card_b.board.team,
                fields={
                    "title": "Mksavingnew",
                    "kind": Saving.Kind.CASHABLE,
                    "amount": Decimal("10"),
                    "recurrence": Saving.Recurrence.ONE_OFF,
                    "start_date": timezone.localdate(),
                    "stage": Saving.Stage.PROJECTED,
                    "evidence": "x",
                    "invested_by": card_b.board.team.site.organisation,
                    "benefits": card_b.board.team.site.organisation,
                },
                by=olu,
            )
        with django_capture_on_commit_callbacks(execute=True):
            map_actions.update_step(step_a, values={"name": "Mkstepa"}, by=sam)
            idea_actions.add_comment(Idea.objects.get(title="Mkideahidden"), body="Again", by=hidey)
        pushed = {group: _drain(listener, group) for group in audience}
    finally:
        listener.close()
    assert any(pushed.values()), "the cast's work pushes fragments"
    assert any(g.startswith("kaizen.board.") and m for g, m in pushed.items())
    assert any(g.startswith("ideas.map.") and m for g, m in pushed.items())
    oracles: dict[int, Oracle] = {}
    leaks = []
    for group, messages in pushed.items():
        for user in audience[group]:
            if user.pk not in oracles:
                client = Client()
                client.force_login(user)
                oracles[user.pk] = oracle_for(client, user, cast)
            for message in messages:
                found = oracles[user.pk].leaks(message["html"])
                if found:
                    leaks.append(f"{group} to {user.username}: {sorted(set(found))}")
    assert not leaks, "\n".join(leaks)


def _check_the_oracle(cast: Cast) -> None:
    """The cast is what the test needs: a partnership lead cannot open an unshared idea but can
    open its team's saving; another organisation's member sees a shared idea but not its team's
    measure; the hidden author's name is hidden from colleagues."""
    client = Client()
    client.force_login(cast.people["pat"])
    pat = oracle_for(client, cast.people["pat"], cast)
    assert "Mkideaapriv" in pat.markers and "Mksavinga" not in pat.markers
    client.force_login(cast.people["sam"])
    sam = oracle_for(client, cast.people["sam"], cast)
    assert "Mkideabshared" not in sam.markers and "Mkmeasureb" in sam.markers
    assert sam.names == [HIDDEN_NAME]
    anonymous = oracle_for(Client(), None, cast)
    assert "Mkideaashared" in anonymous.markers
