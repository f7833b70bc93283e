"""``harness inspect IMAGE... [--json] [--windows 10|11] [--screens-dir DIR]``: what vision sees.

Prints, per image, the state, confidence, fields, QR payload and evidence; with ``--json`` one
JSON document: a list of objects with the keys ``image``, ``state``, ``confidence``, ``windows``,
``fields``, ``qr``, ``evidence`` and ``candidates``. An unreadable image is a usage error (exit 3)
naming the file; a missing OCR engine is a rig error (exit 2). Evidence says which text was
found where (boxes in frame pixels).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import cv2

from harness.cli.main import EXIT_ERROR
from harness.errors import ConfigError, RigError
from harness.vision import Observation, Vision


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "inspect",
        help="recognise screenshots: state, fields, QR code and evidence",
        description="Run vision on screenshots and print what it sees.",
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--windows", type=int, choices=(10, 11), help="only this version")
    parser.add_argument(
        "--screens-dir", type=Path, help="screen definitions (default: fixtures/screens)"
    )
    parser.add_argument("--language", default="en-US", help="definition language (en-US)")
    parser.add_argument(
        "--ocr", default="tesseract", metavar="ENGINE", help="OCR engine (tesseract, rapidocr)"
    )
    parser.set_defaults(handler=run_inspect)


def run_inspect(args: argparse.Namespace) -> int:
    images = []
    for path in args.images:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR) if path.is_file() else None
        if image is None:
            raise ConfigError(
                "cannot read this image file (missing or not an image)", source=str(path)
            )
        images.append((path, image))
    try:
        vision = Vision(
            args.screens_dir, windows=args.windows, language=args.language, ocr_engine=args.ocr
        )
        results = [(path, vision.observe(image)) for path, image in images]
    except RigError as problem:  # a missing OCR engine or zbar, a crashed engine
        print(f"harness: {problem}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps([_as_json(path, obs) for path, obs in results], indent=2))
    else:
        for path, observation in results:
            sys.stdout.write(_as_text(path, observation))
    return 0


def _as_json(path: Path, observation: Observation) -> dict[str, Any]:
    return {"image": str(path), **observation.to_dict()}


def _as_text(path: Path, observation: Observation) -> str:
    data = observation.to_dict()
    out = [f"{path}: {data['state']} (confidence {data['confidence']:.2f}"]
    out[0] += f", Windows {data['windows']})" if data["windows"] else ")"
    for name, value in data["fields"].items():
        if value in (None, [], ()):
            continue
        if name == "esp_phases":
            for phase in value:
                out.append(f"  phase {phase['name']}: {phase['status']}")
                out.extend(f"    {step['name']}: {step['status']}" for step in phase["steps"])
        elif name == "buttons":
            labels = ", ".join(f"{b['label']} at {tuple(b['box'])}" for b in value)
            out.append(f"  buttons: {labels}")
        else:
            out.append(f"  {name}: {value}")
    qr = data.get("qr")
    if qr:
        out.append(f"  qr: ztd_id={qr.get('ztd_id')} raw={qr.get('raw')!r} error={qr.get('error')}")
    for item in data["evidence"]:
        where = f" at {tuple(item['box'])}" if item.get("box") else ""
        out.append(f"  evidence {item['rule']} {item['score']}: {item['detail']}{where}")
    for item in data["candidates"]:
        out.append(f"  candidate {item['state']} {item['score']} ({item['definition']})")
    return "\n".join(out) + "\n"
