"""``python -m bench [--json FILE] [--repeat N]``: median time per frame of the vision steps.

Measures, at 1080p and 4K, on the simulated device's screens as an HDMI grabber delivers them
(``bench.scenes``): change detection, blank-screen check, active area, screen classification
(``Vision().classify``), full field extraction (``Vision().observe``) and QR decoding. Prints the
machine, the versions and a table; ``--json FILE`` also writes the figures. Parts whose code is
not installed print "not available" and the reason. Then the OCR engines are compared
(``bench.ocr_engines``; ``--no-ocr`` leaves that out, it takes several minutes).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.machine import machine_facts
from bench.scenes import Scene, scenes, simulator_available
from bench.timing import median_ms
from harness.vision.frames import ChangeDetector, active_area, blank_kind
from harness.vision.qr import decode_qr

SIZES = {"1080p": (1920, 1080), "4K": (3840, 2160)}


@dataclass
class Row:
    name: str
    target_ms: float | None
    """The target at 1080p on this 2-core machine (from the brief); None when there is none."""
    ms: dict[str, float | None] = field(default_factory=dict)
    note: str = ""

    def meets_target(self) -> bool | None:
        value = self.ms.get("1080p")
        if self.target_ms is None or value is None:
            return None
        return value <= self.target_ms


def _vision_calls() -> tuple[Callable[[np.ndarray], Any], Callable[[np.ndarray], Any]] | str:
    """(classify, observe) of a ``harness.vision.Vision``, or why there is none."""
    try:
        from harness.vision import Vision

        vision = Vision()
    except Exception as exc:  # an absent or half-written module: report it, measure the rest
        return f"not available ({type(exc).__name__}: {exc})"
    return vision.classify, vision.observe


def _change_detection(frames: list[np.ndarray]) -> Callable[[np.ndarray], object]:
    detector = ChangeDetector()
    detector.changed(frames[-1])  # so the first measured call compares, as in a running flow
    return detector.changed


def measure(repeat: int) -> tuple[list[Row], dict[str, Any]]:
    vision = _vision_calls()
    rows = [
        Row("change detection (per frame)", 2.0),
        Row("blank check (blank_kind)", None),
        Row("active area", None),
        Row("classification (Vision.classify)", 250.0),
        Row("full extraction (Vision.observe)", 1000.0),
        Row("QR decode, screen with a code", None),
        Row("QR decode, screen without a code", None),
    ]
    by_name = {row.name: row for row in rows}
    if isinstance(vision, str):
        for name in ("classification (Vision.classify)", "full extraction (Vision.observe)"):
            by_name[name].note = vision
    for label, size in SIZES.items():
        print(f"measuring {label} ...", file=sys.stderr, flush=True)
        frames = scenes(size)
        images = [scene.image for scene in frames]
        with_qr = [s.image for s in frames if s.qr_payload]
        without_qr = [s.image for s in frames if not s.qr_payload]
        _check_qr(frames)
        by_name["change detection (per frame)"].ms[label] = median_ms(
            _change_detection(images), images, repeat * 5
        )
        by_name["blank check (blank_kind)"].ms[label] = median_ms(blank_kind, images, repeat)
        by_name["active area"].ms[label] = median_ms(active_area, images, repeat)
        by_name["QR decode, screen with a code"].ms[label] = median_ms(decode_qr, with_qr, repeat)
        by_name["QR decode, screen without a code"].ms[label] = median_ms(
            decode_qr, without_qr[:4], 1
        )
        if not isinstance(vision, str):
            classify, observe = vision
            by_name["classification (Vision.classify)"].ms[label] = median_ms(
                classify, images, repeat
            )
            by_name["full extraction (Vision.observe)"].ms[label] = median_ms(observe, images, 1)
    context = {
        "frames": "simulator, hdmi-grabber artefacts" if simulator_available() else "synthetic",
        "screens_per_size": len(images),
        "repeat": repeat,
    }
    return rows, context


def _check_qr(frames: list[Scene]) -> None:
    """A benchmark of a decoder that decodes nothing would be meaningless: check it first."""
    for scene in frames:
        if scene.qr_payload and decode_qr(scene.image).raw != scene.qr_payload:
            print(f"warning: QR code not decoded on {scene.name}", file=sys.stderr)


def _cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:8.1f}"


def print_table(rows: list[Row], facts: dict[str, Any], context: dict[str, Any]) -> None:
    print(f"machine : {facts['cpu']}, {facts['cores']} cores (load {facts['load_average_1min']})")
    print(f"versions: Python {facts['python']}, OpenCV {facts['opencv']}, numpy {facts['numpy']}")
    print(f"frames  : {context['frames']}, {context['screens_per_size']} screens per size")
    print()
    header = f"{'median ms per frame':36} {'1080p':>8} {'4K':>8} {'target':>8}  ok"
    print(header)
    print("-" * len(header))
    for row in rows:
        target = "" if row.target_ms is None else f"{row.target_ms:8.0f}"
        verdict = {True: "yes", False: "NO", None: ""}[row.meets_target()]
        line = f"{row.name:36} {_cell(row.ms.get('1080p')):>8} {_cell(row.ms.get('4K')):>8}"
        print(f"{line} {target:>8}  {verdict}")
        if row.note:
            print(f"    {row.note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the screens (3)")
    parser.add_argument("--no-ocr", action="store_true", help="leave out the OCR engine comparison")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    facts = machine_facts()
    rows, context = measure(args.repeat)
    print_table(rows, facts, context)
    if args.json:
        document = {
            "machine": facts,
            "context": context,
            "median_ms": {
                row.name: {
                    **{size: None if ms is None else round(ms, 2) for size, ms in row.ms.items()},
                    "target_1080p": row.target_ms,
                    "note": row.note,
                }
                for row in rows
            },
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten: {args.json}")
    if not args.no_ocr:
        from bench import ocr_engines

        print("\nOCR engines (python -m bench.ocr_engines)\n")
        return ocr_engines.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
