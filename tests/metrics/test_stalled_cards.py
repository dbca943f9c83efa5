"""Dashboards count the kaizen cards that have stopped moving, and list them."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from kaizen import actions as kaizen_actions
from kaizen.models import Card, Column
from metrics import queries


def _card(team, lee, title, *, days_still, done=False):
    board = kaizen_actions.ensure_team_board(team)
    column = board.columns.filter(kind=Column.Kind.DONE if done else Column.Kind.ACTIVE).first()
    card = kaizen_actions.create_card(board, title=title, column=column, by=lee)
    Card.objects.filter(pk=card.pk).update(moved_at=timezone.now() - timedelta(days=days_still))
    return card


def test_cards_still_past_their_boards_threshold_are_stalled(client, maya, lee, team_a, site_a1):
    _card(team_a, lee, "Stuck for three weeks", days_still=21)
    _card(team_a, lee, "Moved last week", days_still=7)
    _card(team_a, lee, "Finished long ago", days_still=60, done=True)

    scope = queries.get_scope_for_user(maya, "site", site_a1.pk)
    assert list(queries.stalled_cards(scope).values_list("title", flat=True)) == [
        "Stuck for three weeks"
    ]

    client.force_login(maya)
    rows = client.get(
        reverse("metrics:rows", args=["site", site_a1.pk, "stalled"])
    ).content.decode()
    assert "Stuck for three weeks" in rows and "Moved last week" not in rows


def test_a_board_with_a_shorter_threshold_flags_sooner(maya, lee, team_a, site_a1):
    card = _card(team_a, lee, "Moved last week", days_still=7)
    card.board.stale_after_days = 5
    card.board.save()
    scope = queries.get_scope_for_user(maya, "site", site_a1.pk)
    assert queries.stalled_cards(scope).get() == card


def test_stalled_cards_outside_the_scope_are_not_counted(maya, olu, team_b, site_a1):
    _card(team_b, olu, "Police card, stuck", days_still=30)
    scope = queries.get_scope_for_user(maya, "site", site_a1.pk)
    assert not queries.stalled_cards(scope).exists()


def test_the_stalled_figure_counts_the_cards_its_rows_list(
    lee, olu, team_a, team_b, site_a1, place
):
    """The dashboards' figure (compiled once for each kind of scope and set of thresholds)
    counts exactly the cards :func:`queries.stalled_cards` lists, for every kind of scope."""
    _card(team_a, lee, "Stuck for three weeks", days_still=21)
    _card(team_a, lee, "Moved last week", days_still=7)
    _card(team_a, lee, "Finished long ago", days_still=60, done=True)
    police = _card(team_b, olu, "Police card, moved last week", days_still=7)
    scopes = [
        queries.DashboardScope("team", team_a),
        queries.DashboardScope("team", team_b),
        queries.DashboardScope("site", site_a1),
        queries.DashboardScope("organisation", site_a1.organisation),
        queries.DashboardScope("place", place),
        queries.DashboardScope("all", None),
    ]
    counts = [queries.stalled_count(scope) for scope in scopes]
    assert counts == [queries.stalled_cards(scope).count() for scope in scopes]
    assert counts == [1, 0, 1, 1, 1, 1]
    # A shorter threshold on one board: two thresholds in the place, another query's shape.
    police.board.stale_after_days = 5
    police.board.save()
    counts = [queries.stalled_count(scope) for scope in scopes]
    assert counts == [queries.stalled_cards(scope).count() for scope in scopes]
    assert counts == [1, 1, 1, 1, 2, 2]
