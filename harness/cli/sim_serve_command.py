"""``harness sim serve``: the simulated device as a physical rig on 127.0.0.1.

Serves an MJPEG stream of its screen (``/stream``, ``/snapshot``, as ustreamer does), an emulated
CH9329 keyboard injector on a pseudo-terminal, a line-protocol key server for the line helper,
and - when a password is given in the environment - the PiKVM API (keys, snapshot, ATX power).
Prints the device YAML that drives it, then serves until Ctrl-C or SIGTERM::

    export HARNESS_SIM_PIKVM_PASSWORD=choose-one
    harness sim serve --scenario success --size 1280x720 --time-scale 60
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from typing import Any

import yaml

from harness.cli.sim_commands import parse_size, sim_subparsers
from harness.errors import ConfigError


def register(subparsers: Any) -> None:
    parser = sim_subparsers(subparsers).add_parser(
        "serve",
        help="serve the simulated device as a physical rig (MJPEG, CH9329 pty, PiKVM API)",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    parser.add_argument("--scenario", default="success", help="device scenario (default success)")
    parser.add_argument("--windows", type=int, choices=(10, 11), default=10)
    parser.add_argument("--size", default="1280x720", help="WIDTHxHEIGHT (default 1280x720)")
    parser.add_argument("--time-scale", type=float, default=60.0, help="sim seconds per second")
    parser.add_argument("--fps", type=float, default=10.0, help="MJPEG frames per second")
    parser.add_argument("--mjpeg-port", type=int, default=0, help="0: any free port")
    parser.add_argument("--pikvm-port", type=int, default=0, help="0: any free port")
    parser.add_argument("--line-port", type=int, default=0, help="0: any free port")
    parser.add_argument("--pikvm-user", default="admin")
    parser.add_argument(
        "--pikvm-password-env",
        default="HARNESS_SIM_PIKVM_PASSWORD",
        help="environment variable holding the PiKVM password; unset: no PiKVM API",
    )
    parser.add_argument("--ch9329-nak-rate", type=float, default=0.0, help="fraction NAKed")
    parser.add_argument("--ch9329-drop-rate", type=float, default=0.0, help="fraction of acks lost")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--power-on", action="store_true", help="switch the device on at start")
    parser.set_defaults(handler=serve_command)


def serve_command(args: argparse.Namespace) -> int:
    for name in ("ch9329_nak_rate", "ch9329_drop_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            flag = "--" + name.replace("_", "-")
            raise ConfigError("expected a fraction from 0 to 1", source="command line", key=flag)
    size = parse_size(args.size)
    from harness.sim.peers.sim_rig import start_sim_rig
    from harness.targets.sim import make_sim_target

    device = make_sim_target(
        args.scenario, windows=args.windows, size=size, time_scale=args.time_scale
    )
    password = os.environ.get(args.pikvm_password_env)
    peers = start_sim_rig(
        device,
        fps=args.fps,
        nak_rate=args.ch9329_nak_rate,
        drop_rate=args.ch9329_drop_rate,
        seed=args.seed,
        pikvm_user=args.pikvm_user,
        pikvm_password=password,
        mjpeg_port=args.mjpeg_port,
        pikvm_port=args.pikvm_port,
        line_port=args.line_port,
    )
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if args.power_on and device.power is not None:
            device.power.power_on()
        device_name = f"sim-rig-{args.scenario}"
        config = {"devices": {device_name: peers.rig_config(password_env=args.pikvm_password_env)}}
        print(f"# simulated device {args.scenario!r} served as a physical rig; lab YAML:")
        print(yaml.safe_dump(config, sort_keys=False).rstrip())
        alternative = yaml.safe_dump({"keyboard": peers.line_hid_keyboard()}, sort_keys=False)
        print("# or keys through the line-protocol helper:")
        print("\n".join(f"#     {line}" for line in alternative.rstrip().splitlines()))
        if password is None:
            print(f"# no PiKVM API: set {args.pikvm_password_env} to serve it")
        print("# serving; Ctrl-C or SIGTERM stops", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        peers.stop()
        device.close()
    print("# stopped", file=sys.stderr)
    return 0
