"""Power through a BMC's Redfish API (``ComputerSystem.Reset``), polled until the state matches.

The job is a few HTTP calls, made through the harness's ``HttpClient`` (requests: timeouts,
connection reuse, ``Retry-After``) and ``redfish_auth`` (session or basic auth):

1. ``GET /redfish/v1/Systems/{id}`` (``system_id`` from the configuration, or the only member of
   ``/redfish/v1/Systems``) -> ``PowerState`` and the ``#ComputerSystem.Reset`` action;
2. the allowed ResetType values: the action's inline
   ``ResetType@Redfish.AllowableValues``, or else the ``ResetType`` parameter of the action's
   ``@Redfish.ActionInfo`` resource (``ResetActionInfo`` on many BMCs, DSP0266 "Allowable
   values"); a type outside them is never posted: some BMCs (and sushy-tools) answer 204 to an
   unknown type and do nothing;
3. ``POST`` the action's ``target`` with ``{"ResetType": ...}``;
4. poll ``PowerState`` until ``On`` / ``Off`` or ``power_timeout_s``. A read answered with a
   5xx (a BMC, or sushy-tools, while the system changes state) is asked again up to
   ``GET_ATTEMPTS`` times, ``poll_s`` (at most 1 s) apart; a POST is never repeated that way.

TLS verification is on by default (``ca_file``, or ``tls_fingerprint`` to pin a self-signed
BMC certificate; ``verify_tls: false`` is allowed and logged as a warning).

YAML::

    power:
      backend: redfish
      url: https://bmc-07.lab          # the BMC's base URL
      system_id: 1                     # optional when the BMC has exactly one system
      user: admin
      password_env: BMC_PASSWORD       # or password_file: /etc/harness/bmc-07.pass
      auth: auto                       # auto (session if the BMC offers one) | session | basic
      ca_file: /etc/harness/bmc-ca.pem # or tls_fingerprint: sha256:... or verify_tls: false
      timeout_s: 10                    # per HTTP request
      power_timeout_s: 60              # wait for PowerState to match
      poll_s: 1
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from harness.errors import PowerControlError
from harness.targets.http_client import HttpClient, read_tls, refuse_userinfo
from harness.targets.protocols import PowerState
from harness.targets.redfish_auth import AUTH_MODES, RedfishConnection, redfish_error
from harness.targets.rig_settings import SettingsReader, check_role

_log = logging.getLogger(__name__)

SYSTEMS = "/redfish/v1/Systems"
RESET_ACTION = "#ComputerSystem.Reset"
ALLOWED_KEY = "ResetType@Redfish.AllowableValues"
ACTION_INFO_KEY = "@Redfish.ActionInfo"

GET_ATTEMPTS = 3
"""A read answered with a server error (5xx) is made this many times before it is an error."""
MAX_GET_PAUSE_S = 1.0

# Reset types per intent, most precise first.
ON_TYPES = ("On", "ForceOn")
OFF_TYPES = ("ForceOff",)
SHUTDOWN_TYPES = ("GracefulShutdown",)


class RedfishPower:
    """``GracefulPower`` through Redfish."""

    def __init__(
        self,
        connection: RedfishConnection,
        *,
        system_id: str | None,
        power_timeout_s: float = 60.0,
        poll_s: float = 1.0,
    ) -> None:
        self.connection = connection
        self.system_id = system_id
        self.power_timeout_s = power_timeout_s
        self.poll_s = poll_s
        self.label = connection.label

    # -- Power --------------------------------------------------------------------------------

    def power_state(self) -> PowerState:
        raw = self.raw_power_state()
        return {"On": PowerState.ON, "Off": PowerState.OFF}.get(raw, PowerState.UNKNOWN)

    def raw_power_state(self) -> str:
        """``On``, ``Off``, ``PoweringOn``, ``PoweringOff`` as the BMC says it."""
        return str(self._system().get("PowerState", ""))

    def power_on(self) -> None:
        self._reset(ON_TYPES, wait_for="On")

    def power_off(self) -> None:
        self._reset(OFF_TYPES, wait_for="Off")

    def shutdown(self) -> None:
        """Ask the OS to shut down (ACPI). Best effort: the caller waits, then forces off."""
        self._reset(SHUTDOWN_TYPES, wait_for=None)

    # -- Redfish ------------------------------------------------------------------------------

    def _system_path(self) -> str:
        if self.system_id is None:
            members = self._get(SYSTEMS).get("Members", [])
            ids = [str(m.get("@odata.id", "")).rstrip("/").rsplit("/", 1)[-1] for m in members]
            if len(ids) != 1:
                raise PowerControlError(
                    f"{self.label}: {len(ids)} systems found ({', '.join(ids) or 'none'}); "
                    "set system_id to the one to control"
                )
            self.system_id = ids[0]
            _log.info("%s: controlling the only system, %s", self.label, self.system_id)
        return f"{SYSTEMS}/{self.system_id}"

    def _system(self) -> dict[str, Any]:
        return self._get(self._system_path())

    def _get(self, path: str) -> dict[str, Any]:
        response = self.connection.request("GET", path)
        for attempt in range(1, GET_ATTEMPTS):
            if response.status < 500:
                break
            # A BMC answers a read with a 5xx while the system changes state (sushy-tools: "domain
            # is not running" as a guest powers off): a GET is safe to repeat, a little later.
            _log.warning(
                "%s: GET %s: %s (attempt %d of %d); asking again",
                self.label, path, redfish_error(response), attempt, GET_ATTEMPTS,
            )  # fmt: skip
            time.sleep(min(self.poll_s, MAX_GET_PAUSE_S))
            response = self.connection.request("GET", path)
        if response.status != 200:
            raise PowerControlError(f"{self.label}: GET {path}: {redfish_error(response)}")
        try:
            document = response.json()
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise PowerControlError(f"{self.label}: GET {path}: not a JSON object")
        return document

    def _reset(self, wanted: Sequence[str], *, wait_for: str | None) -> None:
        system = self._system()
        action = system.get("Actions", {}).get(RESET_ACTION)
        if not isinstance(action, dict):
            raise PowerControlError(f"{self.label}: system {self.system_id} has no {RESET_ACTION}")
        allowed = self._allowed_types(action)
        if allowed is None:
            # Without a list the BMC cannot be checked; the state polling below still is.
            _log.warning("%s: no allowed ResetType list; trying %s", self.label, wanted[0])
            allowed = list(wanted)
        reset_type = next((kind for kind in wanted if kind in allowed), None)
        if reset_type is None:
            raise PowerControlError(
                f"{self.label}: none of {', '.join(wanted)} is an allowed ResetType "
                f"(allowed: {', '.join(map(str, allowed))})"
            )
        if wait_for is not None and system.get("PowerState") == wait_for:
            return  # already there: a second On/ForceOff is an error on some BMCs
        target = action.get("target") or f"{self._system_path()}/Actions/ComputerSystem.Reset"
        response = self.connection.request("POST", target, json_body={"ResetType": reset_type})
        if response.status not in (200, 202, 204):
            raise PowerControlError(
                f"{self.label}: ResetType {reset_type}: {redfish_error(response)}"
            )
        _log.info("%s: ResetType %s accepted (HTTP %d)", self.label, reset_type, response.status)
        if wait_for is not None:
            self._wait_for(wait_for, reset_type)

    def _allowed_types(self, action: dict[str, Any]) -> list[str] | None:
        inline = action.get(ALLOWED_KEY)
        if isinstance(inline, list):
            return [str(value) for value in inline]
        info_path = action.get(ACTION_INFO_KEY)
        if not isinstance(info_path, str):
            return None
        info = self._get(info_path)
        for parameter in info.get("Parameters", []):
            if isinstance(parameter, dict) and parameter.get("Name") == "ResetType":
                values = parameter.get("AllowableValues")
                if isinstance(values, list):
                    return [str(value) for value in values]
        return None

    def close(self) -> None:
        """Log the session out (BMCs limit open sessions)."""
        self.connection.close()

    def _wait_for(self, wanted: str, reset_type: str) -> None:
        deadline = time.monotonic() + self.power_timeout_s
        while (state := self.raw_power_state()) != wanted:
            if time.monotonic() > deadline:
                raise PowerControlError(
                    f"{self.label}: after ResetType {reset_type}, PowerState is still "
                    f"{state!r}, not {wanted!r}, after {self.power_timeout_s:g} s"
                )
            time.sleep(self.poll_s)


def create(role: str, settings: Mapping[str, Any], *, source: str) -> RedfishPower:
    check_role(role, ("power",), backend="redfish", source=source)
    reader = SettingsReader(settings, source=source)
    url = reader.text("url")
    if not url.startswith(("http://", "https://")):
        raise reader.error("url", f"expected an http:// or https:// URL, got {url!r}")
    refuse_userinfo(reader, url)
    system_id = reader.identifier("system_id", None)
    user = reader.text("user")
    password = reader.secret("password")
    auth = reader.choice("auth", AUTH_MODES, "auto")
    tls = read_tls(reader, url)
    timeout_s = reader.number("timeout_s", 10.0, minimum=0.1)
    power_timeout_s = reader.number("power_timeout_s", 60.0, minimum=0.1)
    poll_s = reader.number("poll_s", 1.0, minimum=0.01)
    reader.finish()
    assert password is not None
    client = HttpClient(url, tls=tls, timeout_s=timeout_s)
    return RedfishPower(
        RedfishConnection(client, user=user, password=password, mode=auth),
        system_id=system_id,
        power_timeout_s=power_timeout_s,
        poll_s=poll_s,
    )
