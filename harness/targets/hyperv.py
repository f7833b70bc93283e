"""Hyper-V VMs: screen, keyboard and power through PowerShell, locally or over WinRM.

The parts live in ``hyperv_keyboard`` (Msvm_Keyboard), ``hyperv_screen`` (thumbnails, RGB565)
and ``hyperv_power`` (Start-VM / Stop-VM / Get-VM); the scripts in ``hyperv_scripts``; the
transports in ``hyperv_powershell`` (local ``powershell.exe`` / ``pwsh``) and ``hyperv_remote``
(PSRP over WinRM with pypsrp). See docs/hyperv.md.

YAML (on the Hyper-V host itself, elevated)::

    target:
      backend: hyperv
      vm: autopilot-01              # the VM's name as Get-VM shows it (exactly one must match)
      transport: local              # local | winrm
      powershell: powershell.exe    # or pwsh
      command_timeout_s: 60         # per PowerShell run
      key_interval_s: 0.15          # at least this long between two key calls
      black_limit_s: 60             # all-black thumbnails this long -> NoFrame (rig error)

YAML (from another machine, PowerShell remoting over HTTPS)::

    target:
      backend: hyperv
      vm: autopilot-01
      transport: winrm
      host: hv01.lab.example
      port: 5986                    # default 5986 with https, 5985 without
      https: true
      auth: negotiate               # negotiate | kerberos | ntlm | credssp | basic | certificate
      username: LAB\\svc-autopilot
      password_env: HYPERV_PASSWORD # or password_file: /run/secrets/hyperv-password
      verify_tls: true
      ca_file: /etc/ssl/certs/lab-ca.pem
      # certificate_pem: /etc/harness/winrm-client.pem      (auth: certificate)
      # certificate_key_pem: /etc/harness/winrm-client.key
      connection_timeout_s: 30
      operation_timeout_s: 60
      key_interval_s: 0.15
      black_limit_s: 60
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from harness.targets.hyperv_keyboard import HyperVKeyboard
from harness.targets.hyperv_power import HyperVPower
from harness.targets.hyperv_powershell import LocalPowerShell, PowerShellRunner
from harness.targets.hyperv_remote import AUTH_METHODS, RemotePowerShell, WinRMSettings
from harness.targets.hyperv_screen import HyperVScreen
from harness.targets.rig_settings import SettingsReader, check_role
from harness.targets.target import Target

_log = logging.getLogger(__name__)

ROLES = ("all", "screen", "keyboard", "power")
_WINRM_ONLY = (
    "host",
    "port",
    "https",
    "auth",
    "username",
    "password_env",
    "password_file",
    "verify_tls",
    "ca_file",
    "certificate_pem",
    "certificate_key_pem",
    "connection_timeout_s",
    "operation_timeout_s",
)


def hyperv_target(
    runner: PowerShellRunner,
    vm_name: str,
    *,
    key_interval_s: float = 0.15,
    black_limit_s: float = 60.0,
    host: str = "local",
) -> Target:
    """A whole target (screen, keyboard, power) for one VM, sharing one PowerShell runner."""
    return Target(
        name=vm_name,
        screen=HyperVScreen(runner, vm_name, black_limit_s=black_limit_s),
        keyboard=HyperVKeyboard(runner, vm_name, key_interval_s=key_interval_s),
        power=HyperVPower(runner, vm_name),
        facts={"hypervisor": "Hyper-V", "hyperv_host": host, "vm": vm_name},
    )


def create(role: str, settings: Mapping[str, Any], *, source: str) -> object:
    check_role(role, ROLES, backend="hyperv", source=source)
    reader = SettingsReader(settings, source=source)
    vm_name = reader.text("vm")
    if not vm_name.strip():
        raise reader.error("vm", "expected the VM's name, got an empty string")
    transport = reader.choice("transport", ("local", "winrm"), "local")
    key_interval_s = reader.number("key_interval_s", 0.15)
    black_limit_s = reader.number("black_limit_s", 60.0)
    runner: PowerShellRunner
    if transport == "local":
        for key in _WINRM_ONLY:
            if reader.has(key):
                raise reader.error(key, "only used with transport: winrm")
        runner = LocalPowerShell(
            reader.text("powershell", "powershell.exe"),
            timeout_s=reader.number("command_timeout_s", 60.0, minimum=1.0),
        )
        host = "local"
    else:
        if reader.has("powershell") or reader.has("command_timeout_s"):
            raise reader.error(
                "powershell" if reader.has("powershell") else "command_timeout_s",
                "only used with transport: local (use operation_timeout_s with winrm)",
            )
        winrm = _winrm_settings(reader)
        runner = RemotePowerShell(winrm)
        host = winrm.host
    reader.finish()
    if role == "all":
        return hyperv_target(
            runner, vm_name, key_interval_s=key_interval_s, black_limit_s=black_limit_s, host=host
        )
    if role == "screen":
        return HyperVScreen(runner, vm_name, black_limit_s=black_limit_s)
    if role == "keyboard":
        return HyperVKeyboard(runner, vm_name, key_interval_s=key_interval_s)
    return HyperVPower(runner, vm_name)


def _winrm_settings(reader: SettingsReader) -> WinRMSettings:
    https = reader.flag("https", True)
    auth = reader.choice("auth", AUTH_METHODS, "negotiate")
    verify_tls = reader.flag("verify_tls", True)
    ca_file = reader.text("ca_file", None)
    if ca_file and not verify_tls:
        raise reader.error("ca_file", "ca_file makes no sense with verify_tls: false")
    if not https and auth == "basic":
        raise reader.error("auth", "basic sends the password in clear over HTTP: use https: true")
    if https and not verify_tls:
        _log.warning("%s: TLS certificate verification is OFF (verify_tls: false)", reader.source)
    username = reader.text("username", None)
    password = None
    certificate_pem = reader.text("certificate_pem", None)
    certificate_key_pem = reader.text("certificate_key_pem", None)
    if auth == "certificate":
        if not https:
            raise reader.error("https", "auth: certificate needs https: true")
        if not (certificate_pem and certificate_key_pem):
            raise reader.error(
                "certificate_pem", "auth: certificate needs certificate_pem and certificate_key_pem"
            )
    else:
        if certificate_pem or certificate_key_pem:
            raise reader.error("certificate_pem", "only used with auth: certificate")
        # Kerberos can use the ticket cache of the account running the harness.
        password = reader.secret("password", required=auth != "kerberos")
        if password is not None and not username:
            raise reader.error("username", "a password needs a username (DOMAIN\\user or UPN)")
    return WinRMSettings(
        host=reader.text("host"),
        username=username,
        password=password,
        port=reader.integer("port", None, minimum=1),
        https=https,
        auth=auth,
        verify_tls=verify_tls,
        ca_file=ca_file,
        certificate_pem=certificate_pem,
        certificate_key_pem=certificate_key_pem,
        connection_timeout_s=reader.integer("connection_timeout_s", 30, minimum=1),
        operation_timeout_s=reader.integer("operation_timeout_s", 60, minimum=1),
    )
