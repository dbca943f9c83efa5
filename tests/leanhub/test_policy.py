"""The policy as a matrix over the cast's roles, two organisations and one place."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from leanhub import policy
from leanhub.models import Membership, Role, Team

# (user, action, object fixture) -> allowed
TEAM_MATRIX = {
    # Seeing a team: own organisation, or partnership lead of the place, or admin.
    ("sam", "view_team", "team_a"): True,
    ("sam", "view_team", "team_a2"): True,
    ("sam", "view_team", "team_b"): False,
    ("priya", "view_team", "team_a"): False,
    ("pat", "view_team", "team_a"): True,
    ("pat", "view_team", "team_b"): True,
    ("nobody", "view_team", "team_a"): False,
    ("ada", "view_team", "team_b"): True,
    # Leading a team (respond to ideas, announce, claim savings): lead, managers in scope, admin.
    ("sam", "lead_team", "team_a"): False,
    ("lee", "lead_team", "team_a"): True,
    ("lee", "lead_team", "team_a_coaches"): False,
    ("maya", "lead_team", "team_a"): True,
    ("maya", "lead_team", "team_a2"): False,
    ("dev", "lead_team", "team_a2"): True,
    ("dev", "lead_team", "team_b"): False,
    ("olu", "lead_team", "team_a"): False,
    ("pat", "lead_team", "team_a"): False,
    ("ada", "lead_team", "team_b"): True,
    # Working on the board: members of the team, its leads and managers.
    ("sam", "work_in_team", "team_a"): True,
    ("wendy", "work_in_team", "team_a"): False,
    ("maya", "work_in_team", "team_a"): True,
    ("pat", "work_in_team", "team_a"): False,
    # Claiming savings and recording observations: leads and managers, not staff.
    ("sam", "claim_saving", "team_a"): False,
    ("lee", "claim_saving", "team_a"): True,
    ("lee", "record_observation", "team_a"): True,
    ("sam", "record_observation", "team_a"): False,
    ("grace", "record_observation", "team_b"): True,
    # Verifying savings: managers in scope only (and admins).
    ("lee", "verify_saving", "team_a"): False,
    ("maya", "verify_saving", "team_a"): True,
    ("maya", "verify_saving", "team_a2"): False,
    ("dev", "verify_saving", "team_a2"): True,
    ("grace", "verify_saving", "team_a"): False,
    ("pat", "verify_saving", "team_a"): False,
    ("ada", "verify_saving", "team_a"): True,
    # Team dashboards: its members and managers.
    ("sam", "view_team_dashboard", "team_a"): True,
    ("sam", "view_team_dashboard", "team_a2"): False,
    ("maya", "view_team_dashboard", "team_a"): True,
}


@pytest.mark.parametrize(
    ("who", "action", "what", "allowed"), [(*k, v) for k, v in TEAM_MATRIX.items()]
)
def test_team_rules(cast, request, who, action, what, allowed):
    obj = request.getfixturevalue(what)
    obj = Team.objects.select_related("site").get(pk=obj.pk)
    assert policy.can(cast[who], action, obj) is allowed


DASHBOARD_MATRIX = {
    ("maya", "view_site_dashboard", "site_a1"): True,
    ("maya", "view_site_dashboard", "site_a2"): False,
    ("dev", "view_site_dashboard", "site_a2"): True,
    ("lee", "view_site_dashboard", "site_a1"): False,
    ("grace", "view_site_dashboard", "site_a1"): False,
    ("dev", "view_organisation_dashboard", "org_a"): True,
    ("maya", "view_organisation_dashboard", "org_a"): False,
    ("grace", "view_organisation_dashboard", "org_a"): False,
    ("pat", "view_place_dashboard", "place"): True,
    ("dev", "view_place_dashboard", "place"): False,
    ("sam", "view_place_dashboard", "place"): False,
    ("ada", "view_place_dashboard", "place"): True,
    ("sam", "manage_people", None): False,
    ("dev", "manage_people", None): False,
    ("ada", "manage_people", None): True,
}


@pytest.mark.parametrize(
    ("who", "action", "what", "allowed"), [(*k, v) for k, v in DASHBOARD_MATRIX.items()]
)
def test_dashboard_and_admin_rules(cast, request, who, action, what, allowed):
    obj = request.getfixturevalue(what) if what else None
    assert policy.can(cast[who], action, obj) is allowed


def test_require_hides_what_the_user_cannot_see(cast, team_b):
    with pytest.raises(Http404):
        policy.require(cast["sam"], "lead_team", team_b)


def test_require_explains_what_the_user_can_see_but_not_do(cast, team_a):
    with pytest.raises(PermissionDenied, match="leads only"):
        policy.require(cast["sam"], "lead_team", team_a, reason="leads only")


def test_anonymous_users_can_do_nothing(team_a, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert policy.can(AnonymousUser(), "view_team", team_a) is False
    assert not Team.objects.visible_to(AnonymousUser()).exists()


def test_unknown_actions_are_a_programming_error(cast, team_a):
    with pytest.raises(ValueError, match="No policy rule"):
        policy.can(cast["sam"], "launch_rocket", team_a)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("sam", {"New Claims", "Work Coaches", "Penmoor Claims"}),
        ("priya", {"Crime Recording"}),
        ("pat", {"New Claims", "Work Coaches", "Penmoor Claims", "Crime Recording"}),
        ("nobody", set()),
        ("ada", {"New Claims", "Work Coaches", "Penmoor Claims", "Crime Recording"}),
    ],
)
def test_visible_to_matches_the_view_rule(cast, who, expected):
    user = cast[who]
    names = set(Team.objects.visible_to(user).values_list("name", flat=True))
    assert names == expected
    for team in Team.objects.select_related("site"):
        assert policy.can(user, "view_team", team) is (team.name in expected)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("lee", {"New Claims"}),
        ("maya", {"New Claims", "Work Coaches"}),
        ("dev", {"New Claims", "Work Coaches", "Penmoor Claims"}),
        ("olu", {"Crime Recording"}),
        ("sam", set()),
        ("pat", set()),
    ],
)
def test_led_by_matches_the_lead_rule(cast, who, expected):
    assert set(Team.objects.led_by(cast[who]).values_list("name", flat=True)) == expected


def test_primary_role_orders_navigation(cast):
    assert policy.scope_of(cast["sam"]).primary_role == Role.STAFF
    assert policy.scope_of(cast["lee"]).primary_role == Role.LEAD
    assert policy.scope_of(cast["maya"]).primary_role == Role.MANAGER
    assert policy.scope_of(cast["pat"]).primary_role == Role.PARTNERSHIP
    assert policy.scope_of(cast["ada"]).primary_role == Role.ADMIN
    assert policy.scope_of(cast["nobody"]).primary_role is None


def test_scope_is_computed_once_per_user_object(cast, team_a, django_assert_num_queries):
    user = cast["maya"]
    policy.forget(user)
    with django_assert_num_queries(1):
        for _ in range(5):
            policy.can(user, "lead_team", team_a)


def test_a_new_membership_takes_effect_once_the_scope_is_forgotten(cast, team_b):
    sam = cast["sam"]
    team_b = Team.objects.select_related("site").get(pk=team_b.pk)
    assert not policy.can(sam, "view_team", team_b)
    Membership.objects.create(user=sam, role=Role.STAFF, team=team_b)
    policy.forget(sam)
    assert policy.can(sam, "view_team", team_b)


@pytest.fixture
def ideas_by_team(cast, team_a, team_b):
    from ideas.models import Idea

    return {
        "a_private": Idea.objects.create(
            team=team_a, author=cast["sam"], title="A private", problem="p"
        ),
        "b_private": Idea.objects.create(
            team=team_b, author=cast["priya"], title="B private", problem="p"
        ),
        "b_shared": Idea.objects.create(
            team=team_b,
            author=cast["priya"],
            title="B shared",
            problem="p",
            shared_with_partners=True,
        ),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("sam", {"A private", "B shared"}),
        ("priya", {"B private", "B shared"}),
        ("pat", {"B shared"}),
        ("nobody", set()),
        ("ada", {"A private", "B private", "B shared"}),
    ],
)
def test_ideas_are_visible_in_own_organisation_and_when_shared_in_own_place(
    cast, ideas_by_team, who, expected
):
    from ideas.models import Idea

    user = cast[who]
    assert set(Idea.objects.visible_to(user).values_list("title", flat=True)) == expected
    for idea in Idea.objects.select_related("team__site"):
        assert policy.can(user, "view_idea", idea) is (idea.title in expected)


def test_ideas_shared_with_partners_stay_inside_their_place(
    cast, ideas_by_team, other_place, org_a
):
    from ideas.models import Idea
    from leanhub.models import Site

    far_site = Site.objects.create(name="Far away", organisation=org_a, place=other_place)
    far_team = Team.objects.create(name="Far team", site=far_site)
    Idea.objects.create(
        team=far_team,
        author=cast["sam"],
        title="Far shared",
        problem="p",
        shared_with_partners=True,
    )
    assert "Far shared" not in set(
        Idea.objects.visible_to(cast["priya"]).values_list("title", flat=True)
    )


@pytest.mark.parametrize(
    ("who", "idea", "allowed"),
    [
        ("lee", "a_private", True),
        ("sam", "a_private", False),
        ("maya", "a_private", True),
        ("olu", "b_shared", True),
        ("lee", "b_shared", False),
    ],
)
def test_only_leads_and_managers_in_scope_respond_to_ideas(cast, ideas_by_team, who, idea, allowed):
    assert policy.can(cast[who], "respond_to_idea", ideas_by_team[idea]) is allowed
