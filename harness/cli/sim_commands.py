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
    harness sim render --random-seed 700031 --out frame.png

``--random-seed N`` draws frame N of the randomized corpus (random values, layout, resolution
and artefacts; ``harness.sim.render.corpus``), the same picture the vision accuracy test saw
under that seed. ``harness sim corpus --seed S --count N --out DIR`` writes N such frames as PNGs
with ``expected.json`` (what each one shows), for a person to look at.
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
        "--windows", type=int, choices=(10, 11), default=None, help="Windows version (default 10)"
    )
    render.add_argument(
        "--screen",
        default=None,
        help=f"one of: {', '.join(SCREENS)} (required unless --random-seed is given)",
    )
    render.add_argument(
        "--scenario",
        default=None,
        help="device scenario (default: success, or the one that reaches the screen)",
    )
    render.add_argument(
        "--size",
        default=None,
        help="WIDTHxHEIGHT (default 1920x1080; not with --random-seed, which picks its own)",
    )
    render.add_argument(
        "--artefacts", default=None, help="capture artefacts preset (e.g. jpeg50, hdmi-grabber)"
    )
    render.add_argument(
        "--seed", type=int, default=0, help="random seed of the artefacts (default 0)"
    )
    render.add_argument(
        "--random-seed",
        type=int,
        default=None,
        metavar="N",
        help="draw frame N of the randomized corpus (random values, layout, resolution and "
        "artefacts, as in the vision accuracy test); --screen and --windows then force the "
        "state shown",
    )
    render.add_argument("--out", required=True, type=Path, help="the PNG file to write")
    render.set_defaults(handler=render_command)

    corpus = sim_subparsers(subparsers).add_parser(
        "corpus",
        help="write frames of the randomized corpus as PNGs with expected.json",
        description="Write COUNT frames of the randomized simulator corpus of run SEED (the "
        "frames the vision accuracy test reads) as PNG files into DIR, with expected.json: per "
        "file the state, the Windows version, the title and every field shown, the layout and "
        "the artefacts.",
    )
    corpus.add_argument("--seed", type=int, default=7, help="the corpus run (default 7)")
    corpus.add_argument("--count", type=int, default=40, help="how many frames (default 40)")
    corpus.add_argument("--out", required=True, type=Path, help="the directory to write")
    corpus.set_defaults(handler=corpus_command)


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


def _check_png(out: Path) -> None:
    if out.suffix.lower() != ".png":
        raise ConfigError(
            f"the output must be a .png file, got {str(out)!r}", source="command line", key="--out"
        )
    if not out.parent.is_dir():
        raise ConfigError(
            f"the directory {str(out.parent)!r} does not exist", source="command line", key="--out"
        )


_RANDOM_EXCLUSIVE = ("size", "artefacts", "scenario")


def _render_random(args: argparse.Namespace) -> int:
    """``--random-seed``: one frame of the randomized corpus."""
    import cv2

    from harness.sim.render.corpus import STATES, random_frame

    for name in _RANDOM_EXCLUSIVE:
        if getattr(args, name) is not None:
            raise ConfigError(
                f"--{name} cannot be combined with --random-seed (the seed picks it)",
                source="command line",
                key=f"--{name}",
            )
    state = None
    if args.screen is not None:
        view_for_screen(args.screen, args.windows or 10, None)  # validates the name
        state = _STATE_OF_SCREEN.get(args.screen, args.screen)
        if state not in STATES:
            raise ConfigError(
                f"unknown screen {args.screen!r}", source="command line", key="--screen"
            )
    frame = random_frame(args.random_seed, state=state, windows=args.windows)
    if not cv2.imwrite(str(args.out), frame.image):
        raise ConfigError(f"could not write {str(args.out)!r}", source="command line", key="--out")
    print(f"{args.out}: {frame.expected['notes']}")
    return 0


_STATE_OF_SCREEN = {
    "off": "black",
    "firmware": "black",
    "oobe-region": "oobe",
    "oobe-keyboard": "oobe",
    "oobe-network": "oobe",
    "oobe-signin": "oobe",
}


def corpus_command(args: argparse.Namespace) -> int:
    from harness.sim.render.corpus import write_corpus

    if not 1 <= args.count <= 10_000:
        raise ConfigError(
            f"--count must be 1..10000, got {args.count}", source="command line", key="--count"
        )
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise ConfigError(
            f"{str(out)!r} exists and is not a directory", source="command line", key="--out"
        )
    target = write_corpus(args.seed, args.count, out)
    print(f"{out}: {args.count} frames of corpus run {args.seed}; what each shows: {target}")
    return 0


def render_command(args: argparse.Namespace) -> int:
    out: Path = args.out
    _check_png(out)
    if args.random_seed is not None:
        return _render_random(args)
    if args.screen is None:
        raise ConfigError(
            "--screen is required (or --random-seed)", source="command line", key="--screen"
        )
    size = parse_size(args.size or "1920x1080")
    view = view_for_screen(args.screen, args.windows or 10, args.scenario)
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
