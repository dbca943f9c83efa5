from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from ideas.models import Idea
from kaizen import actions
from kaizen.models import Card, CardMove, Column
from leanhub.models import AuditEvent

from .conftest import order_of


def test_every_team_gets_the_default_columns_once(team_a):
    first = actions.ensure_team_board(team_a)
    again = actions.ensure_team_board(team_a)
    assert first.pk == again.pk
    assert [c.name for c in first.columns.all()] == ["To try", "Plan", "Do", "Check", "Act", "Done"]


def test_moving_within_a_column_keeps_everyone_else_in_order(make_cards, col, lee):
    *_, last = make_cards(4, col("Plan"))
    actions.move_card(last, to=col("Plan"), position=1, expected_version=last.version, by=lee)
    assert order_of(col("Plan")) == ["Card 0", "Card 3", "Card 1", "Card 2"]
    assert list(
        Card.objects.filter(column=col("Plan"))
        .order_by("position")
        .values_list("position", flat=True)
    ) == [0, 1, 2, 3]


def test_moving_across_columns_closes_the_gap_and_inserts_at_the_position(make_cards, col, lee):
    plan = make_cards(3, col("Plan"))
    for i, card in enumerate(make_cards(2, col("Do"))):
        Card.objects.filter(pk=card.pk).update(title=f"Doing {i}")
    actions.move_card(plan[1], to=col("Do"), position=1, expected_version=plan[1].version, by=lee)
    assert order_of(col("Plan")) == ["Card 0", "Card 2"]
    assert order_of(col("Do")) == ["Doing 0", "Card 1", "Doing 1"]
    assert Card.objects.get(pk=plan[1].pk).position == 1
    assert [c.position for c in Card.objects.filter(column=col("Plan")).order_by("position")] == [
        0,
        1,
    ]


def test_a_stale_move_is_refused_and_nothing_is_written(make_cards, col, lee):
    (card,) = make_cards(1, col("Plan"))
    actions.move_card(card, to=col("Do"), position=0, expected_version=card.version, by=lee)
    with pytest.raises(actions.StaleCard):
        actions.move_card(card, to=col("Check"), position=0, expected_version=card.version, by=lee)
    card.refresh_from_db()
    assert card.column == col("Do")
    assert card.version == 2
    assert CardMove.objects.filter(card=card).count() == 2


def test_a_move_to_another_boards_column_is_refused(make_cards, col, board_b, lee):
    (card,) = make_cards(1, col("Plan"))
    with pytest.raises(actions.MoveRefused, match="another board"):
        actions.move_card(
            card, to=board_b.columns.first(), position=0, expected_version=card.version, by=lee
        )
    card.refresh_from_db()
    assert card.column == col("Plan") and card.version == 1


def test_going_over_a_wip_limit_needs_a_reason(make_cards, col, lee):
    do = col("Do")
    do.wip_limit = 1
    do.save()
    make_cards(1, do)
    (card,) = make_cards(1, col("Plan"))
    with pytest.raises(actions.WipLimitReached, match="limit of 1"):
        actions.move_card(card, to=do, position=0, expected_version=card.version, by=lee)
    card.refresh_from_db()
    assert card.column == col("Plan")


def test_a_wip_reason_is_recorded_on_the_card_the_move_and_the_audit(make_cards, col, lee):
    do = col("Do")
    do.wip_limit = 1
    do.save()
    make_cards(1, do)
    (card,) = make_cards(1, col("Plan"))
    actions.move_card(
        card,
        to=do,
        position=1,
        expected_version=card.version,
        by=lee,
        wip_reason="Urgent for Monday",
    )
    card.refresh_from_db()
    assert card.column == do and card.wip_reason == "Urgent for Monday"
    assert CardMove.objects.filter(card=card).last().wip_reason == "Urgent for Monday"
    assert AuditEvent.objects.filter(
        verb="card.moved", target_id=str(card.pk), payload__wip_reason="Urgent for Monday"
    ).exists()
    actions.move_card(card, to=col("Check"), position=0, expected_version=card.version, by=lee)
    card.refresh_from_db()
    assert card.wip_reason == ""


def test_column_transitions_are_timestamped_for_flow(make_cards, col, lee):
    (card,) = make_cards(1, col("To try"))
    assert card.started_at is None and card.done_at is None
    actions.move_card(card, to=col("Plan"), position=0, expected_version=card.version, by=lee)
    card.refresh_from_db()
    started = card.started_at
    assert started is not None and card.moved_at == started
    actions.move_card(card, to=col("Done"), position=0, expected_version=card.version, by=lee)
    card.refresh_from_db()
    assert card.done_at is not None and card.started_at == started
    moves = list(
        CardMove.objects.filter(card=card).values_list("from_column__name", "to_column__name")
    )
    assert moves == [(None, "To try"), ("To try", "Plan"), ("Plan", "Done")]


def test_one_move_is_one_broadcast_of_both_columns(
    make_cards, col, lee, listen, django_capture_on_commit_callbacks
):
    (card,) = make_cards(1, col("Plan"))
    listener = listen(card.board_id)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.move_card(card, to=col("Do"), position=0, expected_version=card.version, by=lee)
    # Besides the broadcast, only the event for webhooks (leanhub/events.py) waits for commit.
    assert [getattr(c, "leanhub_event", None) for c in callbacks] == [None, "card.moved"]
    (html,) = listener.messages()
    assert f'id="column-{col("Plan").pk}"' in html and f'id="column-{col("Do").pk}"' in html
    assert html.count('data-hx-swap-oob="true"') == 2
    assert f'id="card-{card.pk}"' in html and 'data-version="2"' in html


def test_nothing_is_broadcast_when_a_move_is_refused(
    make_cards, col, lee, listen, django_capture_on_commit_callbacks
):
    (card,) = make_cards(1, col("Plan"))
    listener = listen(card.board_id)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(actions.StaleCard):
        actions.move_card(card, to=col("Do"), position=0, expected_version=99, by=lee)
    assert listener.messages() == []


def test_staff_move_their_own_cards_but_not_others(make_cards, col, sam, lee):
    (mine,) = make_cards(1, col("Plan"), owner=sam)
    (theirs,) = make_cards(1, col("Plan"), prefix="Theirs")
    actions.move_card(mine, to=col("Do"), position=0, expected_version=mine.version, by=sam)
    with pytest.raises(PermissionDenied):
        actions.move_card(theirs, to=col("Do"), position=0, expected_version=theirs.version, by=sam)


def test_people_outside_the_organisation_cannot_even_see_the_card(make_cards, col, priya, pat):
    (card,) = make_cards(1, col("Plan"))
    with pytest.raises(Http404):
        actions.move_card(card, to=col("Do"), position=0, expected_version=card.version, by=priya)
    with pytest.raises(PermissionDenied):
        actions.move_card(card, to=col("Do"), position=0, expected_version=card.version, by=pat)


def test_a_manager_in_scope_runs_the_board(make_cards, col, maya):
    (card,) = make_cards(1, col("Plan"))
    actions.move_card(card, to=col("Do"), position=0, expected_version=card.version, by=maya)
    assert Card.objects.get(pk=card.pk).column == col("Do")


def test_an_edit_against_a_stale_version_is_refused(make_cards, col, lee):
    (card,) = make_cards(1, col("Plan"))
    actions.edit_card(card, expected_version=1, title="Sharper title", by=lee)
    with pytest.raises(actions.StaleCard):
        actions.edit_card(card, expected_version=1, title="Overwrite", by=lee)
    assert Card.objects.get(pk=card.pk).title == "Sharper title"


def test_blocking_needs_a_reason_and_shows_it(
    make_cards, col, lee, listen, django_capture_on_commit_callbacks
):
    (card,) = make_cards(1, col("Do"))
    with pytest.raises(Exception, match="blocking"):
        actions.block_card(card, reason="  ", by=lee)
    listener = listen(card.board_id)
    with django_capture_on_commit_callbacks(execute=True):
        actions.block_card(card, reason="Waiting for IT", by=lee)
    assert "Waiting for IT" in listener.messages()[0]
    actions.unblock_card(card, by=lee)
    assert not Card.objects.get(pk=card.pk).blocked


def test_a_card_from_an_accepted_idea_moves_the_idea_and_links_both_ways(accepted_idea, lee, sam):
    card = actions.create_card_from_idea(accepted_idea, by=lee)
    accepted_idea.refresh_from_db()
    assert accepted_idea.status == Idea.Status.IN_PROGRESS
    assert card.idea == accepted_idea and list(accepted_idea.cards.all()) == [card]
    assert set(card.owners.all()) == {lee, sam}
    assert card.column.name == "To try"
    assert (
        actions.create_card_from_idea(accepted_idea, by=lee) == card
    )  # a double click adds nothing
    assert Card.objects.filter(idea=accepted_idea).count() == 1


def test_only_accepted_ideas_become_cards(accepted_idea, lee):
    accepted_idea.status = Idea.Status.NEW
    accepted_idea.save()
    with pytest.raises(actions.MoveRefused, match="accepted"):
        actions.create_card_from_idea(accepted_idea, by=lee)


def test_staff_cannot_start_work_on_an_idea(accepted_idea, sam):
    with pytest.raises(PermissionDenied):
        actions.create_card_from_idea(accepted_idea, by=sam)


def test_adopting_a_cycle_can_mark_the_idea_implemented(accepted_idea, lee):
    card = actions.create_card_from_idea(accepted_idea, by=lee)
    cycle = actions.start_cycle(card, by=lee)
    with pytest.raises(Exception, match="standard"):
        actions.decide_cycle(cycle, decision="adopt", by=lee)
    actions.decide_cycle(
        cycle,
        decision="adopt",
        standard="Pre-fill from the claim",
        mark_idea_implemented=True,
        by=lee,
    )
    accepted_idea.refresh_from_db()
    assert accepted_idea.status == Idea.Status.IMPLEMENTED


def test_adapting_opens_the_next_cycle(make_cards, col, lee):
    (card,) = make_cards(1, col("Check"))
    cycle = actions.start_cycle(card, by=lee)
    actions.decide_cycle(cycle, decision="adapt", by=lee)
    assert list(card.cycles.values_list("number", flat=True)) == [1, 2]


def test_an_action_without_an_owner_is_refused(make_cards, col, lee):
    (card,) = make_cards(1, col("Do"))
    cycle = actions.start_cycle(card, by=lee)
    with pytest.raises(Exception, match="owner"):
        actions.add_cycle_action(cycle, description="Ring IT", owner=None, by=lee)


def test_creating_over_a_wip_limit_needs_a_reason(board_a, col, lee):
    do = col("Do")
    do.wip_limit = 0
    do.save()
    with pytest.raises(actions.WipLimitReached):
        actions.create_card(board_a, title="Rush job", column=do, by=lee)
    card = actions.create_card(
        board_a, title="Rush job", column=do, by=lee, wip_reason="Minister's visit"
    )
    assert card.wip_reason == "Minister's visit"


def test_stale_is_judged_from_the_last_column_change(make_cards, col, board_a):
    from kaizen import queries

    old, fresh = make_cards(2, col("Do"))
    Card.objects.filter(pk=old.pk).update(moved_at=timezone.now() - timedelta(days=15))
    context = queries.board_context(board_a)
    cards = {c.pk: c for column in context["columns"] for c in column.card_list}
    assert cards[old.pk].is_stale and not cards[fresh.pk].is_stale
    board_a.stale_after_days = 30
    context = queries.board_context(board_a)
    assert not any(c.is_stale for column in context["columns"] for c in column.card_list)


def test_columns_belong_to_boards(board_a):
    assert Column.objects.filter(board=board_a).count() == 6


def test_viewers_left_behind_by_a_dead_server_are_forgotten(board_a, sam, lee):
    from kaizen import queries
    from kaizen.models import BoardViewer

    actions.join_board(board_a.pk, channel_name="gone!1", by=sam)
    BoardViewer.objects.filter(channel_name="gone!1").update(
        last_seen=timezone.now() - timedelta(hours=13)
    )
    assert queries.viewers_of(board_a.pk) == []
    actions.join_board(board_a.pk, channel_name="here!2", by=lee)
    assert list(BoardViewer.objects.values_list("channel_name", flat=True)) == ["here!2"]
    assert queries.viewers_of(board_a.pk) == [lee]
    actions.leave_board(board_a.pk, channel_name="here!2")
    assert queries.viewers_of(board_a.pk) == []


def test_only_leads_mark_the_idea_implemented_when_adopting(accepted_idea, lee, sam):
    from django.core.exceptions import ValidationError

    card = actions.create_card_from_idea(accepted_idea, by=lee)
    cycle = actions.start_cycle(card, by=sam)  # sam owns the card with lee
    with pytest.raises(ValidationError, match="leads"):
        actions.decide_cycle(
            cycle, decision="adopt", standard="Pre-fill", mark_idea_implemented=True, by=sam
        )
    accepted_idea.refresh_from_db()
    assert accepted_idea.status == Idea.Status.IN_PROGRESS
