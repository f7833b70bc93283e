"""``harness sim guest build``: the stand-in libvirt guest (kernel + initramfs), cached.

    harness sim guest build                 # build or reuse ~/.cache/autopilot-harness/guest/<hash>
    harness sim guest build --out /var/lib/libvirt/images/standin
    harness sim guest cmdline --scenario tpm-attestation-failure --time-scale 60 --set windows=11

The files in the cache are readable by root only when the cache is under /root: give QEMU a copy
with ``--out`` in a folder the ``libvirt-qemu`` user can reach. See docs/libvirt.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from harness.cli.sim_commands import sim_subparsers
from harness.errors import ConfigError


def register(subparsers: Any) -> None:
    guest = sim_subparsers(subparsers).add_parser(
        "guest", help="the stand-in libvirt guest: build its kernel and initramfs"
    )
    actions = guest.add_subparsers(dest="guest_command", metavar="GUEST_COMMAND")
    guest.set_defaults(handler=lambda _args: _help(guest))

    build = actions.add_parser("build", help="build (or reuse) the guest's kernel and initramfs")
    build.add_argument(
        "--out", type=Path, default=None, help="also copy vmlinuz and initrd.img here"
    )
    build.add_argument("--cache-dir", type=Path, default=None, help="cache folder")
    build.set_defaults(handler=build_command)

    cmdline = actions.add_parser("cmdline", help="print the kernel command line for a scenario")
    cmdline.add_argument("--scenario", default="success")
    cmdline.add_argument("--time-scale", type=float, default=60.0)
    cmdline.add_argument("--set", dest="values", action="append", default=[], metavar="KEY=VALUE")
    cmdline.set_defaults(handler=cmdline_command)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 3


def build_command(args: argparse.Namespace) -> int:
    from harness.sim.guest.builder import build_guest

    build = build_guest(args.cache_dir, out_dir=args.out, progress=print)
    state = "reused" if build.reused else "built"
    print(f"{state} {build.digest} in {build.seconds:.1f} s")
    print(f"kernel: {build.kernel}")
    print(f"initrd: {build.initrd}")
    return 0


def cmdline_command(args: argparse.Namespace) -> int:
    from harness.sim.guest.builder import guest_cmdline
    from harness.sim.model.scenario import scenario

    overrides: dict[str, str] = {}
    for assignment in args.values:
        key, equals, value = assignment.partition("=")
        if not equals:
            raise ConfigError(
                f"expected KEY=VALUE, got {assignment!r}", source="command line", key="--set"
            )
        overrides[key] = value
    try:
        scenario(args.scenario)
    except (KeyError, ValueError) as problem:
        raise ConfigError(str(problem), source="command line", key="--scenario") from None
    print(guest_cmdline(args.scenario, args.time_scale, **overrides))
    return 0
