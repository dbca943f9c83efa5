from __future__ import annotations

import pytest

from ideas.models import Idea
from kaizen import actions
from kaizen.models import Board, Card, Column
from tests.channels_helpers import GroupListener


@pytest.fixture
def board_a(team_a) -> Board:
    return actions.ensure_team_board(team_a)


@pytest.fixture
def board_b(team_b) -> Board:
    return actions.ensure_team_board(team_b)


@pytest.fixture
def col(board_a):
    """The New Claims board's columns by name: col("Plan")."""
    columns = {c.name: c for c in board_a.columns.all()}
    return lambda name: columns[name]


@pytest.fixture
def make_cards(board_a, lee):
    def make(
        n: int,
        column: Column | None = None,
        *,
        owner=None,
        board: Board | None = None,
        prefix: str = "Card",
    ) -> list[Card]:
        target = board or board_a
        column = column or target.columns.first()
        return [
            actions.create_card(
                target,
                title=f"{prefix} {i}",
                column=column,
                owners=[owner or lee],
                by=lee,
                wip_reason="test",
            )
            for i in range(n)
        ]

    return make


def order_of(column: Column) -> list[str]:
    return list(
        Card.objects.filter(column=column).order_by("position").values_list("title", flat=True)
    )


@pytest.fixture
def accepted_idea(team_a, sam) -> Idea:
    return Idea.objects.create(
        team=team_a,
        author=sam,
        title="Pre-fill claim forms",
        problem="Retyping",
        status=Idea.Status.ACCEPTED,
    )


class Listener(GroupListener):
    """A channel subscribed to a board's group: what the board's viewers would get."""

    def __init__(self, board_id: int) -> None:
        self.group = actions.board_group(board_id)
        super().__init__(self.group)

    def messages(self) -> list[str]:
        return [message["html"] for message in self.drain(self.group)]


@pytest.fixture
def listen():
    listeners: list[Listener] = []

    def start(board_id: int) -> Listener:
        listeners.append(Listener(board_id))
        return listeners[-1]

    yield start
    for listener in listeners:
        listener.close()


def settings_data(board, **changes) -> dict:
    """The board settings form as a lead would post it unchanged, with ``changes`` applied."""
    data = {f"wip_{c.pk}": c.wip_limit or "" for c in board.columns.all()}
    data.update({f"name_{c.pk}": c.name for c in board.columns.all()})
    data.update({"stale_after_days": board.stale_after_days, "new_column": ""})
    data.update(changes)
    return data
