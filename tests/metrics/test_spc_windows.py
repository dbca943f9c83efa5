"""The SQL engine's run tests, worked out in one pass, agree with testing every window."""

from __future__ import annotations

import random

from metrics.spc import _covered, _in_windows, _runs_from


def _every_window(flags: list[bool], length: int) -> list[bool]:
    """The SQL's start-flag / start-count test as written: a start where ``length`` flags in a
    row are all True, and each position with a start at most ``length - 1`` before it."""
    n = len(flags)
    starts = [k + length <= n and all(flags[k : k + length]) for k in range(n)]
    return [any(starts[max(0, k - length + 1) : k + 1]) for k in range(n)]


def test_runs_of_flags_are_found_as_testing_every_window_finds_them():
    rng = random.Random(7)
    for _ in range(500):
        n = rng.randrange(0, 40)
        share = rng.random()
        flags = [rng.random() < share for _ in range(n)]
        for length in (1, 2, 6, 7, 8, 12):
            assert _in_windows(flags, length) == _every_window(flags, length), (flags, length)


def test_a_run_of_exactly_the_length_is_marked_whole_and_one_shorter_is_not():
    flags = [False, True, True, True, False, True, True, False]
    assert _in_windows(flags, 3) == [False, True, True, True, False, False, False, False]
    assert _runs_from(flags) == [0, 3, 2, 1, 0, 2, 1, 0, 0]
    assert _covered([True, False, False, True, False], 2) == [True, True, False, True, True]
