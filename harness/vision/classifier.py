"""Which screen is this: blank check, colour rules, then OCR of the anchor regions (usually just
the title), then needles. Cheap by design: colour statistics on a 320-pixel-wide thumbnail rule
out most definitions before any OCR runs, and each anchor region is read once, downscaled."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from harness.vision import frames
from harness.vision.colour import score_rule, small_hsv
from harness.vision.definitions import DefinitionSet, Region, ScreenDefinition
from harness.vision.fuzzy import best_substring_match
from harness.vision.needles import NeedleSet
from harness.vision.observation import Candidate, Evidence, Observation, ScreenState
from harness.vision.ocr import OcrLine, TextReader
from harness.vision.picture_area import Box, crop, find_picture_area, region_box

_MAX_UPSCALE = 1.5
_COLOUR_WEIGHT = 0.3
_RESCORED_WHEN_UNKNOWN = 3


@dataclass
class Looked:
    """What classification saw, kept so that field extraction does not read it again."""

    area: Box
    ocr: dict[tuple[Region, int, int], list[OcrLine]] = field(default_factory=dict)
    definition: ScreenDefinition | None = None


@dataclass(frozen=True)
class _Scored:
    definition: ScreenDefinition
    score: float
    passed: bool
    evidence: tuple[Evidence, ...]


class ScreenClassifier:
    def __init__(self, definitions: DefinitionSet, reader: TextReader, needles: NeedleSet) -> None:
        self.definitions = definitions
        self.reader = reader
        self.needles = needles

    def classify(self, image: np.ndarray) -> tuple[Observation, Looked]:
        area = find_picture_area(image)
        looked = Looked(area)
        picture = crop(image, area)
        blank = frames.blank_kind(picture)
        if blank is None and picture.shape[:2] == image.shape[:2]:
            # A black picture inside a grey bezel: the bezel is the only "content". frames'
            # active_area strips borders by the corner colour, which finds that bezel.
            blank = frames.blank_kind(crop(image, frames.active_area(image)))
        if blank is not None:
            evidence = Evidence(f"blank:{blank}", 1.0, f"frames.blank_kind says {blank}", area)
            return Observation(ScreenState.BLACK, 0.95, evidence=(evidence,)), looked
        hsv = small_hsv(picture)
        scored = [
            self._score(definition, image, hsv, looked) for definition in self.definitions.screens
        ]
        scored.sort(key=lambda item: (item.passed, item.score), reverse=True)
        candidates = tuple(
            Candidate(item.definition.state, round(item.score, 3), item.definition.name)
            for item in scored[:3]
        )
        best = scored[0] if scored else None
        if best is not None and not best.passed:
            # Nothing matched: read the anchors of every definition anyway, so that the closest
            # candidates say "right words, wrong colours" (or the reverse) for whoever debugs it.
            # Only the best few by colour, so that an unknown frame stays cheap too.
            scored = [
                self._score(item.definition, image, hsv, looked, always_read=True)
                for item in scored[:_RESCORED_WHEN_UNKNOWN]
            ] + scored[_RESCORED_WHEN_UNKNOWN:]
            scored.sort(key=lambda item: item.score, reverse=True)
            candidates = tuple(
                Candidate(item.definition.state, round(item.score, 3), item.definition.name)
                for item in scored[:3]
            )
            best = scored[0]
        if best is None or not best.passed:
            evidence = best.evidence if best else ()
            return (
                Observation(ScreenState.UNKNOWN, 0.0, evidence=evidence, candidates=candidates),
                looked,
            )
        looked.definition = best.definition
        runner_up = next((item for item in scored[1:] if item.passed), None)
        confidence = best.score
        if runner_up is not None and runner_up.definition.state is not best.definition.state:
            # Two different screens both matched: be honest about the doubt.
            confidence = max(0.0, best.score - runner_up.score) + 0.5 * best.score
        observation = Observation(
            best.definition.state,
            round(min(1.0, confidence), 3),
            windows=best.definition.windows,
            evidence=best.evidence,
            candidates=candidates[1:] if confidence < 0.6 else (),
        )
        return observation, looked

    def _score(
        self,
        definition: ScreenDefinition,
        image: np.ndarray,
        hsv: np.ndarray,
        looked: Looked,
        *,
        always_read: bool = False,
    ) -> _Scored:
        evidence: list[Evidence] = []
        colour_parts: list[float] = []
        colour_ok = True
        for rule in definition.colours:
            result = score_rule(hsv, rule)
            colour_ok = colour_ok and result.passed
            fraction = min(1.0, result.share / rule.min_share) if rule.min_share > 0 else 1.0
            colour_parts.append(fraction if result.share <= rule.max_share else 0.0)
            evidence.append(
                Evidence(
                    f"{definition.name}:colour:{rule.name}",
                    round(result.share, 3),
                    f"share {result.share:.2f}, needs {rule.min_share:.2f}..{rule.max_share:.2f}",
                    region_box(looked.area, rule.region),
                )
            )
        colour_score = sum(colour_parts) / len(colour_parts) if colour_parts else 1.0
        if not colour_ok and not always_read:
            # Not the right colours: skip OCR, this definition cannot match.
            return _Scored(definition, _COLOUR_WEIGHT * colour_score, False, tuple(evidence))
        matched = 0
        anchor_scores: list[float] = []
        for index, anchor in enumerate(definition.anchors):
            if matched + len(definition.anchors) - index < definition.min_anchors:
                break  # cannot reach min_anchors any more: spare the OCR
            lines = self._read(image, looked, anchor.region, anchor.psm, anchor.read_height)
            text = "\n".join(line.text for line in lines)
            similarity, found = best_substring_match(anchor.text, text)
            anchor_scores.append(similarity)
            if similarity >= 1.0 - anchor.tolerance:
                matched += 1
                box = next(
                    (line.box for line in lines if found and found in line.text.lower()), None
                )
                evidence.append(
                    Evidence(
                        f"{definition.name}:anchor",
                        round(similarity, 3),
                        f"{anchor.text!r} read as {found!r}",
                        box or region_box(looked.area, anchor.region),
                    )
                )
        needle_score = None
        needle_passed = False
        if definition.needle_tags:
            match = self.needles.best_match(image, looked.area, definition.needle_tags)
            if match is not None:
                needle_score = match.score
                needle_passed = match.passed
                evidence.append(
                    Evidence(f"needle:{match.name}", round(match.score, 3), match.detail, match.box)
                )
        parts = []
        if anchor_scores:
            # The weakest of the anchors that had to match (the best one when one is enough).
            ranked = sorted(anchor_scores, reverse=True) + [0.0] * len(definition.anchors)
            parts.append(ranked[max(0, definition.min_anchors - 1)])
        if needle_score is not None:
            parts.append(needle_score)
        evidence_score = max(parts) if parts else 1.0
        passed = colour_ok and matched >= definition.min_anchors
        if needle_passed and colour_ok:
            passed = True  # a lab's own needle recognises the screen even where OCR fails
        elif definition.needle_tags and not definition.anchors:
            passed = False
        score = _COLOUR_WEIGHT * colour_score + (1 - _COLOUR_WEIGHT) * evidence_score
        return _Scored(definition, score, passed, tuple(evidence))

    def _read(
        self, image: np.ndarray, looked: Looked, region: Region, psm: int, read_height: int
    ) -> list[OcrLine]:
        """OCR one region once per frame (definitions share their title regions)."""
        key = (region, psm, read_height)
        if key not in looked.ocr:
            box = region_box(looked.area, region)
            scale = min(_MAX_UPSCALE, read_height / max(1, looked.area[3]))
            looked.ocr[key] = self.reader.read_lines(image, box, scale=scale, psm=psm)
        return looked.ocr[key]
