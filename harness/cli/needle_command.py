"""``harness needle match NEEDLE.json IMAGE [--json]``: does a needle match a screenshot?

A lab that recorded a needle checks it here against frames from its own rig, on the same scale
as openQA: per match area the similarity, the level it needs and where it was found; the click
point and properties. Exit code 0 when the needle matches, 1 when it does not, 3 for a needle or
image that cannot be read (the message names the file and the key).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import cv2

from harness.errors import ConfigError
from harness.vision.needles import Needle, NeedleMatch, load_needle, match_needle

EXIT_MATCH = 0
EXIT_NO_MATCH = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "needle",
        help="check openQA needles against screenshots",
        description="Check openQA needles (PNG + JSON) against screenshots.",
    )
    commands = parser.add_subparsers(dest="needle_command", metavar="COMMAND")
    parser.set_defaults(handler=lambda _args: _usage(parser))
    match = commands.add_parser(
        "match",
        help="match one needle against one image (exit 0 match, 1 no match)",
        description="Match a needle against an image with openQA's algorithm and scale.",
    )
    match.add_argument("needle", metavar="NEEDLE.json", type=Path)
    match.add_argument("image", metavar="IMAGE", type=Path)
    match.add_argument("--json", action="store_true", help="print JSON instead of text")
    match.set_defaults(handler=run_match)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 3  # a usage error, as the other commands report it


def run_match(args: argparse.Namespace) -> int:
    needle = load_needle(args.needle)
    image = cv2.imread(str(args.image), cv2.IMREAD_COLOR) if args.image.is_file() else None
    if image is None:
        raise ConfigError(
            "cannot read this image file (missing or not an image)", source=str(args.image)
        )
    result = match_needle(needle, image)
    if args.json:
        print(json.dumps(as_json(needle, args.image, result), indent=2))
    else:
        sys.stdout.write(as_text(needle, args.image, result))
    return EXIT_MATCH if result.passed else EXIT_NO_MATCH


def as_json(needle: Needle, image: Path, result: NeedleMatch) -> dict[str, Any]:
    return {
        "needle": str(needle.path),
        "image": str(image),
        "name": result.name,
        "tags": list(needle.tags),
        "passed": result.passed,
        "score": round(result.score, 4),
        "level": result.level,
        "box": list(result.box) if result.box else None,
        "click_point": list(result.click_point) if result.click_point else None,
        "click_target": list(result.click_target) if result.click_target else None,
        "properties": [{"name": p.name, "value": p.value} for p in result.properties],
        "areas": [
            {
                "area": list(area.area),
                "found": list(area.found),
                "similarity": round(area.similarity, 4),
                "level": area.level,
                "passed": area.passed,
            }
            for area in result.areas
        ],
    }


def as_text(needle: Needle, image: Path, result: NeedleMatch) -> str:
    verdict = "match" if result.passed else "no match"
    lines = [
        f"{needle.path} on {image}: {verdict} "
        f"(score {result.score:.3f}, level {result.level:.2f}, tags {', '.join(needle.tags)})"
    ]
    for area in result.areas:
        sign = ">=" if area.passed else "<"
        lines.append(
            f"  area {_box(area.area)}: similarity {area.similarity:.3f} {sign} {area.level:.2f}"
            f", found at {_box(area.found)}"
        )
    if result.box:
        lines.append(f"  box: {_box(result.box)}")
    if result.click_point:
        lines.append(f"  click point: {result.click_point[0]},{result.click_point[1]}")
    for item in result.properties:
        lines.append(f"  property: {item.name}" + (f" = {item.value}" if item.value else ""))
    return "\n".join(lines) + "\n"


def _box(box: tuple[int, int, int, int]) -> str:
    x, y, w, h = box
    return f"{x},{y} {w}x{h}"
