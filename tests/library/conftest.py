from __future__ import annotations

import pytest

from ideas.models import Idea
from kaizen import actions as kaizen_actions
from kaizen.models import Cycle
from leanhub.models import Team, User
from library import actions
from library.models import Entry
from library.templates_seed import ensure_templates


def adopted_cycle(team: Team, lead: User, *, title: str, idea: Idea | None = None) -> Cycle:
    """A card of ``team`` whose first cycle was adopted as standard work."""
    board = kaizen_actions.ensure_team_board(team)
    card = kaizen_actions.create_card(board, title=title, idea=idea, by=lead)
    cycle = kaizen_actions.start_cycle(card, by=lead)
    kaizen_actions.update_cycle(
        cycle, problem="Customers wait", hypothesis="If we text them, then fewer wait", by=lead
    )
    return kaizen_actions.decide_cycle(
        cycle, decision=Cycle.Decision.ADOPT, standard="Text every customer the day before", by=lead
    )


def publish(
    team: Team, lead: User, *, title: str, shared: bool = False, theme: str = "waiting", **more
) -> Entry:
    cycle = adopted_cycle(team, lead, title=title, idea=more.pop("idea", None))
    text = actions.Text(
        title=title,
        summary="We text customers the documents to bring",
        theme=theme,
        shared_with_partners=shared,
        contact=lead,
        **more,
    )
    return actions.publish_cycle(cycle, text=text, by=lead)


@pytest.fixture(autouse=True)
def templates(db) -> None:
    """The starting templates, as the data migration writes them (a test that empties the
    database, such as a migration test, may have taken them away in the same run)."""
    ensure_templates(Entry)


@pytest.fixture
def entry(team_a, lee) -> Entry:
    return publish(team_a, lee, title="Text reminders before appointments", wastes=["waiting"])
