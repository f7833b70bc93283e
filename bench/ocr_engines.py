"""``python -m bench.ocr_engines [--json FILE] [--threads N]``: Tesseract and RapidOCR compared.

On the same frames for every engine (``bench.ocr_corpus``): the simulated device's screens at
1024x768 and 1080p through the HDMI-grabber artefacts, where every drawn line is known, and the
real calibration screenshots, where the title is known. Measures:

- line recognition: each engine's ``recognise`` on the crop of every drawn line (sim);
- pipelines, each detector x each recogniser: ``detect`` the frame, ``recognise`` every box;
  title found (best line, or two consecutive lines joined), detection recall / precision against
  the drawn lines, time per 1080p frame (detect + recognise all lines);
- the full-frame Tesseract pass (psm 3 and 11) on the whole frame, the reference for the cost of
  reading a screen.

Times are medians in ms; accuracy is the exact-after-normalisation rate and the mean similarity
(``bench.ocr_scoring``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from bench.machine import machine_facts
from bench.ocr_corpus import Frame, calibration_frames, sim_frames
from bench.ocr_scoring import detection_counts, exact, similarity, title_match
from harness.vision.ocr_engine import OcrEngine

FULL_HD = (1080, 1920)


@dataclass
class Score:
    """Accuracy and timings of one engine or pipeline on one set of frames."""

    similarities: list[float] = field(default_factory=list)
    exacts: list[bool] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    """Per line or per frame, 1080p frames only (the target resolution)."""
    drawn: int = 0
    found: int = 0
    detected: int = 0
    on_text: int = 0

    def add(self, expected: str, read: str, score: float | None = None) -> None:
        self.similarities.append(similarity(expected, read) if score is None else score)
        self.exacts.append(exact(expected, read))

    def summary(self) -> dict[str, Any]:
        def median(values: list[float]) -> float | None:
            return round(statistics.median(values), 1) if values else None

        return {
            "items": len(self.exacts),
            "exact_pct": round(100 * sum(self.exacts) / len(self.exacts), 1)
            if self.exacts
            else None,
            "similarity": round(statistics.fmean(self.similarities), 3)
            if self.similarities
            else None,
            "median_ms_1080p": median(self.ms),
            "recall_pct": round(100 * self.found / self.drawn, 1) if self.drawn else None,
            "precision_pct": round(100 * self.on_text / self.detected, 1)
            if self.detected
            else None,
        }


def _timed(call: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call(*args)
    return result, (time.perf_counter() - start) * 1000.0


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _crop(gray: np.ndarray, box: tuple[int, int, int, int], pad: float) -> np.ndarray:
    x, y, w, h = box
    margin = max(2, round(h * pad))
    return gray[max(0, y - margin) : y + h + margin, max(0, x - margin) : x + w + margin]


def _is_full_hd(frame: Frame) -> bool:
    return frame.image.shape[:2] == FULL_HD


def measure_lines(engines: dict[str, OcrEngine], frames: list[Frame]) -> dict[str, dict]:
    """Every drawn line, cropped from the captured frame with a margin, read by each engine."""
    lines = {name: Score() for name in engines}
    titles = {name: Score() for name in engines}
    for frame in frames:
        gray = _gray(frame.image)
        for line in frame.lines:
            crop = _crop(gray, line.box, 0.2)
            for name, engine in engines.items():
                read, ms = _timed(engine.recognise, crop)
                lines[name].add(line.text, read.text)
                if _is_full_hd(frame):
                    lines[name].ms.append(ms)
                if line.text == frame.title:
                    titles[name].add(line.text, read.text)
    return {
        "lines": {name: score.summary() for name, score in lines.items()},
        "title_line": {name: score.summary() for name, score in titles.items()},
    }


def measure_pipelines(
    engines: dict[str, OcrEngine], sets: dict[str, list[Frame]]
) -> dict[str, dict[str, dict]]:
    """Each detector with each recogniser: the title found, recall, time per frame."""
    scores = {
        f"{det} detect + {rec} recognise": {set_name: Score() for set_name in sets}
        for det in engines
        for rec in engines
    }
    for set_name, frames in sets.items():
        for frame in frames:
            gray = _gray(frame.image)
            for det_name, detector in engines.items():
                boxes, detect_ms = _timed(detector.detect, frame.image)
                counts = detection_counts([ln.box for ln in frame.lines], boxes, gray.shape)
                for rec_name, recogniser in engines.items():
                    score = scores[f"{det_name} detect + {rec_name} recognise"][set_name]
                    texts, total_ms = [], detect_ms
                    for box in boxes:
                        read, ms = _timed(recogniser.recognise, _crop(gray, box, 0))
                        total_ms += ms
                        if read.text:
                            texts.append(read.text)
                    if frame.title:
                        best, text = title_match(frame.title, texts)
                        score.add(frame.title, text, best)
                    if _is_full_hd(frame):
                        score.ms.append(total_ms)
                    score.drawn += len(frame.lines)
                    score.found += counts[0]
                    score.detected += len(boxes)
                    score.on_text += counts[1]
    return {
        name: {set_name: s.summary() for set_name, s in by_set.items()}
        for name, by_set in scores.items()
    }


def measure_full_frame(tesseract: Any, sets: dict[str, list[Frame]]) -> dict[str, dict]:
    """The whole frame through Tesseract in one pass (page segmentation 3 and 11)."""
    found = {}
    for psm, label in ((3, "tesseract full frame psm 3"), (11, "tesseract full frame psm 11")):
        found[label] = {}
        for set_name, frames in sets.items():
            score = Score()
            for frame in frames:
                texts, ms = _timed(tesseract.read_page, frame.image, psm)
                if frame.title:
                    best, text = title_match(frame.title, texts)
                    score.add(frame.title, text, best)
                if _is_full_hd(frame):
                    score.ms.append(ms)
            found[label][set_name] = score.summary()
    return found


def measure_rapid_variants(threads: int, frames: list[Frame]) -> dict[str, dict]:
    """RapidOCR detection alone at smaller sizes, and with the other thread count (1080p)."""
    from harness.vision.ocr_rapid import RapidOcrEngine

    full_hd = [frame for frame in frames if _is_full_hd(frame)]
    found: dict[str, dict] = {}
    variants = [(threads, side) for side in (960, 1280)] + [(3 - threads, 1920)]
    for count, side in variants if threads in (1, 2) else []:
        engine = RapidOcrEngine(threads=count, detect_max_side=side)
        score = Score()
        engine.detect(full_hd[0].image)  # the first call per input size initialises onnxruntime
        for frame in full_hd:
            boxes, ms = _timed(engine.detect, frame.image)
            counts = detection_counts([ln.box for ln in frame.lines], boxes, frame.image.shape[:2])
            score.ms.append(ms)
            score.drawn, score.found = score.drawn + len(frame.lines), score.found + counts[0]
            score.detected, score.on_text = score.detected + len(boxes), score.on_text + counts[1]
        label = f"rapidocr detect only, side {side}, {count} thread{'s' * (count > 1)}"
        found[label] = {"sim": score.summary()}
    return found


def _cell(value: object, width: int = 7) -> str:
    return f"{'-' if value is None else value:>{width}}"


def print_report(facts: dict[str, Any], context: dict[str, Any], results: dict[str, Any]) -> None:
    print(f"machine : {facts['cpu']}, {facts['cores']} cores (load {facts['load_average_1min']})")
    print(f"engines : {context['versions']}; rapidocr threads {context['threads']}")
    print(f"frames  : {context['frames']}")
    print("\nline recognition, drawn lines (sim)     exact%  simil.  ms/line(1080p)")
    for name, row in results["lines"].items():
        print(
            f"  {name:36} {_cell(row['exact_pct'])} {_cell(row['similarity'])} "
            f"{_cell(row['median_ms_1080p'])}   ({row['items']} lines)"
        )
    for name, row in results["title_line"].items():
        print(
            f"  title line only: {name:19} {_cell(row['exact_pct'])} "
            f"{_cell(row['similarity'])}           ({row['items']} titles)"
        )
    print(f"\n{'frame pipelines':48} sim title     real title    sim det.    ms")
    print(f"{'':48} exact% simil. exact% simil. rec.% prec.% /1080p")
    rows = {**results["pipelines"], **results["full_frame"], **results["rapid_variants"]}
    for name, by_set in rows.items():
        sim, real = by_set.get("sim", {}), by_set.get("real", {})
        print(
            f"  {name:46} {_cell(sim.get('exact_pct'), 6)} {_cell(sim.get('similarity'), 6)} "
            f"{_cell(real.get('exact_pct'), 6)} {_cell(real.get('similarity'), 6)} "
            f"{_cell(sim.get('recall_pct'), 5)} {_cell(sim.get('precision_pct'), 6)} "
            f"{_cell(sim.get('median_ms_1080p'), 6)}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ocr_engines")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime threads (1)")
    args = parser.parse_args(argv)
    try:
        from bench.ocr_tesseract import TesseractLineEngine
        from harness.vision.ocr_rapid import RapidOcrEngine

        tesseract = TesseractLineEngine()
        engines: dict[str, OcrEngine] = {
            "tesseract": tesseract,
            "rapidocr": RapidOcrEngine(threads=args.threads),
        }
    except (ImportError, RuntimeError) as problem:
        print(f"OCR engines: not available ({type(problem).__name__}: {problem})")
        return 0
    facts = machine_facts()
    print("rendering frames ...", file=sys.stderr, flush=True)
    sets = {"sim": sim_frames(), "real": calibration_frames()}
    import onnxruntime
    import tesserocr

    context = {
        "versions": f"{tesserocr.tesseract_version().splitlines()[0]}, "
        f"onnxruntime {onnxruntime.__version__}",
        "threads": args.threads,
        "frames": f"sim {len(sets['sim'])} (hdmi-grabber, 1024x768 + 1920x1080, "
        f"{sum(len(f.lines) for f in sets['sim'])} lines), real {len(sets['real'])} with a title",
    }
    print("recognising drawn lines ...", file=sys.stderr, flush=True)
    results: dict[str, Any] = measure_lines(engines, sets["sim"])
    print("detect + recognise pipelines ...", file=sys.stderr, flush=True)
    results["pipelines"] = measure_pipelines(engines, sets)
    print("full-frame Tesseract ...", file=sys.stderr, flush=True)
    results["full_frame"] = measure_full_frame(tesseract, sets)
    print("RapidOCR detection sizes and threads ...", file=sys.stderr, flush=True)
    results["rapid_variants"] = measure_rapid_variants(args.threads, sets["sim"])
    tesseract.close()
    print_report(facts, context, results)
    if args.json:
        document = {"machine": facts, "context": context, "results": results}
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
