"""``python -m bench.qr_decoders [--json FILE]``: which QR decoder finds the code, how fast.

Decodes the same frames with every decoder and with the preprocessed variants ``decode_qr``
falls back to, and prints per decoder how many codes it read correctly, how many it misread, and
the median / 90th-percentile time. The frames:

- ``sim``: the simulated configuration and result screens (Windows 10 and 11) at 1024x768, 1080p
  and 4K, through each capture-artefact preset (clean, JPEG-50, noise, scaled 0.95 / 1.05,
  letterbox, bezel, blur, the combined HDMI grabber);
- ``hard``: a code with 2-3 px modules on a 1024x768 / 1080p page, blurred, JPEG-40 and scaled:
  the small-code case the fallbacks exist for.

zxing-cpp is measured when installed (it is not a dependency; see docs/vision-frames.md).
The order of attempts in ``harness.vision.qr`` follows these figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import segno

from bench.machine import machine_facts
from bench.scenes import PAYLOAD, simulator_available
from harness.vision import qr

SIM_SIZES = ((1024, 768), (1920, 1080), (3840, 2160))
SIM_PRESETS = (
    "clean",
    "jpeg50",
    "noisy",
    "scaled95",
    "scaled105",
    "letterbox",
    "bezel",
    "blur",
    "hdmi-grabber",
)


@dataclass(frozen=True)
class Sample:
    name: str
    image: np.ndarray
    payload: str
    hint: tuple[int, int, int, int] | None = None


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _texts(found: list[tuple[str, object]]) -> str | None:
    return found[0][0] if found else None


def _otsu(image: np.ndarray) -> np.ndarray:
    return cv2.threshold(_grey(image), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def _double(image: np.ndarray) -> np.ndarray:
    return cv2.resize(image, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)


def decoders() -> dict[str, Callable[[Sample], str | None]]:
    found: dict[str, Callable[[Sample], str | None]] = {
        "zbar (grey)": lambda s: _texts(qr.DECODERS["zbar"](_grey(s.image))),
        "zbar (Otsu)": lambda s: _texts(qr.DECODERS["zbar"](_otsu(s.image))),
        "zbar (2x, frames <= 2048 px)": lambda s: (
            _texts(qr.DECODERS["zbar"](_double(_grey(s.image))))
            if max(s.image.shape[:2]) <= qr.UPSCALE_MAX_SIDE
            else None
        ),
        "opencv QRCodeDetector": lambda s: _texts(qr.DECODERS["opencv"](s.image)),
        "opencv QRCodeDetectorAruco": lambda s: _texts(qr.DECODERS["opencv-aruco"](s.image)),
        "decode_qr (all attempts, no hint)": lambda s: qr.decode_qr(s.image).raw,
        "decode_qr (with hint box)": lambda s: qr.decode_qr(s.image, s.hint).raw,
    }
    try:
        import zxingcpp
    except ImportError:
        return found

    def zxing(sample: Sample) -> str | None:
        results = zxingcpp.read_barcodes(sample.image, formats=zxingcpp.BarcodeFormat.QRCode)
        return results[0].text if results else None

    found["zxing-cpp (not a dependency)"] = zxing
    return found


def sim_samples() -> list[Sample]:
    if not simulator_available():
        return []
    from harness.sim.model.samples import view_for
    from harness.sim.render.artefacts import preset
    from harness.sim.render.bgr import render_bgr

    samples = []
    for windows, screen in ((10, "configuration"), (10, "success"), (11, "configuration")):
        view = view_for(screen, windows)
        for size in SIM_SIZES:
            for name in SIM_PRESETS:
                image = render_bgr(view, size, preset(name), seed=7)
                label = f"sim win{windows}/{screen} {size[0]}x{size[1]} {name}"
                samples.append(Sample(label, image, view.data["qr_payload"]))
    return samples


def hard_samples() -> list[Sample]:
    samples = []
    matrix = np.pad(np.array(segno.make_qr(PAYLOAD, error="m").matrix, np.uint8), 4)
    modules = np.where(matrix == 1, 0, 255).astype(np.uint8)
    for size in ((1024, 768), (1920, 1080)):
        for module_px in (2, 3):
            for blur, scale in ((0.0, 1.0), (0.8, 1.0), (0.6, 0.93), (1.0, 1.07)):
                width, height = size
                page = np.empty((height, width, 3), np.uint8)
                page[:] = (117, 66, 0)
                tile = np.kron(modules, np.ones((module_px, module_px), np.uint8))
                side = tile.shape[0]
                x, y = int(width * 0.62), (height - side) // 2
                page[y : y + side, x : x + side] = tile[..., None]
                if scale != 1.0:
                    matrix2 = cv2.getRotationMatrix2D((width / 2, height / 2), 0, scale)
                    page = cv2.warpAffine(page, matrix2, (width, height))
                if blur:
                    page = cv2.GaussianBlur(page, (0, 0), blur)
                ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 40])
                if not ok:
                    raise RuntimeError("JPEG encoding failed")
                label = f"hard {width}x{height} module {module_px}px blur {blur} scale {scale}"
                hint = (x - side // 4, y - side // 4, side + side // 2, side + side // 2)
                samples.append(Sample(label, cv2.imdecode(data, 1), PAYLOAD, hint))
    return samples


def measure(samples: list[Sample]) -> dict[str, dict[str, float | int]]:
    figures = {}
    for name, decode in decoders().items():
        print(f"  {name} ...", file=sys.stderr, flush=True)
        correct = wrong = 0
        timings = []
        for sample in samples:
            start = time.perf_counter()
            text = decode(sample)
            timings.append((time.perf_counter() - start) * 1000.0)
            if text == sample.payload:
                correct += 1
            elif text is not None:
                wrong += 1
        timings.sort()
        figures[name] = {
            "decoded": correct,
            "wrong": wrong,
            "frames": len(samples),
            "median_ms": round(statistics.median(timings), 1),
            "p90_ms": round(timings[int(0.9 * (len(timings) - 1))], 1),
        }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.qr_decoders")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    facts = machine_facts()
    sets = {"sim": sim_samples(), "hard": hard_samples()}
    results = {}
    for set_name, samples in sets.items():
        if not samples:
            print(f"{set_name}: not available (simulator not installed)")
            continue
        print(f"measuring {set_name} ({len(samples)} frames)", file=sys.stderr, flush=True)
        results[set_name] = measure(samples)
    print(f"machine : {facts['cpu']}, {facts['cores']} cores (load {facts['load_average_1min']})")
    print(f"versions: Python {facts['python']}, OpenCV {facts['opencv']}")
    for set_name, figures in results.items():
        print(f"\n{set_name} frames ({next(iter(figures.values()))['frames']})")
        print(f"{'decoder':36} {'decoded':>8} {'wrong':>6} {'median ms':>10} {'p90 ms':>8}")
        for name, row in figures.items():
            print(
                f"{name:36} {row['decoded']:>8} {row['wrong']:>6} "
                f"{row['median_ms']:>10} {row['p90_ms']:>8}"
            )
    if args.json:
        args.json.write_text(json.dumps({"machine": facts, "sets": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
