"""Settings of the backends that reach a whole machine through one interface: the simulated
device, libvirt, Hyper-V and a window on the rig's desktop (the keys after ``backend:``).

As in ``backends_rig``, each model mirrors what its backend module reads; rules between keys
that need the backend's own knowledge stay there.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from harness.config.part_fields import PasswordSettings, TlsSettings, Url, positive
from harness.config.validation import Flag, Int, StrictModel, Text

AuthMethod = Literal["negotiate", "kerberos", "ntlm", "credssp", "basic", "certificate"]


class SimSettings(StrictModel):
    """``sim``: the simulated device, in process (no hardware). ``target:`` only."""

    scenario: Text = Field("success", description="scenario name (docs/simulator.md)")
    windows: Literal[10, 11] | None = Field(None, description="default: the device's windows")
    size: list[Int] = Field(
        [1280, 800], min_length=2, max_length=2, description="screen [width, height]"
    )
    time_scale: float = Field(
        60.0, gt=0, strict=True, description="simulated seconds per real second"
    )
    seed: Int = Field(0, description="seed of the scenario's random faults (lost keys)")
    overrides: dict[Text, Any] = Field(
        default_factory=dict, description="scenario parameters (tpm_s: 30 ...)"
    )
    profile_service: Url | None = Field(
        None,
        description="the test tenant's device-side service (the Graph peer's /autopilot-service):"
        " the configuration screen shows what it holds",
    )
    profile_service_ca_file: Text | None = Field(None, description="CA (PEM) of that service")

    @model_validator(mode="after")
    def _known_scenario(self) -> SimSettings:
        from harness.sim.model.scenario import scenario

        if min(self.size) < 1:
            raise ValueError(f"size: width and height must be >= 1, found {self.size}")
        # Unknown scenario names, parameters and parameter types, now rather than mid-run.
        scenario(self.scenario, self.overrides)
        return self


class LibvirtSettings(StrictModel):
    """``libvirt``: a VM under libvirt/QEMU: screenshots, send-key and power of one domain."""

    uri: Text = Field("qemu:///system", description="libvirt connection URI")
    domain: Text | Int = Field(description="the domain's name or UUID")
    key_hold_s: float | None = positive(0.001, None, "how long a key is held")
    key_interval_s: float = positive(0.0, 0.05, "pause between two keys")
    reconnect_timeout_s: float = positive(0.0, 30.0, "how long a lost connection is retried")
    keepalive_interval_s: Int = Field(5, ge=1, description="libvirt keepalive interval")
    keepalive_count: Int = Field(3, ge=1, description="missed keepalives before a reconnect")
    template: Text | None = Field(None, description="create the domain from this VM template")
    domain_type: Literal["kvm", "qemu"] | None = Field(None, description="template only")
    template_params: dict[Text, Text | Int | float] = Field(
        default_factory=dict, description="template only: the template's parameters"
    )


class HypervSettings(PasswordSettings, TlsSettings):
    """``hyperv``: a Hyper-V VM through PowerShell, on this host or over WinRM."""

    vm: Text = Field(min_length=1, description="the VM's name")
    transport: Literal["local", "winrm"] = Field("local", description="local or winrm")
    key_interval_s: float = positive(0.0, 0.15, "pause between two keys")
    black_limit_s: float = positive(0.0, 60.0, "an all-black screen this long is a rig error")
    powershell: Text | None = Field(None, description="local: the program (powershell.exe)")
    command_timeout_s: float | None = positive(1.0, None, "local: per command (default 60)")
    host: Text | None = Field(None, description="winrm: the Hyper-V host")
    port: Int | None = Field(None, ge=1, le=65535, description="winrm: port (5986/5985)")
    https: Flag = Field(True, description="winrm: HTTPS")
    auth: AuthMethod = Field("negotiate", description="winrm: authentication")
    username: Text | None = Field(None, description="winrm: DOMAIN\\user or UPN")
    certificate_pem: Text | None = Field(None, description="winrm certificate auth: PEM file")
    certificate_key_pem: Text | None = Field(None, description="... and its key file")
    connection_timeout_s: Int = Field(30, ge=1, description="winrm: connecting")
    operation_timeout_s: Int = Field(60, ge=1, description="winrm: per operation")


class DesktopSettings(StrictModel):
    """``desktop``: a VM console window (or a fixed region) on the rig's X11 desktop."""

    display: Text | None = Field(None, description="X11 display (':0'; default $DISPLAY)")
    region: list[Int] | None = Field(
        None, min_length=4, max_length=4, description="[x, y, width, height]; or window_title"
    )
    window_title: Text | None = Field(None, description="xdotool regex; or region")
    window_inset: list[Int] | None = Field(
        None, min_length=4, max_length=4, description="window_title: [left, top, right, bottom]"
    )
    key_hold_s: float | None = positive(0.0, None, "how long a key is held")
    pacing_s: float = positive(0.0, 0.05, "pause between two keys")
    focus_window: Flag | None = Field(None, description="raise the window before typing")
    click: Flag = Field(True, description="offer a pointer (the flow clicks buttons it reads)")


VIRTUAL_BACKENDS: dict[str, type[StrictModel]] = {
    "sim": SimSettings,
    "libvirt": LibvirtSettings,
    "hyperv": HypervSettings,
    "desktop": DesktopSettings,
}
