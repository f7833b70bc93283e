"""Lab configuration: devices (how to reach them) and what each should show."""

from harness.config.devices import DeviceConfig, LabConfig, build_target, load_lab_config

__all__ = ["DeviceConfig", "LabConfig", "build_target", "load_lab_config"]
