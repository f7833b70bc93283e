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
    call(inputs[0])
    timings = []
    for _ in range(repeat):
        for item in inputs:
            start = time.perf_counter()
            call(item)
            timings.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(timings)
