"""Lab configuration: devices (how to reach them) and what each should show.

The names are loaded on first use (PEP 562) so that ``harness.config.validation`` can be
imported by any data-file reader (vision's needles and definitions among them) without pulling
in the device layer, which itself imports the flow and vision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.config.devices import DeviceConfig, LabConfig, build_target, load_lab_config

__all__ = ["DeviceConfig", "LabConfig", "build_target", "load_lab_config"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from harness.config import devices

        return getattr(devices, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
