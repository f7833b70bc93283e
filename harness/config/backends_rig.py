"""Settings of the physical-rig backends, one model per backend (the keys after ``backend:``).

Each model mirrors what the backend module reads (``harness/targets/<backend>.py``); a key added
to a backend must be added here too, or the lab loader refuses it as unknown. Rules that tie
several keys together (``device`` or ``url``; a state command needs its patterns) stay in the
backend, which reports them in the same ``file: key: ...`` form.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from harness.config.part_fields import (
    PasswordSettings,
    TlsSettings,
    Url,
    positive,
    secret_env,
    secret_file,
)
from harness.config.validation import Flag, Int, StrictModel, Text

CaptureApi = Literal["any", "v4l2", "msmf", "dshow", "avfoundation", "ffmpeg"]


class CaptureSettings(StrictModel):
    """``capture``: an HDMI/USB grabber (UVC, V4L2) or a network stream, read with OpenCV."""

    device: Int | Text | None = Field(
        None, description="camera index or device path (/dev/video0); or give url"
    )
    url: Text | None = Field(None, description="stream URL (rtsp://, http://); or give device")
    api: CaptureApi | None = Field(
        None, description="OpenCV capture API (default: v4l2/msmf/avfoundation, ffmpeg for url)"
    )
    fourcc: Text | None = Field(None, min_length=4, max_length=4, description="MJPG, YUYV ...")
    width: Int | None = Field(None, ge=1, description="requested frame width")
    height: Int | None = Field(None, ge=1, description="requested frame height")
    fps: float | None = positive(0.1, None, "requested frame rate")
    stall_timeout_s: float = positive(0.1, 10.0, "no new frame this long is a rig error")
    max_frame_age_s: float = positive(0.0, 0.5, "older frames are dropped")
    open_timeout_s: float = positive(0.1, 5.0, "opening the device")
    reconnect_max_backoff_s: float = positive(0.25, 5.0, "longest wait between reconnects")

    @model_validator(mode="after")
    def _one_source(self) -> CaptureSettings:
        if (self.device is None) == (self.url is None):
            raise ValueError("give exactly one of device (index or path) or url")
        return self


class Ch9329Settings(StrictModel):
    """``ch9329``: a CH9329 USB-HID keyboard dongle on a serial port."""

    port: Text = Field(description="serial port (/dev/ttyUSB0, COM3)")
    baudrate: Int = Field(9600, ge=1200, description="the dongle's serial speed")
    address: Int = Field(0, ge=0, le=255, description="the dongle's address")
    ack_timeout_s: float = positive(0.01, 0.5, "wait for the dongle's answer")
    retries: Int = Field(3, ge=0, description="re-sends of an unanswered command")
    require_usb_connected: Flag = Field(False, description="fail when the USB side is unplugged")


class LineHidSettings(StrictModel):
    """``line_hid``: a program that types keys it reads line by line (a helper for odd HID)."""

    command: list[Text] = Field(min_length=1, description="argv of the program")
    answer_timeout_s: float = positive(0.01, 5.0, "wait for the program's answer per key")


class PikvmSettings(PasswordSettings, TlsSettings):
    """``pikvm``: screen, keyboard and ATX power through the kvmd HTTP API."""

    url: Url = Field(description="the PiKVM's base URL")
    user: Text = Field("admin", description="kvmd user")
    timeout_s: float = positive(0.1, 10.0, "per HTTP request")
    power_poll_s: float = positive(0.01, 0.5, "power LED polling interval")
    power_timeout_s: float = positive(0.1, 30.0, "wait for the power LED after on/off")
    totp_secret_env: Text | None = secret_env(
        "environment variable holding the base32 TOTP secret (kvmd two-factor auth)"
    )
    totp_secret_file: Text | None = secret_file("file holding the base32 TOTP secret")
    busy_timeout_s: float = positive(0.0, 20.0, "retry kvmd's 409 (an ATX click running) so long")
    stream_start_timeout_s: float = positive(
        0.0, 10.0, "wait for ustreamer to start once the stream client is connected"
    )


class RedfishSettings(PasswordSettings, TlsSettings):
    """``redfish``: power through a BMC's Redfish API (ComputerSystem.Reset)."""

    url: Url = Field(description="the BMC's base URL")
    system_id: Int | Text | None = Field(None, description="optional with exactly one system")
    user: Text = Field(description="BMC user")
    auth: Literal["auto", "session", "basic"] = Field(
        "auto", description="Redfish session (X-Auth-Token), basic auth, or session when offered"
    )
    timeout_s: float = positive(0.1, 10.0, "per HTTP request")
    power_timeout_s: float = positive(0.1, 60.0, "wait for PowerState to match")
    poll_s: float = positive(0.01, 1.0, "PowerState polling interval")


class IpmiSettings(PasswordSettings):
    """``ipmi``: power through IPMI 2.0 (lanplus) with ipmitool."""

    host: Text = Field(description="the BMC's host name or address")
    port: Int = Field(623, ge=1, le=65535, description="RMCP+ port")
    user: Text = Field(description="BMC user")
    cipher_suite: Int | None = Field(None, ge=0, description="ipmitool -C")
    ipmi_timeout_s: Int = Field(2, ge=1, description="ipmitool -N (seconds per try)")
    ipmi_retries: Int = Field(2, ge=0, description="ipmitool -R")
    power_timeout_s: float = positive(0.1, 60.0, "wait for chassis status after on/off")
    poll_s: float = positive(0.01, 1.0, "chassis status polling interval")
    ipmitool: Text = Field("ipmitool", description="the program (a path if not on PATH)")


class CommandPowerSettings(StrictModel):
    """``command``: power through programs of your own (a smart plug's CLI ...), argv lists."""

    on: list[Text] = Field(min_length=1, description="argv that powers on")
    off: list[Text] = Field(min_length=1, description="argv that powers off")
    state: list[Text] | None = Field(None, min_length=1, description="argv printing the state")
    state_on: Text | None = Field(None, description="regex: state output meaning on")
    state_off: Text | None = Field(None, description="regex: state output meaning off")
    variables: dict[Text, Text] = Field(default_factory=dict, description="{name} placeholders")
    timeout_s: float = positive(0.1, 30.0, "per command")
    settle_s: float = positive(0.0, 0.0, "wait after a command")


class ManualPowerSettings(StrictModel):
    """``manual``: the operator presses the power button when asked (interactive runs only)."""

    device: Text = Field(description="what the operator is told to switch")
    ask_state: Flag = Field(False, description="ask the operator for the power state too")


RIG_BACKENDS: dict[str, type[StrictModel]] = {
    "capture": CaptureSettings,
    "ch9329": Ch9329Settings,
    "line_hid": LineHidSettings,
    "pikvm": PikvmSettings,
    "redfish": RedfishSettings,
    "ipmi": IpmiSettings,
    "command": CommandPowerSettings,
    "manual": ManualPowerSettings,
}
