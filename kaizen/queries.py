"""Reads across the board's models: what a board page, a column fragment and the flow page show.

Every function here issues a fixed number of queries whatever the number of cards.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from kaizen import chart, flow
from kaizen.models import (
    Board,
    BoardQuerySet,
    BoardViewer,
    Card,
    CardMove,
    Column,
    Cycle,
    CycleAction,
)
from leanhub import audit, policy
from leanhub.http import url_maker
from leanhub.models import Membership, Team, User


def boards_for(user: User | AnonymousUser) -> BoardQuerySet:
    return Board.objects.visible_to(user).select_related("team__site")


def get_board_for_user(
    user: User | AnonymousUser, board_id: int, *, action: str = "view_board"
) -> Board:
    """The board if ``user`` may do ``action`` to it (404 when they cannot see it, 403 when
    they can see it but may not act). A joint board's member lists are read only when the
    policy asks about them, three queries (a team's board has none to read)."""
    return policy.get_for_user(
        user,
        Board.objects.select_related("team__site__organisation"),
        action=action,
        pk=board_id,
    )


# What a card's pages and the policy read about a card, joined in its one query (the idea's team
# and site too: the pages ask whether the reader may open the idea).
_CARD_JOINS = (
    "board__team__site__organisation",
    "column",
    "idea__team__site",
    "created_by",
    "vsm_step__map",
)


def get_card_for_user(
    user: User | AnonymousUser, card_id: int, *, action: str = "view_card"
) -> Card:
    """The card if ``user`` may do ``action`` to it (404 unseen, 403 seen but not allowed). A
    joint board's member lists and the card's owners are only read when the policy needs them
    (not for a team board's lead)."""
    return policy.get_for_user(
        user, Card.objects.select_related(*_CARD_JOINS), action=action, pk=card_id
    )


def get_cycle_for_user(
    user: User | AnonymousUser, cycle_id: int, *, action: str = "view_cycle"
) -> Cycle:
    """The PDCA cycle if ``user`` may do ``action`` to it: the rules of its card, and its card
    joined as :func:`get_card_for_user` joins it."""
    return policy.get_for_user(
        user,
        Cycle.objects.select_related(*(f"card__{join}" for join in _CARD_JOINS)),
        action=action,
        pk=cycle_id,
    )


def card_teams(card: Card) -> list[Team]:
    """The teams whose work a card is: its board's team, or a joint board's member teams."""
    if card.board.team is not None:
        return [card.board.team]
    return list(card.board.member_teams.select_related("site__organisation"))


def teams_claiming_for(card: Card, user: User | AnonymousUser) -> list[Team]:
    """The card's teams for which the user records outcomes and claims savings."""
    return [team for team in card_teams(card) if policy.can(user, "claim_saving", team)]


def cards_for_idea(idea: Idea, user: User | AnonymousUser) -> list[Card]:
    """The kaizen cards working on ``idea`` that ``user`` may open, with the column and board
    their line names. One query, whatever the number of cards. (A partner-shared idea's card is
    on a board the partner cannot see, so it is left out for them.)"""
    return list(Card.objects.filter(idea=idea).visible_to(user).select_related("column", "board"))


def people_of_board(board: Board) -> QuerySet[User]:
    """Who may be named an owner of a card on ``board`` without being in its cards already:
    the active members (any role) of its team, or of a joint board's member teams, and a joint
    board's own members. One query when read; rows are unique."""
    teams = (
        Q(team=board.team_id)
        if board.team_id is not None
        else Q(team__in=board.member_teams.values("pk"))
    )
    return User.objects.filter(
        Q(pk__in=Membership.objects.filter(teams).values("user"))
        | Q(pk__in=board.members.values("pk")),
        is_active=True,
    )


def imported_count(board: Board, *, key: str, by: User) -> int | None:
    """How many cards ``by`` imported onto ``board`` under ``key``, or None (:mod:`leanhub.audit`)."""
    return audit.imported_count(board, verb="cards.imported", key=key, by=by)


def may_view_board(user: User | AnonymousUser, board_id: int) -> bool:
    """Whether ``user`` may watch the board live: the board page's own fetch, as a yes or no."""
    try:
        get_board_for_user(user, board_id)
    except Http404:
        return False
    return True


def attach_owners(cards: list[Card]) -> None:
    """Each card's owners as ``owner_list``, in the order ``card.owners.all()`` gives: two
    queries, and one ``User`` per person however many cards they own (the same few people own
    most of a board's cards, which a prefetch would read once a card)."""
    through = Card.owners.through
    links = list(
        through.objects.filter(card__in=[card.pk for card in cards]).values_list(
            "card_id", "user_id"
        )
    )
    people = User.objects.filter(pk__in={user_id for _, user_id in links})
    rank = {person.pk: (index, person) for index, person in enumerate(people)}
    owned: dict[int, list[tuple[int, User]]] = {}
    for card_id, user_id in links:
        owned.setdefault(card_id, []).append(rank[user_id])
    for card in cards:
        card.owner_list = [person for _, person in sorted(owned.get(card.pk, ()))]


def _decorate(columns: list[Column], cards: list[Card], board: Board, now: datetime) -> None:
    attach_owners(cards)
    stale_before = now - timedelta(days=board.stale_after_days)
    by_column: dict[int, list[Card]] = {c.pk: [] for c in columns}
    column_of = {c.pk: c for c in columns}
    card_url, move_url = url_maker("kaizen:card"), url_maker("kaizen:move-card")
    for card in cards:
        card.column = column_of[card.column_id]
        card.is_stale = card.column.kind != Column.Kind.DONE and card.moved_at < stale_before
        card.days_in_column = (now - card.moved_at).days
        card.url, card.move_url = card_url(card.pk), move_url(card.pk)
        by_column.setdefault(card.column_id, []).append(card)
    for column in columns:
        column.card_list = by_column.get(column.pk, [])
        column.count = len(column.card_list)
        column.over_limit = column.wip_limit is not None and column.count > column.wip_limit


def board_context(board: Board, *, now: datetime | None = None) -> dict[str, Any]:
    """Columns with their cards and their owners, and who is watching: five queries."""
    now = now or timezone.now()
    columns = list(board.columns.all())
    cards = list(Card.objects.filter(board=board).for_board().order_by("position", "pk"))
    _decorate(columns, cards, board, now)
    return {
        "board": board,
        "columns": columns,
        "viewers": viewers_of(board.pk),
        "now": now,
    }


def columns_context(board_id: int, column_ids: list[int]) -> dict[str, Any]:
    """Just the columns a change touched, for the live fragment sent to every viewer."""
    all_columns = list(Column.objects.filter(board_id=board_id).select_related("board"))
    board = all_columns[0].board
    touched = [c for c in all_columns if c.pk in set(column_ids)]
    cards = list(
        Card.objects.filter(column_id__in=column_ids).for_board().order_by("position", "pk")
    )
    _decorate(touched, cards, board, timezone.now())
    return {"board": board, "columns": all_columns, "touched": touched, "oob": True}


def viewers_of(board_id: int) -> list[User]:
    """Distinct people with the board open, in the order they arrived: one query. Only sockets
    heard from lately count, so a socket that died without closing drops out by itself."""
    seen: dict[int, User] = {}
    rows = BoardViewer.objects.filter(board_id=board_id).present()
    # Someone who raised one of the board's cards with their name hidden is not named among its
    # viewers either: the list is sent to everyone on the board (``hides_name_here``).
    hidden_here = Card.objects.filter(board_id=board_id).filter(
        policy.hides_name_q(OuterRef("user_id"), prefix="idea__")
    )
    annotated = rows.select_related("user").annotate(hides=Exists(hidden_here))
    for row in annotated:
        row.user.hides_name_here = getattr(row, "hides", False)  # the annotation above
        seen.setdefault(row.user_id, row.user)
    return list(seen.values())


def card_story(card: Card) -> dict[str, Any]:
    """A card's whole story for its page and its A3: cycles with actions and photos, moves.
    (Where a cycle's measure stands is metrics' to show: the pages load its fragment.)"""
    cycles = list(
        Cycle.objects.filter(card=card).prefetch_related(
            Prefetch("actions", queryset=CycleAction.objects.select_related("owner")),
            "photos",
        )
    )
    moves = list(
        CardMove.objects.filter(card=card).select_related("from_column", "to_column", "by")
    )
    return {"card": card, "cycles": cycles, "moves": moves}


def flow_context(board: Board, *, now: datetime | None = None, days: int = 30) -> dict[str, Any]:
    """Lead and cycle times, ageing WIP, stale cards, and cumulative-flow counts for the last
    ``days`` days with the chart drawn from them (None if no card was ever on the board)."""
    now = now or timezone.now()
    columns = list(board.columns.all())
    cards = list(Card.objects.filter(board=board).select_related("column").order_by("pk"))
    moves = list(
        CardMove.objects.filter(card__board=board)
        .order_by("at", "pk")
        .values_list("card_id", "to_column_id", "at")
    )
    kinds = {c.pk: c.kind for c in columns}
    facts = [
        flow.CardFacts(
            card_id=c.pk,
            title=c.title,
            column_id=c.column_id,
            created_at=c.created_at,
            started_at=c.started_at,
            done_at=c.done_at,
            moved_at=c.moved_at,
        )
        for c in cards
    ]
    transitions = [flow.Transition(card_id=m[0], to_column_id=m[1], at=m[2]) for m in moves]
    cfd = flow.cumulative_flow(
        transitions,
        [c.pk for c in columns],
        start=timezone.localdate(now) - timedelta(days=days - 1),
        end=timezone.localdate(now),
        tz=timezone.get_current_timezone(),
    )
    return {
        "board": board,
        "columns": columns,
        "summary": flow.summarise(facts, kinds, now=now),
        "time_in_column": flow.time_in_columns(transitions, [c.pk for c in columns], now=now),
        "ageing": flow.ageing_wip(facts, kinds, now=now),
        "stale": flow.stale(facts, kinds, now=now, days=board.stale_after_days),
        "days": days,
        "cfd": cfd,
        "cfd_chart": chart.geometry(cfd, [(c.pk, c.name) for c in columns]),
    }


def card_links_for_steps(step_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Per value-stream map step id, the ``(title, url)`` of each kaizen card improving that step,
    in board order: the stars the map drawing adds after its pinned ideas. Registered with
    :func:`ideas.maps.links.register_step_links` when kaizen starts. One query.

    The cards everyone who sees the map may open (``policy.card_seen_by_all_who_see_its_map_q``):
    the drawing is rendered once and broadcast to every viewer of the map, so it cannot depend
    on the viewer. The per-viewer list of a map's cards is
    the ``kaizen:map-cards`` fragment."""
    sentinel = 987654321
    # Reversed once, not once per card: a large map has a card or more on most steps.
    pattern = reverse("kaizen:card", args=[sentinel])
    links: dict[int, list[tuple[str, str]]] = {}
    shown = Card.objects.filter(vsm_step_id__in=step_ids).filter(
        policy.card_seen_by_all_who_see_its_map_q()
    )
    for card in shown.only("pk", "title", "vsm_step"):
        step_id = cast(int, card.vsm_step_id)  # the filter leaves no card without a step
        links.setdefault(step_id, []).append(
            (card.title, pattern.replace(str(sentinel), str(card.pk)))
        )
    return links
