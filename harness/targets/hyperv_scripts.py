"""The PowerShell scripts the Hyper-V backend runs, one constant per operation.

Every script starts with a ``param(...)`` block: the VM name and the other values are bound as
parameters, never pasted into the text, so a VM name holding quotes, ``$`` or ``;`` stays a
value. The VM is found by comparing names (``-eq``, no wildcards, no WQL), and exactly one must
match (Hyper-V allows duplicate names). The WMI objects are then reached from the VM's GUID,
which is safe to put in a WQL filter: a [Guid] cannot hold a quote.

Structured results are printed as one line of JSON (``ConvertTo-Json -Compress``).
"""

from __future__ import annotations

# Runs right after each param block: stop on any error, find the one VM, reach its WMI object.
_FIND_VM = r"""
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$vm = @(Get-VM | Where-Object { $_.Name -eq $VMName })
if ($vm.Count -ne 1) {
    throw "expected exactly one VM named '$VMName' on $env:COMPUTERNAME, found $($vm.Count)"
}
$vm = $vm[0]
"""

_FIND_SYSTEM = r"""
$namespace = 'root\virtualization\v2'
$system = Get-CimInstance -Namespace $namespace -ClassName Msvm_ComputerSystem `
    -Filter "Name='$($vm.Id.Guid)'"
"""

_STATE_JSON = r"""
$vm = Get-VM -Id $vm.Id
[pscustomobject]@{ Name = $vm.Name; State = $vm.State.ToString() } | ConvertTo-Json -Compress
"""

VM_STATE = "param([string]$VMName)\n" + _FIND_VM + _STATE_JSON

START_VM = (
    "param([string]$VMName)\n"
    + _FIND_VM
    + "if ($vm.State -ne 'Running') { Start-VM -VM $vm }\n"
    + _STATE_JSON
)

STOP_VM_HARD = (
    "param([string]$VMName)\n"
    + _FIND_VM
    + "if ($vm.State -ne 'Off') { Stop-VM -VM $vm -TurnOff -Force }\n"
    + _STATE_JSON
)

# Keys in one round trip: PressKey each held key, TypeKey the last one, ReleaseKey the held keys
# in reverse (no held keys: a plain TypeKey). Pressed keys are released even when a later step
# fails, so no modifier stays stuck. Prints every step with its return value.
KEYBOARD = (
    "param([string]$VMName, [uint32[]]$Held, [uint32]$KeyCode, [int]$StepMs)\n"
    + _FIND_VM
    + _FIND_SYSTEM
    + r"""
$keyboard = @($system | Get-CimAssociatedInstance -ResultClassName Msvm_Keyboard)[0]
if ($null -eq $keyboard) { throw "VM '$VMName' has no Msvm_Keyboard" }
# An empty list may arrive as $null, and @($null).Count is 1: normalise before counting.
if ($null -eq $Held) { $Held = @() }
$steps = [System.Collections.Generic.List[object]]::new()
function Invoke-KeyboardMethod([string]$method, [uint32]$code) {
    $arguments = @{ keyCode = $code }
    $result = Invoke-CimMethod -InputObject $keyboard -MethodName $method -Arguments $arguments
    $returned = [int]$result.ReturnValue
    $steps.Add([pscustomobject]@{ Method = $method; KeyCode = [int]$code; ReturnValue = $returned })
    return $returned
}
$pressed = [System.Collections.Generic.List[uint32]]::new()
try {
    foreach ($code in $Held) {
        if ((Invoke-KeyboardMethod 'PressKey' $code) -notin 0, 4096) { break }
        $pressed.Add($code)
        Start-Sleep -Milliseconds $StepMs
    }
    if ($pressed.Count -eq $Held.Count) {
        [void](Invoke-KeyboardMethod 'TypeKey' $KeyCode)
        if ($pressed.Count -gt 0) { Start-Sleep -Milliseconds $StepMs }
    }
} finally {
    $pressed.Reverse()
    foreach ($code in $pressed) { [void](Invoke-KeyboardMethod 'ReleaseKey' $code) }
}
ConvertTo-Json -Compress -InputObject @($steps)
"""
)

# The VM's screen at its current (native) resolution, as base64 RGB565.
THUMBNAIL = (
    "param([string]$VMName)\n"
    + _FIND_VM
    + _FIND_SYSTEM
    + r"""
$head = @($system | Get-CimAssociatedInstance -ResultClassName Msvm_VideoHead)[0]
if ($null -eq $head) { throw "VM '$VMName' has no video head (is it running?)" }
$width = [uint16]@($head.CurrentHorizontalResolution)[0]
$height = [uint16]@($head.CurrentVerticalResolution)[0]
$settings = $system | Get-CimAssociatedInstance -ResultClassName Msvm_VirtualSystemSettingData |
    Where-Object { $_.VirtualSystemType -eq 'Microsoft:Hyper-V:System:Realized' }
$service = Get-CimInstance -Namespace $namespace -ClassName Msvm_VirtualSystemManagementService
$result = Invoke-CimMethod -InputObject $service -MethodName GetVirtualSystemThumbnailImage `
    -Arguments @{ TargetSystem = $settings; WidthPixels = $width; HeightPixels = $height }
$data = ''
if ($null -ne $result.ImageData) { $data = [Convert]::ToBase64String([byte[]]$result.ImageData) }
[pscustomobject]@{
    ReturnValue = [int]$result.ReturnValue
    Width = [int]$width
    Height = [int]$height
    ImageData = $data
} | ConvertTo-Json -Compress
"""
)
