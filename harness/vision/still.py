"""Wait until the screen stops changing (openQA's ``wait_still_screen``).

"Still" means no content change: a spinner or the ESP's progress dots going round do not keep the
screen from settling (``ChangeDetector`` answers ANIMATED for them, not CHANGED).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from harness.vision.change import NOISE_THRESHOLD, Change, ChangeDetector, FrameLike


class StillScreenTimeout(Exception):
    """The screen kept changing (or never delivered frames) until the timeout.

    A plain vision exception, not a ``RigError``: a screen that never settles may be the device
    (an animation that should have stopped) or the rig; the caller decides.
    """

    def __init__(self, message: str, last_frame: FrameLike | None = None) -> None:
        super().__init__(message)
        self.last_frame = last_frame


def wait_for_still_screen(
    grab: Callable[[], FrameLike],
    *,
    still_s: float,
    timeout_s: float,
    interval_s: float = 0.2,
    threshold: float = NOISE_THRESHOLD,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> FrameLike:
    """Grab frames until the picture has not changed for ``still_s``; return the last frame.

    Raises ``StillScreenTimeout`` (carrying the last frame) when the screen is still changing
    after ``timeout_s``. ``threshold`` is the detector's noise threshold (0-255 per cell).
    """
    detector = ChangeDetector(noise_threshold=threshold)
    start = clock()
    last_change = start
    settling_since: float | None = None
    frame = grab()
    detector.compare(frame.image)
    while True:
        now = clock()
        if now - last_change >= still_s and settling_since is None:
            return frame
        if now - start >= timeout_s:
            raise StillScreenTimeout(
                f"screen did not stay still for {still_s:g} s within {timeout_s:g} s "
                f"(last change {now - last_change:.1f} s ago, "
                f"difference {detector.last_difference:.1f} > {threshold:g})",
                last_frame=frame,
            )
        sleep(interval_s)
        frame = grab()
        change = detector.compare(frame.image)
        seen = clock()
        # A small difference still settling may be content (one changed digit): not still yet;
        # once it proves to be content, it changed when it first appeared.
        if detector.settling:
            settling_since = seen if settling_since is None else settling_since
        elif change is Change.CHANGED:
            last_change = seen if settling_since is None else settling_since
            settling_since = None
        else:
            settling_since = None
