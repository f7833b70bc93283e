"""Named scenarios of the simulated device: every parameter in one frozen dataclass.

Durations are SIMULATED seconds (the device's own time, compressed by the time scale), except
``windows_key_gap_s``, which is real seconds because it models the pace of the person pressing.

``scenario("tpm-attestation-failure", {"tpm_s": 5})`` returns the named scenario with overrides;
an unknown override key raises ValueError naming it and the valid keys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.sim.model import texts as t
from harness.sim.view import SCREENS

DEFAULT_ZTD_ID = "6f1c2a9e-4b7d-4c3e-9a51-2d8e0b7f3c64"
DEFAULT_CONFIGURATION_ID = "0b5e7d21-93a4-4f6c-8e2b-71c9d4a0f5e3"
DEFAULT_RESULT_ID = "d24c8f60-1a7e-4b39-b5d2-6e0f93c8a147"

PREPARATION_STEPS = (t.SECURING_HARDWARE, t.JOINING_NETWORK, t.REGISTERING_MDM, t.PREPARING_MDM)
SETUP_STEPS = (t.SECURITY_POLICIES, t.CERTIFICATES, t.NETWORK_CONNECTIONS, t.APPS)
FIRST_PAGES = t.OOBE_PAGES
CAPTURE_FAULTS = ("stall", "cut")


@dataclass(frozen=True)
class Scenario:
    name: str = "success"
    description: str = "Everything works: green result, Reseal powers the device off."
    # Device identity and what the configuration / result screens show.
    windows: int = 10
    first_page: str = "oobe-region"
    organization: str | None = "Contoso"
    profile: str | None = "Autopilot Pre-provisioning"
    profile_after_refresh: str | None = None
    """Profile shown after Refresh on the configuration screen (None: unchanged)."""
    user: str | None = "adele.vance@contoso.com"
    ztd_id: str = DEFAULT_ZTD_ID
    configuration_id: str = DEFAULT_CONFIGURATION_ID
    """The ``Id`` in the configuration screen's QR code (the result screen's differs)."""
    result_id: str = DEFAULT_RESULT_ID
    # Power and boot.
    boot_s: float = 20.0
    """Firmware logo after power-on or a reboot, until the next Windows screen."""
    reboot_black_s: float = 3.0
    """Black screen at the start of a reboot."""
    shutdown_s: float = 5.0
    """Black screen between Reseal and power-off (or the reboot, see reseal_powers_off)."""
    reseal_powers_off: bool = True
    # The Windows-key series.
    windows_key_presses: int = 5
    windows_key_gap_s: float = 1.5
    """Largest REAL-time gap between two presses of one series; a slower press starts over."""
    # ESP durations (device preparation, then device setup).
    tpm_s: float = 60.0
    join_s: float = 30.0
    register_s: float = 30.0
    prepare_s: float = 60.0
    identify_s: float = 20.0
    policy_count: int = 1
    policy_s: float = 40.0
    app_count: int = 8
    app_s: float = 40.0
    result_delay_s: float = 10.0
    """How long the completed ESP stays on screen before the green result."""
    failure_delay_s: float = 180.0
    """How long the failed ESP (with its code) stays on screen before the red result: long
    enough for a harness to read the code there, since the red screen shows none."""
    esp_timeout_s: float = 3600.0
    esp_timeout_code: str = "0x800705b4"
    esp_timeout_message: str | None = None
    """Tenant-configurable timeout text shown as the ESP subtitle (None: the built-in text)."""
    # Failures.
    failure_step: str | None = None
    """ESP sub-step that fails at its end (``Securing your hardware``...)."""
    failure_code: str | None = None
    stuck_app: int | None = None
    """1-based app that never finishes installing (leads to the ESP timeout)."""
    reboot_after_setup_s: float | None = None
    """Reboot this long after Device setup starts (None: no reboot during the ESP)."""
    update_error_code: str | None = None
    """Show "Something went wrong" with this code after Continue on the options dialog."""
    update_error_count: int = 1
    """How many times that error is shown before the options dialog works."""
    # Rig-side troubles.
    drop_fraction: float = 0.0
    seed: int = 0
    freeze_on: str | None = None
    """Screen on which the display freezes (View.frozen) until the next power-off."""
    freeze_after_s: float = 60.0
    capture_fault: str | None = None
    """What the capture in front of the device does after Provision: ``stall`` (it repeats its
    last frame, timestamp and all: no new frames) or ``cut`` (no frame at all, as a pulled HDMI
    cable; the capture reconnects when the picture comes back)."""
    capture_fault_after_s: float = 60.0
    """Simulated seconds after Provision when the capture fault starts."""
    capture_fault_for_s: float | None = None
    """How long the capture fault lasts (None: until the end of the run)."""
    power_readable: bool = True
    """False: the power control can switch the device but not read its state (manual power,
    a relay without a state command); the harness must judge power-off from the screen."""
    lost_first_press_on: str | None = None
    """Screen on which the first key press is lost (``success``: the first Reseal press)."""
    expected: Mapping[str, Any] = field(default_factory=dict)
    """What the device SHOULD show where it differs from what it shows (see ``expectation``)."""

    def __post_init__(self) -> None:
        t.texts(self.windows)  # validates the version
        if self.first_page not in FIRST_PAGES:
            raise ValueError(f"first_page must be one of {list(FIRST_PAGES)}: {self.first_page}")
        known_steps = PREPARATION_STEPS + SETUP_STEPS
        if self.failure_step is not None and self.failure_step not in known_steps:
            raise ValueError(
                f"failure_step must be one of {list(known_steps)}: {self.failure_step}"
            )
        if self.stuck_app is not None and not 1 <= self.stuck_app <= self.app_count:
            raise ValueError(f"stuck_app must be in 1..{self.app_count}: {self.stuck_app}")
        if not 0.0 <= self.drop_fraction < 1.0:
            raise ValueError(f"drop_fraction must be in [0, 1): {self.drop_fraction}")
        if self.freeze_on is not None and self.freeze_on not in SCREENS:
            raise ValueError(f"freeze_on must be one of {list(SCREENS)}: {self.freeze_on}")
        if self.capture_fault not in (None, *CAPTURE_FAULTS):
            raise ValueError(
                f"capture_fault must be one of {list(CAPTURE_FAULTS)}: {self.capture_fault}"
            )
        if self.lost_first_press_on is not None and self.lost_first_press_on not in SCREENS:
            raise ValueError(
                f"lost_first_press_on must be one of {list(SCREENS)}: {self.lost_first_press_on}"
            )
        if self.windows_key_presses < 1:
            raise ValueError(f"windows_key_presses must be at least 1: {self.windows_key_presses}")

    @property
    def fails(self) -> bool:
        return self.failure_step is not None or self.stuck_app is not None

    @property
    def expectation(self) -> dict[str, Any]:
        """What a correct device shows in this scenario: result, details, code and category."""
        outcome: dict[str, Any] = {
            "result": "failure" if self.fails else "success",
            "organization": self.organization,
            "profile": self.profile_after_refresh or self.profile,
            "user": self.user,
            "ztd_id": self.ztd_id,
            "error_code": None,
            "failed_step": None,
            "category": None,
            "powers_off": self.reseal_powers_off,
        }
        if self.stuck_app is not None:
            outcome.update(
                error_code=self.esp_timeout_code, failed_step=t.APPS, category="esp-timeout"
            )
        elif self.failure_step is not None:
            outcome.update(
                error_code=self.failure_code,
                failed_step=self.failure_step,
                category=_category(self.failure_step, self.failure_code),
            )
        outcome.update(self.expected)
        return outcome


def _category(step: str, code: str | None) -> str:
    if step == t.SECURING_HARDWARE:
        return "tpm-attestation"
    if step in (t.REGISTERING_MDM, t.PREPARING_MDM):
        return "enrollment"
    if step == t.JOINING_NETWORK:
        return "network"
    return "unknown"


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(),
        Scenario(
            name="tpm-attestation-failure",
            description="TPM attestation times out at 'Securing your hardware' (as on every VM).",
            failure_step=t.SECURING_HARDWARE,
            failure_code="0x800705b4",
        ),
        Scenario(
            name="esp-timeout",
            description="An app never finishes installing; the ESP times out and goes red.",
            stuck_app=5,
        ),
        Scenario(
            name="reenrollment-blocked",
            description="The Intune record still exists: 0x80180014 while registering for MDM.",
            failure_step=t.REGISTERING_MDM,
            failure_code="0x80180014",
        ),
        Scenario(
            name="reseal-no-poweroff",
            description="Reseal reboots to OOBE instead of powering off.",
            reseal_powers_off=False,
            expected={"powers_off": True},
        ),
        Scenario(
            name="lost-keys",
            description="30 % of key presses are lost (seeded).",
            drop_fraction=0.3,
        ),
        Scenario(
            name="frozen-screen",
            description="The display stops updating during the ESP (a stalled capture).",
            freeze_on="esp",
            freeze_after_s=60.0,
        ),
        Scenario(
            name="wrong-profile",
            description="The configuration screen shows another profile than the expected one.",
            profile="Autopilot User-Driven",
            expected={"profile": "Autopilot Pre-provisioning"},
        ),
        Scenario(
            name="reboot-during-esp",
            description="The device reboots in the middle of Device setup, then the ESP goes on.",
            reboot_after_setup_s=60.0,
        ),
        Scenario(
            name="update-error",
            description="'Something went wrong' (OOBEZDP) once after Continue on the options.",
            update_error_code="OOBEZDP",
        ),
        Scenario(
            name="stuck-esp",
            description="An app never finishes and the tenant sets no ESP timeout: the ESP stays "
            "alive (its progress dots move) but never ends.",
            stuck_app=5,
            esp_timeout_s=1_000_000.0,
        ),
        Scenario(
            name="capture-frozen",
            description="The capture stops delivering new frames during the ESP (same frame, "
            "same timestamp).",
            capture_fault="stall",
        ),
        Scenario(
            name="capture-cut",
            description="The capture loses its picture for 2 simulated minutes during the ESP, "
            "then reconnects; the device itself is fine.",
            capture_fault="cut",
            capture_fault_for_s=120.0,
        ),
        Scenario(
            name="power-unreadable",
            description="The power control cannot read the power state (manual power, a relay "
            "without a state command); Reseal powers the device off.",
            power_readable=False,
        ),
        Scenario(
            name="reseal-key-lost",
            description="The first Reseal press is lost; the second one powers the device off.",
            lost_first_press_on="success",
        ),
    )
}


def scenario(name: str = "success", overrides: Mapping[str, Any] | None = None) -> Scenario:
    """The named scenario, with ``overrides`` applied (unknown keys raise ValueError)."""
    try:
        base = SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; known: {sorted(SCENARIOS)}") from None
    return with_overrides(base, overrides)


def with_overrides(base: Scenario, overrides: Mapping[str, Any] | None) -> Scenario:
    if not overrides:
        return base
    valid = [f.name for f in dataclasses.fields(Scenario) if f.name != "name"]
    unknown = [key for key in overrides if key not in valid]
    if unknown:
        raise ValueError(
            f"unknown scenario parameter {unknown[0]!r} in overrides; valid: {', '.join(valid)}"
        )
    for key, value in overrides.items():
        _check_type(key, value)
    return dataclasses.replace(base, **dict(overrides))


_TYPES: dict[str, tuple[type, ...]] = {
    "float": (int, float),
    "int": (int,),
    "str": (str,),
    "bool": (bool,),
    "Mapping[str, Any]": (Mapping,),
}


def _check_type(key: str, value: Any) -> None:
    """Catch ``tpm_s: "sixty"`` at load time rather than as a TypeError deep in the ESP."""
    annotation = str(next(f.type for f in dataclasses.fields(Scenario) if f.name == key))
    parts = [part.strip() for part in annotation.split("|")]
    if value is None:
        if "None" not in parts:
            raise ValueError(f"scenario parameter {key!r} cannot be None")
        return
    accepted = tuple(kind for part in parts for kind in _TYPES.get(part, ()))
    wrong_bool = isinstance(value, bool) and bool not in accepted
    if not isinstance(value, accepted) or wrong_bool:
        raise ValueError(f"scenario parameter {key!r} must be {annotation}: {value!r}")
