"""The Enrollment Status Page: phases found by their names, each status by the line under it.

A phase is a line that is (about) a phase name, maybe followed by its ``Show details`` link.
Its status is the first line under the name in the name's column; the lines after it, down to
the next phase, are its sub-steps (``Apps (4 of 8 installed)``,
``Securing your hardware (Failed: 0x800705b4)``); a sub-step that wraps puts its bracketed state
on the next line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from harness.vision.error_codes import extract_codes
from harness.vision.fuzzy import best_substring_match, compact, match_prefix, similarity
from harness.vision.labelled_values import snap
from harness.vision.observation import EspPhase, EspStep
from harness.vision.ocr import ReadLine
from harness.vision.text_lines import TextLine, joined_box, row_overlap

_SUBSTEP = re.compile(r"^(?P<name>.*?)\s*[\(\[{](?P<status>[^\(\)\[\]{}]*)[\)\]}]?\s*$")
_LEADING_SYMBOLS = re.compile(r"^[^\w(\[{\u2205]+")
_CODE_START = re.compile(r"[0oO][xX]\S{8}")
_DETAILS_LINK = re.compile(r"\s*(show|hide)\s*detai\w*\s*$", re.IGNORECASE)
_PHASE_SIMILARITY = 0.8
_PHASE_CLEAR = 0.95
_DETAILS_LINKS = ("Show details", "Hide details")
_LINK_SIMILARITY = 0.6
_STATUS_SIMILARITY = 0.75
_COLUMN_REACH = 0.9
"""A line under a phase name is in its column when it starts within this share of the name's
width (a status whose first words were too faint to detect starts further right)."""
_ROW_GAP = 2.5
"""Pieces of one status or sub-step line are at most this many line heights apart."""


def read_esp(
    reads: Sequence[ReadLine],
    phase_names: Sequence[str],
    statuses: Sequence[str],
    step_names: Sequence[str] = (),
) -> tuple[EspPhase, ...]:
    """Phases from read lines placed on the frame."""
    ordered = sorted(reads, key=lambda read: (read.box[1], read.box[0]))
    heads = [(read, name) for read in ordered if (name := phase_name(read.text, phase_names))]
    phases: list[EspPhase] = []
    for index, (head, name) in enumerate(heads):
        hx, hy, hw, hh = head.box
        end = heads[index + 1][0].box[1] if index + 1 < len(heads) else None
        column = [
            read
            for read in ordered
            if read.box[1] >= hy + 0.6 * hh
            and (end is None or read.box[1] < end - 0.3 * hh)
            and hx - 1.5 * hh <= read.box[0] <= hx + _COLUMN_REACH * hw
            and any(char.isalnum() for char in _DETAILS_LINK.sub("", read.text))  # not debris
        ]
        if end is None:
            column = _until_gap(column, hh)
        column = [_whole_row(read, ordered) for read in column]
        # The status is the line right under the name; a line further down that is no sub-step
        # (an overlay, debris) is not the phase's status.
        if column and column[0].box[1] - (hy + hh) > 2.5 * hh:
            column = [_NO_STATUS, *column]
        phases.append(parse_phase(name, [read.text for read in column], statuses, step_names))
    return tuple(phases)


_NO_STATUS = ReadLine(TextLine((0, 0, 1, 1), 1.0, 0, "light"), "\u2205", 0.0)
"""Stands for a status line that is not there (parsed as the empty status)."""


def parse_esp(
    lines: Sequence[str],
    phase_names: Sequence[str],
    statuses: Sequence[str],
    step_names: Sequence[str] = (),
) -> tuple[EspPhase, ...]:
    """Phases from lines already in reading order (name, status, sub-steps, next name...)."""
    groups: list[tuple[str, list[str]]] = []
    for line in lines:
        name = phase_name(line, phase_names)
        if name is not None:
            groups.append((name, []))
        elif groups:
            groups[-1][1].append(line)
    return tuple(parse_phase(name, body, statuses, step_names) for name, body in groups)


def phase_name(line: str, phase_names: Sequence[str]) -> str | None:
    """The phase ``line`` names: the whole line (without its details link) is about the name,
    since ``Device setup`` also begins sub-step texts."""
    text = _DETAILS_LINK.sub("", line).strip()
    for name in phase_names:
        score, _found = best_substring_match(name, text)
        if score >= _PHASE_SIMILARITY and len(compact(text)) <= len(compact(name)) + 4:
            return name
    for name in phase_names:
        # The name with its link on the same line, the link misread ("Show delat").
        score, rest = match_prefix(text, name)
        if score >= _PHASE_SIMILARITY and rest and _is_details_link(rest):
            return name
    if not any(bracket in text for bracket in "([{"):
        for name in phase_names:
            # The name read well between an icon's and a link's debris ("38 Account setup
            # or Orr's"): no sub-step, which would hold its state in brackets.
            score, _found = best_substring_match(name, text)
            if score >= _PHASE_CLEAR and len(compact(text)) <= 2 * len(compact(name)):
                return name
    return None


def _is_details_link(text: str) -> bool:
    return any(similarity(text, link) >= _LINK_SIMILARITY for link in _DETAILS_LINKS)


def parse_phase(
    name: str, lines: Sequence[str], statuses: Sequence[str], step_names: Sequence[str] = ()
) -> EspPhase:
    status: str | None = None
    steps: list[EspStep] = []
    pending: str | None = None  # a sub-step name whose bracketed state is on the next line
    for raw in lines:
        line = _without_debris(_DETAILS_LINK.sub("", raw).strip())
        if not line:
            continue
        match = _SUBSTEP.match(line)
        bracketed = match is not None and ("(" in line or "[" in line or "{" in line)
        if status is None and not bracketed:
            status = "" if line == "\u2205" else _status(line, statuses)
            continue
        if not bracketed:
            pending = line if pending is None else f"{pending} {line}"
            continue
        assert match is not None
        step = match.group("name").strip(" .,-|")
        if not step and pending:
            step = pending
        pending = None
        if not step:
            continue
        if step_names:
            step = snap(step, step_names, 0.75) or step
        state = _status(match.group("status"), statuses)
        codes = extract_codes(state)
        steps.append(EspStep(step, state, codes[0] if codes else None))
    shown = status or ""
    code = next((step.error_code for step in steps if step.error_code), None)
    if code is None:
        # A status or a sub-step whose brackets OCR lost still shows its code.
        codes = extract_codes("\n".join([shown, *lines]))
        code = codes[0] if codes else None
    return EspPhase(name, shown, tuple(steps), code)


def _without_debris(line: str) -> str:
    """``line`` without what an icon or an annotation's edge beside it reads as (``|``, ``¥``,
    ``[``): symbols before the first word, and an opening bracket there that nothing closes (a
    wrapped sub-step's state on its own line, ``(Previous step failed)``, keeps its bracket)."""
    stripped = _LEADING_SYMBOLS.sub("", line)
    if stripped[:1] in "([{" and not any(close in stripped for close in ")]}"):
        stripped = stripped[1:].lstrip()
    return stripped


def _whole_row(first: ReadLine, reads: Sequence[ReadLine]) -> ReadLine:
    """``first`` with the pieces that continue it on its row, a word space or two away: a line
    that detection split (an arrow's tip at its end, a blurred word) is read as one."""
    pieces = [first]
    while True:
        last = pieces[-1]
        x, _y, w, h = last.box
        nxt = min(
            (
                other
                for other in reads
                if other not in pieces
                and 0 <= other.box[0] - (x + w) <= _ROW_GAP * h
                and row_overlap(last.box, other.box) >= 0.5
            ),
            key=lambda other: other.box[0],
            default=None,
        )
        if nxt is None:
            break
        pieces.append(nxt)
    if len(pieces) == 1:
        return first
    line = replace(first.line, box=joined_box(read.box for read in pieces))
    text = " ".join(read.text for read in pieces)
    return ReadLine(line, text, min(read.confidence for read in pieces))


def _until_gap(column: list[ReadLine], line_height: int) -> list[ReadLine]:
    """The last phase's lines end at the first wide gap (text further down is something else)."""
    kept: list[ReadLine] = []
    for read in column:
        if kept and read.box[1] - (kept[-1].box[1] + kept[-1].box[3]) > 3 * line_height:
            break
        kept.append(read)
    return kept


def _status(text: str, statuses: Sequence[str]) -> str:
    """The status as shown, with OCR slips in the known words fixed; codes kept verbatim."""
    text = text.strip(" .,|")
    codes = extract_codes(text)
    if codes:
        head = _CODE_START.split(text)[0].strip(" :.,;")
        return f"{snap(head, statuses) or head}: {codes[0]}"
    if re.search(r"\d+\s*of\s*\d+", text):
        return re.sub(r"\s+", " ", text)
    best = max(statuses, key=lambda known: similarity(text, known), default=None)
    if best is not None and similarity(text, best) >= _STATUS_SIMILARITY:
        return best
    return text
