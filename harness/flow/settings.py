"""Time limits, retries and pacing of the technician flow. Every value has a sensible default
for a real device; tests against the time-compressed simulator shorten them.

YAML (``flow:`` in a run or device configuration; every key optional)::

    flow:
      boot_timeout_s: 600           # power-on to the first OOBE screen
      windows_key_rounds: 4         # rounds of five Windows-key presses before giving up
      windows_key_pacing_s: 0.25    # between two presses (no documented interval; 150-300 ms works)
      extra_windows_presses: 10     # presses added one by one, checking the screen, per round
      options_wait_s: 3             # how long a round waits for the options dialog; also how
                                    # long an action waits for its screen to change (settle)
      action_settle_s:              # per action, a longer settle than options_wait_s
        provision: 15               # the ESP can take a while to replace the configuration
        reseal: 10
      screen_timeout_s: 60          # any other screen change (options -> configuration ...)
      navigation_retries: 3         # re-tries of a key that did not change the screen
      esp_timeout_s: 5400           # Provision to result; over it the device failed
      frozen_screen_s: 900          # no change and no animation this long during the ESP: rig error
      stall_timeout_s: 30           # no new frame at all this long is a rig error
      poweroff_timeout_s: 120       # Reseal to power-off
      blank_poweroff_s: 10          # without power control: black this long counts as off
      poll_interval_s: 0.25
      poll_max_interval_s: 2        # long waits (ESP, power-off) look less often while nothing
                                    # changes, down to one look in this many seconds: a screen
                                    # shown this long is still seen (harness/flow/pacing.py)
      refresh: false                # press Refresh on the configuration screen and check again
      reset_after_red: false        # press Reset after collecting diagnostics on red
      export_logs: true             # Windows 11: press Export logs on the diagnostics page
      provisioning_tile: "autopilot"   # regex (case-insensitive) naming the tile to choose
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from harness.errors import ConfigError

DEFAULT_ACTION_SETTLE_S: Mapping[str, float] = {"provision": 15.0, "reseal": 10.0}


@dataclass(frozen=True)
class FlowSettings:
    boot_timeout_s: float = 600.0
    windows_key_rounds: int = 4
    windows_key_pacing_s: float = 0.25
    extra_windows_presses: int = 10
    options_wait_s: float = 3.0
    screen_timeout_s: float = 60.0
    navigation_retries: int = 3
    esp_timeout_s: float = 5400.0
    frozen_screen_s: float = 900.0
    stall_timeout_s: float = 30.0
    poweroff_timeout_s: float = 120.0
    blank_poweroff_s: float = 10.0
    poll_interval_s: float = 0.25
    poll_max_interval_s: float = 2.0
    key_hold_s: float = 0.1
    refresh: bool = False
    reset_after_red: bool = False
    export_logs: bool = True
    power_on: bool = True
    provisioning_tile: str = "autopilot"
    action_settle_s: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_ACTION_SETTLE_S)
    )
    """Per action (``fixtures/navigation.yaml`` names), how long its screen may take to change
    before the action counts as lost and is sent again; other actions use ``options_wait_s``."""

    def settle_for(self, action: str) -> float:
        return float(self.action_settle_s.get(action, self.options_wait_s))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str) -> FlowSettings:
        known = {field.name: field.type for field in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ConfigError(
                    f"unknown key; expected one of {', '.join(sorted(known))}",
                    source=source,
                    key=f"flow.{key}",
                )
            default = getattr(cls(), key)
            if key == "action_settle_s":
                values[key] = _settle_map(value, default, source=source)
                continue
            values[key] = _coerce(value, default, source=source, key=f"flow.{key}")
        return cls(**values)

    def replace(self, **changes: Any) -> FlowSettings:
        return dataclasses.replace(self, **changes)


def _coerce(value: Any, default: Any, *, source: str, key: str) -> Any:
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise ConfigError(f"expected true or false, got {value!r}", source=source, key=key)
    if isinstance(default, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"expected a number >= 0, got {value!r}", source=source, key=key)
        return type(default)(value)
    if not isinstance(value, str):
        raise ConfigError(f"expected text, got {value!r}", source=source, key=key)
    return value


def _settle_map(value: Any, default: Mapping[str, float], *, source: str) -> dict[str, float]:
    from harness.flow.navigation import ACTIONS

    if not isinstance(value, Mapping):
        raise ConfigError(
            f"expected a mapping of action to seconds, got {value!r}",
            source=source,
            key="flow.action_settle_s",
        )
    merged = dict(default)
    for action, seconds in value.items():
        key = f"flow.action_settle_s.{action}"
        if action not in ACTIONS:
            raise ConfigError(
                f"unknown action; expected one of {', '.join(ACTIONS)}", source=source, key=key
            )
        merged[action] = _coerce(seconds, 0.0, source=source, key=key)
    return merged
