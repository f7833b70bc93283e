"""``harness sim ...``: commands around the simulated device.

This module owns the ``sim`` command and its sub-command list. Other modules add their own
``sim`` sub-commands (``sim serve``, ``sim guest build``) from their ``register(subparsers)``::

    from harness.cli.sim_commands import sim_subparsers

    def register(subparsers):
        parser = sim_subparsers(subparsers).add_parser("serve", help="...")
        parser.set_defaults(handler=serve)

``sim_subparsers`` creates ``sim`` on first use, so the order of COMMAND_MODULES does not matter.

``harness sim render`` draws one screen of the simulated device to a PNG::

    harness sim render --windows 10 --screen failure --size 1920x1080 --out red.png
    harness sim render --windows 11 --screen esp --artefacts hdmi-grabber --out esp.png
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.sim.view import SCREENS, View

EXIT_USAGE = 3
_SIZE = re.compile(r"^\s*(\d+)\s*[xX]\s*(\d+)\s*$")


def sim_subparsers(subparsers: Any) -> Any:
    """The sub-command list of ``harness sim`` (an argparse ``_SubParsersAction``)."""
    parser = subparsers.choices.get("sim")
    if parser is None:
        parser = subparsers.add_parser(
            "sim", help="the simulated device: render its screens, serve it"
        )
        actions = parser.add_subparsers(dest="sim_command", metavar="SIM_COMMAND")
        parser.set_defaults(handler=lambda _args: _print_help(parser))
        parser.harness_sim_subparsers = actions  # type: ignore[attr-defined]
    return parser.harness_sim_subparsers


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def register(subparsers: Any) -> None:
    render = sim_subparsers(subparsers).add_parser(
        "render",
        help="draw one screen of the simulated device to a PNG",
        description="Draw one screen of the simulated device at any resolution, optionally "
        "with capture artefacts.",
    )
    render.add_argument(
        "--windows", type=int, choices=(10, 11), default=10, help="Windows version (default 10)"
    )
    render.add_argument("--screen", required=True, help=f"one of: {', '.join(SCREENS)}")
    render.add_argument(
        "--scenario",
        default=None,
        help="device scenario (default: success, or the one that reaches the screen)",
    )
    render.add_argument("--size", default="1920x1080", help="WIDTHxHEIGHT (default 1920x1080)")
    render.add_argument(
        "--artefacts", default=None, help="capture artefacts preset (e.g. jpeg50, hdmi-grabber)"
    )
    render.add_argument(
        "--seed", type=int, default=0, help="random seed of the artefacts (default 0)"
    )
    render.add_argument("--out", required=True, type=Path, help="the PNG file to write")
    render.set_defaults(handler=render_command)


def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` -> (1920, 1080); ConfigError naming ``--size`` otherwise."""
    match = _SIZE.match(text)
    if not match:
        raise ConfigError(
            f"expected WIDTHxHEIGHT such as 1920x1080, got {text!r}",
            source="command line",
            key="--size",
        )
    from harness.sim.render.renderer import size_problem

    width, height = int(match.group(1)), int(match.group(2))
    problem = size_problem(width, height)
    if problem:
        raise ConfigError(problem, source="command line", key="--size")
    return width, height


def view_for_screen(screen: str, windows: int, scenario: str | None) -> View:
    """The View of ``screen`` from the device model, or the renderer's examples without it."""
    if screen not in SCREENS:
        raise ConfigError(
            f"unknown screen {screen!r}; known: {', '.join(SCREENS)}",
            source="command line",
            key="--screen",
        )
    try:
        from harness.sim.model.samples import view_for
    except ImportError:
        from harness.sim.render.examples import example_view

        return example_view(screen, windows, scenario or "success")
    try:
        return view_for(screen, windows=windows, scenario=scenario)
    except (ValueError, KeyError) as problem:
        raise ConfigError(str(problem), source="command line", key="--scenario") from None


def render_command(args: argparse.Namespace) -> int:
    size = parse_size(args.size)
    view = view_for_screen(args.screen, args.windows, args.scenario)
    out: Path = args.out
    if out.suffix.lower() != ".png":
        raise ConfigError(
            f"the output must be a .png file, got {str(out)!r}", source="command line", key="--out"
        )
    if not out.parent.is_dir():
        raise ConfigError(
            f"the directory {str(out.parent)!r} does not exist", source="command line", key="--out"
        )
    if args.artefacts:
        import cv2

        from harness.sim.render.artefacts import preset
        from harness.sim.render.bgr import render_bgr

        frame = render_bgr(view, size, preset(args.artefacts), seed=args.seed)
        if not cv2.imwrite(str(out), frame):
            raise ConfigError(f"could not write {str(out)!r}", source="command line", key="--out")
    else:
        from harness.sim.render import render

        render(view, size).save(out, format="PNG")
    print(f"{out}: {view.screen} (Windows {view.windows}) at {size[0]}x{size[1]}")
    return 0
