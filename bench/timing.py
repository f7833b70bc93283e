"""Median wall-clock time of a call, in milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def median_ms(call: Callable[[Any], object], inputs: Sequence[Any], repeat: int) -> float:
    """Call ``call(item)`` for every input, ``repeat`` times round, after one warm-up call;
    the median of all timings. The median, not the mean: other processes share the CPU and their
    bursts would skew a mean."""
    return paired_median_ms([call], inputs, [repeat])[0]


def paired_median_ms(
    calls: Sequence[Callable[[Any], object]], inputs: Sequence[Any], repeats: Sequence[int]
) -> list[float]:
    """``median_ms`` of several calls measured side by side: for every input, each call in turn
    (``repeats[i]`` rounds of call i), so that a ratio between them is not moved by the machine
    getting faster or slower between two separate measurements (a shared 2-core VM drifts by
    10-20 % within minutes)."""
    for call in calls:
        call(inputs[0])
    timings: list[list[float]] = [[] for _ in calls]
    for round_index in range(max(repeats)):
        for item in inputs:
            for call, rounds, found in zip(calls, repeats, timings, strict=True):
                if round_index >= rounds:
                    continue
                start = time.perf_counter()
                call(item)
                found.append((time.perf_counter() - start) * 1000.0)
    return [statistics.median(found) for found in timings]
