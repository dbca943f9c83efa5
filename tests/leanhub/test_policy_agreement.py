"""Lists and pages agree: for every model with both, and every member of the cast, the list filter
(``visible_to``) selects exactly the objects whose page the policy would open.

The world below spreads objects over both organisations of Testshire and a third organisation in
another place, so each filter is tried on own and other teams, own and other organisations,
partner-shared and unshared ideas, anonymous ideas, joint boards reached in each of their three
ways, measures at every scope, savings in every stage and status, and surveys of site and team.

Below that: what an idea's page lists of the cards working on it, and every page's fetch
(``get_<thing>_for_user``) answering by the same rule.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from ideas.maps.models import ValueStreamMap
from ideas.models import Idea
from ideas.queries import get_idea_for_user
from kaizen import actions as kaizen_actions
from kaizen.models import Board, Card, Cycle
from kaizen.queries import get_board_for_user, get_card_for_user, get_cycle_for_user
from leanhub import policy
from leanhub.models import Organisation, Site, Team
from leanhub.queries import get_place_for_user, get_team_for_user
from metrics.models import Measure, Saving, Survey

# What lists each kind, and the action its page asks the policy for.
KINDS = {
    "idea": (Idea, "view_idea"),
    "value-stream map": (ValueStreamMap, "view_vsm"),
    "board": (Board, "view_board"),
    "card": (Card, "view_card"),
    "cycle": (Cycle, "view_cycle"),
    "measure": (Measure, "view_measure"),
    "saving": (Saving, "view_saving"),
    "survey": (Survey, "view_survey"),
}

# Staff, leads, a site manager, organisation managers, the partnership lead, the administrator,
# the other organisation's people, someone with no membership, a switched-off account, and
# nobody signed in.
MEMBERS = [
    "sam",
    "wendy",
    "lee",
    "maya",
    "dev",
    "priya",
    "olu",
    "grace",
    "pat",
    "ada",
    "nobody",
    "ivy",
    "anonymous",
]

KIND_PARAMS = list(KINDS)


@pytest.fixture
def world(
    cast,
    place,
    other_place,
    org_a,
    org_b,
    site_a1,
    site_b1,
    team_a,
    team_a_coaches,
    team_a2,
    team_b,
):
    """Objects of every kind across both organisations, and a third organisation elsewhere."""
    sam, lee, olu, ada = cast["sam"], cast["lee"], cast["olu"], cast["ada"]
    org_c = Organisation.objects.create(
        name="Elsewhere Council", slug="ec", kind=Organisation.Kind.COUNCIL
    )
    site_c = Site.objects.create(name="Elsewhere Hall", organisation=org_c, place=other_place)
    team_c = Team.objects.create(name="Housing", site=site_c)
    # Testshire Jobcentre also works in Elsewhere: its people see that team, pat does not.
    site_a3 = Site.objects.create(name="Elsewhere Jobcentre", organisation=org_a, place=other_place)
    team_a3 = Team.objects.create(name="Elsewhere Claims", site=site_a3)
    teams = [team_a, team_a_coaches, team_a2, team_a3, team_b, team_c]

    for team in teams:
        for shared in (False, True):
            Idea.objects.create(
                team=team,
                author=sam,
                title=f"{team.name}, {'shared' if shared else 'not shared'}",
                problem="Typing twice",
                shared_with_partners=shared,
            )
    Idea.objects.create(
        team=team_a, author=sam, title="Anonymous", problem="Unsaid", hide_name=True
    )
    Idea.objects.create(
        team=team_b,
        author=olu,
        title="Anonymous and shared",
        problem="Unsaid",
        hide_name=True,
        shared_with_partners=True,
    )

    for team in teams:
        ValueStreamMap.objects.create(
            team=team,
            name=f"{team.name} map",
            process="Claim to payment",
            customer="Claimant",
            demand=Decimal("100"),
            created_by=ada,
        )

    boards = [kaizen_actions.ensure_team_board(team) for team in teams]
    boards += [
        kaizen_actions.create_joint_board(name="Across agencies", teams=[team_a, team_b], by=ada),
        kaizen_actions.create_joint_board(name="Police asked in", organisations=[org_b], by=ada),
        kaizen_actions.create_joint_board(name="Partnership only", members=[cast["pat"]], by=ada),
        kaizen_actions.create_joint_board(
            name="Elsewhere with Testshire",
            teams=[team_c],
            organisations=[org_a],
            members=[cast["priya"]],
            by=ada,
        ),
    ]
    for board in boards:
        card = Card.objects.create(
            board=board, column=board.columns.first(), title=f"On {board.name}", created_by=ada
        )
        Cycle.objects.create(card=card, number=1)

    for scope in (
        {"team": team_a},
        {"team": team_b},
        {"team": team_c},
        {"site": site_a1},
        {"site": site_b1},
        {"site": site_a3},
        {"organisation": org_a},
        {"organisation": org_b},
        {"organisation": org_c},
        {"place": place},
        {"place": other_place},
    ):
        Measure.objects.create(name=f"Measure of {scope}", unit="minutes", **scope)

    def saving(team, *, invested_by, benefits, stage, status) -> Saving:
        return Saving.objects.create(
            team=team,
            title=f"{team.name}: {stage}, {status}",
            kind=Saving.Kind.CASHABLE,
            amount=Decimal("1000"),
            start_date=datetime.date(2025, 4, 1),
            stage=stage,
            status=status,
            invested_by=invested_by,
            benefits=benefits,
            evidence="Counted",
            rejection_reason="Not shown in the figures" if status == "rejected" else "",
            claimed_by=lee,
        )

    stages, statuses = Saving.Stage.values, Saving.Status.values
    for i, (stage, status) in enumerate((s, t) for s in stages for t in statuses):
        saving(teams[i % len(teams)], invested_by=org_a, benefits=org_a, stage=stage, status=status)
    # One agency invests, another benefits: seen by both, whoever's team did the work.
    saving(team_c, invested_by=org_c, benefits=org_b, stage="realised", status="verified")
    saving(team_c, invested_by=org_a, benefits=org_c, stage="projected", status="claimed")

    for site, team, kind in (
        (site_a1, None, Survey.Kind.CUSTOMER),
        (site_a1, team_a, Survey.Kind.STAFF),
        (site_b1, None, Survey.Kind.CUSTOMER),
        (site_b1, team_b, Survey.Kind.STAFF),
        (site_a3, None, Survey.Kind.CUSTOMER),
        (site_c, team_c, Survey.Kind.STAFF),
    ):
        Survey.objects.create(kind=kind, title=f"{site.name} {kind}", site=site, team=team)


def _member(cast: dict, who: str):
    return AnonymousUser() if who == "anonymous" else cast[who]


@pytest.mark.parametrize("who", MEMBERS)
@pytest.mark.parametrize("kind", KIND_PARAMS)
def test_the_list_shows_exactly_what_the_page_would_open(world, cast, kind, who):
    model, view_action = KINDS[kind]
    user = _member(cast, who)
    listed = set(model.objects.visible_to(user))
    openable = {obj for obj in model.objects.all() if policy.can(user, view_action, obj)}
    assert listed == openable, (
        f"{who}'s {kind} list and pages disagree: "
        f"listed but refused {sorted(map(str, listed - openable))}, "
        f"openable but not listed {sorted(map(str, openable - listed))}"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_world_tells_the_cast_apart(world, cast, kind):
    """A check that cannot fail on an empty or uniform world: for each kind, the cast between
    them see several different selections, and somebody sees less than everything."""
    model, view_action = KINDS[kind]
    everything = set(model.objects.all())
    seen = {
        who: frozenset(o for o in everything if policy.can(_member(cast, who), view_action, o))
        for who in MEMBERS
    }
    assert seen["ada"] == everything
    assert seen["anonymous"] == seen["ivy"] == frozenset()
    assert len(set(seen.values())) >= 4


def test_an_idea_page_lists_only_the_cards_its_reader_may_open(client, cast, team_b):
    """A partner-shared idea is seen across agencies; the board working on it is not."""
    idea = Idea.objects.create(
        team=team_b,
        author=cast["priya"],
        title="One form for both agencies",
        problem="Typing twice",
        shared_with_partners=True,
        status=Idea.Status.ACCEPTED,
    )
    card = kaizen_actions.create_card_from_idea(idea, by=cast["olu"])
    # The page loads its cards from kaizen's fragment.
    cards_url = reverse("kaizen:idea-cards", args=[idea.pk])
    htmx = {"HTTP_HX_REQUEST": "true"}

    client.force_login(cast["olu"])
    assert f'data-hx-get="{cards_url}"' in client.get(idea.get_absolute_url()).content.decode()
    assert card.get_absolute_url() in client.get(cards_url, **htmx).content.decode()

    client.force_login(cast["sam"])
    page = client.get(idea.get_absolute_url())
    assert page.status_code == 200
    assert card.get_absolute_url() not in page.content.decode()
    cards = client.get(cards_url, **htmx)
    assert cards.status_code == 200
    assert card.get_absolute_url() not in cards.content.decode()
    assert client.get(card.get_absolute_url()).status_code == 404


# Each page's fetch: (fetch, its key, an action; who may do it, who cannot see the object). wendy
# sees all of these (she works beside New Claims, in Testshire) and may do none of the actions.
FETCHES = {
    "team": (get_team_for_user, lambda t: t["team"].pk, "lead_team", "lee", "priya"),
    "place": (
        get_place_for_user,
        lambda t: t["place"].slug,
        "view_place_dashboard",
        "pat",
        "nobody",
    ),
    "idea": (get_idea_for_user, lambda t: t["idea"].pk, "respond_to_idea", "lee", "priya"),
    "board": (get_board_for_user, lambda t: t["board"].pk, "lead_board", "lee", "priya"),
    "card": (get_card_for_user, lambda t: t["card"].pk, "edit_card", "lee", "priya"),
    "cycle": (get_cycle_for_user, lambda t: t["cycle"].pk, "edit_cycle", "lee", "priya"),
}


@pytest.fixture
def thread(cast, place, team_a) -> dict:
    """One of each on New Claims' side of the thread: idea, board, card, cycle."""
    idea = Idea.objects.create(team=team_a, author=cast["sam"], title="Mine", problem="Slow")
    board = kaizen_actions.ensure_team_board(team_a)
    column = board.columns.first()
    assert column is not None
    card = Card.objects.create(board=board, column=column, title="Ours", created_by=cast["lee"])
    cycle = Cycle.objects.create(card=card, number=1)
    return {
        "team": team_a,
        "place": place,
        "idea": idea,
        "board": board,
        "card": card,
        "cycle": cycle,
    }


@pytest.mark.parametrize("kind", FETCHES)
def test_every_page_fetches_by_one_rule(cast, thread, kind):
    """The object for those who may act; 403 for those who see it but may not; 404 (nothing
    leaked) for those who cannot see it, whatever they asked to do."""
    fetch, key_of, action, doer, outsider = FETCHES[kind]
    key = key_of(thread)
    assert fetch(cast[doer], key, action=action) == thread[kind]
    assert fetch(cast["wendy"], key) == thread[kind]
    with pytest.raises(PermissionDenied):
        fetch(cast["wendy"], key, action=action)
    for asked in (f"view_{kind}", action):
        with pytest.raises(Http404):
            fetch(cast[outsider], key, action=asked)
