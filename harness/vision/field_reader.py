"""Every field of the recognised screen: what the layout regions of its definition hold.

Called by ``Vision.observe`` after classification, with the classifier's OCR results so that the
title is not read twice. Each screen reads only its own regions (about 0.2-0.6 s at 1080p).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from harness.vision.buttons import find_button_boxes, read_buttons
from harness.vision.classifier import Looked
from harness.vision.definitions import DefinitionSet, ScreenDefinition
from harness.vision.elapsed import parse_elapsed
from harness.vision.error_codes import categorise, extract_codes
from harness.vision.esp_reader import parse_esp
from harness.vision.fuzzy import best_substring_match, similarity
from harness.vision.labelled_values import clean_value, find_value, snap
from harness.vision.observation import Button, Fields, Observation, QrResult, ScreenState
from harness.vision.ocr import OcrLine, TextReader
from harness.vision.picture_area import region_box
from harness.vision.tiles import selected_tile, tile_fills

Labels = Mapping[str, tuple[str, ...]]

FIELD_READ_HEIGHT = 1080
"""Body text (22-30 px at 1080p) is read with the picture at 1080 lines (upscaled from 768)."""
SMALL_TEXT_READ_HEIGHT = 1440
"""Windows 11's card text and the ESP's sub-steps are small: read them larger."""


class FieldReader:
    def __init__(self, definitions: DefinitionSet, reader: TextReader, language: str) -> None:
        self.definitions = definitions
        self.reader = reader
        self.language = language

    def read(
        self, image: np.ndarray, observation: Observation, looked: Looked
    ) -> tuple[Fields, QrResult | None]:
        definition = looked.definition
        if definition is None:
            return Fields(), None
        labels = self.definitions.labels_for(definition.windows, self.language)
        state = observation.state
        title = self._title(image, looked, definition)
        buttons = self._buttons(image, looked, definition, labels)
        qr = None
        if state in (ScreenState.CONFIGURATION, ScreenState.SUCCESS, ScreenState.FAILURE):
            fields = self._details(image, looked, definition, labels)
            qr = self._qr(image, looked, definition)
        elif state is ScreenState.ESP:
            fields = self._esp(image, looked, definition, labels)
        elif state is ScreenState.OPTIONS:
            fields = self._options(image, looked, definition, labels)
        elif state in (ScreenState.DIAGNOSTICS, ScreenState.SOMETHING_WENT_WRONG):
            fields = self._text_screen(image, looked, definition)
        else:
            fields = Fields()
        return _with(fields, title=title, buttons=buttons), qr

    # -- helpers ----------------------------------------------------------------------------------
    def _lines(
        self,
        image: np.ndarray,
        looked: Looked,
        definition: ScreenDefinition,
        part: str,
        read_height: int = FIELD_READ_HEIGHT,
        psm: int = 6,
        both_polarities: bool = False,
    ) -> list[OcrLine]:
        region = definition.layout.get(part)
        if region is None:
            return []
        key = (region, psm, read_height)
        if key not in looked.ocr:
            box = region_box(looked.area, region)
            scale = min(2.0, read_height / max(1, looked.area[3]))
            looked.ocr[key] = self.reader.read_lines(
                image, box, scale=scale, psm=psm, both_polarities=both_polarities
            )
        return looked.ocr[key]

    def _title(self, image: np.ndarray, looked: Looked, definition: ScreenDefinition) -> str | None:
        """The anchor text that matched in the title region (its canonical wording)."""
        title_region = definition.layout.get("title")
        best: tuple[float, str] | None = None
        for anchor in definition.anchors:
            if anchor.region != title_region:
                continue
            lines = self._lines(image, looked, definition, "title", anchor.read_height, anchor.psm)
            score, _found = best_substring_match(anchor.text, "\n".join(x.text for x in lines))
            if score >= 1 - anchor.tolerance and (best is None or score > best[0]):
                best = (score, anchor.text)
        return best[1] if best else None

    def _buttons(
        self, image: np.ndarray, looked: Looked, definition: ScreenDefinition, labels: Labels
    ) -> tuple[Button, ...]:
        region = definition.layout.get("buttons")
        if region is None:
            return ()
        picture_height = looked.area[3]
        boxes = find_button_boxes(image, region_box(looked.area, region), picture_height)

        def read_box(box: tuple[int, int, int, int]) -> str:
            x, y, w, h = box
            inset = max(2, h // 8)  # inside the border and the focus ring
            inner = (x + inset, y + inset, max(1, w - 2 * inset), max(1, h - 2 * inset))
            scale = min(3.0, 48 / max(1, inner[3]))  # text about 25 px high
            lines = self.reader.read_lines(image, inner, scale=scale, psm=7)
            return " ".join(line.text for line in lines)

        lines = self._lines(image, looked, definition, "buttons", FIELD_READ_HEIGHT, 3)
        return read_buttons(boxes, read_box, lines, labels.get("buttons", ()))

    def _details(
        self, image: np.ndarray, looked: Looked, definition: ScreenDefinition, labels: Labels
    ) -> Fields:
        small = definition.windows == 11 and definition.state is ScreenState.CONFIGURATION
        height = SMALL_TEXT_READ_HEIGHT if small else FIELD_READ_HEIGHT
        # psm 4 (one column of lines): psm 6 mixes the QR code's modules into the lines.
        lines = [line.text for line in self._lines(image, looked, definition, "fields", height, 4)]
        groups = [labels.get(name, ()) for name in ("organization", "profile", "user", "elapsed")]

        def value(name: str, not_found: str) -> str | None:
            found = clean_value(find_value(lines, labels.get(name, ()), groups))
            return snap(found, labels.get(not_found, ()))

        elapsed_text = clean_value(find_value(lines, labels.get("elapsed", ()), groups))
        units = {unit: labels[unit] for unit in ("hours", "minutes", "seconds") if unit in labels}
        message_lines = self._lines(image, looked, definition, "message")
        message = " ".join(line.text for line in message_lines) or None
        all_text = "\n".join([*lines, message or ""])
        codes = extract_codes(all_text)
        category = None
        if definition.state is ScreenState.FAILURE and codes:
            category = categorise(codes, None, self.definitions.failure_codes)
        return Fields(
            organization=value("organization", "not_found_organization"),
            profile=value("profile", "not_found_profile"),
            user=value("user", "not_assigned"),
            elapsed_text=elapsed_text,
            elapsed_s=parse_elapsed(elapsed_text, units or None),
            error_codes=codes,
            category=category,
            message=message,
        )

    def _esp(
        self, image: np.ndarray, looked: Looked, definition: ScreenDefinition, labels: Labels
    ) -> Fields:
        lines = self._lines(image, looked, definition, "phases", SMALL_TEXT_READ_HEIGHT)
        phases = parse_esp(
            [line.text for line in lines],
            labels.get("esp_phases", ()),
            labels.get("esp_statuses", ()),
        )
        codes: list[str] = []
        failed_lines: list[str] = []
        for phase in phases:
            for step in phase.steps:
                if step.error_code and step.error_code not in codes:
                    codes.append(step.error_code)
                if step.error_code or step.status.lower().startswith("failed"):
                    failed_lines.append(f"{step.name} ({step.status})")
            if phase.error_code and phase.error_code not in codes:
                codes.append(phase.error_code)
        error_text = "; ".join(failed_lines) or None
        category = (
            categorise(codes, error_text, self.definitions.failure_codes)
            if (codes or error_text)
            else None
        )
        return Fields(
            esp_phases=phases, error_codes=tuple(codes), error_text=error_text, category=category
        )

    def _options(
        self, image: np.ndarray, looked: Looked, definition: ScreenDefinition, labels: Labels
    ) -> Fields:
        lines = self._lines(image, looked, definition, "tiles")
        fills = tile_fills(image, lines, labels.get("tiles", ()))
        return Fields(selected_tile=selected_tile(fills))

    def _text_screen(
        self, image: np.ndarray, looked: Looked, definition: ScreenDefinition
    ) -> Fields:
        part = "body" if "body" in definition.layout else "message"
        titles = [anchor.text for anchor in definition.anchors]
        lines = []
        for line in self._lines(image, looked, definition, part):
            text = _strip_debris(line.text)
            if sum(ch.isalpha() for ch in text) < 3:
                continue
            if any(similarity(text, title) >= 0.8 for title in titles):
                continue  # the title, read again because the message region includes it
            lines.append(text)
        codes = extract_codes("\n".join(lines))
        # The rows that carry a code say what failed; "Previous step failed" rows only follow.
        failed = [line for line in lines if extract_codes(line)] or [
            line for line in lines if "fail" in line.lower()
        ]
        error_text = "; ".join(failed) or None
        if definition.state is ScreenState.SOMETHING_WENT_WRONG and lines:
            # Windows prints a short code under the message (OOBEZDP, OOBEKEYBOARD...).
            last = lines[-1]
            if " " not in last and last.upper() == last:
                error_text = error_text or last
                lines = lines[:-1]
        category = (
            categorise(codes, error_text, self.definitions.failure_codes)
            if (codes or failed)
            else None
        )
        message = " ".join(lines) or None
        return Fields(error_codes=codes, error_text=error_text, category=category, message=message)

    def _qr(
        self, image: np.ndarray, looked: Looked, definition: ScreenDefinition
    ) -> QrResult | None:
        try:
            from harness.vision.qr import decode_qr
        except ImportError:  # pragma: no cover - qr.py is written by another helper
            return None
        hint = (
            region_box(looked.area, definition.layout["qr"]) if "qr" in definition.layout else None
        )
        result: QrResult = decode_qr(image, hint_box=hint)
        return result


def _strip_debris(text: str) -> str:
    """Drop leading OCR debris from icons: single symbols or stray single letters."""
    words = text.split()
    while words and len(words[0]) == 1 and words[0] not in ("A", "I", "a"):
        words.pop(0)
    return " ".join(words)


def _with(fields: Fields, **changes: object) -> Fields:
    return replace(fields, **changes)
