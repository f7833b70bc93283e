"""Random first OOBE pages and black screens for the randomized corpus.

Any OOBE page that is not a screen of the flow counts as a first OOBE screen (reference section
1 step 2), so the corpus shows the ones the reference names, in the page templates of the
renderer: region, keyboard and network lists, the sign-in, the self-deploying welcome, Windows
Hello, privacy, license. Apostrophes are straight or curly, as builds differ. Stdlib only.
"""

from __future__ import annotations

import random
from typing import Any

REGIONS = (
    "United Arab Emirates",
    "United Kingdom",
    "United States",
    "Uruguay",
    "Uzbekistan",
    "Vanuatu",
)
KEYBOARDS = ("US", "Canadian Multilingual Standard", "English (India)", "Irish", "United Kingdom")


def _pages(windows: int, organization: str) -> list[tuple[str, dict[str, Any]]]:
    """The pages of both versions, then those seen on one version only (reference section 1
    step 2 and section 5; the calibration set)."""
    w11 = windows == 11
    both = [
        (
            "oobe-region",
            {
                "title": "Is this the right country or region?"
                if w11
                else "Let's start with region. Is this right?",
                "items": list(REGIONS),
                "selected": 2,
                "buttons": ["Yes"],
            },
        ),
        (
            "oobe-keyboard",
            {
                "title": "Is this the right keyboard layout or input method?"
                if w11
                else "Is this the right keyboard layout?",
                "subtitle": "If you also use another keyboard layout, you can add that next.",
                "items": list(KEYBOARDS),
                "selected": 0,
                "buttons": ["Yes"],
            },
        ),
        (
            "oobe-network",
            {
                "title": "Let's connect you to a network",
                "subtitle": "You'll need an internet connection to continue setting up your "
                "device.",
                "items": ["Ethernet - Connected"],
                "selected": 0,
                "buttons": ["Next"],
            },
        ),
        (
            "oobe-signin",
            {
                "title": "Let's set things up for your work or school"
                if w11
                else f"Welcome to {organization}",
                "subtitle": "Work or school account",
                "buttons": ["Next"],
            },
        ),
    ]
    windows_10 = [
        (
            "oobe-network",
            {
                "title": f"Welcome to {organization}! We'll take it from here.",
                "subtitle": "Getting you set up for work may take a while, but leave everything "
                "to us. Please don't turn off this device.",
                "buttons": ["Next"],
            },
        ),
        (
            "oobe-network",
            {
                "title": "Your organization requires Windows Hello",
                "subtitle": "Windows Hello is a more secure way to sign in to your device.",
                "buttons": ["Set up PIN"],
            },
        ),
    ]
    windows_11 = [
        (
            "oobe-keyboard",
            {
                "title": "Want to add a second keyboard layout?",
                "buttons": ["Add layout", "Skip"],
            },
        ),
        (
            "oobe-network",
            {
                "title": "Choose privacy settings for your device",
                "subtitle": "Microsoft puts you in control of your privacy.",
                "buttons": ["Accept"],
            },
        ),
        (
            "oobe-network",
            {
                "title": "Please review the License Agreement",
                "buttons": ["Decline", "Accept"],
            },
        ),
    ]
    return both + (windows_11 if w11 else windows_10)


def oobe_page(rng: random.Random, windows: int, organization: str) -> tuple[str, dict[str, Any]]:
    """(screen, data) of a random first OOBE page."""
    screen, data = rng.choice(_pages(windows, organization))
    if rng.random() < 0.4:
        data = {**data, "title": data["title"].replace("'", "\u2019")}
    return screen, data


def black_screen(rng: random.Random) -> str:
    """``off``, ``black`` or the ``firmware`` logo: vision calls them all black."""
    return rng.choice(("off", "black", "firmware"))
