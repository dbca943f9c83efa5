"""Links that apps above ``ideas`` hang on a map's steps, drawn as kaizen bursts.

``ideas`` never imports the apps above it, so it cannot read their rows. Instead an app above
registers a *step link provider* when it starts (in its ``AppConfig.ready``): given the ids of a
map's steps, the provider answers, per step id, the ``(title, url)`` pairs to draw on that step.
:func:`links_for_steps` asks every provider once per map, so a map costs one query per provider
whatever its number of steps.

The drawing is rendered once and broadcast to every viewer of the map, so a provider's answer must
not depend on who is looking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

StepLinks = dict[int, list[tuple[str, str]]]
StepLinkProvider = Callable[[list[int]], StepLinks]

_providers: list[StepLinkProvider] = []


def register_step_links(provider: StepLinkProvider) -> None:
    """Add ``provider`` to those :func:`links_for_steps` asks, after the ones already there.
    Registering the same provider again changes nothing (``ready`` may run more than once)."""
    if provider not in _providers:
        _providers.append(provider)


def links_for_steps(step_ids: Sequence[int]) -> StepLinks:
    """Per step id, the ``(title, url)`` pairs of every registered provider, in the order the
    providers were registered and, within one, in the order it answered. Steps without links are
    absent. Asks nothing when there are no steps."""
    merged: StepLinks = {}
    if not step_ids:
        return merged
    ids = list(step_ids)
    for provider in _providers:
        for step_id, pairs in provider(ids).items():
            merged.setdefault(step_id, []).extend(pairs)
    return merged
