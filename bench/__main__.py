"""``python -m bench [--json FILE] [--repeat N]``: median time per frame of the vision steps.

Measures, in one run, at 1080p and 4K, on the simulated device's screens as an HDMI grabber
delivers them (``bench.scenes``): the change detector on an unchanged frame and on a frame whose
progress dots moved (``bench.animation``), blank-screen check, active area, screen
classification (``Vision().classify``), full extraction (``Vision().observe``: fields and QR),
QR decoding with and without a code, and the reference the classification is judged against: a
full-frame Tesseract pass (psm 3, ``bench.reference``) on the same frames, with the ratio. At
1080p the classification and the reference are timed interleaved, frame by frame (``--repeat``
rounds of the classification, one fewer of the reference), so that the ratio compares the two
under the same load and clock.
Prints the machine (lscpu's model name, nproc, load), the versions and a table; ``--json FILE``
also writes the figures. Parts whose code is not installed print "not available" and the reason.
Only Vision's public calls are used, so the figures follow whatever classifier is in place.
Then the OCR engines are compared (``bench.ocr_engines``; ``--no-ocr`` leaves that out, it takes
several minutes).
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

from bench.animation import dots_frames, recaptures
from bench.machine import machine_facts
from bench.reference import tesseract_full_frame
from bench.scenes import Scene, scenes, simulator_available
from bench.timing import median_ms, paired_median_ms
from harness.vision.blank import blank_kind
from harness.vision.borders import active_area
from harness.vision.change import ChangeDetector
from harness.vision.qr import decode_qr

SIZES = {"1080p": (1920, 1080), "4K": (3840, 2160)}


@dataclass
class Row:
    name: str
    target_ms: float | None
    """The target at 1080p on this 2-core machine (issue 10); None when there is none."""
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


def _detector_on(frames: list[np.ndarray]) -> Callable[[np.ndarray], object]:
    """``compare`` of a detector whose reference is the first frame, as in a running flow."""
    detector = ChangeDetector()
    detector.compare(frames[0])
    return detector.compare


UNCHANGED = "change detector, unchanged frame"
ANIMATED = "change detector, dots moved"
BLANK = "blank check (blank_kind)"
AREA = "active area"
CLASSIFY = "classification (Vision.classify)"
OBSERVE = "full extraction (Vision.observe)"
QR_WITH = "QR decode, screen with a code"
QR_WITHOUT = "QR decode, screen without a code"
REFERENCE = "reference: Tesseract psm 3, full frame"


def measure(repeat: int) -> tuple[list[Row], dict[str, Any]]:
    vision = _vision_calls()
    reference = tesseract_full_frame()
    rows = [
        Row(UNCHANGED, 1.0),
        Row(ANIMATED, None),
        Row(BLANK, None),
        Row(AREA, None),
        Row(CLASSIFY, 50.0),
        Row(OBSERVE, 300.0),
        Row(QR_WITH, None),
        Row(QR_WITHOUT, None),
        Row(REFERENCE, None, note="1080p only: seconds per frame at 4K"),
    ]
    by_name = {row.name: row for row in rows}
    if isinstance(vision, str):
        by_name[CLASSIFY].note = by_name[OBSERVE].note = vision
    if isinstance(reference, str):
        by_name[REFERENCE].note = reference
    for label, size in SIZES.items():
        print(f"measuring {label} ...", file=sys.stderr, flush=True)
        frames = scenes(size)
        images = [scene.image for scene in frames]
        with_qr = [s.image for s in frames if s.qr_payload]
        without_qr = [s.image for s in frames if not s.qr_payload]
        _check_qr(frames)
        if simulator_available():
            still = recaptures(size, 8)
            by_name[UNCHANGED].ms[label] = median_ms(_detector_on(still), still, repeat * 10)
            dots = dots_frames(size, 20)
            by_name[ANIMATED].ms[label] = median_ms(_detector_on(dots), dots, repeat * 2)
        by_name[BLANK].ms[label] = median_ms(blank_kind, images, repeat)
        by_name[AREA].ms[label] = median_ms(active_area, images, repeat)
        by_name[QR_WITH].ms[label] = median_ms(decode_qr, with_qr, repeat)
        by_name[QR_WITHOUT].ms[label] = median_ms(decode_qr, without_qr, repeat)
        if not isinstance(vision, str):
            classify, observe = vision
            if label == "1080p" and not isinstance(reference, str):
                # The ratio's two terms side by side, frame by frame (see paired_median_ms).
                by_name[CLASSIFY].ms[label], by_name[REFERENCE].ms[label] = paired_median_ms(
                    [classify, reference], images, [repeat, max(1, repeat - 1)]
                )
            else:
                by_name[CLASSIFY].ms[label] = median_ms(classify, images, repeat)
            by_name[OBSERVE].ms[label] = median_ms(observe, images, 1)
        elif label == "1080p" and not isinstance(reference, str):
            by_name[REFERENCE].ms[label] = median_ms(reference, images, 1)
    context = {
        "frames": "simulator, hdmi-grabber artefacts" if simulator_available() else "synthetic",
        "screens_per_size": len(images),
        "repeat": repeat,
        "classification_over_reference_1080p": _ratio(
            by_name[CLASSIFY].ms.get("1080p"), by_name[REFERENCE].ms.get("1080p")
        ),
    }
    return rows, context


def _ratio(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else round(part / whole, 3)


def _check_qr(frames: list[Scene]) -> None:
    """A benchmark of a decoder that decodes nothing would be meaningless: check it first."""
    for scene in frames:
        if scene.qr_payload and decode_qr(scene.image).raw != scene.qr_payload:
            print(f"warning: QR code not decoded on {scene.name}", file=sys.stderr)


def _cell(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:8.2f}" if value < 10 else f"{value:8.1f}"


def print_table(rows: list[Row], facts: dict[str, Any], context: dict[str, Any]) -> None:
    load = facts["load_average_1min"]
    print(f"machine : {facts['cpu']} (lscpu), nproc {facts['cores']}, 1-minute load {load}")
    print(f"versions: Python {facts['python']}, OpenCV {facts['opencv']}, numpy {facts['numpy']}")
    print(f"frames  : {context['frames']}, {context['screens_per_size']} screens per size")
    print()
    header = f"{'median ms per frame':40} {'1080p':>8} {'4K':>8} {'target':>8}  ok"
    print(header)
    print("-" * len(header))
    for row in rows:
        target = "" if row.target_ms is None else f"{row.target_ms:8.0f}"
        verdict = {True: "yes", False: "NO", None: ""}[row.meets_target()]
        line = f"{row.name:40} {_cell(row.ms.get('1080p')):>8} {_cell(row.ms.get('4K')):>8}"
        print(f"{line} {target:>8}  {verdict}")
        if row.note:
            print(f"    {row.note}")
    ratio = context["classification_over_reference_1080p"]
    verdict = "" if ratio is None else ("  (target <= 0.1: " + ("yes)" if ratio <= 0.1 else "NO)"))
    shown = "n/a" if ratio is None else f"{ratio:.3f} = 1/{1 / ratio:.0f}" if ratio else "0"
    print(f"\nclassification / reference at 1080p: {shown}{verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the screens (3)")
    parser.add_argument("--no-ocr", action="store_true", help="leave out the OCR engine comparison")
    parser.add_argument(
        "--fleet",
        action="store_true",
        help="also the watching cost per device, quick (10 devices; full: python -m bench.fleet)",
    )
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
    if args.fleet:
        from bench import fleet

        print("\nWatching many devices (python -m bench.fleet, quick)\n")
        quick = ["--devices", "10", "--old-devices", "5", "--seconds", "10", "--warmup", "20"]
        fleet.main(quick)
    if not args.no_ocr:
        from bench import ocr_engines

        print("\nOCR engines (python -m bench.ocr_engines)\n")
        return ocr_engines.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
