#!/usr/bin/python3.11 -SBu
"""/init of the stand-in guest: the simulated device on the framebuffer of a real QEMU VM.

Runs as PID 1 inside the initramfs that ``harness sim guest build`` makes. It mounts the kernel's
file systems, loads evdev (and the ACPI button driver), silences the text console, then runs
``harness.sim.model.SimDevice``: key presses from the PS/2 keyboard (``/dev/input/eventN``) go to
the model, every change of the model's View (and the passing of time: the ESP advances on its own)
is drawn with ``harness.sim.render`` into ``/dev/fb0``, and when the model says ``off`` (Reseal)
the VM powers off through the reboot syscall. The ACPI power button (virsh shutdown) powers off
too. Everything is logged to the serial console.

The kernel command line chooses the scenario, so one build serves every test::

    harness.scenario=tpm-attestation-failure harness.time_scale=60 harness.windows=11
    harness.tpm_s=5 harness.profile="Contoso kiosk"

Any other ``harness.KEY=VALUE`` is a scenario override (ints, floats, true/false/none parsed).
Stdlib only besides the harness packages and Pillow: this file is also imported on the build host
(``probe``) to find the stdlib modules the guest needs.
"""

# PID 1 speaks to the kernel through plain paths and file descriptors, hence os.* calls.
# ruff: noqa: PTH103, PTH110, PTH112, PTH119, PTH123, PTH208
from __future__ import annotations

import ctypes
import fcntl
import os
import select
import shlex
import struct
import sys
import time
import traceback

GUEST_PACKAGES = "/usr/lib/python3/dist-packages"
EV_KEY = 1
KEY_POWER = 116
INPUT_EVENT = struct.Struct("llHHi")
KDSETMODE = 0x4B3A
KD_GRAPHICS = 1
LINUX_REBOOT_CMD_POWER_OFF = 0x4321FEDC
SYS_FINIT_MODULE = 313  # x86-64
MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
KEYBOARD_NAMES = ("AT Translated Set 2 keyboard", "AT Raw Set 2 keyboard")
POWER_BUTTON_NAMES = ("Power Button",)
# Modifiers are only held (like a person holding Ctrl); the Windows key is a key of its own.
HELD_ONLY = frozenset({"leftctrl", "rightctrl", "leftshift", "rightshift", "leftalt", "rightalt"})
TICK_S = 0.05

_libc = ctypes.CDLL(None, use_errno=True)


def stub_heavy_modules() -> None:
    """Keep ``urllib.request`` (and with it ssl, http, email, sockets: 6 MB) out of the guest.

    ``xml.sax.saxutils``, which segno imports for ``escape``, imports ``urllib.request`` at load
    time but uses it only to open URLs, which the guest never does.
    """
    import types

    sys.modules.setdefault("urllib.request", types.ModuleType("urllib.request"))


def log(message: str) -> None:
    print(f"[guest {time.monotonic():9.3f}] {message}", flush=True)


# ----------------------------------------------------------------------------- system set-up
def mount(source: str, target: str, fstype: str, flags: int = 0) -> None:
    os.makedirs(target, exist_ok=True)
    if _libc.mount(source.encode(), target.encode(), fstype.encode(), flags, None) != 0:
        errno = ctypes.get_errno()
        if errno != 16:  # EBUSY: already mounted
            log(f"mount {fstype} on {target} failed: {os.strerror(errno)}")


def load_module(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as problem:
        log(f"module {path}: {problem}")
        return
    try:
        if _libc.syscall(SYS_FINIT_MODULE, fd, b"", 0) != 0:
            errno = ctypes.get_errno()
            if errno != 17:  # EEXIST: built in or loaded already
                log(f"finit_module {path} failed: {os.strerror(errno)}")
    finally:
        os.close(fd)


def quiet_console() -> None:
    """Unbind fbcon and switch tty0 to graphics mode, so no text or cursor draws over frames."""
    base = "/sys/class/vtconsole"
    for entry in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        try:
            with open(f"{base}/{entry}/name") as name_file:
                name = name_file.read()
            if "frame buffer" in name:
                with open(f"{base}/{entry}/bind", "w") as bind:
                    bind.write("0")
        except OSError as problem:
            log(f"vtconsole {entry}: {problem}")
    try:
        tty = os.open("/dev/tty0", os.O_RDWR)
        fcntl.ioctl(tty, KDSETMODE, KD_GRAPHICS)
    except OSError as problem:
        log(f"KD_GRAPHICS: {problem}")


def find_input(names: tuple[str, ...], wait_s: float) -> str | None:
    deadline = time.monotonic() + wait_s
    while True:
        base = "/sys/class/input"
        for entry in sorted(os.listdir(base)) if os.path.isdir(base) else []:
            if not entry.startswith("event"):
                continue
            try:
                with open(f"{base}/{entry}/device/name") as name_file:
                    name = name_file.read().strip()
            except OSError:
                continue
            if name in names and os.path.exists(f"/dev/input/{entry}"):
                return f"/dev/input/{entry}"
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def power_off(why: str) -> None:
    log(f"power off: {why}")
    os.sync()
    _libc.reboot(LINUX_REBOOT_CMD_POWER_OFF)
    log(f"reboot syscall failed: {os.strerror(ctypes.get_errno())}")


# ----------------------------------------------------------------------------- framebuffer
class Framebuffer:
    def __init__(self, device: str = "/dev/fb0") -> None:
        sysfs = "/sys/class/graphics/" + os.path.basename(device)
        with open(f"{sysfs}/virtual_size") as size_file:
            width, height = (int(v) for v in size_file.read().strip().split(","))
        with open(f"{sysfs}/bits_per_pixel") as bpp_file:
            self.bpp = int(bpp_file.read())
        with open(f"{sysfs}/stride") as stride_file:
            self.stride = int(stride_file.read())
        if self.bpp not in (24, 32):
            raise RuntimeError(f"unsupported framebuffer depth {self.bpp} bpp")
        self.size = (width, height)
        self.fd = os.open(device, os.O_RDWR)
        log(f"framebuffer {device}: {width}x{height}, {self.bpp} bpp, stride {self.stride}")

    def show(self, image: object) -> None:
        raw = image.tobytes("raw", "BGR" if self.bpp == 24 else "BGRX")  # type: ignore[attr-defined]
        row = self.size[0] * self.bpp // 8
        if row == self.stride:
            os.pwrite(self.fd, raw, 0)
            return
        for y in range(self.size[1]):
            os.pwrite(self.fd, raw[y * row : (y + 1) * row], y * self.stride)


# ----------------------------------------------------------------------------- the device
def parse_cmdline(text: str) -> tuple[str, float, dict[str, object]]:
    """``harness.*`` parameters of the kernel command line: scenario, time scale, overrides."""
    scenario, time_scale, overrides = "success", 1.0, {}
    for word in shlex.split(text):
        if not word.startswith("harness.") or "=" not in word:
            continue
        key, value = word[len("harness.") :].split("=", 1)
        if key == "scenario":
            scenario = value
        elif key == "time_scale":
            time_scale = float(value)
        else:
            overrides[key] = parse_value(value)
    return scenario, time_scale, overrides


def parse_value(text: str) -> object:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class Guest:
    """The loop: keys in, frames out, power off on Reseal."""

    def __init__(self, device: object, framebuffer: Framebuffer, keyboard: int, power: int | None):
        from harness.keys import key_by_evdev
        from harness.sim.render import render

        self.device = device
        self.fb = framebuffer
        self.keyboard = keyboard
        self.power = power
        self.render = render
        self.key_by_evdev = key_by_evdev
        self.held: set[str] = set()
        self.last_view: object = None
        self.logged_events = 0

    def run(self) -> None:
        sources = [fd for fd in (self.keyboard, self.power) if fd is not None]
        while True:
            ready, _, _ = select.select(sources, [], [], TICK_S)
            for fd in ready:
                self.read_events(fd)
            self.log_model_events()
            view = self.device.view()  # type: ignore[attr-defined]
            if view.screen == "off":
                self.draw(view)
                power_off("the device switched off (Reseal)")
                return
            if view != self.last_view and not view.frozen:
                self.draw(view)

    def read_events(self, fd: int) -> None:
        data = os.read(fd, INPUT_EVENT.size * 64)
        for offset in range(0, len(data) - INPUT_EVENT.size + 1, INPUT_EVENT.size):
            _sec, _usec, kind, code, value = INPUT_EVENT.unpack_from(data, offset)
            if kind != EV_KEY:
                continue
            if fd == self.power:
                if code == KEY_POWER and value == 1:
                    self.draw_off()
                    power_off("ACPI power button")
                continue
            self.on_key(code, value)

    def on_key(self, code: int, value: int) -> None:
        key = self.key_by_evdev(code)
        if key is None:
            log(f"key code {code} not in the vocabulary")
            return
        name = key.name
        if value == 0:
            self.held.discard(name)
            return
        if value != 1:  # 2 is autorepeat
            return
        if name in HELD_ONLY:
            self.held.add(name)
            return
        accepted = self.device.press(name, modifiers=sorted(self.held))  # type: ignore[attr-defined]
        label = "+".join([*sorted(self.held), name])
        log(f"key {label} {'accepted' if accepted else 'not taken'}")

    def draw(self, view: object) -> None:
        started = time.monotonic()
        self.fb.show(self.render(view, self.fb.size))
        self.last_view = view
        log(f"screen {view.screen} drawn in {time.monotonic() - started:.3f} s")  # type: ignore[attr-defined]

    def draw_off(self) -> None:
        from harness.sim.view import View

        self.draw(View(screen="off"))

    def log_model_events(self) -> None:
        events = self.device.events  # type: ignore[attr-defined]
        for at, what in events[self.logged_events :]:
            log(f"model {at:9.1f} s: {what}")
        self.logged_events = len(events)


def main() -> None:
    sys.path[:0] = [GUEST_PACKAGES]
    stub_heavy_modules()
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID)
    log("stand-in guest starting")
    with open("/proc/cmdline") as cmdline_file:
        scenario_name, time_scale, overrides = parse_cmdline(cmdline_file.read())
    for module in ("evdev", "button"):
        load_module(f"/lib/modules/{module}.ko")
    keyboard_path = find_input(KEYBOARD_NAMES, 10.0)
    power_path = find_input(POWER_BUTTON_NAMES, 2.0)
    log(f"keyboard {keyboard_path}, power button {power_path}")
    if keyboard_path is None:
        raise RuntimeError("no PS/2 keyboard input device appeared")
    quiet_console()
    framebuffer = Framebuffer()
    from harness.sim.model import SimDevice

    device = SimDevice(scenario_name, overrides=overrides, time_scale=time_scale)
    log(
        f"scenario {scenario_name} (Windows {device.scenario.windows}), time scale {time_scale:g}, "
        f"overrides {overrides}"
    )
    device.power_on()
    keyboard = os.open(keyboard_path, os.O_RDONLY | os.O_NONBLOCK)
    power = os.open(power_path, os.O_RDONLY | os.O_NONBLOCK) if power_path else None
    Guest(device, framebuffer, keyboard, power).run()


def probe(size: tuple[int, int] = (1024, 768)) -> list[str]:
    """On the build host: exercise every import and drawing path; return the screens drawn."""
    from harness.keys import key_by_evdev
    from harness.sim.model import SCENARIOS, SimDevice
    from harness.sim.model.samples import view_for
    from harness.sim.render import render
    from harness.sim.view import SCREENS

    parse_cmdline('harness.scenario=success harness.time_scale=60 harness.profile="a b"')
    key_by_evdev(125)
    drawn = []
    for windows in (10, 11):
        for screen in SCREENS:
            try:
                view = view_for(screen, windows=windows, scenario=None)
            except (KeyError, ValueError):
                continue
            render(view, size).tobytes("raw", "BGR")
            drawn.append(f"{windows}:{screen}")
    for name in SCENARIOS:
        SimDevice(name, time_scale=60).view()
    return drawn


if __name__ == "__main__":
    try:
        main()
    except BaseException:
        log("the stand-in guest failed:\n" + traceback.format_exc())
    while True:  # keep the last picture; the harness sees a stall and reports a rig error
        time.sleep(3600)
