"""What the simulated device shows: the contract between the device model and its renderer.

The model (``harness/sim/model``) decides *what* is on screen and produces a ``View``; the renderer
(``harness/sim/render``) turns a ``View`` into pixels at any resolution. Both sides stay free of
the harness core (flow, vision, report), and the model is stdlib-only so that it can run inside the
stand-in libvirt guest.

``View.screen`` is one of ``SCREENS``. ``View.data`` holds plain JSON-able values; the keys used
per screen are listed below. Keys marked optional may be missing.

- ``off``: powered off. Renders black. No data.
- ``firmware``: power-on / reboot firmware logo. Data: none.
- ``black``: a black frame (the short gap in a reboot, a display mode switch). Data: none.
- ``oobe-region``, ``oobe-keyboard``, ``oobe-network``, ``oobe-signin``: first OOBE pages.
  Data: ``title`` (str), ``subtitle`` (str, optional), ``items`` (list[str], optional: the region
  or keyboard list), ``selected`` (int, optional), ``buttons`` (list[str]).
- ``options``: "What would you like to do?". Data: ``title``, ``tiles``
  (list of {``title``, ``description``}), ``selected`` (int, index of the highlighted tile),
  ``buttons`` (list[str]: Windows 10 ``["Continue"]``, Windows 11 ``["Next"]``), ``focus``
  (``"tiles"`` or the label of the focused button).
- ``configuration``: Data: ``title``, ``organization``, ``profile``, ``user`` (str or None when
  the screen does not show it), ``qr_payload`` (str: the JSON text in the QR code),
  ``buttons`` (list[str]), ``focus`` (label of the focused button).
- ``esp``: Data: ``title``, ``subtitle``, ``phases``: list of {``name``, ``status``,
  ``expanded`` (bool), ``substeps``: list of {``name``, ``status``}}. A status is the exact text
  shown: ``Complete``, ``Working on it...``, ``Identifying``,
  ``Waiting for previous step to finish``, ``Failed``, ``No setup needed``,
  ``Previous step failed``, ``Failed: 0x800705b4``, ``4 of 8 installed``...
- ``success`` / ``failure``: the result screens. Data: ``title``, ``organization``, ``profile``,
  ``user`` (str; "Not assigned" when none), ``elapsed`` (str as shown: ``"0 h 9 min"``),
  ``qr_payload`` (str or None: Windows 11 shows no QR here), ``message`` (str), ``buttons``
  (list[str]), ``links`` (list[str], e.g. ``["View diagnostics"]`` on Windows 10 red),
  ``focus`` (str, optional: the label of the focused button or link).
- ``diagnostics``: Data: ``title``, ``sections``: list of {``name``, ``rows``: list of
  {``label``, ``state`` (``ok``/``working``/``warning``/``failed``), ``detail`` (str)}},
  ``buttons`` (list[str], e.g. ``["Close", "Export logs"]``), ``focus`` (str, optional).
- ``something-went-wrong``: Data: ``title`` ("Something went wrong"), ``message``, ``code``
  (str, optional, e.g. ``OOBEZDP``), ``buttons`` (``["Try again", "Skip"]``), ``focus`` (str,
  optional).
- ``esp`` phases that are working carry ``dots`` (int): the frame of their animated progress
  dots. The model sets 0; the screen that delivers frames advances it once per new frame
  (``View.at_frame``), so a living ESP never gives two identical frames in a row while a frozen
  display or capture does.
- ``esp`` ``subtitle`` becomes the tenant's timeout message when the ESP timed out.

``View.windows`` is 10 or 11; ``View.language`` is a BCP-47 tag (``en-US``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

SCREENS = (
    "off",
    "firmware",
    "black",
    "oobe-region",
    "oobe-keyboard",
    "oobe-network",
    "oobe-signin",
    "options",
    "configuration",
    "esp",
    "success",
    "failure",
    "diagnostics",
    "something-went-wrong",
)

DOT_FRAMES = 4
"""Frames in one cycle of the ESP's progress-dot animation."""


@dataclass(frozen=True)
class View:
    screen: str
    windows: int = 10
    language: str = "en-US"
    data: dict[str, Any] = field(default_factory=dict)
    frozen: bool = False
    """True when the display has stopped updating (``frozen-screen`` scenario): the target keeps
    delivering the last picture it drew."""
    animation: int = 0
    """Frame of the screen's animations (the ESP's progress dots), 0..DOT_FRAMES-1."""

    @property
    def animated(self) -> bool:
        """True when something on screen moves by itself (a working ESP phase's dots)."""
        return not self.frozen and any("dots" in phase for phase in self.data.get("phases", ()))

    def at_frame(self, frame: int) -> View:
        """This View as drawn on the ``frame``-th frame: the animations at their step."""
        step = frame % DOT_FRAMES
        phases = [
            {**phase, "dots": step} if "dots" in phase else phase
            for phase in self.data.get("phases", ())
        ]
        return replace(self, animation=step, data={**self.data, "phases": phases})
