"""Where the simulated device gets what its configuration screen shows, when not from its
scenario: the Autopilot deployment service of a (test) tenant.

A real device downloads its Autopilot profile from Microsoft's deployment service by its ZtdId
when the configuration screen opens and again on Refresh, and enrols at Provision. That protocol
is not public; the Graph test peer offers a stand-in (``/autopilot-service/devices/{ZtdId}/...``)
that answers from the same records Graph shows, so a change made through Graph shows on the
simulated screen after Refresh, as on a real one.

The model imports only the standard library (it also runs in the stand-in guest): the HTTP
client of this protocol is ``harness.sim.profile_client.HttpProfileService``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class ProfileService(Protocol):
    def configuration(self) -> Mapping[str, str | None] | None:
        """``profile``, ``organization``, ``user`` now (None: the service cannot be reached;
        the device keeps what it showed)."""
        ...

    def enroll(self) -> str | None:
        """Enrol at Provision: None, or the error code the enrolment was refused with."""
        ...
