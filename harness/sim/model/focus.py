"""Keyboard focus over a row of controls: Tab moves forward, Shift+Tab back, both wrap."""

from __future__ import annotations

from collections.abc import Sequence


class FocusRing:
    def __init__(self, controls: Sequence[str], focused: str | None = None) -> None:
        if not controls:
            raise ValueError("a focus ring needs at least one control")
        self._controls = tuple(controls)
        self._index = self._controls.index(focused) if focused is not None else 0

    @property
    def focused(self) -> str:
        return self._controls[self._index]

    @property
    def controls(self) -> tuple[str, ...]:
        return self._controls

    def focus(self, control: str) -> bool:
        """Put the focus on ``control``; False when this ring has no such control."""
        if control not in self._controls:
            return False
        self._index = self._controls.index(control)
        return True

    def move(self, backwards: bool = False) -> str:
        step = -1 if backwards else 1
        self._index = (self._index + step) % len(self._controls)
        return self.focused
