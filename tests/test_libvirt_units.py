"""The libvirt backend without a daemon: screenshot decoding, sendKey checks, configuration,
event mapping, reconnection (against fakes), domain templates (virt-xml-validate), the guest's
command line and its cpio writer."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import cv2
import libvirt
import numpy as np
import pytest

from harness.cli.main import main as harness_main
from harness.errors import ConfigError, ConnectionLost, KeyNotAccepted, NoFrame
from harness.keys import key
from harness.sim.guest import guest_init
from harness.sim.guest.builder import guest_cmdline
from harness.sim.guest.cpio import DeviceNode, write_initramfs
from harness.targets.events import TargetEventKind
from harness.targets.libvirt import LibvirtDomain, create
from harness.targets.libvirt_connection import DomainConnection
from harness.targets.libvirt_events import LifecycleEvents
from harness.targets.libvirt_screenshot import decode_ppm, decode_screenshot
from harness.targets.libvirt_templates import load_templates, render_template
from harness.targets.target import Target
from tests.e2e_required import missing_component

SOURCE = "test.yaml: target"


# ----------------------------------------------------------------------------- screenshots
def _picture() -> np.ndarray:
    image = np.zeros((4, 6, 3), dtype=np.uint8)
    image[:, :, 0] = 10  # B
    image[:, :, 1] = 200  # G
    image[:, :, 2] = 30  # R
    image[1, 2] = (1, 2, 3)
    return image


def test_ppm_with_comment_decodes_to_bgr() -> None:
    bgr = _picture()
    rgb = bgr[:, :, ::-1].tobytes()
    data = b"P6\n# written by QEMU\n6 4\n255\n" + rgb
    decoded = decode_screenshot("image/x-portable-pixmap", data, source="libvirt:t")
    assert decoded.shape == (4, 6, 3)
    assert np.array_equal(decoded, bgr)


def test_ppm_with_16_bit_samples_is_scaled() -> None:
    rgb16 = np.full((2, 2, 3), 65535, dtype=">u2")
    rgb16[0, 0] = (0, 32768, 65535)
    decoded = decode_ppm(b"P6 2 2 65535\n" + rgb16.tobytes())
    assert decoded.dtype == np.uint8
    assert tuple(decoded[0, 0]) == (255, 128, 0)  # B, G, R
    assert tuple(decoded[1, 1]) == (255, 255, 255)


def test_png_decodes_through_opencv() -> None:
    bgr = _picture()
    ok, png = cv2.imencode(".png", bgr)
    assert ok
    decoded = decode_screenshot("image/png", png.tobytes(), source="libvirt:t")
    assert np.array_equal(decoded, bgr)


@pytest.mark.parametrize(
    ("mime", "data", "message"),
    [
        ("image/png", b"", "empty"),
        ("image/x-portable-pixmap", b"P6\n6 4\n255\n" + b"\0" * 10, "expected 72"),
        ("image/x-portable-pixmap", b"P5\n6 4\n255\n" + b"\0" * 24, "not a binary PPM"),
        ("image/png", b"not an image at all", "cannot decode"),
    ],
)
def test_unreadable_screenshots_are_no_frame(mime: str, data: bytes, message: str) -> None:
    with pytest.raises(NoFrame, match=message):
        decode_screenshot(mime, data, source="libvirt:t")


# ----------------------------------------------------------------------------- sendKey
class FakeDomain:
    def __init__(self, status: int = 0) -> None:
        self.status = status
        self.calls: list[tuple[Any, ...]] = []

    def sendKey(self, *args: Any) -> int:
        self.calls.append(args)
        return self.status


class FakeConnection:
    """Stands in for DomainConnection: runs the operation on a fake domain."""

    def __init__(self, dom: FakeDomain) -> None:
        self.dom = dom
        self.domain = "fake"
        self.uri = "test:///fake"
        self.events = LifecycleEvents("fake")

    def call(self, operation: Any, _what: str) -> Any:
        return operation(self.dom)


def test_press_sends_one_evdev_code_with_the_hold_time() -> None:
    dom = FakeDomain()
    backend = LibvirtDomain(FakeConnection(dom), key_interval_s=0)  # type: ignore[arg-type]
    backend.press(key("leftsuper"), hold_s=0.12)
    assert dom.calls == [(libvirt.VIR_KEYCODE_SET_LINUX, 120, [125], 1, 0)]


def test_chord_is_one_call_with_every_code() -> None:
    dom = FakeDomain()
    backend = LibvirtDomain(FakeConnection(dom), key_hold_s=0.05, key_interval_s=0)  # type: ignore[arg-type]
    backend.chord([key("leftctrl"), key("leftshift"), key("d")])
    assert dom.calls == [(libvirt.VIR_KEYCODE_SET_LINUX, 50, [29, 42, 32], 3, 0)]


def test_send_key_returning_minus_one_is_key_not_accepted() -> None:
    backend = LibvirtDomain(FakeConnection(FakeDomain(status=-1)), key_interval_s=0)  # type: ignore[arg-type]
    with pytest.raises(KeyNotAccepted, match="returned -1"):
        backend.press(key("enter"))


def test_keys_are_paced_by_hold_and_interval() -> None:
    import time

    dom = FakeDomain()
    backend = LibvirtDomain(FakeConnection(dom), key_hold_s=0.05, key_interval_s=0.05)  # type: ignore[arg-type]
    started = time.monotonic()
    backend.press(key("tab"))
    backend.press(key("tab"))
    assert time.monotonic() - started >= 0.09


# ----------------------------------------------------------------------------- configuration
def test_create_builds_a_target_without_touching_libvirt() -> None:
    target = create("all", {"domain": "w11-01", "key_interval_s": 0.1}, source=SOURCE)
    assert isinstance(target, Target)
    assert target.name == "w11-01"
    assert target.screen is target.keyboard is target.power
    assert target.facts["libvirt_uri"] == "qemu:///system"


@pytest.mark.parametrize(
    ("settings", "key_name", "message"),
    [
        ({"domain": "a", "colour": 1}, "colour", "unknown setting"),
        ({}, "domain", "required"),
        ({"domain": " "}, "domain", "empty"),
        ({"domain": "a", "key_hold_s": "long"}, "key_hold_s", "number"),
        ({"domain": "a", "domain_type": "kvm"}, "domain_type", "only used with template"),
        ({"domain": "a", "template": "win11", "domain_type": "xen"}, "domain_type", "one of"),
        ({"domain": "a", "template": "win11"}, "disk_image", "required"),
        ({"domain": "a", "template": "nope"}, "template", "unknown template"),
        (
            {"domain": "a", "template": "win11", "template_params": {"disk_image": "x.qcow2"}},
            "disk_image",
            "absolute path",
        ),
        (
            {"domain": "a", "template": "win11", "template_params": {"name": "b"}},
            "template_params.name",
            "comes from 'domain'",
        ),
    ],
)
def test_bad_settings_name_the_key(settings: dict[str, Any], key_name: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        create("all", settings, source=SOURCE)
    assert caught.value.key == key_name
    assert SOURCE in str(caught.value)


def test_role_must_be_known() -> None:
    with pytest.raises(ConfigError, match="cannot serve"):
        create("pointer", {"domain": "a"}, source=SOURCE)


# ----------------------------------------------------------------------------- events
def test_lifecycle_events_map_to_target_events() -> None:
    events = LifecycleEvents("libvirt:t")
    events.on_lifecycle(None, None, libvirt.VIR_DOMAIN_EVENT_STARTED, 0)
    events.on_lifecycle(None, None, libvirt.VIR_DOMAIN_EVENT_SHUTDOWN, 1)
    events.on_lifecycle(None, None, libvirt.VIR_DOMAIN_EVENT_STOPPED, 0)
    events.on_lifecycle(None, None, libvirt.VIR_DOMAIN_EVENT_DEFINED, 0)
    events.on_reboot(None, None)
    drained = events.drain()
    assert [e.kind for e in drained] == [
        TargetEventKind.POWERED_ON,
        TargetEventKind.SHUTDOWN,
        TargetEventKind.POWERED_OFF,
        TargetEventKind.REBOOTED,
    ]
    assert drained[1].detail == "shutdown (on guest request)"
    assert drained[2].detail == "stopped (shutdown)"
    assert events.drain() == []


# ----------------------------------------------------------------------------- reconnection
def _error(code: int) -> libvirt.libvirtError:
    problem = libvirt.libvirtError("fake failure")
    problem.err = (code, 0, "fake failure", 2, None, None, None, 0, 0)
    return problem


class FakeLibvirtConn:
    def __init__(self, dom: Any) -> None:
        self.dom = dom
        self.closed = False

    def setKeepAlive(self, *_args: Any) -> None: ...
    def registerCloseCallback(self, *_args: Any) -> None: ...
    def unregisterCloseCallback(self) -> None: ...
    def domainEventRegisterAny(self, *_args: Any) -> int:
        return 1

    def domainEventDeregisterAny(self, *_args: Any) -> None: ...
    def isAlive(self) -> int:
        return 0 if self.closed else 1

    def lookupByName(self, _name: str) -> Any:
        if self.dom is None:
            raise _error(libvirt.VIR_ERR_NO_DOMAIN)
        return self.dom

    def close(self) -> None:
        self.closed = True


class FlakyDom:
    def __init__(self) -> None:
        self.fail_next = True

    def state(self, _flags: int) -> tuple[int, int]:
        if self.fail_next:
            self.fail_next = False
            raise _error(libvirt.VIR_ERR_SYSTEM_ERROR)
        return (libvirt.VIR_DOMAIN_RUNNING, 1)


def _connection(monkeypatch: pytest.MonkeyPatch, opens: list[Any], timeout: float) -> Any:
    def fake_open(_uri: str) -> Any:
        item = opens.pop(0) if len(opens) > 1 else opens[0]
        if isinstance(item, Exception):
            raise item
        return item

    monkeypatch.setattr(libvirt, "open", fake_open)
    monkeypatch.setattr("harness.targets.libvirt_connection.EventLoop.acquire", lambda: None)
    monkeypatch.setattr("harness.targets.libvirt_connection.EventLoop.release", lambda: None)
    return DomainConnection(
        "qemu:///fake", "vm", LifecycleEvents("vm"), reconnect_timeout_s=timeout
    )


def test_lost_connection_is_reopened_and_the_call_repeated(monkeypatch: pytest.MonkeyPatch) -> None:
    dom = FlakyDom()
    connection = _connection(
        monkeypatch,
        [FakeLibvirtConn(dom), _error(libvirt.VIR_ERR_SYSTEM_ERROR), FakeLibvirtConn(dom)],
        5,
    )
    assert connection.call(lambda d: d.state(0), "state") == (libvirt.VIR_DOMAIN_RUNNING, 1)
    kinds = [event.kind for event in connection.events.drain()]
    assert kinds == [TargetEventKind.CONNECTION_LOST, TargetEventKind.RECONNECTED]
    assert connection.reconnects == 1


def test_daemon_that_never_returns_is_connection_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    connection = _connection(
        monkeypatch, [FakeLibvirtConn(FlakyDom()), _error(libvirt.VIR_ERR_SYSTEM_ERROR)], 0.6
    )
    with pytest.raises(ConnectionLost, match=r"did not come back within 0\.6 s"):
        connection.call(lambda d: d.state(0), "state")


def test_domain_gone_after_reconnect_is_connection_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    connection = _connection(monkeypatch, [FakeLibvirtConn(FlakyDom()), FakeLibvirtConn(None)], 5)
    with pytest.raises(ConnectionLost, match="no longer exists"):
        connection.call(lambda d: d.state(0), "state")


# ----------------------------------------------------------------------------- templates
WIN_VALUES = {"name": "w-01", "disk_image": "/var/lib/libvirt/images/w.qcow2"}
STANDIN_VALUES = {
    "name": "standin-01",
    "kernel": "/srv/g/vmlinuz",
    "initrd": "/srv/g/initrd.img",
    "cmdline": guest_cmdline("success", 60),
    "serial_log": "/srv/g/serial.log",
}


def _validate(xml: str, tmp_path: Path) -> None:
    if shutil.which("virt-xml-validate") is None:
        missing_component("virt-xml-validate missing (Debian: libvirt-clients)")
    path = tmp_path / "domain.xml"
    path.write_text(xml)
    done = subprocess.run(
        ["virt-xml-validate", str(path), "domain"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("template", ["win11", "win10"])
def test_windows_templates_validate_and_have_the_pre_provisioning_hardware(
    template: str, tmp_path: Path
) -> None:
    xml = render_template(template, WIN_VALUES)
    _validate(xml, tmp_path)
    root = ET.fromstring(xml)
    assert root.get("type") == "kvm"
    assert root.findtext("name") == "w-01"
    assert root.find("os/type").get("machine") == "q35"  # type: ignore[union-attr]
    loader = root.find("os/loader")
    assert loader is not None and loader.get("secure") == "yes"
    assert loader.text == "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
    assert root.find("os/nvram").get("template") == "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"  # type: ignore[union-attr]
    assert Path(loader.text).exists() or not Path("/usr/share/OVMF").exists()
    assert root.find("features/smm").get("state") == "on"  # type: ignore[union-attr]
    tpm = root.find("devices/tpm")
    assert tpm is not None and tpm.get("model") == "tpm-crb"
    assert tpm.find("backend").get("type") == "emulator"  # type: ignore[union-attr]
    assert tpm.find("backend").get("version") == "2.0"  # type: ignore[union-attr]
    assert int(root.findtext("vcpu") or 0) >= 2
    assert int(root.findtext("memory") or 0) >= 4096
    assert root.find("devices/disk/source").get("file") == WIN_VALUES["disk_image"]  # type: ignore[union-attr]
    assert root.find("devices/interface/source").get("network") == "default"  # type: ignore[union-attr]
    assert root.find("devices/graphics").get("listen") == "127.0.0.1"  # type: ignore[union-attr]
    assert root.findtext("on_poweroff") == "destroy"


def test_bridge_network_and_qemu_type(tmp_path: Path) -> None:
    values = {**WIN_VALUES, "interface_type": "bridge", "interface_source": "br-lab"}
    xml = render_template("win11", {**values, "domain_type": "qemu", "cpu_mode": "maximum"})
    _validate(xml, tmp_path)
    root = ET.fromstring(xml)
    assert root.get("type") == "qemu"
    assert root.find("devices/interface").get("type") == "bridge"  # type: ignore[union-attr]
    assert root.find("devices/interface/source").get("bridge") == "br-lab"  # type: ignore[union-attr]


def test_standin_template_validates(tmp_path: Path) -> None:
    uuid = "6e0b7c2a-2f6e-4d7c-9a0e-000000000042"
    xml = render_template("standin", {**STANDIN_VALUES, "uuid": uuid})
    _validate(xml, tmp_path)
    root = ET.fromstring(xml)
    assert root.get("type") == "qemu"
    assert root.findtext("uuid") == uuid
    assert root.find("os/type").get("machine") == "pc"  # type: ignore[union-attr]
    assert root.findtext("os/kernel") == "/srv/g/vmlinuz"
    assert "harness.scenario=success" in (root.findtext("os/cmdline") or "")
    assert root.findtext("memory") == "256"
    assert root.findtext("vcpu") == "1"
    assert root.find("devices/input").get("bus") == "ps2"  # type: ignore[union-attr]
    assert root.find("devices/video/model").get("type") == "vga"  # type: ignore[union-attr]
    assert root.find("devices/serial").get("type") == "file"  # type: ignore[union-attr]
    assert root.findtext("on_poweroff") == "destroy"


def test_xml_special_characters_are_escaped(tmp_path: Path) -> None:
    title = """a<b> & 'c' "d" </title><evil/>"""
    cmdline = 'harness.profile="Kiosk & <co>"'
    xml = render_template("standin", {**STANDIN_VALUES, "title": title, "cmdline": cmdline})
    _validate(xml, tmp_path)
    root = ET.fromstring(xml)
    assert root.findtext("title") == title
    assert root.findtext("os/cmdline") == cmdline
    assert root.find("evil") is None


@pytest.mark.parametrize(
    ("values", "key_name", "message"),
    [
        ({"colour": "red"}, "colour", "unknown parameter"),
        ({"memory_mib": "2048"}, "memory_mib", "at least 4096"),
        ({"memory_mib": "lots"}, "memory_mib", "whole number"),
        ({"uuid": "not-a-uuid"}, "uuid", "UUID"),
        ({"name": "bad name"}, "name", "letters"),
        ({"interface_source": "br0'/><x"}, "interface_source", "bridge name"),
        ({"title": "bell\x07"}, "title", "control characters"),
        ({"disk_format": "vmdk"}, "disk_format", "one of qcow2, raw"),
    ],
)
def test_bad_template_values_are_config_errors(
    values: dict[str, str], key_name: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        render_template("win11", {**WIN_VALUES, **values})
    assert caught.value.key == key_name


def test_every_template_declares_every_placeholder() -> None:
    templates = load_templates()
    assert set(templates) >= {"win11", "win10", "standin"}
    for template in templates.values():
        values = WIN_VALUES if template.name.startswith("win") else STANDIN_VALUES
        template.render(values)  # a placeholder without a parameter raises ConfigError


def test_vm_define_print_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["vm", "define", "--template", "win11", "--name", "w-02", "--print"]
    assert harness_main([*argv, "--set", "disk_image=/images/w.qcow2"]) == 0
    assert "<name>w-02</name>" in capsys.readouterr().out
    assert harness_main(argv) == 3
    assert "disk_image: this parameter is required" in capsys.readouterr().err
    assert harness_main([*argv, "--set", "disk_image=/i", "--set", "nope=1"]) == 3
    assert "nope: unknown parameter" in capsys.readouterr().err
    assert harness_main([*argv, "--set", "disk_image"]) == 3
    assert "expected KEY=VALUE" in capsys.readouterr().err


# ----------------------------------------------------------------------------- the guest
def test_guest_reads_scenario_time_scale_and_overrides_from_the_cmdline() -> None:
    text = guest_cmdline("tpm-attestation-failure", 60, windows=11, profile="Kiosk A", tpm_s=5.5)
    scenario, scale, overrides = guest_init.parse_cmdline(text)
    assert scenario == "tpm-attestation-failure"
    assert scale == 60
    assert overrides == {"windows": 11, "profile": "Kiosk A", "tpm_s": 5.5}
    assert "PYTHONHASHSEED=0" in text and "vga=0x318" in text


def test_cpio_writer_output_is_read_by_cpio(tmp_path: Path) -> None:
    if shutil.which("cpio") is None:
        missing_component("cpio missing (Debian: cpio)")
    root = tmp_path / "root"
    (root / "usr/bin").mkdir(parents=True)
    (root / "init").write_text("#!/bin/sh\n")
    (root / "init").chmod(0o755)
    (root / "usr/bin/tool").write_bytes(b"x" * 5)
    (root / "usr/bin/link").symlink_to("tool")
    out = tmp_path / "initrd.img"
    write_initramfs(root, out, (DeviceNode("dev/console", 5, 1),))
    listing = subprocess.run(
        ["cpio", "-itv"], input=gzip.decompress(out.read_bytes()), capture_output=True, check=True
    ).stdout.decode()
    lines = {
        line.split()[-1] if "->" not in line else line.split()[-3]: line
        for line in listing.splitlines()
    }
    assert set(lines) == {"init", "usr", "usr/bin", "usr/bin/tool", "usr/bin/link", "dev/console"}
    assert lines["init"].startswith("-rwxr-xr-x")
    assert lines["dev/console"].startswith("crw-------")
    assert "-> tool" in lines["usr/bin/link"]
    second = tmp_path / "again.img"
    write_initramfs(root, second, (DeviceNode("dev/console", 5, 1),))
    assert second.read_bytes() == out.read_bytes()  # reproducible


def test_sim_guest_cmdline_command(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sim", "guest", "cmdline", "--scenario", "tpm-attestation-failure"]
    assert harness_main([*argv, "--time-scale", "120", "--set", "windows=11"]) == 0
    line = capsys.readouterr().out.strip()
    assert guest_init.parse_cmdline(line) == ("tpm-attestation-failure", 120.0, {"windows": 11})
    assert harness_main(["sim", "guest", "cmdline", "--scenario", "nope"]) == 3
    assert "unknown scenario" in capsys.readouterr().err
