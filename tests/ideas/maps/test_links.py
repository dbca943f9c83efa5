"""Step link providers: how apps above ``ideas`` hang their stars on a map's steps without
``ideas`` reading them."""

from __future__ import annotations

import pytest

from ideas.maps import links, queries


@pytest.fixture
def providers(monkeypatch) -> list[list[int]]:
    """No provider but the test's own (kaizen's is registered when the project starts); the step
    ids each call was asked about."""
    monkeypatch.setattr(links, "_providers", [])
    return []


def test_each_provider_is_asked_once_and_their_links_follow_in_registration_order(providers):
    def first(step_ids: list[int]) -> links.StepLinks:
        providers.append(step_ids)
        return {1: [("A", "/a/")], 2: [("B", "/b/")]}

    def second(step_ids: list[int]) -> links.StepLinks:
        providers.append(step_ids)
        return {1: [("C", "/c/"), ("D", "/d/")]}

    links.register_step_links(first)
    links.register_step_links(second)
    links.register_step_links(first)  # again, as a second ready() would: no second call
    assert links.links_for_steps([1, 2, 3]) == {
        1: [("A", "/a/"), ("C", "/c/"), ("D", "/d/")],
        2: [("B", "/b/")],
    }
    assert providers == [[1, 2, 3], [1, 2, 3]]


def test_no_steps_means_no_provider_is_asked(providers):
    links.register_step_links(lambda step_ids: providers.append(step_ids) or {})
    assert links.links_for_steps([]) == {}
    assert providers == []


def test_the_drawing_asks_each_provider_once_per_map_and_draws_its_links(providers, vsm_map):
    steps = list(vsm_map.steps.order_by("position"))

    def provider(step_ids: list[int]) -> links.StepLinks:
        providers.append(step_ids)
        return {steps[1].pk: [("Shorter form", "/kaizen/cards/9/")]}

    links.register_step_links(provider)
    svg = queries.workspace(vsm_map).svg
    assert providers == [[s.pk for s in steps]]
    assert '<a href="/kaizen/cards/9/" tabindex="-1" aria-label="Kaizen: Shorter form">' in svg
