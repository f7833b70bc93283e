"""A real IPMI 2.0 (RMCP+) BMC on 127.0.0.1 for the ``ipmi`` backend's tests, without libvirt.

pyghmi's ``Bmc`` (OpenStack's IPMI library; virtualbmc is built on it) speaks the protocol;
this subclass keeps the chassis power in memory. pyghmi's server loop is global and never
returns, so the BMC runs in its own process, started and stopped by PID by the test::

    python -m harness.sim.peers.ipmi_bmc_peer --port 6230 --user admin --password-env VAR

It prints ``ready`` once listening. The password comes from the environment variable named
by ``--password-env``, never from the command line.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-env", required=True)
    parser.add_argument("--on", action="store_true", help="start powered on")
    args = parser.parse_args(argv)
    from pyghmi.ipmi import bmc

    class MemoryBmc(bmc.Bmc):
        powered = args.on

        def get_power_state(self) -> str:
            return "on" if self.powered else "off"

        def power_on(self) -> None:
            type(self).powered = True

        def power_off(self) -> None:
            type(self).powered = False

        def power_shutdown(self) -> None:
            type(self).powered = False

    password = os.environ[args.password_env]
    server = MemoryBmc({args.user: password}, port=args.port, address="127.0.0.1")
    print("ready", flush=True)
    server.listen(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
