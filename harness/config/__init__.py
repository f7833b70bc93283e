"""Lab configuration: devices (how to reach them) and what each should show.

The names are imported on first use (PEP 562): ``harness.config.devices`` imports the flow, and
the flow imports vision, whose definition files are validated by ``harness.config.validation``;
an eager import here would make that a cycle.
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
    raise AttributeError(f"module 'harness.config' has no attribute {name!r}")
