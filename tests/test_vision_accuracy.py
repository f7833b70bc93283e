"""Vision accuracy on a corpus rendered by the simulated device, in memory.

Every state of Windows 10 and 11 at five resolutions (clean), every state at 1080p with each
capture artefact preset, and a few 4K frames through the "hdmi-grabber" chain. Asserts 100 %
state accuracy and at least 99 % field accuracy, and prints the measured figures. Run alone:
``.venv/bin/python -m pytest tests/test_vision_accuracy.py -q -s -p no:cacheprovider``.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.sim.model.samples import view_for
from harness.sim.render.artefacts import preset
from harness.sim.render.bgr import render_bgr
from harness.sim.view import View
from harness.vision import Vision
from harness.vision.elapsed import parse_elapsed
from harness.vision.error_codes import extract_codes

pytestmark = pytest.mark.slow

RESOLUTIONS = ((1024, 768), (1366, 768), (1920, 1080), (2560, 1440), (3840, 2160))
PRESETS = (
    "jpeg50",
    "noisy",
    "scaled95",
    "scaled105",
    "letterbox",
    "pillarbox",
    "overscan",
    "bezel",
    "cursor",
)
EXPECTED_STATE = {
    "firmware": "black",
    "black": "black",
    "oobe-region": "oobe",
    "oobe-keyboard": "oobe",
    "oobe-network": "oobe",
    "oobe-signin": "oobe",
    "options": "options",
    "configuration": "configuration",
    "esp": "esp",
    "esp-failed": "esp",
    "success": "success",
    "failure": "failure",
    "diagnostics": "diagnostics",
    "something-went-wrong": "something-went-wrong",
}
ALL_SCREENS = tuple(EXPECTED_STATE)
# With artefacts, one OOBE page stands for all four (they share colours and layout).
ARTEFACT_SCREENS = tuple(s for s in ALL_SCREENS if s not in ("oobe-keyboard", "oobe-network"))
# Fields are read (observe) on these; the others are only classified.
FIELD_SCREENS = {"options", "configuration", "esp", "esp-failed", "success", "failure"}
BUTTON_SCREENS = {"options", "configuration", "success", "failure", "something-went-wrong"}


def make_view(screen: str, windows: int, variant: int = 0) -> View:
    if screen == "esp-failed":
        return view_for("esp", windows, "tpm-attestation-failure")
    view = view_for(screen, windows)
    if screen == "options":
        # Vary which tile is selected, so the test cannot pass by always saying "the first".
        return dataclasses.replace(view, data={**view.data, "selected": variant % 3})
    return view


def expected_fields(screen: str, view: View) -> dict[str, Any]:
    data = view.data
    fields = _expected_screen_fields(screen, data)
    if screen in BUTTON_SCREENS:
        fields["buttons"] = sorted([*data.get("buttons", []), *data.get("links", [])])
    return fields


def _expected_screen_fields(screen: str, data: dict[str, Any]) -> dict[str, Any]:
    if screen == "options":
        return {"selected_tile": data["tiles"][data["selected"]]["title"]}
    if screen in ("configuration", "success", "failure"):
        fields = {"organization": data["organization"], "profile": data["profile"]}
        fields["user"] = data.get("user")
        if screen != "configuration":
            fields["elapsed_s"] = parse_elapsed(data["elapsed"])
        if data.get("qr_payload"):
            fields["ztd_id"] = json.loads(data["qr_payload"])["ZtdId"].lower()
        return fields
    if screen.startswith("esp"):
        statuses = " ".join(
            step["status"]
            for phase in data["phases"]
            for step in phase.get("substeps", [])
            if phase.get("expanded")
        )
        return {"error_codes": extract_codes(statuses)}
    return {}


def actual_fields(observation: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    fields = observation.fields
    got: dict[str, Any] = {}
    for name in wanted:
        if name == "ztd_id":
            got[name] = (observation.qr.ztd_id or "").lower() if observation.qr else None
        elif name == "error_codes":
            got[name] = tuple(fields.error_codes)
        elif name == "buttons":
            got[name] = sorted(button.label for button in fields.buttons)
        else:
            got[name] = getattr(fields, name)
    return got


def corpus() -> Iterator[tuple[str, int, str, Any, tuple[int, int]]]:
    """(screen, windows, artefact preset, artefacts, size) for every frame of the corpus."""
    for windows in (10, 11):
        for size in RESOLUTIONS:
            for screen in ALL_SCREENS:
                yield screen, windows, "clean", None, size
        for name in PRESETS:
            for screen in ARTEFACT_SCREENS:
                yield screen, windows, name, preset(name), (1920, 1080)
        for screen in ("configuration", "success", "failure", "options"):
            yield screen, windows, "hdmi-grabber", preset("hdmi-grabber"), (3840, 2160)


def measure(vision: Vision, verbose: bool = False) -> dict[str, Any]:
    views: dict[tuple[str, int, int], View] = {}
    states_ok = states_total = fields_ok = fields_total = 0
    misses: list[str] = []
    slowest_classify = (0.0, "")
    vision.classify(render_bgr(make_view("oobe-region", 10), (1920, 1080)))  # load Tesseract
    started = time.perf_counter()
    for index, (screen, windows, preset_name, artefacts, size) in enumerate(corpus()):
        variant = index if screen == "options" else 0
        key = (screen, windows, variant % 3)
        if key not in views:
            views[key] = make_view(screen, windows, variant)
        view = views[key]
        image = render_bgr(view, size, artefacts, seed=index)
        where = f"win{windows} {screen} {size[0]}x{size[1]} {preset_name}"
        reads_fields = screen in FIELD_SCREENS or screen in BUTTON_SCREENS
        if not reads_fields or (size == (1920, 1080) and preset_name == "clean"):
            # Classification alone is timed on every 1080p frame that has no fields to read,
            # and on every clean 1080p frame.
            t0 = time.perf_counter()
            observation = vision.classify(image)
            elapsed = time.perf_counter() - t0
            if size == (1920, 1080) and elapsed > slowest_classify[0]:
                slowest_classify = (elapsed, where)
        if reads_fields:
            observation = vision.observe(image)
        states_total += 1
        if observation.state.value == EXPECTED_STATE[screen]:
            states_ok += 1
        else:
            misses.append(
                f"{where}: state {observation.state.value}, candidates "
                f"{[(c.definition, c.score) for c in observation.candidates]}"
            )
        if screen in FIELD_SCREENS or screen in BUTTON_SCREENS:
            wanted = expected_fields(screen, view)
            got = actual_fields(observation, wanted)
            for name, value in wanted.items():
                fields_total += 1
                if got[name] == value:
                    fields_ok += 1
                else:
                    misses.append(f"{where}: {name} {got[name]!r} != {value!r}")
        if verbose and misses and misses[-1].startswith(where):
            print(misses[-1])
    return {
        "frames": states_total,
        "state_accuracy": states_ok / states_total,
        "fields": fields_total,
        "field_accuracy": fields_ok / fields_total if fields_total else 1.0,
        "misses": misses,
        "seconds": time.perf_counter() - started,
        "slowest_classify_1080p_s": slowest_classify[0],
        "slowest_classify_frame": slowest_classify[1],
    }


def test_vision_accuracy_on_the_simulated_device() -> None:
    result = measure(Vision())
    print(
        f"\nvision accuracy: {result['frames']} frames, state accuracy "
        f"{result['state_accuracy']:.2%}; {result['fields']} fields, field accuracy "
        f"{result['field_accuracy']:.2%}; {result['seconds']:.0f} s; slowest 1080p classify "
        f"{result['slowest_classify_1080p_s'] * 1000:.0f} ms ({result['slowest_classify_frame']})"
    )
    for miss in result["misses"]:
        print("  miss:", miss)
    assert result["state_accuracy"] == 1.0, result["misses"]
    assert result["field_accuracy"] >= 0.99, result["misses"]
    # The budget is 250 ms; the guard is loose because the test machine is shared.
    assert result["slowest_classify_1080p_s"] < 1.0, "classification far above its budget"


if __name__ == "__main__":
    outcome = measure(Vision(), verbose=True)
    print({k: v for k, v in outcome.items() if k != "misses"})
