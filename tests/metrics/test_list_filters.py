"""Every metrics list agrees with the object pages: for each member of the cast, a list holds
exactly the measures, savings and surveys whose own page the policy lets them open — and the
places offered for new measures and surveys are exactly those the policy lets them add to."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from leanhub import policy
from leanhub.models import Organisation, Place, Site, Team
from metrics.models import Measure, Saving, Survey

CAST = ["sam", "lee", "wendy", "maya", "dev", "priya", "olu", "grace", "pat", "ada", "nobody"]


@pytest.fixture
def world(cast, place, other_place, org_a, org_b, site_a1, site_a2, site_b1, team_a, team_a2,
          team_b, team_a_coaches, lee):  # fmt: skip
    """The cast's place, plus org A working in a second place and an organisation only there."""
    org_c = Organisation.objects.create(name="Elsewhere Council", slug="ec")
    far_site = Site.objects.create(name="Far office", organisation=org_a, place=other_place)
    c_site = Site.objects.create(name="Council office", organisation=org_c, place=other_place)
    far_team = Team.objects.create(name="Far team", site=far_site)
    c_team = Team.objects.create(name="Council team", site=c_site)
    teams = [team_a, team_a2, team_b, team_a_coaches, far_team, c_team]
    sites = [site_a1, site_a2, site_b1, far_site, c_site]
    orgs = [org_a, org_b, org_c]
    places = [place, other_place]
    for kind, objects in (("team", teams), ("site", sites), ("organisation", orgs),
                          ("place", places)):  # fmt: skip
        for obj in objects:
            Measure.objects.create(name=f"{kind} {obj.pk}", unit="x", **{kind: obj})
    for team in teams:
        for invested, benefits in ((org_a, org_a), (org_c, org_b), (org_b, org_c)):
            Saving.objects.create(
                team=team, claimed_by=lee, title="S", kind=Saving.Kind.CASHABLE,
                amount=Decimal("10"), start_date=date(2026, 1, 1), invested_by=invested,
                benefits=benefits, evidence="E",
            )  # fmt: skip
    for site in sites:
        Survey.objects.create(kind=Survey.Kind.CUSTOMER, title=f"Counter {site.pk}", site=site)
    for team in teams:
        Survey.objects.create(kind=Survey.Kind.STAFF, title=f"Pulse {team.pk}", site=team.site,
                              team=team)  # fmt: skip
    return {"team": teams, "site": sites, "organisation": orgs, "place": places}


def _agree(user, model, action: str) -> None:
    listed = set(model.objects.visible_to(user).values_list("pk", flat=True))
    allowed = {obj.pk for obj in model.objects.all() if policy.can(user, action, obj)}
    assert listed == allowed


@pytest.mark.parametrize("who", CAST)
def test_the_measure_list_holds_exactly_the_measures_whose_page_opens(world, cast, who):
    _agree(cast[who], Measure, "view_measure")


@pytest.mark.parametrize("who", CAST)
def test_the_savings_list_holds_exactly_the_savings_whose_page_opens(world, cast, who):
    _agree(cast[who], Saving, "view_saving")


@pytest.mark.parametrize("who", CAST)
def test_the_survey_list_holds_exactly_the_surveys_whose_page_opens(world, cast, who):
    _agree(cast[who], Survey, "view_survey")


@pytest.mark.parametrize("who", CAST)
def test_new_measures_are_offered_exactly_where_the_policy_lets_them_be_added(world, cast, who):
    user = cast[who]
    models = {"team": Team, "site": Site, "organisation": Organisation, "place": Place}
    for kind, objects in world.items():
        offered = set(
            models[kind]
            .objects.filter(policy.measure_scope_q(user, kind))
            .values_list("pk", flat=True)
        )
        allowed = {o.pk for o in objects if policy.can(user, "edit_measure", Measure(**{kind: o}))}
        assert offered == allowed, kind


@pytest.mark.parametrize("who", CAST)
def test_new_surveys_are_offered_exactly_for_the_sites_the_policy_allows(world, cast, who):
    user = cast[who]
    offered = set(Site.objects.filter(policy.survey_site_q(user)).values_list("pk", flat=True))
    allowed = {s.pk for s in world["site"] if policy.can(user, "manage_survey", Survey(site=s))}
    assert offered == allowed


@pytest.mark.parametrize("who", CAST)
def test_the_dashboards_listed_are_exactly_those_whose_page_opens(world, cast, who):
    """The API's list of dashboards (policy.dashboard_q) against each dashboard's own rule."""
    from metrics.queries import MODELS, RULES

    user = cast[who]
    for kind, objects in world.items():
        listed = set(
            MODELS[kind].objects.filter(policy.dashboard_q(user, kind)).values_list("pk", flat=True)
        )
        allowed = {o.pk for o in objects if policy.can(user, RULES[kind], o)}
        assert listed == allowed, kind
