"""The "Windows Autopilot diagnostics" page (Ctrl+Shift+D, or View diagnostics on Windows 10 red).

Sections follow the Windows 11 page seen on a real device; the failing row carries the error code
in its detail, which is where the harness reads it (the red screen itself shows none).
"""

from __future__ import annotations

from typing import Any

from harness.sim.model import texts as t
from harness.sim.model.esp import EspTimeline
from harness.sim.model.scenario import Scenario


def diagnostics_data(scenario: Scenario, timeline: EspTimeline, focus: str) -> dict[str, Any]:
    words = t.texts(scenario.windows)
    tpm_failed = timeline.failure is not None and timeline.steps[timeline.failure.step].name == (
        t.SECURING_HARDWARE
    )
    settings_rows = [
        _row("Profile Downloaded", "ok", scenario.profile or words["result_labels"]["no_profile"]),
        _row("Tenant", "ok", scenario.organization or words["result_labels"]["no_organization"]),
        _row("ZtdId", "ok", scenario.ztd_id),
        _row(
            "TPM Attestation",
            "failed" if tpm_failed else "ok",
            f"{t.FAILED}: {timeline.failure.code}"
            if tpm_failed and timeline.failure
            else t.COMPLETE,
        ),
    ]
    enrollment_rows = [_row(name, _state(status), status) for name, status in timeline.final_rows()]
    return {
        "title": words["diagnostics_title"],
        "sections": [
            {
                "name": "Network Connectivity",
                "rows": [_row("Establish Internet Connection", "ok", "Connected")],
            },
            {"name": "Autopilot Settings", "rows": settings_rows},
            {"name": "Enrollment Status", "rows": enrollment_rows},
        ],
        "buttons": list(words["diagnostics_buttons"]),
        "focus": focus,
    }


def _row(label: str, state: str, detail: str) -> dict[str, str]:
    return {"label": label, "state": state, "detail": detail}


def _state(status: str) -> str:
    if status.startswith(t.FAILED):
        return "failed"
    if status == t.PREVIOUS_FAILED:
        return "warning"
    if status in (t.COMPLETE, t.NO_SETUP_NEEDED) or _all_counted(status):
        return "ok"
    return "working"


def _all_counted(status: str) -> bool:
    """``8 of 8 installed`` is done; ``4 of 8 installed`` is still working."""
    parts = status.split()
    return len(parts) >= 3 and parts[1] == "of" and parts[0] == parts[2]
