"""Example ``View``s of every screen, for the renderer's tests and for ``harness sim render``
when the device model (``harness.sim.model.samples``) is not installed.

They follow the contract in ``harness/sim/view.py`` and the texts of the reference; the model
remains the source of truth for what a running simulated device shows.
"""

from __future__ import annotations

import json
from typing import Any

from harness.sim.view import SCREENS, View

ZTD_ID = "7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f"
QR_PAYLOAD = json.dumps(
    {
        "Version": "1.0.0",
        "Id": "0f6e2d8c-1a4b-4e9f-b3c7-5d2a9e8f1b6c",
        "ZtdId": ZTD_ID,
        "PKID": "",
        "SerialNumber": "",
        "SequenceBlockNumber": 1,
        "TotalBlocks": 1,
    },
    separators=(",", ":"),
)
ORGANIZATION = "Contoso Ltd"
PROFILE = "Autopilot Pre-provisioning"
USER = "Not assigned"

_TILES = {
    10: "Windows Autopilot provisioning",
    11: "Pre-provision with Windows Autopilot",
}


def _tiles(windows: int) -> list[dict[str, str]]:
    return [
        {
            "title": "Install provisioning package",
            "description": "Install a provisioning package for work or school",
        },
        {
            "title": _TILES[windows],
            "description": "Pre-provision the device with settings and apps",
        },
        {"title": "Reset device", "description": "Reset the device but keep any user accounts"},
    ]


def _esp_phases(scenario: str) -> list[dict[str, Any]]:
    failed = scenario != "success"
    preparation = [
        {
            "name": "Securing your hardware",
            "status": "Failed: 0x800705b4" if failed else "Complete",
        },
        {
            "name": "Joining your organization's network",
            "status": "Previous step failed" if failed else "Complete",
        },
        {
            "name": "Registering your device for mobile management",
            "status": "Previous step failed" if failed else "Complete",
        },
        {
            "name": "Preparing your device for mobile management",
            "status": "Previous step failed" if failed else "Complete",
        },
    ]
    setup = [
        {"name": "Security policies", "status": "1 of 1 applied"},
        {"name": "Certificates", "status": "No setup needed"},
        {"name": "Network connections", "status": "No setup needed"},
        {"name": "Apps", "status": "4 of 8 installed"},
    ]
    return [
        {
            "name": "Device preparation",
            "status": "Failed" if failed else "Complete",
            "expanded": failed,
            "substeps": preparation,
        },
        {
            "name": "Device setup",
            "status": "Previous step failed" if failed else "Working on it...",
            "expanded": not failed,
            "substeps": setup,
        },
        {
            "name": "Account setup",
            "status": "Waiting for previous step to finish",
            "expanded": False,
            "substeps": [],
        },
    ]


def _diagnostics() -> list[dict[str, Any]]:
    return [
        {
            "name": "Network Connectivity",
            "rows": [
                {"label": "Establish Internet Connection", "state": "ok", "detail": "Connected"},
                {"label": "Proxy Configuration", "state": "ok", "detail": "No proxy"},
            ],
        },
        {
            "name": "Autopilot Settings",
            "rows": [
                {"label": "Autopilot Profile", "state": "ok", "detail": PROFILE},
                {"label": "Skipped TPM Attestation", "state": "warning", "detail": "0x800705b4"},
            ],
        },
        {
            "name": "Enrollment Status",
            "rows": [
                {"label": "Device Preparation", "state": "failed", "detail": "Failed: 0x800705b4"},
                {
                    "label": "Device-Targeted Apps Installation",
                    "state": "working",
                    "detail": "0 of 8 installed",
                },
            ],
        },
    ]


def example_data(screen: str, windows: int = 10, scenario: str = "success") -> dict[str, Any]:
    """The ``View.data`` of ``screen`` as the reference describes it."""
    w11 = windows == 11
    result = {
        "title": "Pre-provision with Windows Autopilot"
        if w11
        else "Windows Autopilot Configuration",
        "organization": ORGANIZATION,
        "profile": PROFILE,
        "user": USER,
        "elapsed": "0 h 9 min",
        "qr_payload": None if w11 else QR_PAYLOAD,
    }
    pages: dict[str, dict[str, Any]] = {
        "off": {},
        "black": {},
        "firmware": {},
        "oobe-region": {
            "title": "Is this the right country or region?"
            if w11
            else "Let's start with region. Is this right?",
            "items": [
                "United Arab Emirates",
                "United Kingdom",
                "United States",
                "Uruguay",
                "Uzbekistan",
                "Vanuatu",
            ],
            "selected": 2,
            "buttons": ["Yes"],
        },
        "oobe-keyboard": {
            "title": "Is this the right keyboard layout or input method?"
            if w11
            else "Is this the right keyboard layout?",
            "subtitle": "If you also use another keyboard layout, you can add that next.",
            "items": [
                "US",
                "Canadian Multilingual Standard",
                "English (India)",
                "Irish",
                "United Kingdom",
            ],
            "selected": 0,
            "buttons": ["Yes"],
        },
        "oobe-network": {
            "title": "Let's connect you to a network",
            "subtitle": "You'll need an internet connection to continue setting up your device.",
            "items": ["Ethernet - Connected"],
            "selected": 0,
            "buttons": ["Next"],
        },
        "oobe-signin": {
            "title": "Let's set things up for your work or school"
            if w11
            else "Sign in with Microsoft",
            "subtitle": "Work or school account",
            "buttons": ["Next"],
        },
        "options": {
            "title": "What would you like to do?",
            "tiles": _tiles(windows),
            "selected": 0,
            "buttons": ["Next"] if w11 else ["Continue"],
            "focus": "tiles",
        },
        "configuration": {
            **{key: result[key] for key in ("organization", "profile", "user")},
            "title": "Pre-provision with Windows Autopilot"
            if w11
            else "Windows Autopilot Configuration",
            "qr_payload": QR_PAYLOAD,
            "buttons": ["Refresh", "Next"] if w11 else ["Refresh", "Provision"],
            "focus": "Next" if w11 else "Provision",
        },
        "esp": {
            "title": "Setting up your device for work",
            "subtitle": (
                "This will take a few minutes. Your device might need to restart as we complete "
                "the setup."
                if w11
                else "This could take a while and your device may need to reboot."
            ),
            "phases": _esp_phases(scenario),
        },
        "success": {
            **result,
            "message": (
                "Print welcome letter and shipping label, then click Reseal to reseal the device."
            ),
            "buttons": ["Reseal"],
            "focus": "Reseal",
            "links": [],
        },
        "failure": {
            **result,
            "message": (
                "For more details, select View diagnostics. "
                "To factory reset this device and start over, select Reset."
            ),
            "buttons": ["Retry", "Reset"],
            "focus": "Retry",
            "links": [] if w11 else ["View diagnostics"],
        },
        "diagnostics": {
            "title": "Windows Autopilot diagnostics",
            "sections": _diagnostics(),
            "buttons": ["Close", "Export logs"],
        },
        "something-went-wrong": {
            "title": "Something went wrong",
            "message": "Looks like we've run into a problem. You can try again, or skip for now.",
            "code": "OOBEZDP",
            "buttons": ["Try again", "Skip"],
        },
    }
    return pages[screen]


def example_view(screen: str, windows: int = 10, scenario: str = "success") -> View:
    if screen not in SCREENS:
        raise KeyError(screen)
    return View(screen=screen, windows=windows, data=example_data(screen, windows, scenario))
