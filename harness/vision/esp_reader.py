"""The Enrollment Status Page from OCR lines: phases, their status, and expanded sub-steps.

Lines look like ``Device setup  Hide details``, ``Working on it...``,
``Apps (4 of 8 installed)``, ``Securing your hardware (Failed: 0x800705b4)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from harness.vision.error_codes import extract_codes
from harness.vision.fuzzy import best_substring_match, similarity
from harness.vision.labelled_values import snap
from harness.vision.observation import EspPhase, EspStep

_SUBSTEP = re.compile(r"^(?P<name>.*?)\s*[\(\[{](?P<status>[^\(\)\[\]{}]*)[\)\]}]?\s*$")
_DETAILS_LINK = re.compile(r"\s*(show|hide)\s+detai\w*\s*$", re.IGNORECASE)
_PHASE_SIMILARITY = 0.8


def parse_esp(
    lines: Sequence[str],
    phase_names: Sequence[str],
    statuses: Sequence[str],
    step_names: Sequence[str] = (),
) -> tuple[EspPhase, ...]:
    phases: list[dict] = []
    for raw in lines:
        line = _DETAILS_LINK.sub("", raw).strip()
        if not line:
            continue
        phase = _phase_name(line, phase_names)
        if phase is not None:
            phases.append({"name": phase, "status": None, "steps": []})
            continue
        if not phases:
            continue
        current = phases[-1]
        match = _SUBSTEP.match(line)
        if match and ("(" in line or "[" in line):
            name = match.group("name").strip(" .,-|") if match else line
            status = _status(match.group("status") if match else "", statuses)
            if step_names:
                name = snap(name, step_names, 0.75) or name
            codes = extract_codes(status)
            current["steps"].append(EspStep(name, status, codes[0] if codes else None))
            continue
        if current["status"] is None:
            current["status"] = _status(line, statuses)
    result = []
    for phase in phases:
        steps = tuple(phase["steps"])
        status = phase["status"] or ""
        code = next((step.error_code for step in steps if step.error_code), None)
        if code is None:
            codes = extract_codes(status)
            code = codes[0] if codes else None
        result.append(EspPhase(phase["name"], status, steps, code))
    return tuple(result)


def _phase_name(line: str, phase_names: Sequence[str]) -> str | None:
    for name in phase_names:
        score, _found = best_substring_match(name, line)
        # The whole line must be (about) the phase name: "Device setup" also starts sub-step text.
        if score >= _PHASE_SIMILARITY and len(line) <= len(name) + 6:
            return name
    return None


def _status(text: str, statuses: Sequence[str]) -> str:
    """The status as shown, with OCR slips in the known words fixed; codes kept verbatim."""
    text = text.strip(" .,|")
    codes = extract_codes(text)
    if codes:
        head = text.split(":")[0].strip()
        return f"{snap(head, statuses) or head}: {codes[0]}"
    if re.search(r"\d+\s+of\s+\d+", text):
        return re.sub(r"\s+", " ", text)
    best = max(statuses, key=lambda known: similarity(text, known), default=None)
    if best is not None and similarity(text, best) >= 0.75:
        return best
    return text
