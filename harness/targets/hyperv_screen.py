"""Screen of a Hyper-V VM: ``GetVirtualSystemThumbnailImage`` at the VM's own resolution.

The thumbnail comes back as raw RGB565 (see ``hyperv_rgb565``), asked for at the video head's
current resolution so that it is the full picture, not a scaled-down one. A host with no active
console session may hand out all-black thumbnails: that is reported as ``NoFrame`` (a rig
fault), and the flow's stall limit decides when a black screen has lasted too long.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable

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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.runner = runner
        self.vm_name = vm_name
        self._clock = clock

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
        if is_all_black(image):
            raise NoFrame(f"Hyper-V thumbnail of {self.vm_name!r} is all black: {BLACK_HINT}")
        return Frame(image=image, timestamp=taken, source=f"hyperv:{self.vm_name}")

    def close(self) -> None:
        self.runner.close()
