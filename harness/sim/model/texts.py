"""Every text the simulated screens show, per Windows version (en-US).

Texts marked UNCONFIRMED in reference/autopilot-flow.md are best guesses; they live here, as data,
so that a corrected wording is a one-line change. Python rather than YAML because the stand-in
guest has no YAML parser.
"""

from __future__ import annotations

from typing import Any

REGIONS = [
    "United Arab Emirates",
    "United Kingdom",
    "United States",
    "United States Minor Outlying Islands",
    "Uruguay",
    "Uzbekistan",
]
KEYBOARDS = [
    "US",
    "Canadian Multilingual Standard",
    "English (India)",
    "Irish",
    "Scottish Gaelic",
    "United Kingdom",
    "United States-Dvorak",
]

ESP_DEVICE_PREPARATION = "Device preparation"
ESP_DEVICE_SETUP = "Device setup"
ESP_ACCOUNT_SETUP = "Account setup"
SECURING_HARDWARE = "Securing your hardware"
JOINING_NETWORK = "Joining your organization's network"
REGISTERING_MDM = "Registering your device for mobile management"
PREPARING_MDM = "Preparing your device for mobile management"
SECURITY_POLICIES = "Security policies"
CERTIFICATES = "Certificates"
NETWORK_CONNECTIONS = "Network connections"
APPS = "Apps"

COMPLETE = "Complete"
WORKING = "Working on it..."
IDENTIFYING = "Identifying"
WAITING = "Waiting for previous step to finish"
FAILED = "Failed"
NO_SETUP_NEEDED = "No setup needed"
PREVIOUS_FAILED = "Previous step failed"

_COMMON: dict[str, Any] = {
    "oobe-region": {"items": REGIONS, "selected": 2, "buttons": ["Yes"]},
    "oobe-keyboard": {
        "subtitle": "If you also use another keyboard layout, you can add that next.",
        "items": KEYBOARDS,
        "selected": 0,
        "buttons": ["Yes"],
    },
    "oobe-network": {
        "subtitle": "You'll need an internet connection to continue setting up your device.",
        "buttons": ["Next"],
    },
    "oobe-signin": {"buttons": ["Next"]},
    "options_title": "What would you like to do?",
    "esp_title": "Setting up your device for work",
    "esp_timeout_message": (
        "Setup could not be completed in the time allotted by your organization. "
        "Please try again or contact your support person for help."
    ),
    "result_labels": {
        "no_organization": "No organization found",
        "no_profile": "No profile found",
        "no_user": "Not assigned",
    },
    "success_message": (
        "Print welcome letter and shipping label, then click Reseal to reseal the device."
    ),
    "failure_message": (
        "For more details, select View diagnostics. "
        "To factory reset this device and start over, select Reset."
    ),
    "diagnostics_title": "Windows Autopilot diagnostics",
    "diagnostics_buttons": ["Close", "Export logs"],
    "something_went_wrong_title": "Something went wrong",
    "something_went_wrong_message": (
        "Looks like we've run into a problem. You can try again, or skip for now."
    ),
    "no_package_message": (
        "We couldn't find a provisioning package on any attached media. "
        "Insert removable media with a provisioning package and try again."
    ),
    "something_went_wrong_buttons": ["Try again", "Skip"],
}

TEXTS: dict[int, dict[str, Any]] = {
    10: {
        **_COMMON,
        "page_titles": {
            "oobe-region": "Let's start with region. Is this right?",
            "oobe-keyboard": "Is this the right keyboard layout?",
            "oobe-network": "Let's connect you to a network",
            "oobe-signin": "Sign in with Microsoft",  # UNCONFIRMED
        },
        "signin_subtitle": "Work or school account",
        "tiles": [
            {
                "title": "Install provisioning package",
                "description": "Install a provisioning package for work or school",
            },
            {
                "title": "Windows Autopilot provisioning",
                "description": "Pre-provision the device with settings and apps",
            },
            {"title": "Reset device", "description": "Reset the device but keep any user accounts"},
        ],
        "options_buttons": ["Continue"],  # UNCONFIRMED
        "configuration_title": "Windows Autopilot Configuration",
        "configuration_buttons": ["Refresh", "Provision"],
        "esp_subtitle": "This could take a while and your device may need to reboot.",
        "result_title": "Windows Autopilot Configuration",
        "result_qr": True,
        "failure_links": ["View diagnostics"],
    },
    11: {
        **_COMMON,
        "page_titles": {
            "oobe-region": "Is this the right country or region?",
            "oobe-keyboard": "Is this the right keyboard layout or input method?",
            "oobe-network": "Let's connect you to a network",
            "oobe-signin": "Let's set things up for your work or school",
        },
        "signin_subtitle": "You'll use this info to sign in to your devices.",
        "tiles": [
            {
                "title": "Install provisioning package",
                "description": "Install a provisioning package for work or school",
            },
            {
                "title": "Pre-provision with Windows Autopilot",
                "description": "Pre-provision the device with settings and apps",
            },
            {"title": "Reset device", "description": "Reset the device but keep any user accounts"},
        ],
        "options_buttons": ["Next"],  # UNCONFIRMED
        "configuration_title": "Pre-provision with Windows Autopilot",
        "configuration_buttons": ["Refresh", "Next"],  # UNCONFIRMED: Refresh on Windows 11
        "esp_subtitle": (
            "This will take a few minutes. Your device might need to restart as we complete "
            "the setup."
        ),
        "result_title": "Pre-provision with Windows Autopilot",  # UNCONFIRMED
        "result_qr": False,
        "failure_links": [],
    },
}

OOBE_PAGES = ("oobe-region", "oobe-keyboard", "oobe-network", "oobe-signin")
"""The first OOBE pages in the order Enter walks through them."""

PROVISIONING_TILE = 1
"""Index of the Autopilot tile on the options dialog (0 is the provisioning package, 2 reset)."""


def texts(windows: int) -> dict[str, Any]:
    try:
        return TEXTS[windows]
    except KeyError:
        raise ValueError(f"windows must be one of {sorted(TEXTS)}: {windows}") from None
