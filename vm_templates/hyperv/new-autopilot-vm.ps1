<#
.SYNOPSIS
    Creates a Generation 2 Hyper-V VM for the Autopilot pre-provisioning technician flow.

.DESCRIPTION
    The VM boots a given VHDX (a generalized Windows image that starts at OOBE), with what
    pre-provisioning needs: UEFI with Secure Boot, a virtual TPM 2.0 protected by a local key
    protector, 2 virtual processors and 4 GB of static memory (the harness drives the VM's
    keyboard and reads its screen; dynamic memory and automatic checkpoints only add noise).

    Run it elevated on the Hyper-V host. It prints the new VM as JSON (Name, Id, State,
    Generation). Nothing is started: the harness powers the VM on at the start of a run.

    A vTPM on a VM cannot pass TPM attestation: on a VM, pre-provisioning normally ends red
    with a TPM attestation error, so a device YAML for such a VM expects that red code.

.PARAMETER Name
    Name of the new VM. It must not exist yet (the harness requires exactly one VM by name).

.PARAMETER VhdxPath
    Path of the VHDX to boot. It is attached as it is (not copied): give each VM its own copy or
    a differencing disk.

.PARAMETER SwitchName
    Name of the virtual switch for the VM's network adapter (pre-provisioning needs Internet).

.PARAMETER Path
    Folder for the VM's configuration files. Default: the host's default VM folder.

.PARAMETER ProcessorCount
    Virtual processors. Default 2.

.PARAMETER MemoryBytes
    Static memory. Default 4GB.

.PARAMETER SecureBootTemplate
    MicrosoftWindows (default) for Windows images; MicrosoftUEFICertificateAuthority for
    images whose boot loader is signed by the Microsoft UEFI CA (e.g. the Linux stand-in guest).

.PARAMETER HorizontalResolution
    Width of the VM's display. Default 1920. The harness reads thumbnails at this resolution.

.PARAMETER VerticalResolution
    Height of the VM's display. Default 1080.

.PARAMETER MacAddress
    Optional static MAC address (12 hex digits), so that the device keeps one identity when the
    VM is recreated. Default: dynamic.

.EXAMPLE
    .\new-autopilot-vm.ps1 -Name autopilot-01 -VhdxPath D:\vms\autopilot-01.vhdx -SwitchName Lab

.EXAMPLE
    .\new-autopilot-vm.ps1 -Name standin-01 -VhdxPath D:\vms\standin.vhdx -SwitchName Lab `
        -SecureBootTemplate MicrosoftUEFICertificateAuthority -MemoryBytes 1GB
#>
#Requires -RunAsAdministrator
#Requires -Modules Hyper-V
[CmdletBinding()]
param(
    [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string]$Name,
    [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string]$VhdxPath,
    [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string]$SwitchName,
    [string]$Path,
    [ValidateRange(1, 64)][int]$ProcessorCount = 2,
    [ValidateRange(1GB, 1TB)][long]$MemoryBytes = 4GB,
    [ValidateSet('MicrosoftWindows', 'MicrosoftUEFICertificateAuthority')]
    [string]$SecureBootTemplate = 'MicrosoftWindows',
    [ValidateRange(640, 7680)][int]$HorizontalResolution = 1920,
    [ValidateRange(480, 4320)][int]$VerticalResolution = 1080,
    [ValidatePattern('^[0-9A-Fa-f]{12}$')][string]$MacAddress
)

$ErrorActionPreference = 'Stop'

# Exact name comparison: the -Name parameter of Get-VM would treat [ ] * ? as wildcards.
if (@(Get-VM | Where-Object { $_.Name -eq $Name }).Count -gt 0) {
    throw "a VM named '$Name' already exists on $env:COMPUTERNAME"
}
if (-not (Test-Path -LiteralPath $VhdxPath -PathType Leaf)) {
    throw "no VHDX at '$VhdxPath'"
}
if ($null -eq (Get-VMSwitch | Where-Object { $_.Name -eq $SwitchName })) {
    throw "no virtual switch named '$SwitchName'"
}

$newVm = @{
    Name               = $Name
    Generation         = 2
    MemoryStartupBytes = $MemoryBytes
    VHDPath            = $VhdxPath
    SwitchName         = $SwitchName
}
if ($Path) { $newVm.Path = $Path }
$vm = New-VM @newVm

Set-VMMemory -VM $vm -DynamicMemoryEnabled $false -StartupBytes $MemoryBytes
Set-VMProcessor -VM $vm -Count $ProcessorCount
# Checkpoints taken on every start would fill the disk over nightly runs; a reset is a new VHDX.
Set-VM -VM $vm -AutomaticCheckpointsEnabled $false -AutomaticStopAction TurnOff

$disk = Get-VMHardDiskDrive -VM $vm
Set-VMFirmware -VM $vm -EnableSecureBoot On -SecureBootTemplate $SecureBootTemplate `
    -FirstBootDevice $disk

# vTPM: a local key protector (the host's "UntrustedGuardian"), no Host Guardian Service.
# Where -NewLocalKeyProtector is refused, create the guardian by hand:
#   $guardian = New-HgsGuardian -Name UntrustedGuardian -GenerateCertificates
#   $protector = New-HgsKeyProtector -Owner $guardian -AllowUntrustedRoot
#   Set-VMKeyProtector -VM $vm -KeyProtector $protector.RawData
Set-VMKeyProtector -VM $vm -NewLocalKeyProtector
Enable-VMTPM -VM $vm

# One fixed resolution, so every thumbnail has the size the screen definitions expect.
Set-VMVideo -VM $vm -ResolutionType Single `
    -HorizontalResolution $HorizontalResolution -VerticalResolution $VerticalResolution

if ($MacAddress) {
    Set-VMNetworkAdapter -VM $vm -StaticMacAddress $MacAddress
}

$vm = Get-VM -Id $vm.Id
[pscustomobject]@{
    Name       = $vm.Name
    Id         = $vm.Id.Guid
    State      = $vm.State.ToString()
    Generation = $vm.Generation
} | ConvertTo-Json -Compress
