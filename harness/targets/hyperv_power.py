"""Power of a Hyper-V VM: ``Start-VM``, ``Stop-VM -TurnOff -Force`` and ``Get-VM``'s State.

``Running`` is on and ``Off`` is off; every other state (Starting, Stopping, Saved, Paused ...) is
``UNKNOWN``, which the flow treats as "not yet": a Reseal has powered off only at ``Off``.
"""

from __future__ import annotations

import json

from harness.errors import PowerControlError
from harness.targets.hyperv_powershell import PowerShellError, PowerShellRunner
from harness.targets.hyperv_scripts import START_VM, STOP_VM_HARD, VM_STATE
from harness.targets.protocols import PowerState

STATES = {
    "Running": PowerState.ON,
    "RunningCritical": PowerState.ON,
    "Off": PowerState.OFF,
    "OffCritical": PowerState.OFF,
}


class HyperVPower:
    """Implements ``Power`` for one Hyper-V VM."""

    def __init__(self, runner: PowerShellRunner, vm_name: str) -> None:
        self.runner = runner
        self.vm_name = vm_name
        self.last_state = ""
        """Hyper-V's own name of the last state seen (``Running``, ``Saved`` ...)."""

    def power_on(self) -> None:
        state = self._run(START_VM, "Start-VM")
        if state is PowerState.OFF:
            raise PowerControlError(f"Start-VM left Hyper-V VM {self.vm_name!r} Off")

    def power_off(self) -> None:
        state = self._run(STOP_VM_HARD, "Stop-VM -TurnOff")
        if state is not PowerState.OFF:
            raise PowerControlError(
                f"Stop-VM -TurnOff did not switch Hyper-V VM {self.vm_name!r} off "
                f"(state {self.last_state!r})"
            )

    def power_state(self) -> PowerState:
        return self._run(VM_STATE, "Get-VM")

    def close(self) -> None:
        self.runner.close()

    def _run(self, script: str, what: str) -> PowerState:
        try:
            output = self.runner.run(script, {"VMName": self.vm_name})
        except PowerShellError as problem:
            raise PowerControlError(
                f"{what} on Hyper-V VM {self.vm_name!r} failed: {problem.stderr or problem}"
            ) from None
        try:
            self.last_state = str(json.loads(output)["State"])
        except (ValueError, TypeError, KeyError) as problem:
            raise PowerControlError(
                f"{what} on Hyper-V VM {self.vm_name!r}: unreadable answer ({problem}): "
                f"{output[:200]!r}"
            ) from None
        return STATES.get(self.last_state, PowerState.UNKNOWN)
