from __future__ import annotations

from ideas import demo
from ideas.models import Idea
from leanhub import demo as place_demo


def test_the_demo_ideas_span_statuses_and_seeding_twice_changes_nothing(db):
    place_demo.seed()
    first = demo.seed()
    assert first["ideas created"] == len(demo.IDEAS) == first["demo ideas"]
    statuses = set(Idea.objects.values_list("status", flat=True))
    assert {"new", "implemented", "declined", "parked", "in_progress"} <= statuses
    implemented = Idea.objects.get(status="implemented")
    assert implemented.events.count() == 4 and implemented.first_response_at is not None
    assert demo.seed() == {"ideas created": 0, "demo ideas": len(demo.IDEAS)}
    assert Idea.objects.count() == len(demo.IDEAS)
