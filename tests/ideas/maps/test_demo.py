"""The demo place has a believable current-state map and a target future state."""

from __future__ import annotations

from ideas.maps import calc, queries
from ideas.maps import demo as map_demo
from ideas.maps.models import ValueStreamMap, ValueStreamStep
from leanhub import demo


def test_the_demo_maps_are_seeded_idempotently_and_the_future_is_better(db):
    demo.seed()
    map_demo.seed()
    map_demo.seed()
    assert ValueStreamMap.objects.count() == 2
    assert ValueStreamStep.objects.count() == len(map_demo.CURRENT_STEPS) + 3
    current = ValueStreamMap.objects.get(name=map_demo.CURRENT)
    future = current.futures.get()
    assert future.is_target and current.team.name == "New Claims"
    before, after = (queries.workspace(m).result for m in (current, future))
    deltas = {d.label: d for d in calc.compare(before, after)}
    assert deltas["Lead time"].better and deltas["Rolled %C&A"].better and deltas["Steps"].better
    assert before.bottlenecks  # the demo shows something worth fixing


def test_the_demo_seed_does_nothing_without_the_demo_place(db):
    assert map_demo.seed() == {"value-stream maps": 0}
