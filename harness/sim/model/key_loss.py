"""Drops a fraction of key presses, reproducibly (the ``lost-keys`` scenario).

Real rigs lose keys: a KVM that drops a report, a device that is busy when the key arrives.
"""

from __future__ import annotations

import random


class KeyLoss:
    def __init__(self, fraction: float, seed: int) -> None:
        if not 0.0 <= fraction < 1.0:
            raise ValueError(f"drop_fraction must be in [0, 1): {fraction}")
        self._fraction = fraction
        self._random = random.Random(seed)

    def drops(self) -> bool:
        """Decide the fate of the next press. Draws once per press, so a seed fixes the pattern."""
        return self._random.random() < self._fraction
