"""Font files for the simulated screens, found by a short search list and cached by size.

Open Sans (Debian ``fonts-open-sans``) stands in for Segoe UI: Light for the large titles,
Regular for body text, Semibold and Bold for labels and phase names. It is the family of the
normal simulator. The randomized corpus (``harness.sim.render.corpus``) also draws with other
families, so that vision is never fitted to one typeface: Lato (``fonts-lato``, a humanist
sans like Segoe, with all four weights) and Liberation Sans (``fonts-liberation2``, metric-
compatible with Arial; it has no light or semibold, so those fall back to regular and bold).
DejaVu Sans (Debian ``fonts-dejavu-core``) is the last fallback of every family. Only Pillow and
the stdlib: this module also runs inside the stand-in libvirt guest with Debian's ``python3-pil``.

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

DEFAULT_FAMILY = "open-sans"

_SEARCH_DIRS = (
    "/usr/share/fonts/truetype/open-sans",
    "/usr/share/fonts/opentype/open-sans",
    "/usr/share/fonts/truetype/lato",
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu",
)

_DEJAVU = {"light": "DejaVuSans.ttf", "regular": "DejaVuSans.ttf"}
_DEJAVU_BOLD = "DejaVuSans-Bold.ttf"

# Per family and weight, the file names to try in order; DejaVu Sans closes every list.
FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    "open-sans": {
        "light": ("OpenSans-Light.ttf",),
        "regular": ("OpenSans-Regular.ttf",),
        "semibold": ("OpenSans-Semibold.ttf", "OpenSans-SemiBold.ttf"),
        "bold": ("OpenSans-Bold.ttf",),
    },
    "lato": {
        "light": ("Lato-Light.ttf",),
        "regular": ("Lato-Regular.ttf",),
        "semibold": ("Lato-Semibold.ttf",),
        "bold": ("Lato-Bold.ttf",),
    },
    "liberation-sans": {
        "light": ("LiberationSans-Regular.ttf",),
        "regular": ("LiberationSans-Regular.ttf",),
        "semibold": ("LiberationSans-Bold.ttf",),
        "bold": ("LiberationSans-Bold.ttf",),
    },
}
_PACKAGES = {
    "open-sans": "fonts-open-sans",
    "lato": "fonts-lato",
    "liberation-sans": "fonts-liberation2",
}


def _candidates(weight: str, family: str) -> tuple[str, ...]:
    fallback = _DEJAVU.get(weight, _DEJAVU_BOLD)
    return FAMILIES[family][weight] + (fallback,)


def _search_dirs() -> tuple[str, ...]:
    extra = os.environ.get("HARNESS_SIM_FONT_DIR")
    return ((extra,) if extra else ()) + _SEARCH_DIRS


@lru_cache(maxsize=32)
def font_path(weight: Weight, family: str = DEFAULT_FAMILY) -> str:
    """The file used for ``weight`` of ``family``; raises ConfigError naming every path tried."""
    if family not in FAMILIES:
        raise ConfigError(
            f"unknown font family {family!r}; known: {', '.join(FAMILIES)}",
            source="sim renderer",
            key="font",
        )
    if weight not in FAMILIES[family]:
        raise ConfigError(f"unknown font weight {weight!r}", source="sim renderer", key="font")
    tried: list[str] = []
    for name in _candidates(weight, family):
        for directory in _search_dirs():
            path = Path(directory) / name
            tried.append(str(path))
            if path.is_file():
                return str(path)
    raise ConfigError(
        f"no font file found (install the Debian packages {_PACKAGES[family]} and "
        f"fonts-dejavu-core); tried: {', '.join(tried)}",
        source="sim renderer",
        key=f"font.{weight}",
    )


def installed_families() -> tuple[str, ...]:
    """The families whose own files (not only the DejaVu fallback) are installed."""
    found = []
    for family in FAMILIES:
        path = font_path("regular", family)
        if not Path(path).name.startswith("DejaVu"):
            found.append(family)
    return tuple(found)


@lru_cache(maxsize=512)
def font(weight: Weight, size_px: int, family: str = DEFAULT_FAMILY) -> ImageFont.FreeTypeFont:
    """The font of ``weight`` and ``family`` at ``size_px`` pixels (at least 6), cached."""
    return ImageFont.truetype(font_path(weight, family), max(6, int(size_px)))
