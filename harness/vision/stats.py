"""Counters of one ``Vision`` instance, for ``stats.vision`` in the run's result."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class VisionStats:
    frames_classified: int = 0
    """Calls of ``classify`` (and the classification inside ``observe``)."""
    frames_observed: int = 0
    """Calls of ``observe``."""
    ocr_calls: int = 0
    """Lines (and button insides) given to the OCR engine."""
    cpu_s: float = 0.0
    """CPU seconds of the calling threads spent in vision (``time.thread_time``)."""

    def to_dict(self) -> dict[str, int | float]:
        data = asdict(self)
        data["cpu_s"] = round(self.cpu_s, 3)
        return data


class StatsCounter:
    """Thread-safe accumulation behind ``Vision.stats``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._classified = 0
        self._observed = 0
        self._cpu = 0.0

    @contextmanager
    def timed(self, *, observed: bool) -> Iterator[None]:
        start = time.thread_time()
        try:
            yield
        finally:
            spent = time.thread_time() - start
            with self._lock:
                self._classified += 1
                self._observed += int(observed)
                self._cpu += spent

    def snapshot(self, ocr_calls: int) -> VisionStats:
        with self._lock:
            return VisionStats(self._classified, self._observed, ocr_calls, self._cpu)
