from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from kaizen import flow

T0 = datetime(2026, 3, 2, 9, 0)


def _card(**kw) -> flow.CardFacts:
    base: dict[str, Any] = {
        "card_id": 1,
        "title": "A",
        "column_id": 3,
        "created_at": T0,
        "started_at": None,
        "done_at": None,
        "moved_at": T0,
    }
    base.update(kw)
    return flow.CardFacts(**base)


KINDS = {1: "backlog", 2: "active", 3: "done"}


def test_lead_time_runs_from_creation_and_cycle_time_from_starting():
    card = _card(started_at=T0 + timedelta(days=2), done_at=T0 + timedelta(days=5))
    assert flow.lead_time(card) == 5.0
    assert flow.cycle_time(card) == 3.0
    assert flow.cycle_time(_card()) is None


def test_time_in_each_column_averages_visits_and_counts_open_visits_to_now():
    moves = [
        flow.Transition(1, 1, T0),
        flow.Transition(1, 2, T0 + timedelta(days=1)),
        flow.Transition(2, 2, T0),
    ]
    result = flow.time_in_columns(moves, [1, 2, 3], now=T0 + timedelta(days=4))
    assert result == {1: 1.0, 2: 3.5, 3: 0.0}


def test_cumulative_flow_counts_cards_per_column_at_each_days_end():
    moves = [
        flow.Transition(1, 1, T0),
        flow.Transition(2, 1, T0),
        flow.Transition(1, 2, T0 + timedelta(days=1)),
        flow.Transition(1, 3, T0 + timedelta(days=2, hours=5)),
    ]
    rows = flow.cumulative_flow(moves, [1, 2, 3], start=date(2026, 3, 1), end=date(2026, 3, 4))
    assert rows == [
        (date(2026, 3, 1), {1: 0, 2: 0, 3: 0}),
        (date(2026, 3, 2), {1: 2, 2: 0, 3: 0}),
        (date(2026, 3, 3), {1: 1, 2: 1, 3: 0}),
        (date(2026, 3, 4), {1: 1, 2: 0, 3: 1}),
    ]


def test_stale_and_ageing_ignore_finished_cards():
    now = T0 + timedelta(days=20)
    old = _card(card_id=1, column_id=2, started_at=T0, moved_at=T0)
    done = _card(card_id=2, column_id=3, moved_at=T0)
    fresh = _card(card_id=3, column_id=2, started_at=now - timedelta(days=1), moved_at=now)
    assert flow.stale([old, done, fresh], KINDS, now=now, days=14) == [old]
    assert [(c.card_id, d) for c, d in flow.ageing_wip([fresh, old, done], KINDS, now=now)] == [
        (1, 20.0),
        (3, 1.0),
    ]


def test_cumulative_flow_days_end_at_local_midnight():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time).
    late = flow.Transition(card_id=1, to_column_id=2, at=datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    london = flow.cumulative_flow(
        [late], [2], start=date(2026, 7, 1), end=date(2026, 7, 2), tz=ZoneInfo("Europe/London")
    )
    assert [counts[2] for _, counts in london] == [0, 1]
    utc = flow.cumulative_flow([late], [2], start=date(2026, 7, 1), end=date(2026, 7, 2), tz=UTC)
    assert [counts[2] for _, counts in utc] == [1, 1]
