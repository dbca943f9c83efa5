from __future__ import annotations

import pytest
from django.urls import reverse

from ideas import actions as idea_actions
from ideas.models import Idea


def _implemented(team, author, title, **fields) -> Idea:
    idea = Idea.objects.create(team=team, author=author, title=title, problem="p", **fields)
    lead = team.memberships.filter(role="lead").first()
    by = lead.user if lead else None
    for status in ("accepted", "implemented"):
        idea_actions.change_status(idea, to=status, by=by or author)
    idea.refresh_from_db()
    return idea


@pytest.fixture
def named(cast, team_a):
    cast["sam"].full_name = "Sam Oyelaran"
    cast["sam"].save()
    return _implemented(team_a, cast["sam"], "Pre-fill the claim form")


def _roll(client, name, *args) -> str:
    response = client.get(reverse(f"recognition:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_a_teams_roll_lists_implemented_ideas_with_their_authors(client, cast, team_a, named):
    Idea.objects.create(team=team_a, author=cast["sam"], title="Still only an idea", problem="p")
    client.force_login(cast["lee"])
    body = _roll(client, "team-roll", team_a.pk)
    assert "Pre-fill the claim form" in body and "Sam Oyelaran" in body
    assert "Still only an idea" not in body
    # Nothing like a score or a ranking of people.
    assert "points" not in body.lower() and "rank" not in body.lower()


def test_a_spread_credits_both_teams(client, cast, team_a, team_a_coaches, named):
    copy = idea_actions.adopt_idea(named, team=team_a_coaches, by=cast["wendy"])
    cast["wendy"].full_name = "Wendy Abara"
    cast["wendy"].save()
    client.force_login(cast["maya"])
    for body in (
        _roll(client, "team-roll", team_a.pk),
        _roll(client, "team-roll", team_a_coaches.pk),
        _roll(client, "site-roll", team_a.site_id),
    ):
        assert "adopted by Work Coaches" in body, body
        assert "Sam Oyelaran" in body and "Wendy Abara" in body
        assert copy.get_absolute_url() in body
    client.force_login(cast["pat"])
    body = _roll(client, "place-roll", team_a.site.place.slug)
    assert "adopted by Work Coaches" in body


def test_a_hidden_author_is_never_named_not_even_to_an_administrator(client, cast, team_a):
    cast["sam"].full_name = "Samira Quartermaine"
    cast["sam"].save()
    _implemented(team_a, cast["sam"], "Quiet fix for the rota", hide_name=True)
    for who in ("lee", "maya", "ada", "sam"):
        client.force_login(cast[who])
        body = _roll(client, "team-roll", team_a.pk)
        assert "Quiet fix for the rota" in body and "With thanks to" not in body
        if who != "sam":  # the header names the person signed in
            assert "Samira Quartermaine" not in body


def test_opting_out_on_the_settings_page_is_honoured_everywhere(client, cast, team_a, named):
    client.force_login(cast["sam"])
    response = client.post(
        reverse("email-preferences"), {"form": "rolls", "unlisted_on_rolls": "on"}
    )
    assert response.status_code == 302
    cast["sam"].refresh_from_db()
    assert cast["sam"].unlisted_on_rolls
    assert "checked" in client.get(reverse("email-preferences")).content.decode()
    for who, name, arg in (
        ("lee", "team-roll", team_a.pk),
        ("maya", "site-roll", team_a.site_id),
        ("pat", "place-roll", team_a.site.place.slug),
        ("ada", "team-roll", team_a.pk),
    ):
        client.force_login(cast[who])
        body = _roll(client, name, arg)
        # (The partnership lead outside the organisation reads "An idea": it is not shared.)
        assert "claim form" in body if who != "pat" else "An idea" in body
        assert "Sam Oyelaran" not in body
    # And back on.
    client.force_login(cast["sam"])
    client.post(reverse("email-preferences"), {"form": "rolls"})
    cast["sam"].refresh_from_db()
    assert not cast["sam"].unlisted_on_rolls


def test_rolls_answer_404_outside_the_dashboards_scope(client, cast, team_a, named, other_place):
    client.force_login(cast["priya"])
    assert client.get(reverse("recognition:team-roll", args=[team_a.pk])).status_code == 404
    assert client.get(reverse("recognition:site-roll", args=[team_a.site_id])).status_code == 404
    slug = team_a.site.place.slug
    client.force_login(cast["pat"])
    other = reverse("recognition:place-roll", args=[other_place.slug])
    assert client.get(other).status_code == 404
    # A team lead sees the place but not its dashboard: refused, as the dashboard itself is.
    client.force_login(cast["lee"])
    assert client.get(reverse("recognition:place-roll", args=[slug])).status_code == 403
    place_id = team_a.site.place_id
    assert (
        client.get(reverse("metrics:dashboard-scope", args=["place", place_id])).status_code == 403
    )


def test_the_dashboard_links_to_the_roll(client, cast, team_a, named):
    client.force_login(cast["lee"])
    body = client.get(reverse("metrics:dashboard-scope", args=["team", team_a.pk])).content
    assert reverse("recognition:team-roll", args=[team_a.pk]) in body.decode()
