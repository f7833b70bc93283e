"""Power through a BMC's Redfish API (``ComputerSystem.Reset``), polled until the state matches.

Three HTTP calls carry the whole job, so this backend uses the harness's small stdlib client
rather than ``sushy`` or DMTF's ``redfish`` library (both need their own auth quirks to work with
basic auth, see docs/rigs.md):

1. ``GET /redfish/v1/Systems/{id}`` (``system_id`` from the configuration, or the only member of
   ``/redfish/v1/Systems``) -> ``PowerState`` and
   ``Actions.#ComputerSystem.Reset.ResetType@Redfish.AllowableValues``;
2. ``POST`` the action's ``target`` with ``{"ResetType": ...}``, choosing a type that IS in the
   allowed list: some BMCs (and sushy-tools) answer 204 to an unknown type and do nothing;
3. poll ``PowerState`` until ``On`` / ``Off`` or ``power_timeout_s``.

Basic auth on every request. TLS verification is on by default (``ca_file`` for a BMC's own CA;
``verify_tls: false`` is allowed and logged as a warning).

YAML::

    power:
      backend: redfish
      url: https://bmc-07.lab          # the BMC's base URL
      system_id: 1                     # optional when the BMC has exactly one system
      user: admin
      password_env: BMC_PASSWORD       # or password_file: /etc/harness/bmc-07.pass
      ca_file: /etc/harness/bmc-ca.pem # or verify_tls: false
      timeout_s: 10                    # per HTTP request
      power_timeout_s: 60              # wait for PowerState to match
      poll_s: 1
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from harness.errors import PowerControlError
from harness.targets.http_client import HttpClient, HttpResponse
from harness.targets.protocols import PowerState
from harness.targets.rig_settings import SettingsReader, check_role

_log = logging.getLogger(__name__)

SYSTEMS = "/redfish/v1/Systems"
RESET_ACTION = "#ComputerSystem.Reset"
ALLOWED_KEY = "ResetType@Redfish.AllowableValues"

# Reset types per intent, most precise first.
ON_TYPES = ("On", "ForceOn")
OFF_TYPES = ("ForceOff",)
SHUTDOWN_TYPES = ("GracefulShutdown",)


def _redfish_error(response: HttpResponse) -> str:
    try:
        error = (response.json() or {}).get("error", {})
        extended = error.get("@Message.ExtendedInfo") or [{}]
        detail = extended[0].get("Message") or error.get("message") or ""
    except (ValueError, AttributeError, TypeError, IndexError):
        detail = response.body[:200].decode("utf-8", "replace")
    if response.status == 401:
        detail = f"authentication refused (check user and password) {detail}".strip()
    return f"HTTP {response.status} {detail}".strip()


class RedfishPower:
    """``GracefulPower`` through Redfish."""

    def __init__(
        self,
        client: HttpClient,
        *,
        system_id: str | None,
        power_timeout_s: float = 60.0,
        poll_s: float = 1.0,
    ) -> None:
        self.client = client
        self.system_id = system_id
        self.power_timeout_s = power_timeout_s
        self.poll_s = poll_s
        self.label = f"Redfish {client.base_url}"

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
        response = self.client.request("GET", path)
        if response.status != 200:
            raise PowerControlError(f"{self.label}: GET {path}: {_redfish_error(response)}")
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
        allowed = action.get(ALLOWED_KEY)
        if not isinstance(allowed, list):
            # Without the list the BMC cannot be checked; the state polling below still is.
            _log.warning("%s: no %s; trying %s", self.label, ALLOWED_KEY, wanted[0])
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
        response = self.client.request("POST", target, json_body={"ResetType": reset_type})
        if response.status not in (200, 202, 204):
            raise PowerControlError(
                f"{self.label}: ResetType {reset_type}: {_redfish_error(response)}"
            )
        _log.info("%s: ResetType %s accepted (HTTP %d)", self.label, reset_type, response.status)
        if wait_for is not None:
            self._wait_for(wait_for, reset_type)

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
    system_id = reader.identifier("system_id", None)
    user = reader.text("user")
    password = reader.secret("password")
    tls = reader.tls_context(url)
    timeout_s = reader.number("timeout_s", 10.0, minimum=0.1)
    power_timeout_s = reader.number("power_timeout_s", 60.0, minimum=0.1)
    poll_s = reader.number("poll_s", 1.0, minimum=0.01)
    reader.finish()
    assert password is not None
    token = base64.b64encode(f"{user}:{password.reveal()}".encode()).decode("ascii")
    client = HttpClient(
        url, headers={"Authorization": f"Basic {token}"}, tls=tls, timeout_s=timeout_s
    )
    return RedfishPower(
        client,
        system_id=system_id,
        power_timeout_s=power_timeout_s,
        poll_s=poll_s,
    )
