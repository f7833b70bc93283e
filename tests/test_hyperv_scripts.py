"""The PowerShell text of every Hyper-V operation: what is run, with which parameters."""

from __future__ import annotations

import re

import pytest

from harness.keys import key
from harness.targets import hyperv_scripts as scripts
from harness.targets.hyperv_keyboard import HyperVKeyboard
from harness.targets.hyperv_power import HyperVPower
from harness.targets.hyperv_powershell import local_argv, render_invocation
from harness.targets.hyperv_screen import HyperVScreen
from tests.hyperv_doubles import Exchange, ReplayingRunner, state_json, steps_json

VM = "lab's VM"
ALL_SCRIPTS = {
    "VM_STATE": scripts.VM_STATE,
    "START_VM": scripts.START_VM,
    "STOP_VM_HARD": scripts.STOP_VM_HARD,
    "KEYBOARD": scripts.KEYBOARD,
    "THUMBNAIL": scripts.THUMBNAIL,
}


@pytest.mark.parametrize("name", ALL_SCRIPTS)
def test_every_script_takes_the_vm_name_as_a_parameter(name: str) -> None:
    script = ALL_SCRIPTS[name]
    assert script.startswith("param([string]$VMName")
    assert "$ErrorActionPreference = 'Stop'" in script
    # found by an exact comparison, never by wildcard or a WQL filter holding the name
    assert "$vm = @(Get-VM | Where-Object { $_.Name -eq $VMName })" in script
    assert "-Name $VMName" not in script and "ElementName" not in script
    assert "TypeScancodes" not in script and "TypeText" not in script


def test_wmi_objects_are_reached_through_the_vm_guid() -> None:
    for script in (scripts.KEYBOARD, scripts.THUMBNAIL):
        assert "-ClassName Msvm_ComputerSystem `\n    -Filter \"Name='$($vm.Id.Guid)'\"" in script


def test_power_scripts() -> None:
    assert "if ($vm.State -ne 'Running') { Start-VM -VM $vm }" in scripts.START_VM
    assert "if ($vm.State -ne 'Off') { Stop-VM -VM $vm -TurnOff -Force }" in scripts.STOP_VM_HARD
    for script in (scripts.VM_STATE, scripts.START_VM, scripts.STOP_VM_HARD):
        assert script.rstrip().endswith(
            "[pscustomobject]@{ Name = $vm.Name; State = $vm.State.ToString() } "
            "| ConvertTo-Json -Compress"
        )
    assert "Start-VM" not in scripts.VM_STATE and "Stop-VM" not in scripts.VM_STATE


def test_keyboard_script_presses_types_and_releases_in_reverse() -> None:
    text = scripts.KEYBOARD
    assert text.startswith(
        "param([string]$VMName, [uint32[]]$Held, [uint32]$KeyCode, [int]$StepMs)\n"
    )
    assert "Get-CimAssociatedInstance -ResultClassName Msvm_Keyboard" in text
    steps = ("'PressKey' $code", "'TypeKey' $KeyCode", "$pressed.Reverse()")
    order = [text.index(step) for step in steps]
    assert order == sorted(order)
    assert re.search(r"finally \{\s+\$pressed\.Reverse\(\)\s+foreach .*'ReleaseKey' \$code", text)
    assert "ConvertTo-Json -Compress -InputObject @($steps)" in text


def test_thumbnail_script_asks_for_the_native_resolution() -> None:
    text = scripts.THUMBNAIL
    assert "-ResultClassName Msvm_VideoHead" in text
    assert "$width = [uint16]@($head.CurrentHorizontalResolution)[0]" in text
    assert "$height = [uint16]@($head.CurrentVerticalResolution)[0]" in text
    assert "$_.VirtualSystemType -eq 'Microsoft:Hyper-V:System:Realized'" in text
    assert "-MethodName GetVirtualSystemThumbnailImage" in text
    assert "@{ TargetSystem = $settings; WidthPixels = $width; HeightPixels = $height }" in text
    assert "[Convert]::ToBase64String([byte[]]$result.ImageData)" in text


def test_each_operation_sends_its_script_and_parameters() -> None:
    runner = ReplayingRunner(
        [
            Exchange("START_VM", {"VMName": VM}, state_json(VM, "Running")),
            Exchange(
                "KEYBOARD",
                {"VMName": VM, "Held": [], "KeyCode": 0x5B, "StepMs": 100},
                steps_json(("TypeKey", 0x5B, 0)),
            ),
            Exchange(
                "KEYBOARD",
                {"VMName": VM, "Held": [0x11, 0x10], "KeyCode": 0x44, "StepMs": 50},
                steps_json(
                    ("PressKey", 0x11, 0),
                    ("PressKey", 0x10, 0),
                    ("TypeKey", 0x44, 0),
                    ("ReleaseKey", 0x10, 0),
                    ("ReleaseKey", 0x11, 0),
                ),
            ),
            Exchange("VM_STATE", {"VMName": VM}, state_json(VM, "Running")),
            Exchange("STOP_VM_HARD", {"VMName": VM}, state_json(VM, "Off")),
        ]
    )
    power = HyperVPower(runner, VM)
    keyboard = HyperVKeyboard(runner, VM, key_interval_s=0)
    power.power_on()
    keyboard.press(key("win"))
    keyboard.chord([key("ctrl"), key("shift"), key("d")], hold_s=0.05)
    power.power_state()
    power.power_off()
    assert runner.exchanges == []


def test_screen_sends_the_thumbnail_script() -> None:
    runner = ReplayingRunner([Exchange("THUMBNAIL", {"VMName": VM}, stderr="boom")])
    with pytest.raises(Exception, match="boom"):
        HyperVScreen(runner, VM).grab()
    assert runner.sent == [("THUMBNAIL", {"VMName": VM})]


def test_full_local_text_for_a_vm_name_with_quotes() -> None:
    text = render_invocation(scripts.START_VM, {"VMName": "a'; Stop-Computer; '"})
    assert text.startswith("& {\nparam([string]$VMName)\n")
    assert text.endswith("\n} -VMName 'a''; Stop-Computer; '''")
    assert text.count("Stop-Computer") == 1  # only inside the quoted literal
    assert local_argv("powershell.exe", scripts.START_VM, {"VMName": "x"})[0] == "powershell.exe"
