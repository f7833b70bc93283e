"""The WinRM transport's use of pypsrp, on a recording stand-in for pypsrp's classes.

No WinRM endpoint can run here; the stand-in records exactly what the transport asks of
pypsrp (connection arguments, script, parameters) and answers like pypsrp does.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from harness.errors import ConnectionLost
from harness.targets import hyperv_remote
from harness.targets.hyperv_powershell import PowerShellError, PowerShellRunner
from harness.targets.hyperv_remote import RemotePowerShell, WinRMSettings
from harness.targets.rig_settings import Secret


class FakeAuthError(Exception):
    pass


class FakeTransportError(Exception):
    pass


class FakePypsrp:
    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []
        self.answers: list[Any] = []
        fake = self

        class WSMan:
            def __init__(self, **kwargs: Any) -> None:
                fake.log.append(("wsman", kwargs))

        class RunspacePool:
            def __init__(self, wsman: WSMan) -> None:
                pass

            def open(self) -> None:
                fake.log.append(("open", None))

            def close(self) -> None:
                fake.log.append(("close", None))

        class PowerShell:
            def __init__(self, pool: RunspacePool) -> None:
                self.had_errors = False
                self.streams = SimpleNamespace(error=[])

            def add_script(self, script: str) -> None:
                fake.log.append(("script", script))

            def add_parameters(self, parameters: dict[str, Any]) -> None:
                fake.log.append(("parameters", parameters))

            def invoke(self) -> list[Any]:
                answer = fake.answers.pop(0)
                if isinstance(answer, Exception):
                    raise answer
                if isinstance(answer, dict):
                    self.had_errors = True
                    self.streams.error = answer["errors"]
                    return []
                return answer

        self.WSMan = WSMan
        self.RunspacePool = RunspacePool
        self.PowerShell = PowerShell
        self.AuthenticationError = FakeAuthError
        self.TRANSPORT_ERRORS = (FakeTransportError,)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakePypsrp:
    fake = FakePypsrp()
    monkeypatch.setattr(hyperv_remote, "_import_pypsrp", lambda: fake)
    return fake


SETTINGS = WinRMSettings(host="hv01.lab", username="LAB\\svc", password=Secret("pw-123"))


def test_real_pypsrp_offers_what_the_transport_uses() -> None:
    names = hyperv_remote._import_pypsrp()
    assert names.WSMan.__name__ == "WSMan" and names.PowerShell.__name__ == "PowerShell"


def test_parameters_are_bound_and_the_pool_is_reused(fake: FakePypsrp) -> None:
    fake.answers = [['{"State":"Running"}'], ["a", None, "b"]]
    runner = RemotePowerShell(SETTINGS)
    assert isinstance(runner, PowerShellRunner)
    script = "param([string]$VMName, [uint32[]]$Held)\n$VMName"
    assert runner.run(script, {"VMName": "it's", "Held": (17, 16)}) == '{"State":"Running"}'
    assert runner.run(script, {"VMName": "x", "Held": ()}) == "a\nb"
    runner.close()
    wsman = fake.log[0]
    assert wsman == (
        "wsman",
        {
            "server": "hv01.lab",
            "port": 5986,
            "ssl": True,
            "auth": "negotiate",
            "cert_validation": True,
            "connection_timeout": 30,
            "read_timeout": 70,
            "operation_timeout": 60,
            "username": "LAB\\svc",
            "password": "pw-123",
        },
    )
    assert fake.log[1:] == [
        ("open", None),
        ("script", script),
        ("parameters", {"VMName": "it's", "Held": [17, 16]}),
        ("script", script),
        ("parameters", {"VMName": "x", "Held": []}),
        ("close", None),
    ]


def test_script_errors_raise_powershell_error(fake: FakePypsrp) -> None:
    fake.answers = [{"errors": ["Get-VM : access denied", "second"]}]
    with pytest.raises(PowerShellError, match=r"hv01\.lab failed: Get-VM : access") as err:
        RemotePowerShell(SETTINGS).run("param()", {})
    assert err.value.stderr == "Get-VM : access denied\nsecond"


def test_transport_errors_drop_the_pool_and_reconnect(fake: FakePypsrp) -> None:
    fake.answers = [FakeTransportError("connection reset"), ["ok"]]
    runner = RemotePowerShell(SETTINGS)
    with pytest.raises(ConnectionLost, match=r"WinRM connection to hv01\.lab:5986 failed"):
        runner.run("param()", {})
    assert runner.run("param()", {}) == "ok"
    assert [entry for entry, _ in fake.log].count("open") == 2
    assert [entry for entry, _ in fake.log].count("close") == 1


def test_authentication_errors_are_connection_lost(fake: FakePypsrp) -> None:
    fake.answers = [FakeAuthError("401")]
    with pytest.raises(ConnectionLost, match=r"authentication to hv01\.lab:5986 failed: 401"):
        RemotePowerShell(SETTINGS).run("param()", {})


def test_settings_variants() -> None:
    cert = WinRMSettings(
        host="h", auth="certificate", certificate_pem="c.pem", certificate_key_pem="c.key"
    )
    arguments = cert.wsman_arguments()
    assert arguments["certificate_pem"] == "c.pem" and "password" not in arguments
    plain = WinRMSettings(host="h", https=False, ca_file=None, verify_tls=True)
    assert plain.wsman_arguments()["port"] == 5985
    pinned = WinRMSettings(host="h", ca_file="/etc/ca.pem")
    assert pinned.wsman_arguments()["cert_validation"] == "/etc/ca.pem"
    assert "pw-123" not in repr(SETTINGS) and "pw-123" not in str(SETTINGS)
