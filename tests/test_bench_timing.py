"""The bench's side-by-side timing: both calls see every frame, interleaved, each its rounds."""

from __future__ import annotations

import time

from bench.timing import median_ms, paired_median_ms


def test_paired_timing_interleaves_the_calls_frame_by_frame() -> None:
    order: list[tuple[str, int]] = []
    first = lambda item: order.append(("first", item))  # noqa: E731
    second = lambda item: order.append(("second", item))  # noqa: E731
    medians = paired_median_ms([first, second], [1, 2, 3], [2, 1])
    assert len(medians) == 2 and all(value >= 0 for value in medians)
    warm_up, measured = order[:2], order[2:]
    assert warm_up == [("first", 1), ("second", 1)]
    # Round 1: each frame by both calls in turn; round 2: the first call only.
    assert measured == [
        ("first", 1),
        ("second", 1),
        ("first", 2),
        ("second", 2),
        ("first", 3),
        ("second", 3),
        ("first", 1),
        ("first", 2),
        ("first", 3),
    ]


def test_paired_timing_keeps_each_call_its_own_median() -> None:
    # time.sleep never returns early, so only a mix-up of the medians can fail this (a no-op
    # taking 3.9 ms in the median of three calls would be needed to hide one).
    slow = lambda item: time.sleep(0.004)  # noqa: E731
    fast = lambda item: None  # noqa: E731
    assert paired_median_ms([slow, fast], [0, 0, 0], [3, 3])[0] >= 3.9
    assert paired_median_ms([fast, slow], [0, 0, 0], [3, 3])[1] >= 3.9


def test_median_ms_is_one_call_timed_alone() -> None:
    calls: list[int] = []
    median_ms(calls.append, [1, 2], 2)
    assert calls == [1, 1, 2, 1, 2]  # the warm-up, then two rounds
