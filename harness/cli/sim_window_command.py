"""``harness sim window``: the simulated device in a desktop window (needs a display).

    harness sim window --scenario success --windows 11 --size 1024x768 --time-scale 120

The window stands in for a VM viewer on the rig's desktop; point the ``desktop`` backend at it
with ``window_title: "Autopilot simulated device"``. See docs/desktop.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from typing import Any

from harness.cli.sim_commands import parse_size, sim_subparsers
from harness.errors import ConfigError


def register(subparsers: Any) -> None:
    parser = sim_subparsers(subparsers).add_parser(
        "window",
        help="show the simulated device in a desktop window that takes keys",
        description="Open a window showing the simulated device's screen; keys typed into it "
        "drive the device. The device is powered on when the window opens.",
    )
    parser.add_argument("--scenario", default="success", help="device scenario (default success)")
    parser.add_argument(
        "--windows", type=int, choices=(10, 11), default=10, help="Windows version (default 10)"
    )
    parser.add_argument("--size", default="1024x768", help="WIDTHxHEIGHT (default 1024x768)")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=60.0,
        help="simulated seconds per real second (default 60)",
    )
    parser.add_argument("--title", default=None, help="window title (default: the standard one)")
    parser.add_argument(
        "--position", default="0,0", help="X,Y of the window's top-left corner (default 0,0)"
    )
    parser.add_argument(
        "--powered-off", action="store_true", help="do not power the device on at start"
    )
    parser.set_defaults(handler=window_command)


def parse_position(text: str) -> tuple[int, int]:
    """``"100,60"`` -> (100, 60); ConfigError naming ``--position`` otherwise."""
    x, _, y = text.partition(",")
    if not (x.strip().isdigit() and y.strip().isdigit()):
        raise ConfigError(
            f"expected X,Y such as 100,60, got {text!r}", source="command line", key="--position"
        )
    return int(x), int(y)


def window_command(args: argparse.Namespace) -> int:
    if not os.environ.get("DISPLAY"):
        raise ConfigError("no display: set DISPLAY (e.g. start Xvfb :99 and DISPLAY=:99)")
    if args.time_scale <= 0:
        raise ConfigError(
            f"expected a number > 0, got {args.time_scale}",
            source="command line",
            key="--time-scale",
        )
    size = parse_size(args.size)
    position = parse_position(args.position)
    # Imported here: Tk and the renderer are heavy, and other sim commands need neither.
    from harness.sim.window import WINDOW_TITLE, SimWindow
    from harness.targets.sim import make_sim_target

    try:
        target = make_sim_target(
            args.scenario, windows=args.windows, size=size, time_scale=args.time_scale
        )
    except (KeyError, ValueError) as problem:
        raise ConfigError(str(problem), source="command line", key="--scenario") from None
    import tkinter

    with target:
        window = SimWindow(
            target,
            title=args.title or WINDOW_TITLE,
            power_on=not args.powered_off,
            position=position,
        )
        # Up: a lab script (and the README test) waits for this line, not for a time.
        print(
            f"window {window.title!r} open on display {os.environ['DISPLAY']}; Ctrl-C closes it",
            flush=True,
        )
        try:
            # Ctrl-C is how the window is meant to be stopped (as `sim serve`): not an error.
            with contextlib.suppress(KeyboardInterrupt):
                window.run()
        except tkinter.TclError as problem:  # no X server there, or access refused
            raise ConfigError(
                f"cannot open a window on display {os.environ['DISPLAY']!r}: {problem}"
            ) from None
    return 0
