"""Every dashboard drill-down, and its CSV file, lists and names only what the same person could
open: no idea, card, saving or measure whose own page answers 404 to them, and no name an idea's
author asked to hide. A figure that counts rows the person may not open says how many it left
out, so the figure can still be traced to its rows.

The data spans both organisations of the cast: ideas shared with partners and kept in house,
anonymous ideas, savings in every stage and status (some from hidden ideas, one from a card on a
joint board), stalled cards on both teams' boards, outcomes on hidden ideas and hidden measures,
and copies of ideas adopted across organisations. Every member of the cast opens every drill on
every dashboard they may open; the rest must be refused.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Model, QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from kaizen import actions as kaizen_actions
from kaizen.models import Board, Card, Column
from leanhub import policy
from leanhub.models import Membership, Role, User
from metrics import queries
from metrics.drills import DRILLS
from metrics.models import Measure, Outcome, Saving

# What a drill may link to: the object's page, the model behind it and the rule that opens it.
LINKS = (
    (re.compile(r'href="/ideas/(\d+)/"'), Idea, "view_idea"),
    (re.compile(r'href="/kaizen/cards/(\d+)/"'), Card, "view_card"),
    (re.compile(r'href="/metrics/savings/(\d+)/"'), Saving, "view_saving"),
    (re.compile(r'href="/metrics/measures/(\d+)/"'), Measure, "view_measure"),
)

QUIET_AUTHOR = "Zebedee Quietly"

# Every dashboard a member of the cast might open: (kind, fixture naming its object).
SCOPES = (
    ("team", "team_a"),
    ("team", "team_a_coaches"),
    ("team", "team_b"),
    ("site", "site_a1"),
    ("site", "site_b1"),
    ("organisation", "org_a"),
    ("organisation", "org_b"),
    ("place", "place"),
    ("all", None),
)


@dataclass
class World:
    ideas: dict[str, Idea]
    cards: dict[str, Card]
    savings: dict[str, Saving]
    measures: dict[str, Measure]


def _idea(team, author, title, *, days_ago=30, **fields) -> Idea:
    return Idea.objects.create(
        team=team,
        author=author,
        title=title,
        problem="A problem",
        created_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def _stalled_card(board: Board, title: str, by: User, **fields) -> Card:
    column = board.columns.filter(kind=Column.Kind.ACTIVE).first()
    assert column is not None
    card = Card.objects.create(
        board=board,
        column=column,
        title=title,
        created_by=by,
        moved_at=timezone.now() - timedelta(days=40),
        **fields,
    )
    return card


def _measure(name: str, **scope) -> Measure:
    return Measure.objects.create(
        name=name, unit="min", improvement=Measure.Improvement.DECREASE, **scope
    )


@pytest.fixture
def world(cast, team_a, team_a_coaches, team_b, org_a, org_b, place, sam, lee, priya, olu):
    """Ideas, cards, savings, measures and outcomes in both organisations, each titled so that
    no title is part of another."""
    quiet = User.objects.create(username="zeb", full_name=QUIET_AUTHOR, email="zeb@example.org")
    Membership.objects.create(user=quiet, role=Role.STAFF, team=team_a)
    implemented = {"status": Idea.Status.IMPLEMENTED, "implemented_at": timezone.now()}
    stop = {"kind": Idea.Kind.STOP_DOING}
    ideas = {
        "a-open": _idea(team_a, sam, "Jobcentre open idea", shared_with_partners=True),
        "a-sealed": _idea(team_a, sam, "Jobcentre sealed idea"),
        "a-open-stop": _idea(
            team_a, sam, "Jobcentre open burden", shared_with_partners=True, **stop
        ),
        "a-sealed-stop": _idea(team_a, sam, "Jobcentre sealed burden", **stop),
        "a-open-done": _idea(
            team_a, sam, "Jobcentre open success", shared_with_partners=True, **implemented
        ),
        "a-sealed-done": _idea(team_a, sam, "Jobcentre sealed success", **implemented),
        "a-quiet": _idea(
            team_a, quiet, "Jobcentre quiet open idea", hide_name=True, shared_with_partners=True
        ),
        "a-quiet-sealed": _idea(
            team_a, quiet, "Jobcentre quiet sealed idea", hide_name=True, **stop
        ),
        "b-open": _idea(team_b, priya, "Police open idea", shared_with_partners=True),
        "b-sealed": _idea(team_b, priya, "Police sealed idea"),
        "b-sealed-stop": _idea(team_b, priya, "Police sealed burden", **stop),
        "b-open-done": _idea(
            team_b, priya, "Police open success", shared_with_partners=True, **implemented
        ),
        "b-sealed-done": _idea(team_b, priya, "Police sealed success", **implemented),
    }
    # Copies adopted elsewhere (each titled apart from its original, so a title names one idea).
    ideas["coaches-copy"] = _idea(
        team_a_coaches,
        lee,
        "Coaches copy of a sealed success",
        adopted_from=ideas["a-sealed-done"],
        shared_with_partners=True,
        days_ago=5,
    )
    ideas["b-copy"] = _idea(
        team_b, olu, "Police copy kept in house", adopted_from=ideas["a-open-done"], days_ago=5
    )
    ideas["a-copy"] = _idea(
        team_a,
        lee,
        "Jobcentre copy of a police success",
        adopted_from=ideas["b-sealed-done"],
        shared_with_partners=True,
        days_ago=5,
    )

    board_a = kaizen_actions.ensure_team_board(team_a)
    board_b = kaizen_actions.ensure_team_board(team_b)
    joint = Board.objects.create(name="Joint problem board")
    joint.member_teams.set([team_b])
    Column.objects.create(board=joint, name="Doing", kind=Column.Kind.ACTIVE)
    cards = {
        "a": _stalled_card(board_a, "Jobcentre stalled card", lee, idea=ideas["a-quiet"]),
        "b": _stalled_card(board_b, "Police stalled card", olu),
        "joint": _stalled_card(joint, "Joint stalled card", olu),
    }
    cards["a"].owners.set([quiet, lee])

    measures = {
        "a": _measure("Jobcentre minutes", team=team_a),
        "b": _measure("Police minutes", team=team_b),
        "place": _measure("Testshire minutes", place=place),
    }

    today = timezone.localdate()
    base = {
        "kind": Saving.Kind.CASHABLE,
        "amount": Decimal("1000"),
        "recurrence": Saving.Recurrence.RECURRING,
        "start_date": today - timedelta(days=10),
        "stage": Saving.Stage.REALISED,
        "evidence": "Counted.",
    }
    savings = {
        "a-from-sealed": Saving.objects.create(
            team=team_a, claimed_by=lee, title="Jobcentre saving from a sealed idea",
            idea=ideas["a-sealed"], invested_by=org_a, benefits=org_a,
            status=Saving.Status.VERIFIED, **base,
        ),
        "a-from-card": Saving.objects.create(
            team=team_a, claimed_by=lee, title="Jobcentre saving from a card", card=cards["a"],
            invested_by=org_a, benefits=org_b,
            **{**base, "stage": Saving.Stage.PROJECTED, "recurrence": Saving.Recurrence.ONE_OFF},
        ),
        "a-rejected": Saving.objects.create(
            team=team_a, claimed_by=lee, title="Jobcentre saving turned down",
            invested_by=org_a, benefits=org_a, status=Saving.Status.REJECTED,
            rejection_reason="No evidence", **base,
        ),
        "b-from-sealed": Saving.objects.create(
            team=team_b, claimed_by=olu, title="Police saving from a sealed idea",
            idea=ideas["b-sealed"], invested_by=org_b, benefits=org_a, **base,
        ),
        "b-from-joint": Saving.objects.create(
            team=team_b, claimed_by=olu, title="Police saving from a joint card",
            card=cards["joint"], invested_by=org_b, benefits=org_b,
            **{**base, "kind": Saving.Kind.TIME, "stage": Saving.Stage.PROJECTED},
        ),
    }  # fmt: skip

    periods = {
        "baseline_start": today - timedelta(days=90),
        "baseline_end": today - timedelta(days=61),
        "after_start": today - timedelta(days=60),
        "after_end": today - timedelta(days=5),
    }
    Outcome.objects.bulk_create(
        [
            Outcome(team=team_a, idea=ideas["a-sealed-done"], measure=measures["a"], **periods),
            Outcome(team=team_a, card=cards["a"], measure=measures["place"], **periods),
            Outcome(team=team_a, idea=ideas["a-open-done"], measure=measures["b"], **periods),
            Outcome(team=team_b, card=cards["joint"], measure=measures["b"], **periods),
            Outcome(team=team_b, idea=ideas["b-open-done"], measure=measures["b"], **periods),
        ]
    )
    return World(ideas, cards, savings, measures)


def _secrets(user: User, world: World) -> set[str]:
    """Every title and name ``user`` may not read: of the ideas, cards, savings and measures
    whose pages answer 404 to them, and the hidden author's name (administrators excepted)."""
    kinds = (
        (world.ideas.values(), "view_idea", "title"),
        (world.cards.values(), "view_card", "title"),
        (world.savings.values(), "view_saving", "title"),
        (world.measures.values(), "view_measure", "name"),
    )
    hidden = {
        getattr(obj, attr)
        for objects, action, attr in kinds
        for obj in objects
        if not policy.can(user, action, obj)
    }
    if not policy.scope_of(user).is_admin:
        hidden.add(QUIET_AUTHOR)
    return hidden


def _opens(user: User, kind: str, obj) -> bool:
    if kind == "all":
        return policy.scope_of(user).is_admin
    return policy.can(user, queries.RULES[kind], obj)


def _links(page: str) -> list[tuple[type[Model], str, int]]:
    return [
        (model, action, int(pk)) for pattern, model, action in LINKS for pk in pattern.findall(page)
    ]


def _opened(cast: dict[str, User], request) -> list[tuple[str, User, str, object]]:
    """(name, user, kind, object) of every dashboard in SCOPES each member of the cast opens."""
    opened = []
    for name, user in cast.items():
        for kind, fixture in SCOPES:
            obj = request.getfixturevalue(fixture) if fixture else None
            if user.is_active and _opens(user, kind, obj):
                opened.append((name, user, kind, obj))
    return opened


def _assert_shows_only_what_opens(name: str, user: User, url: str, text: str, secrets) -> None:
    for model, action, pk in _links(text):
        seen = policy.can(user, action, model._default_manager.get(pk=pk))
        assert seen, f"{name} on {url} is shown a link to {model.__name__} {pk}"
    for secret in secrets:
        assert secret not in text, f"{name} reads {secret!r} on {url}"


UNSHARED = re.compile(r"(\d+) rows? (?:is|are) not shared with you")


@pytest.mark.parametrize("what", sorted(DRILLS))
def test_a_drill_lists_and_names_only_what_the_person_could_open(
    client, cast, world, request, what
):
    drill = DRILLS[what]
    opened = [o for o in _opened(cast, request) if drill.kinds is None or o[2] in drill.kinds]
    everyone = {"sam", "maya", "dev", "grace", "pat", "ada"} if drill.kinds is None else set()
    assert {name for name, *_ in opened} >= everyone | {"pat", "ada"}
    for name, user, kind, obj in opened:
        client.force_login(user)
        url = reverse("metrics:rows", args=[kind, obj.pk if obj else 0, what])
        secrets = _secrets(user, world)
        page = client.get(url).content.decode()
        _assert_shows_only_what_opens(name, user, url, page, secrets)
        response = client.get(url, {"format": "csv"})
        assert response.status_code == 200
        text = response.getvalue().decode()
        _assert_shows_only_what_opens(name, user, f"{url}?format=csv", text, secrets)
        # Every line of the file is a row of the table: no comment line breaks a spreadsheet.
        lines = list(csv.reader(io.StringIO(text)))
        assert lines[0] == [str(h) for h in drill.header]
        assert all(len(line) == len(drill.header) for line in lines)
        # What is listed and what the page says it left out add up to every row the figure
        # counts.
        scope = queries.DashboardScope(kind, obj)
        everything = drill.rows(scope, queries.default_period(), user)
        total = everything.count() if isinstance(everything, QuerySet) else len(everything)
        note = UNSHARED.search(page)
        assert len(lines) - 1 + (int(note.group(1)) if note else 0) == total, (name, url)


@pytest.mark.parametrize("what", sorted(DRILLS))
def test_a_drill_is_refused_to_whoever_may_not_open_its_dashboard(client, cast, place, world, what):
    url = reverse("metrics:rows", args=["place", place.pk, what])
    for name, user in cast.items():
        if name in ("pat", "ada"):
            continue
        client.force_login(user)
        refused = (302,) if not user.is_active else (403, 404)  # ivy is sent to sign in
        assert client.get(url).status_code in refused, name
        assert client.get(url, {"format": "csv"}).status_code in refused, name
    client.logout()
    assert client.get(url).status_code == 302


def test_a_dashboard_names_only_what_the_person_could_open(client, cast, world, request):
    """The figures themselves: counts name no one, and the lists a dashboard shows (the ideas
    adopted most, the ideas awaiting their outcome) hold only ideas the person may open."""
    for name, user, kind, obj in _opened(cast, request):
        client.force_login(user)
        url = reverse("metrics:dashboard-scope", args=[kind, obj.pk if obj else 0])
        secrets = _secrets(user, world)
        for params in ({}, {"print": "1"}):
            page = client.get(url, params).content.decode()
            _assert_shows_only_what_opens(name, user, url, page, secrets)


@pytest.mark.parametrize("what", ["ideas", "overdue", "stop-doing"])
def test_the_partnership_lead_no_longer_reads_ideas_kept_in_house(client, pat, place, world, what):
    client.force_login(pat)
    url = reverse("metrics:rows", args=["place", place.pk, what])
    page = client.get(url).content.decode()
    text = client.get(url, {"format": "csv"}).getvalue().decode()
    sealed = "Jobcentre sealed burden" if what == "stop-doing" else "Jobcentre sealed idea"
    shared = "Jobcentre open burden" if what == "stop-doing" else "Jobcentre open idea"
    assert sealed not in page and sealed not in text
    assert "Police sealed burden" not in page and "Police sealed burden" not in text
    assert shared in page and shared in text
    # The figure still counts them, and the page says why its rows are fewer.
    assert "not shared with you" in page


def test_the_rows_and_the_ones_not_shared_add_up_to_the_figure(client, pat, place, world):
    """Each of the place's idea figures counts every idea in the place; the drill lists the
    ones the partnership lead may open and says how many others there are."""
    scope = queries.DashboardScope("place", place)
    figures = queries.idea_figures(scope, queries.default_period())
    client.force_login(pat)
    for what, figure in (
        ("ideas", figures["total"]),
        ("stop-doing", figures["stop_doing"]),
        ("overdue", figures["overdue"]),
        ("implemented", figures["implemented"]),
    ):
        url = reverse("metrics:rows", args=["place", place.pk, what])
        listed = len(client.get(url, {"format": "csv"}).getvalue().decode().splitlines()) - 1
        page = client.get(url).content.decode()
        hidden = figure - listed
        assert hidden > 0, what  # the data holds ideas kept in house for every figure
        row_word = "row is" if hidden == 1 else "rows are"
        assert f"{hidden} {row_word} not shared with you" in page, what


def test_nothing_is_said_to_be_hidden_from_an_administrator(client, ada, place, world):
    client.force_login(ada)
    for what in ("ideas", "savings", "outcomes", "spread", "stalled"):
        page = client.get(reverse("metrics:rows", args=["place", place.pk, what])).content
        assert b"not shared with you" not in page, what


def test_a_saving_the_person_may_open_keeps_its_row_but_not_a_hidden_improvements_name(
    client, pat, place, world
):
    client.force_login(pat)
    url = reverse("metrics:rows", args=["place", place.pk, "savings"])
    page = client.get(url).content.decode()
    rows = {
        line[0]: line
        for line in csv.reader(io.StringIO(client.get(url, {"format": "csv"}).getvalue().decode()))
    }
    for title in ("Jobcentre saving from a sealed idea", "Police saving from a joint card"):
        assert title in page
        assert rows[title][1] == "Not shared with you"
    assert rows["Jobcentre saving from a card"][1] == "Jobcentre stalled card"
    assert "Jobcentre stalled card</a>" in page  # the page links the card it may open
    assert "Jobcentre sealed idea" not in page and "Joint stalled card" not in page


def test_an_administrator_reads_the_improvement_behind_every_saving(client, ada, place, world):
    client.force_login(ada)
    url = reverse("metrics:rows", args=["place", place.pk, "savings"])
    text = client.get(url, {"format": "csv"}).getvalue().decode()
    rows = {line[0]: line for line in csv.reader(io.StringIO(text))}
    assert rows["Jobcentre saving from a sealed idea"][1] == "Jobcentre sealed idea"
    assert rows["Police saving from a joint card"][1] == "Joint stalled card"
    assert rows["Jobcentre saving turned down"][1] == ""
    assert "Not shared with you" not in text
    page = client.get(url).content.decode()
    assert "Jobcentre sealed idea</a>" in page and "Joint stalled card</a>" in page


def test_an_anonymous_authors_name_is_on_no_drill_but_an_administrators(
    client, ada, pat, place, world
):
    """Drills name no author at all today; should one ever, the hidden name must stay hidden."""
    for user in (pat, ada):
        client.force_login(user)
        for what in DRILLS:
            url = reverse("metrics:rows", args=["place", place.pk, what])
            assert QUIET_AUTHOR not in client.get(url).content.decode()
            assert QUIET_AUTHOR not in client.get(url, {"format": "csv"}).getvalue().decode()


def _grow(n: int, *, team_a, team_b, sam, priya, lee, olu, org_a, org_b) -> None:
    """``n`` more of every kind of row a drill lists, half of them kept in their organisation:
    ideas, copies adopted across organisations, stalled cards on team and joint boards, savings
    from hidden ideas and joint cards, outcomes on hidden ideas and on another team's measure."""
    board_a = kaizen_actions.ensure_team_board(team_a)
    joint = Board.objects.create(name="Another joint board")
    joint.member_teams.set([team_b])
    Column.objects.create(board=joint, name="Doing", kind=Column.Kind.ACTIVE)
    measure_b = _measure("Police measure", team=team_b)
    today = timezone.localdate()
    for i in range(n):
        shared = bool(i % 2)
        done = {"status": Idea.Status.IMPLEMENTED, "implemented_at": timezone.now()}
        a = _idea(team_a, sam, f"A {i}", shared_with_partners=shared, **done)
        b = _idea(
            team_b, priya, f"B {i}", shared_with_partners=not shared, kind=Idea.Kind.STOP_DOING
        )
        _idea(team_b, olu, f"Copy {i}", adopted_from=a, shared_with_partners=shared, days_ago=2)
        card = _stalled_card(board_a, f"Card {i}", lee, idea=a)
        joint_card = _stalled_card(joint, f"Joint {i}", olu)
        for team, by, idea, on_card in ((team_a, lee, a, None), (team_b, olu, b, joint_card)):
            Saving.objects.create(
                team=team, claimed_by=by, title=f"Saving {team.pk} {i}", idea=idea, card=on_card,
                kind=Saving.Kind.CASHABLE, amount=Decimal("10"), start_date=today,
                recurrence=Saving.Recurrence.RECURRING, stage=Saving.Stage.REALISED,
                invested_by=org_a, benefits=org_b, evidence="Counted.",
            )  # fmt: skip
        periods = {
            "baseline_start": today - timedelta(days=90),
            "baseline_end": today - timedelta(days=61),
            "after_start": today - timedelta(days=60),
            "after_end": today - timedelta(days=5),
        }
        Outcome.objects.create(team=team_a, idea=a, measure=measure_b, **periods)
        Outcome.objects.create(team=team_a, card=card, measure=measure_b, **periods)


# A partnership lead, from whom each agency's unshared work is hidden, and a site's manager,
# from whom the other agency's is: on every figure of their dashboards.
FLAT_CASES = [
    (what, who, kind, fixture)
    for who, kind, fixture in (("pat", "place", "place"), ("maya", "site", "site_a1"))
    for what, drill in sorted(DRILLS.items())
    if drill.kinds is None or kind in drill.kinds
]


@pytest.mark.parametrize(("what", "who", "kind", "fixture"), FLAT_CASES)
def test_a_drills_query_count_is_flat_whatever_it_hides(
    client, cast, request, team_a, team_b, sam, priya, lee, olu, org_a, org_b, what, who, kind,
    fixture,
):  # fmt: skip
    people = {"sam": sam, "priya": priya, "lee": lee, "olu": olu}
    url = reverse("metrics:rows", args=[kind, request.getfixturevalue(fixture).pk, what])
    client.force_login(cast[who])
    counts = []
    for n in (2, 20):  # two rows: one shared, one not; then twenty more
        _grow(n, team_a=team_a, team_b=team_b, org_a=org_a, org_b=org_b, **people)
        for params in ({}, {"format": "csv"}):
            with CaptureQueriesContext(connection) as queries_run:
                assert client.get(url, params).status_code == 200
            counts.append(len(queries_run))
    # Session, user, memberships, the scope and what the figure needs to find its rows, the
    # rows and their count, the count of those not shared with the viewer (the page only), the
    # notification count: never one a row.
    assert counts[:2] == counts[2:], counts
    assert max(counts) <= 10, counts
