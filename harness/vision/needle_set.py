"""A folder of openQA needles: every ``*.json`` under it, sub-folders included (as os-autoinst's
``needle::init`` finds them), and the best match among the needles carrying some tags.

A needle that cannot be read is skipped with a warning naming its file and what is wrong, so one
bad needle does not take the others down (os-autoinst warns and skips too). The problems stay on
``NeedleSet.skipped`` for callers that report them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from harness.errors import ConfigError
from harness.vision.needle_file import Needle, load_needle
from harness.vision.needle_match import NeedleMatch, match_needle
from harness.vision.picture_area import Box

log = logging.getLogger(__name__)


class NeedleSet:
    def __init__(self, needles: Iterable[Needle] = (), skipped: Iterable[ConfigError] = ()) -> None:
        self.needles: tuple[Needle, ...] = tuple(needles)
        self.skipped: tuple[ConfigError, ...] = tuple(skipped)

    @classmethod
    def load(cls, directory: Path) -> NeedleSet:
        """Every needle under ``directory`` (none when it does not exist)."""
        directory = Path(directory)
        if not directory.is_dir():
            return cls()
        needles: list[Needle] = []
        skipped: list[ConfigError] = []
        for path in sorted(directory.rglob("*.json")):
            try:
                needles.append(load_needle(path))
            except ConfigError as problem:
                log.warning("skipping needle %s: %s", path, problem)
                skipped.append(problem)
        return cls(needles, skipped)

    def tags(self) -> tuple[str, ...]:
        """Every tag some needle carries, sorted: what a mistyped tag can be compared with."""
        return tuple(sorted({tag for needle in self.needles for tag in needle.tags}))

    def with_tags(self, tags: Iterable[str]) -> list[Needle]:
        """The needles carrying any of ``tags`` (as ``assert_screen([...])`` selects)."""
        wanted = set(_tag_tuple(tags))
        return [needle for needle in self.needles if wanted & set(needle.tags)]

    def best_match(
        self,
        image: np.ndarray,
        tags: Iterable[str] | Box,
        area: Box | Iterable[str] | None = None,
        *,
        search_ratio: float = 0.0,
    ) -> NeedleMatch | None:
        """The best of the needles carrying any of ``tags`` on ``image`` (None: no such needle).

        Ranked as openQA ranks candidates: passing first, then the smaller error (mean of
        (1 - similarity)^2), then a ``workaround`` needle, then the name. The best is returned
        even when it does not pass, so that a caller can show how close it came.
        ``best_match(image, area, tags)`` (the older argument order) is understood too.
        """
        if _looks_like_box(tags) and area is not None and not _looks_like_box(area):
            tags, area = area, tags  # the older positional form: (image, area, tags)
        matches = [
            match_needle(needle, image, _box_or_none(area), search_ratio=search_ratio)
            for needle in self.with_tags(_tag_tuple(tags))
        ]
        if not matches:
            return None
        return min(matches, key=_rank)


def _rank(match: NeedleMatch) -> tuple[bool, float, bool, str]:
    return (not match.passed, match.error, not match.workaround, match.name)


def _tag_tuple(tags: object) -> tuple[str, ...]:
    if isinstance(tags, str):
        return (tags,)
    try:
        return tuple(tag for tag in tags if isinstance(tag, str))  # type: ignore[attr-defined]
    except TypeError:
        return ()


def _looks_like_box(value: object) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 4
        and all(isinstance(item, int | np.integer) and not isinstance(item, bool) for item in value)
    )


def _box_or_none(value: object) -> Box | None:
    if _looks_like_box(value):
        x, y, w, h = (int(item) for item in value)  # type: ignore[union-attr]
        return (x, y, w, h)
    return None
