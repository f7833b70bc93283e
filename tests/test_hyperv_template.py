"""The VM template: PowerShell cannot run here, so its text is checked for what the flow needs."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATE = Path(__file__).parent.parent / "vm_templates" / "hyperv" / "new-autopilot-vm.ps1"


def template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


def test_every_parameter_is_documented() -> None:
    text = template()
    param_block = text[text.index("param(") : text.index("\n)\n")]
    declared = re.findall(r"\[(?:string|int|long)\]\$(\w+)", param_block)
    documented = re.findall(r"^\.PARAMETER (\w+)$", text, flags=re.MULTILINE)
    assert declared == documented
    assert {"Name", "VhdxPath", "SwitchName"} <= set(declared)


def test_generation_2_with_secure_boot_and_a_local_vtpm() -> None:
    text = template()
    assert "Generation         = 2" in text
    firmware = "Set-VMFirmware -VM $vm -EnableSecureBoot On -SecureBootTemplate $SecureBootTemplate"
    assert firmware in text
    assert "'MicrosoftWindows', 'MicrosoftUEFICertificateAuthority'" in text
    assert text.index("Set-VMKeyProtector -VM $vm -NewLocalKeyProtector") < text.index(
        "Enable-VMTPM -VM $vm"
    )


def test_two_processors_and_four_gigabytes_of_static_memory() -> None:
    text = template()
    assert "[int]$ProcessorCount = 2" in text and "[long]$MemoryBytes = 4GB" in text
    assert "Set-VMMemory -VM $vm -DynamicMemoryEnabled $false -StartupBytes $MemoryBytes" in text
    assert "Set-VMProcessor -VM $vm -Count $ProcessorCount" in text


def test_runs_elevated_and_matches_names_exactly() -> None:
    text = template()
    assert "#Requires -RunAsAdministrator" in text
    assert "$ErrorActionPreference = 'Stop'" in text
    assert "Get-VM -Name" not in text  # wildcards; names are compared with -eq
    assert "Test-Path -LiteralPath $VhdxPath" in text
