"""Flow of work on a board, from column transitions: pure functions, no database.

Lead time runs from a card's creation to its first arrival in a finished column; cycle time from
when work started (first arrival in an in-progress column) to finishing. Days are calendar days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from statistics import median
from typing import TypedDict

DONE = "done"
BACKLOG = "backlog"


@dataclass(frozen=True)
class CardFacts:
    card_id: int
    title: str
    column_id: int
    created_at: datetime
    started_at: datetime | None
    done_at: datetime | None
    moved_at: datetime


@dataclass(frozen=True)
class Transition:
    card_id: int
    to_column_id: int
    at: datetime


class FlowSummary(TypedDict):
    finished: int
    in_progress: int
    waiting: int
    median_lead_days: float | None
    median_cycle_days: float | None


def _days(delta: timedelta) -> float:
    return round(delta.total_seconds() / 86400, 1)


def lead_time(card: CardFacts) -> float | None:
    return _days(card.done_at - card.created_at) if card.done_at else None


def cycle_time(card: CardFacts) -> float | None:
    if not card.done_at or not card.started_at:
        return None
    return _days(card.done_at - card.started_at)


def summarise(cards: Iterable[CardFacts], kinds: dict[int, str], *, now: datetime) -> FlowSummary:
    """Median lead and cycle time of finished cards, and how many cards are in each state."""
    cards = list(cards)
    leads = [t for t in (lead_time(c) for c in cards) if t is not None]
    cycles = [t for t in (cycle_time(c) for c in cards) if t is not None]
    return {
        "finished": len(leads),
        "in_progress": sum(1 for c in cards if kinds.get(c.column_id) not in (DONE, BACKLOG)),
        "waiting": sum(1 for c in cards if kinds.get(c.column_id) == BACKLOG),
        "median_lead_days": median(leads) if leads else None,
        "median_cycle_days": median(cycles) if cycles else None,
    }


def time_in_columns(
    transitions: Iterable[Transition], column_ids: list[int], *, now: datetime
) -> dict[int, float]:
    """Average days a card spent in each column per visit (a visit still open counts up to now)."""
    by_card: dict[int, list[Transition]] = defaultdict(list)
    for t in transitions:
        by_card[t.card_id].append(t)
    totals: dict[int, timedelta] = defaultdict(timedelta)
    visits: dict[int, int] = defaultdict(int)
    for moves in by_card.values():
        moves.sort(key=lambda m: m.at)
        for here, following in zip(moves, [*moves[1:], None], strict=True):
            left = following.at if following else now
            totals[here.to_column_id] += left - here.at
            visits[here.to_column_id] += 1
    return {cid: (_days(totals[cid] / visits[cid]) if visits[cid] else 0.0) for cid in column_ids}


def ageing_wip(
    cards: Iterable[CardFacts], kinds: dict[int, str], *, now: datetime
) -> list[tuple[CardFacts, float]]:
    """Cards in progress, oldest first, with days since work started on them."""
    wip = [
        (c, _days(now - (c.started_at or c.created_at)))
        for c in cards
        if kinds.get(c.column_id) not in (DONE, BACKLOG)
    ]
    return sorted(wip, key=lambda pair: -pair[1])


def stale(
    cards: Iterable[CardFacts], kinds: dict[int, str], *, now: datetime, days: int = 14
) -> list[CardFacts]:
    """Unfinished cards that have not moved column for ``days`` days."""
    cutoff = now - timedelta(days=days)
    return [c for c in cards if kinds.get(c.column_id) != DONE and c.moved_at < cutoff]


def cumulative_flow(
    transitions: Iterable[Transition],
    column_ids: list[int],
    *,
    start: date,
    end: date,
    tz: tzinfo | None = None,
) -> list[tuple[date, dict[int, int]]]:
    """For each day from ``start`` to ``end``: how many cards sat in each column at day's end.
    Days end at midnight in ``tz`` (the service's own time zone); aware times are converted."""
    ordered = sorted(transitions, key=lambda t: t.at)
    where: dict[int, int] = {}
    rows: list[tuple[date, dict[int, int]]] = []
    i = 0
    day = start
    while day <= end:
        day_end = datetime.combine(day + timedelta(days=1), time.min)
        while i < len(ordered) and _naive(ordered[i].at, tz) < day_end:
            where[ordered[i].card_id] = ordered[i].to_column_id
            i += 1
        counts = dict.fromkeys(column_ids, 0)
        for column_id in where.values():
            if column_id in counts:
                counts[column_id] += 1
        rows.append((day, counts))
        day += timedelta(days=1)
    return rows


def _naive(moment: datetime, tz: tzinfo | None) -> datetime:
    # Wall-clock time in ``tz``, so a move at 00:30 BST counts on its own day, not the last.
    if tz is not None and moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.replace(tzinfo=None)
