"""PowerShell remoting (PSRP over WinRM) to a Hyper-V host, through pypsrp.

HTTPS (port 5986) with certificate validation by default. Authentication is any that pypsrp
offers: ``negotiate`` (Kerberos, else NTLM), ``kerberos``, ``ntlm``, ``credssp``, ``basic``,
``certificate`` (client certificate mapped to a local account). One runspace pool stays open
between scripts (opening one costs about a second); a transport failure closes it, raises
``ConnectionLost``, and the next script opens a new one.

pypsrp is imported lazily: it is the ``hyperv`` extra, and only this transport needs it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.errors import ConfigError, ConnectionLost
from harness.targets.hyperv_powershell import ParameterValue, PowerShellError
from harness.targets.rig_settings import Secret

_log = logging.getLogger(__name__)

AUTH_METHODS = ("negotiate", "kerberos", "ntlm", "credssp", "basic", "certificate")


@dataclass(frozen=True)
class WinRMSettings:
    host: str
    username: str | None = None
    password: Secret | None = field(default=None, repr=True)
    port: int | None = None
    """5986 with HTTPS, 5985 without, unless given."""
    https: bool = True
    auth: str = "negotiate"
    verify_tls: bool = True
    ca_file: str | None = None
    certificate_pem: str | None = None
    certificate_key_pem: str | None = None
    connection_timeout_s: int = 30
    operation_timeout_s: int = 60

    @property
    def effective_port(self) -> int:
        return self.port or (5986 if self.https else 5985)

    def wsman_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``pypsrp.wsman.WSMan`` (the password is revealed only here)."""
        arguments: dict[str, Any] = {
            "server": self.host,
            "port": self.effective_port,
            "ssl": self.https,
            "auth": self.auth,
            "cert_validation": self.ca_file or self.verify_tls,
            "connection_timeout": self.connection_timeout_s,
            "read_timeout": self.operation_timeout_s + 10,
            "operation_timeout": self.operation_timeout_s,
        }
        if self.auth == "certificate":
            arguments["certificate_pem"] = self.certificate_pem
            arguments["certificate_key_pem"] = self.certificate_key_pem
        else:
            arguments["username"] = self.username
            arguments["password"] = self.password.reveal() if self.password else None
        return arguments


class RemotePowerShell:
    """Runs scripts on a remote Hyper-V host over PSRP, parameters bound as real parameters."""

    def __init__(self, settings: WinRMSettings) -> None:
        self.settings = settings
        self._pool: Any = None

    def run(self, script: str, parameters: Mapping[str, ParameterValue]) -> str:
        psrp = _import_pypsrp()
        where = f"{self.settings.host}:{self.settings.effective_port}"
        try:
            pool = self._open_pool(psrp)
            shell = psrp.PowerShell(pool)
            shell.add_script(script)
            shell.add_parameters({name: _plain(value) for name, value in parameters.items()})
            output = shell.invoke()
        except psrp.AuthenticationError as problem:
            self._drop_pool()
            raise ConnectionLost(f"WinRM authentication to {where} failed: {problem}") from None
        except psrp.TRANSPORT_ERRORS as problem:
            self._drop_pool()
            raise ConnectionLost(f"WinRM connection to {where} failed: {problem}") from None
        if shell.had_errors:
            stderr = "\n".join(str(record) for record in shell.streams.error)
            raise PowerShellError(
                f"PowerShell on {self.settings.host} failed: {stderr or 'no error text'}",
                stderr=stderr,
            )
        return "\n".join(str(item) for item in output if item is not None)

    def close(self) -> None:
        self._drop_pool()

    def _open_pool(self, psrp: Any) -> Any:
        if self._pool is None:
            wsman = psrp.WSMan(**self.settings.wsman_arguments())
            pool = psrp.RunspacePool(wsman)
            pool.open()
            self._pool = pool
            _log.info("WinRM: opened a PowerShell runspace on %s", self.settings.host)
        return self._pool

    def _drop_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                pool.close()
            except Exception as problem:  # the connection may already be gone
                _log.debug("closing the runspace pool failed: %s", problem)


def _plain(value: ParameterValue) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


class _Pypsrp:
    """The few names this module uses from pypsrp, imported on first use."""

    def __init__(self) -> None:
        import requests.exceptions
        from pypsrp.exceptions import AuthenticationError, WinRMError, WinRMTransportError
        from pypsrp.powershell import PowerShell, RunspacePool
        from pypsrp.wsman import WSMan

        self.WSMan = WSMan
        self.RunspacePool = RunspacePool
        self.PowerShell = PowerShell
        self.AuthenticationError = AuthenticationError
        self.TRANSPORT_ERRORS = (
            WinRMTransportError,
            WinRMError,
            requests.exceptions.RequestException,
        )


def _import_pypsrp() -> _Pypsrp:
    try:
        return _Pypsrp()
    except ImportError as problem:
        raise ConfigError(
            f"transport winrm needs pypsrp: {problem} (pip install 'autopilot-harness[hyperv]')",
            key="transport",
        ) from None
