"""The renderer of the simulated device: a ``View`` in, the picture of the screen out.

``render(view, (width, height))`` needs only Pillow and the stdlib (it also runs inside the
stand-in libvirt guest). ``harness.sim.render.bgr.render_bgr`` wraps it for OpenCV (a BGR numpy
array, optionally with capture artefacts from ``harness.sim.render.artefacts``).
"""

from __future__ import annotations

from harness.sim.render.renderer import check_size, render

__all__ = ["check_size", "render"]
