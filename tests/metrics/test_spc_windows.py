"""The SQL engine's run tests, worked out in one pass, agree with testing every window."""

from __future__ import annotations

import random

from metrics.spc import _in_windows, _runs_from, _two_of_three_from


def _every_window(flags: list[bool], length: int) -> list[bool]:
    """The SQL's start-flag / start-count test as written: a start where ``length`` flags in a
    row are all True, and each position with a start at most ``length - 1`` before it."""
    n = len(flags)
    starts = [k + length <= n and all(flags[k : k + length]) for k in range(n)]
    return [any(starts[max(0, k - length + 1) : k + 1]) for k in range(n)]


def _two_of_three_every_window(beyond: list[bool], side: list[bool]) -> list[bool]:
    """The SQL's 2-of-3 test as written: a start flag on every point, then each point beyond two
    sigma with a start at it or at one of the two points before it."""

    def get(xs: list[bool], k: int) -> bool:
        return 0 <= k < len(xs) and xs[k]

    starts = [
        beyond[k]
        and (
            (get(beyond, k + 1) and (get(side, k - 1) or get(side, k + 2)))
            or (get(beyond, k + 2) and get(side, k + 1))
        )
        for k in range(len(beyond))
    ]
    return [beyond[k] and any(starts[max(0, k - 2) : k + 1]) for k in range(len(beyond))]


def test_runs_of_flags_are_found_as_testing_every_window_finds_them():
    rng = random.Random(7)
    for _ in range(500):
        n = rng.randrange(0, 40)
        share = rng.random()
        flags = [rng.random() < share for _ in range(n)]
        for length in (1, 2, 6, 7, 8, 12):
            assert _in_windows(flags, length) == _every_window(flags, length), (flags, length)


def test_two_of_three_is_found_as_testing_every_window_finds_it():
    rng = random.Random(11)
    for _ in range(2000):
        n = rng.randrange(0, 12)
        beyond = [rng.random() < 0.4 for _ in range(n)]
        side = [b or rng.random() < 0.6 for b in beyond]  # beyond two sigma is on that side
        seq = list(range(n))
        found = [
            bool(beyond[k])
            and (
                _two_of_three_from(seq, beyond, side, k)
                or (k >= 1 and _two_of_three_from(seq, beyond, side, k - 1))
                or (k >= 2 and _two_of_three_from(seq, beyond, side, k - 2))
            )
            for k in range(n)
        ]
        assert found == _two_of_three_every_window(beyond, side), (beyond, side)


def test_a_run_of_exactly_the_length_is_marked_whole_and_one_shorter_is_not():
    flags = [False, True, True, True, False, True, True, False]
    assert _in_windows(flags, 3) == [False, True, True, True, False, False, False, False]
    assert _runs_from(flags) == [0, 3, 2, 1, 0, 2, 1, 0, 0]
