"""The flow's limits for the simulated device, at any time compression.

A limit that measures the *device* (how long a boot, the ESP, a power-off may take) is a number
of simulated seconds, divided by the time scale: at ``--time-scale 1`` the ESP limit is two real
hours, at 60 two real minutes, so the same scenario gives the same verdict at every scale.
What measures the *harness* side (key pacing, how long a key is held, how long an action waits
for the screen it changes, which the simulator redraws at once) stays in real seconds.
The poll interval is both: at least one look every 6 simulated seconds (a reboot's black screen
lasts 23), and never slower than a real capture is polled (0.25 s). During long waits the
watcher looks less often while nothing changes (``harness.flow.pacing``), at least once every
10 simulated seconds: a reboot's black screen is still seen twice.
"""

from __future__ import annotations

from harness.flow.settings import FlowSettings

DEVICE_LIMITS_SIM_S = {
    "boot_timeout_s": 3600.0,
    "screen_timeout_s": 1800.0,
    "esp_timeout_s": 7200.0,
    "frozen_screen_s": 1200.0,
    "stall_timeout_s": 600.0,
    "poweroff_timeout_s": 1200.0,
    "blank_poweroff_s": 120.0,
}
"""Simulated seconds. The ESP limit is over the sim's own ESP timeout (3600 s + 180 s red)."""

POLL_SIM_S = 6.0
POLL_MAX_REAL_S = 0.25
POLL_SLOWEST_SIM_S = 10.0


def sim_flow_settings(time_scale: float = 60.0) -> FlowSettings:
    """FlowSettings for the simulator running ``time_scale`` simulated seconds per real one."""
    if time_scale <= 0:
        raise ValueError(f"time_scale must be positive: {time_scale}")
    limits = {name: round(sim_s / time_scale, 6) for name, sim_s in DEVICE_LIMITS_SIM_S.items()}
    return FlowSettings(
        **limits,
        poll_interval_s=min(POLL_SIM_S / time_scale, POLL_MAX_REAL_S),
        poll_max_interval_s=min(POLL_SLOWEST_SIM_S / time_scale, FlowSettings.poll_max_interval_s),
        options_wait_s=2.0,
        action_settle_s={"provision": 2.0, "reseal": 2.0},
        windows_key_pacing_s=0.15,
        # The simulator's lossy scenarios lose up to 30 % of keys: a lost key is retried until
        # it lands, as a technician would (0.3 ** 11 per action is never in the fault matrix).
        navigation_retries=10,
    )
