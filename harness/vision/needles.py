"""openQA needles (reference screens): the public names, gathered from the modules that do the
work, so that ``from harness.vision.needles import NeedleSet`` keeps working.

- ``needle_file``: reading and validating ``name.json`` + ``name.png``;
- ``needle_match``: os-autoinst's matching algorithm and similarity scale;
- ``needle_set``: a folder of needles (recursive, a bad needle skipped) and the best match.
"""

from harness.vision.needle_file import (
    DEFAULT_LEVEL,
    DEFAULT_MARGIN,
    Needle,
    NeedleArea,
    NeedleProperty,
    load_needle,
)
from harness.vision.needle_match import AreaMatch, NeedleMatch, match_needle
from harness.vision.needle_set import NeedleSet

__all__ = [
    "DEFAULT_LEVEL",
    "DEFAULT_MARGIN",
    "AreaMatch",
    "Needle",
    "NeedleArea",
    "NeedleMatch",
    "NeedleProperty",
    "NeedleSet",
    "load_needle",
    "match_needle",
]
