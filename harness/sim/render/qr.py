"""The QR code of the configuration and result screens, drawn crisp with segno.

Always a full QR code (``segno.make_qr``), never a Micro QR: zbar cannot read Micro QR. Modules
are a whole number of pixels and the code keeps a quiet zone of at least four modules on its
white square, so decoders see exactly what a real screen shows.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from PIL import Image

from harness.sim.render.canvas import Box, Canvas
from harness.sim.render.palette import WHITE

QUIET_ZONE_MODULES = 4


@lru_cache(maxsize=32)
def _matrix(payload: str) -> tuple[tuple[int, ...], ...]:
    code = segno.make_qr(payload, error="m")
    return tuple(tuple(1 if value else 0 for value in row) for row in code.matrix)


@lru_cache(maxsize=32)
def qr_image(payload: str, side: int) -> Image.Image:
    """An RGB ``side`` x ``side`` white square with the code centred at an integer module size."""
    matrix = _matrix(payload)
    modules = len(matrix)
    module_px = max(1, side // (modules + 2 * QUIET_ZONE_MODULES))
    code = Image.new("1", (modules, modules), 1)
    code.putdata([0 if value else 1 for row in matrix for value in row])
    code = code.resize((modules * module_px, modules * module_px), Image.Resampling.NEAREST)
    square = Image.new("RGB", (side, side), WHITE)
    offset = (side - modules * module_px) // 2
    square.paste(code.convert("RGB"), (offset, offset))
    return square


def draw_qr(canvas: Canvas, box: Box, payload: str) -> None:
    """The white square at ``box`` (its width is used) with the QR code of ``payload``."""
    side = box[2] - box[0]
    canvas.image.paste(qr_image(payload, side), (box[0], box[1]))
    canvas.drawn.append(("qr", payload, (box[0], box[1], box[0] + side, box[1] + side)))
