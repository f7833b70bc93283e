"""Screen of a Hyper-V VM: ``GetVirtualSystemThumbnailImage`` at the VM's own resolution.

The thumbnail comes back as raw RGB565 (see ``hyperv_rgb565``), asked for at the video head's
current resolution so that it is the full picture, not a scaled-down one.

A host with no active console session may hand out all-black thumbnails forever. A black picture
is also normal for a moment (a reboot during the ESP, which the flow detects by seeing it), so
black frames are returned until they have lasted ``black_limit_s``; after that ``grab`` raises
``NoFrame`` with the hint "no active display session on the Hyper-V host?". With
``black_limit_s: 0`` every all-black thumbnail is ``NoFrame`` at once.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable

import numpy as np

from harness.errors import NoFrame
from harness.targets.frame import Frame
from harness.targets.hyperv_keyboard import describe_return
from harness.targets.hyperv_powershell import PowerShellError, PowerShellRunner
from harness.targets.hyperv_rgb565 import decode_rgb565, is_all_black
from harness.targets.hyperv_scripts import THUMBNAIL

BLACK_HINT = "no active display session on the Hyper-V host?"


class HyperVScreen:
    """Implements ``Screen`` for one Hyper-V VM."""

    def __init__(
        self,
        runner: PowerShellRunner,
        vm_name: str,
        *,
        black_limit_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.runner = runner
        self.vm_name = vm_name
        self.black_limit_s = black_limit_s
        self._clock = clock
        self._black_since: float | None = None

    def grab(self) -> Frame:
        try:
            output = self.runner.run(THUMBNAIL, {"VMName": self.vm_name})
        except PowerShellError as problem:
            raise NoFrame(
                f"Hyper-V thumbnail of {self.vm_name!r} failed: {problem.stderr or problem}"
            ) from None
        taken = self._clock()
        try:
            answer = json.loads(output)
            returned = int(answer["ReturnValue"])
            width, height = int(answer["Width"]), int(answer["Height"])
            data = base64.b64decode(answer["ImageData"] or "", validate=True)
        except (ValueError, TypeError, KeyError, binascii.Error) as problem:
            raise NoFrame(
                f"Hyper-V thumbnail of {self.vm_name!r}: unreadable answer ({problem}): "
                f"{output[:200]!r}"
            ) from None
        if returned != 0:
            raise NoFrame(
                f"Hyper-V thumbnail of {self.vm_name!r}: GetVirtualSystemThumbnailImage returned "
                f"{returned} ({describe_return(returned)})"
            )
        if not data:
            raise NoFrame(f"Hyper-V thumbnail of {self.vm_name!r} is empty: is the VM running?")
        image = decode_rgb565(data, width, height)
        self._check_black(image, taken)
        return Frame(image=image, timestamp=taken, source=f"hyperv:{self.vm_name}")

    def _check_black(self, image: np.ndarray, taken: float) -> None:
        if not is_all_black(image):
            self._black_since = None
            return
        if self._black_since is None:
            self._black_since = taken
        black_for = taken - self._black_since
        if black_for >= self.black_limit_s:
            raise NoFrame(
                f"Hyper-V thumbnail of {self.vm_name!r} is all black (for {black_for:.0f} s): "
                f"{BLACK_HINT}"
            )

    def close(self) -> None:
        self.runner.close()
