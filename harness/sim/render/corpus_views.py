"""Random ``View``s of every screen state, with texts the reference documents.

The values vary (tenant names, profiles, users, elapsed times, ZtdIds, which tile is selected,
which ESP phase runs or fails with which code, which details are expanded); the wording of the
screens is the reference's (/work/shared/reference/autopilot-flow.md). Stdlib only.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

from harness.sim.render.corpus_oobe import black_screen, oobe_page
from harness.sim.view import View

ORGANIZATIONS = (
    "Contoso Ltd",
    "Fabrikam, Inc.",
    "Northwind Traders",
    "Woodgrove Bank",
    "Tailspin Toys",
    "Adatum Corporation",
    "Litware Inc",
    "Alpine Ski House",
)
PROFILES = (
    "Autopilot Pre-provisioning",
    "AP-Profile-Kiosk",
    "User Driven - Hybrid Join",
    "Corporate Laptops",
    "Default profile",
    "WE-Pre-Provisioned",
)
USERS = ("Not assigned", "adele.vance@{domain}", "j.smith@{domain}", "megan.b@{domain}")
NOTHING_FOUND = {
    "organization": "No organization found",
    "profile": "No profile found",
    "user": "Not assigned",
}
# Reference section 3: codes as they appear on the ESP, with the sub-step they fail at.
FAILURES = (
    ("0x800705b4", 0),
    ("0x81039001", 0),
    ("0x81039023", 0),
    ("0x81039024", 0),
    ("0x80070490", 0),
    ("0x801c03ea", 0),
    ("0x80180014", 2),
    ("0xc1036501", 2),
)
PREPARATION = (
    "Securing your hardware",
    "Joining your organization's network",
    "Registering your device for mobile management",
    "Preparing your device for mobile management",
)
SETUP = ("Security policies", "Certificates", "Network connections", "Apps")
SUBTITLES = (
    "This could take a while and your device may need to reboot.",
    "This will take a few minutes. Your device might need to restart as we complete the setup.",
)
SUCCESS_MESSAGE = "Print welcome letter and shipping label, then click Reseal to reseal the device."
FAILURE_MESSAGE = (
    "For more details, select View diagnostics. "
    "To factory reset this device and start over, select Reset."
)
TILES = {10: "Windows Autopilot provisioning", 11: "Pre-provision with Windows Autopilot"}
RESULT_TITLES = {10: "Windows Autopilot Configuration", 11: "Pre-provision with Windows Autopilot"}


def _domain(organization: str) -> str:
    return organization.split()[0].strip(",.").lower() + ".com"


def qr_payload(rng: random.Random, ztd_id: str) -> str:
    """The QR JSON (reference section 4), rarely in the early wrapped form."""
    block = {
        "Version": "1.0.0",
        "Id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "ZtdId": ztd_id,
        "PKID": "",
        "SerialNumber": "",
        "SequenceBlockNumber": 1,
        "TotalBlocks": 1,
    }
    if rng.random() < 0.1:
        return "Data to encode" + json.dumps({"BlockSequence": block}, separators=(",", ":"))
    return json.dumps(block, separators=(",", ":"))


def _details(rng: random.Random, windows: int, result: bool) -> dict[str, Any]:
    organization = rng.choice(ORGANIZATIONS)
    data: dict[str, Any] = {
        "title": RESULT_TITLES[windows],
        "organization": organization,
        "profile": rng.choice(PROFILES),
        "user": rng.choice(USERS).format(domain=_domain(organization)),
    }
    if rng.random() < 0.12:
        data.update(NOTHING_FOUND)
    if not result and rng.random() < 0.25:
        data["user"] = None  # the assigned user may be missing even when assigned
    if result:
        data["elapsed"] = f"{rng.choice((0, 0, 0, 1, 2))} h {rng.randint(1, 59)} min"
    ztd_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    data["qr_payload"] = None if (result and windows == 11) else qr_payload(rng, ztd_id)
    return data


def configuration(rng: random.Random, windows: int) -> dict[str, Any]:
    data = _details(rng, windows, result=False)
    if windows == 10:
        data.update(buttons=["Refresh", "Provision"], focus="Provision")
    else:
        buttons = rng.choice((["Refresh", "Next"], ["Next"]))  # Refresh is UNCONFIRMED
        data.update(buttons=buttons, focus="Next")
    return data


def result(rng: random.Random, windows: int, green: bool) -> dict[str, Any]:
    data = _details(rng, windows, result=True)
    if green:
        data.update(message=SUCCESS_MESSAGE, buttons=["Reseal"], focus="Reseal", links=[])
    else:
        links = ["View diagnostics"] if windows == 10 else []
        data.update(message=FAILURE_MESSAGE, buttons=["Retry", "Reset"], focus="Retry", links=links)
    return data


def options(rng: random.Random, windows: int) -> dict[str, Any]:
    tiles = [
        {
            "title": "Install provisioning package",
            "description": "Install a provisioning package for work or school",
        },
        {"title": TILES[windows], "description": "Pre-provision the device with settings and apps"},
        {"title": "Reset device", "description": "Reset the device but keep any user accounts"},
    ]
    button = "Next" if windows == 11 else "Continue"
    return {
        "title": "What would you like to do?",
        "tiles": tiles,
        "selected": rng.randrange(3),
        "buttons": [button],
        "focus": rng.choice(("tiles", "tiles", button)),
    }


def _phase(name: str, status: str, steps: list[tuple[str, str]], expanded: bool) -> dict:
    substeps = [{"name": step, "status": state} for step, state in steps]
    return {"name": name, "status": status, "expanded": expanded, "substeps": substeps}


def esp(rng: random.Random, windows: int) -> dict[str, Any]:
    """One moment of the ESP: preparing, setting up, done, or failed with a documented code."""
    moment = rng.choice(("preparing", "setting-up", "setting-up", "done", "failed", "failed"))
    prep: list[tuple[str, str]]
    if moment == "preparing":
        running = rng.randrange(len(PREPARATION))
        prep = [
            (
                step,
                "Complete"
                if i < running
                else "Working on it..."
                if i == running
                else "Waiting for previous step to finish",
            )
            for i, step in enumerate(PREPARATION)
        ]
        prep_status = rng.choice(("Working on it...", "Identifying"))
        setup_status = "Waiting for previous step to finish"
    elif moment == "failed":
        code, at = rng.choice(FAILURES)
        prep = [
            (
                step,
                "Complete" if i < at else f"Failed: {code}" if i == at else "Previous step failed",
            )
            for i, step in enumerate(PREPARATION)
        ]
        prep_status, setup_status = "Failed", "Previous step failed"
    else:
        prep = [(step, "Complete") for step in PREPARATION]
        prep_status = "Complete"
        setup_status = "Complete" if moment == "done" else "Working on it..."
    installed = rng.randint(0, 8) if moment == "setting-up" else 8
    setup = [
        ("Security policies", "1 of 1 applied" if moment != "preparing" else "Identifying"),
        ("Certificates", "No setup needed"),
        ("Network connections", "No setup needed"),
        ("Apps", f"{installed} of 8 installed"),
    ]
    account = rng.choice(("Identifying", "Waiting for previous step to finish"))
    if moment == "failed":
        account = "Previous step failed"
    expand_prep = rng.random() < (0.8 if moment in ("failed", "preparing") else 0.3)
    expand_setup = not expand_prep and rng.random() < 0.6
    subtitle = rng.choice(SUBTITLES)
    return {
        "title": "Setting up your device for work",
        "subtitle": subtitle,
        "phases": [
            _phase("Device preparation", prep_status, prep, expand_prep),
            _phase("Device setup", setup_status, setup, expand_setup),
            _phase("Account setup", account, [], False),
        ],
    }


def diagnostics(rng: random.Random, windows: int) -> dict[str, Any]:
    code = rng.choice(FAILURES)[0]
    apps = rng.randint(0, 8)
    return {
        "title": "Windows Autopilot diagnostics",
        "sections": [
            {
                "name": "Network Connectivity",
                "rows": [
                    {
                        "label": "Establish Internet Connection",
                        "state": "ok",
                        "detail": "Connected",
                    },
                    {"label": "Proxy Configuration", "state": "ok", "detail": "No proxy"},
                ],
            },
            {
                "name": "Autopilot Settings",
                "rows": [
                    {"label": "Autopilot Profile", "state": "ok", "detail": rng.choice(PROFILES)},
                    {"label": "Skipped TPM Attestation", "state": "warning", "detail": code},
                ],
            },
            {
                "name": "Enrollment Status",
                "rows": [
                    {"label": "Device Preparation", "state": "failed", "detail": f"Failed: {code}"},
                    {
                        "label": "Device-Targeted Apps Installation",
                        "state": "working",
                        "detail": f"{apps} of 8 installed",
                    },
                ],
            },
        ],
        "buttons": ["Close", "Export logs"],
    }


def went_wrong(rng: random.Random, windows: int) -> dict[str, Any]:
    return {
        "title": "Something went wrong",
        "message": rng.choice(
            (
                "Looks like we've run into a problem. You can try again, or skip for now.",
                "Oops, something went wrong. You can try again, or skip for now.",
            )
        ),
        "code": rng.choice(("OOBEZDP", "OOBEAADV10", "OOBESETTINGS", "OOBEKEYBOARD")),
        "buttons": ["Try again", "Skip"],
    }


def make_view(rng: random.Random, state: str, windows: int) -> View:
    """A random View of ``state`` (a vision state) on Windows ``windows``."""
    if state == "black":
        return View(screen=black_screen(rng), windows=windows)
    if state == "oobe":
        screen, data = oobe_page(rng, windows, rng.choice(ORGANIZATIONS))
        return View(screen=screen, windows=windows, data=data)
    makers = {
        "options": options,
        "configuration": configuration,
        "esp": esp,
        "diagnostics": diagnostics,
        "something-went-wrong": went_wrong,
    }
    if state in ("success", "failure"):
        data = result(rng, windows, green=state == "success")
    else:
        data = makers[state](rng, windows)
    screen = "something-went-wrong" if state == "something-went-wrong" else state
    return View(screen=screen, windows=windows, data=data)
