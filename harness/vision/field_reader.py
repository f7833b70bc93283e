"""Every field of the recognised screen, read from the lines where they are.

Called by ``Vision.observe`` after classification, on the same ``Page`` (lines read during
classification are not read again). Labels find their values by geometry
(``labelled_values``), ESP phases by their names (``esp_reader``), buttons by their shape
(``buttons``) anywhere in the picture, the selected tile by its fill (``tiles``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from harness.vision.button_boxes import button_inset, label_lines, page_button_boxes
from harness.vision.buttons import match_label, read_buttons
from harness.vision.classifier import Decision
from harness.vision.definition_model import FIELD_LABELS
from harness.vision.definitions import DefinitionSet
from harness.vision.elapsed import parse_elapsed, reads_as_elapsed
from harness.vision.error_codes import categorise, extract_codes
from harness.vision.esp_reader import read_esp
from harness.vision.fuzzy import compact, similarity
from harness.vision.labelled_values import clean_value, read_values, snap, whole_text
from harness.vision.observation import Button, Fields, Observation, QrResult, ScreenState
from harness.vision.ocr import ReadLine
from harness.vision.page import Page
from harness.vision.qr_area import on_qr, page_qr_area, page_qr_result
from harness.vision.second_opinion import Plausible
from harness.vision.structure import wordlike
from harness.vision.text_lines import Box, TextLine
from harness.vision.tiles import selected_tile, tile_fills

Labels = Mapping[str, tuple[str, ...]]
_DETAIL_STATES = (ScreenState.CONFIGURATION, ScreenState.SUCCESS, ScreenState.FAILURE)
_MESSAGE_WORDS = 5
_SECOND_LOOK_STATES = (ScreenState.ESP, ScreenState.DIAGNOSTICS, ScreenState.SOMETHING_WENT_WRONG)
_LINK_CONFIDENCE = 0.6
"""A text link is a line reading a button label, read with confidence (not OCR of a shadow)."""
_GLANCE_KINDS = (*FIELD_LABELS, "tiles", "esp_phases")
"""Fixed texts a glance may stand for: a line that classification glanced and read as exactly
one of these (case, spaces and stray marks aside) is not read again larger, about 15 ms a line
at 1080p here. Only exactly: a near miss ("Deployment prof:") is a label whose tail would be
taken for its value."""


class FieldReader:
    def __init__(self, definitions: DefinitionSet, language: str) -> None:
        self.definitions = definitions
        self.language = language

    def read(
        self, page: Page, observation: Observation, decision: Decision
    ) -> tuple[Fields, QrResult | None]:
        definition = decision.definition
        if definition is None:
            return Fields(), None
        labels = self.definitions.labels_for(definition.windows, self.language)
        state = observation.state
        qr = None
        qr_box = None
        if state in _DETAIL_STATES and definition.qr:
            qr = page_qr_result(page)
            qr_box = qr.box if qr is not None and qr.raw else None
        # Pages the flow only passes through (OOBE) need their buttons, not every line read.
        reads = (
            self._reads(page, decision, state, qr_box, labels)
            if state is not ScreenState.OOBE
            else []
        )
        buttons = self._buttons(page, reads, labels)
        if state in _DETAIL_STATES:
            fields = self._details(page, reads, labels, state, buttons)
        elif state is ScreenState.ESP:
            fields = self._esp(reads, labels)
        elif state is ScreenState.OPTIONS:
            # A tile title detection split is found as its whole row, read again as one.
            rows = [page.read_row(row) for row in _split_rows(page, reads)]
            fills = tile_fills(page.image, [*reads, *rows], labels.get("tiles", ()))
            fields = Fields(selected_tile=selected_tile(fills))
        elif state in (ScreenState.DIAGNOSTICS, ScreenState.SOMETHING_WENT_WRONG):
            fields = self._text_screen(reads, decision, state)
        else:
            fields = Fields()
        return replace(fields, title=self._title(page, decision), buttons=buttons), qr

    @staticmethod
    def _title(page: Page, decision: Decision) -> str | None:
        """The canonical title of a titled screen; a page no definition titles (any OOBE page)
        shows its heading as read: classification only glanced at it, the report reads it."""
        if decision.definition is None or decision.definition.titles or not decision.title_lines:
            return decision.title
        text = " ".join(page.read(line).text for line in decision.title_lines).strip()
        return text or decision.title

    def _reads(
        self,
        page: Page,
        decision: Decision,
        state: ScreenState,
        qr_box: Box | None,
        labels: Labels,
    ) -> list[ReadLine]:
        """Every line that looks like words, except the title and what lies on the QR code (its
        modules are not text). A line glanced as a label, a tile or a phase name keeps its glance:
        it is a fixed text, matched fuzzily; values are read at full size."""
        titles = [line.box for line in decision.title_lines]
        qr_area = page_qr_area(page) if decision.definition and decision.definition.qr else None
        lines = [
            line
            for line in page.lines
            if line not in decision.title_lines
            and not any(_inside(line.box, title) for title in titles)  # debris on the title
            and (qr_box is None or not _inside(line.box, qr_box))
            and not on_qr(line, qr_area)
            and wordlike(line)
        ]
        fixed = [text for kind in _GLANCE_KINDS for text in labels.get(kind, ())]
        reads = [_glanced_fixed_text(page, line, fixed) or page.read(line) for line in lines]
        if state in _SECOND_LOOK_STATES:
            # Statuses and codes are read where they are, not as labelled values: a doubtful
            # read of one gets its second look here.
            reads = [
                page.read_closely(read.line) if page.worth_second_look(read) else read
                for read in reads
            ]
        return [read for read in reads if read.text]

    def _buttons(self, page: Page, reads: list[ReadLine], labels: Labels) -> tuple[Button, ...]:
        known = labels.get("buttons", ())

        def read_box(box: Box) -> str:
            inside = label_lines(page, box)
            text = " ".join(page.read(line).text for line in inside)
            if match_label(text, known) is None:
                x, y, w, h = box
                inset = button_inset(h)
                inner = (x + inset, y + inset, max(1, w - 2 * inset), max(1, h - 2 * inset))
                text = page.reader.read_box(page.image, inner) or text
            return text

        # Text links ("View diagnostics") are lines that are a known label and nothing else.
        links = [
            read for read in reads if any(similarity(read.text, label) >= 0.8 for label in known)
        ]
        return read_buttons(page_button_boxes(page), read_box, links, known)

    def _details(
        self,
        page: Page,
        reads: list[ReadLine],
        labels: Labels,
        state: ScreenState,
        buttons: tuple[Button, ...],
    ) -> Fields:
        field_labels = {name: labels[name] for name in FIELD_LABELS if name in labels}
        values = read_values(reads, field_labels)
        value_lines = [line for value in values.values() for line in value.lines]
        used = {id(line) for line in value_lines}
        used |= {id(read) for read in reads if any(_inside(read.box, b.box) for b in buttons)}

        units = {unit: labels[unit] for unit in ("hours", "minutes", "seconds") if unit in labels}
        shapes: dict[str, Plausible] = {
            "elapsed": lambda text: reads_as_elapsed(text, units or None)
        }

        def value(name: str, not_found: str | None = None) -> str | None:
            found = None
            if name in values:
                item = values[name]
                found = clean_value(
                    item.text if item.inline else whole_text(page, item.lines, shapes.get(name))
                )
            return snap(found, labels.get(not_found, ())) if not_found else found

        elapsed_text = value("elapsed")
        label_tops = [line.box[1] for line in value_lines]
        message_lines = [
            read.text
            for read in reads
            if id(read) not in used
            and len(read.text.split()) >= _MESSAGE_WORDS
            and (not label_tops or read.box[1] > max(label_tops))
        ]
        message = " ".join(message_lines) or None
        codes = extract_codes("\n".join(read.text for read in reads))
        category = None
        if state is ScreenState.FAILURE and codes:
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

    def _esp(self, reads: list[ReadLine], labels: Labels) -> Fields:
        phases = read_esp(
            reads,
            labels.get("esp_phases", ()),
            labels.get("esp_statuses", ()),
            labels.get("esp_steps", ()),
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

    def _text_screen(self, reads: list[ReadLine], decision: Decision, state: ScreenState) -> Fields:
        known = decision.definition.titles if decision.definition else ()
        lines = []
        for read in reads:
            text = _strip_debris(read.text)
            if sum(ch.isalpha() for ch in text) < 3 and not extract_codes(text):
                continue  # debris, unless it is a code on a line of its own
            if any(similarity(text, title) >= 0.8 for title in known):
                continue
            lines.append(text)
        codes = extract_codes("\n".join(lines))
        # The rows that carry a code say what failed; "Previous step failed" rows only follow.
        failed = [line for line in lines if extract_codes(line)] or [
            line for line in lines if "fail" in line.lower()
        ]
        error_text = "; ".join(failed) or None
        if state is ScreenState.SOMETHING_WENT_WRONG and lines:
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


def _glanced_fixed_text(page: Page, line: TextLine, fixed: list[str]) -> ReadLine | None:
    glance = page.glanced(line)
    if glance is None or not glance.text:
        return None
    read = compact(glance.text)
    return glance if any(read == compact(text) for text in fixed) else None


def _split_rows(page: Page, reads: list[ReadLine]) -> list[list[TextLine]]:
    """The rows of two or more pieces among the lines read, each once."""
    rows: list[list[TextLine]] = []
    for read in reads:
        row = page.whole_row(read.line)
        if len(row) > 1 and row not in rows:
            rows.append(row)
    return rows


def _glyphs_fit(read: ReadLine, label: str) -> bool:
    """A line that is a label has about as many glyphs as the label has letters (OCR can read
    "No" into a blotch of many glyphs, or into one blob)."""
    letters = sum(char.isalnum() for char in label)
    return read.line.glyphs >= 2 and 0.5 * letters <= read.line.glyphs <= 1.6 * letters + 1


def _inside(inner: Box, outer: Box) -> bool:
    ix, iy, iw, ih = inner
    ox, oy, ow, oh = outer
    cx, cy = ix + iw / 2, iy + ih / 2
    return ox <= cx <= ox + ow and oy <= cy <= oy + oh


def _strip_debris(text: str) -> str:
    """Drop leading OCR debris from icons: single symbols or stray single letters."""
    words = text.split()
    while words and len(words[0]) == 1 and words[0] not in ("A", "I", "a"):
        words.pop(0)
    return " ".join(words)
