"""Font files for the simulated screens, found by a short search list and cached by size.

Open Sans (Debian ``fonts-open-sans``) stands in for Segoe UI: Light for the large titles,
Regular for body text, Semibold and Bold for labels and phase names. DejaVu Sans (Debian
``fonts-dejavu-core``) is the fallback. Only Pillow and the stdlib: this module also runs
inside the stand-in libvirt guest with Debian's ``python3-pil``.

``HARNESS_SIM_FONT_DIR`` (an environment variable) adds a directory searched first, for
machines that keep fonts elsewhere.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

from harness.errors import ConfigError

Weight = Literal["light", "regular", "semibold", "bold"]

_SEARCH_DIRS = (
    "/usr/share/fonts/truetype/open-sans",
    "/usr/share/fonts/opentype/open-sans",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu",
)

# Per weight, the file names to try in order: Open Sans first, DejaVu Sans as the fallback.
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "light": ("OpenSans-Light.ttf", "DejaVuSans.ttf"),
    "regular": ("OpenSans-Regular.ttf", "DejaVuSans.ttf"),
    "semibold": ("OpenSans-Semibold.ttf", "OpenSans-SemiBold.ttf", "DejaVuSans-Bold.ttf"),
    "bold": ("OpenSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
}


def _search_dirs() -> tuple[str, ...]:
    extra = os.environ.get("HARNESS_SIM_FONT_DIR")
    return ((extra,) if extra else ()) + _SEARCH_DIRS


@lru_cache(maxsize=8)
def font_path(weight: Weight) -> str:
    """The file used for ``weight``; raises ConfigError naming every path tried."""
    if weight not in _CANDIDATES:
        raise ConfigError(f"unknown font weight {weight!r}", source="sim renderer", key="font")
    tried: list[str] = []
    for name in _CANDIDATES[weight]:
        for directory in _search_dirs():
            path = Path(directory) / name
            tried.append(str(path))
            if path.is_file():
                return str(path)
    raise ConfigError(
        "no font file found (install the Debian packages fonts-open-sans and "
        f"fonts-dejavu-core); tried: {', '.join(tried)}",
        source="sim renderer",
        key=f"font.{weight}",
    )


@lru_cache(maxsize=256)
def font(weight: Weight, size_px: int) -> ImageFont.FreeTypeFont:
    """The font of ``weight`` at ``size_px`` pixels (at least 6), cached."""
    return ImageFont.truetype(font_path(weight), max(6, int(size_px)))
