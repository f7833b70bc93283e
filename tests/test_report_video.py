"""The video of changed frames, its captions, and the frame timeline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import cv2
import numpy as np

from harness.report import RunBundle

CUE_TIMES = re.compile(r"^(\d\d):(\d\d):(\d\d)[.,](\d\d\d) --> (\d\d):(\d\d):(\d\d)[.,](\d\d\d)$")


def screen(bgr: tuple[int, int, int], size: tuple[int, int] = (320, 240)) -> np.ndarray:
    return np.full((size[1], size[0], 3), bgr, np.uint8)


def cue_times(path: Path) -> list[tuple[float, float]]:
    times = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = CUE_TIMES.match(line)
        if match:
            h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(part) for part in match.groups())
            times.append(
                (h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000)
            )
    return times


def count_video_frames(path: Path) -> tuple[int, tuple[int, int]]:
    capture = cv2.VideoCapture(str(path))
    try:
        count, size = 0, (0, 0)
        while True:
            ok, frame = capture.read()
            if not ok:
                return count, size
            count += 1
            size = (frame.shape[1], frame.shape[0])
    finally:
        capture.release()


def record(tmp_path: Path, frames: list[np.ndarray], states: list[str]) -> RunBundle:
    bundle = RunBundle(tmp_path, "video", write_html=False)
    for index, (image, state) in enumerate(zip(frames, states, strict=True)):
        bundle.add_frame(image, bundle.monotonic_start + 2.0 * index, state)
    bundle.finalise("passed", "green")
    bundle.close()
    return bundle


class TestChangedFrameVideo:
    def test_only_changed_frames_go_into_the_video_and_the_captions(self, tmp_path: Path) -> None:
        blue, green, red = (200, 0, 0), (0, 200, 0), (0, 0, 200)
        frames = [screen(blue), screen(blue), screen(green), screen(green), screen(green)]
        frames += [screen(red), screen(red, (640, 480))]  # same picture, other size: changed
        states = ["oobe", "oobe", "esp", "esp", "esp", "failure", "failure"]
        bundle = record(tmp_path, frames, states)

        count, size = count_video_frames(bundle.path / "video.mp4")
        assert count == 4
        assert size == (320, 240)  # resized to the first frame's size

        for name in ("video.vtt", "video.srt"):
            times = cue_times(bundle.path / name)
            assert times == [(0.0, 0.5), (0.5, 1.0), (1.0, 1.5), (1.5, 2.0)], name
        vtt = (bundle.path / "video.vtt").read_text(encoding="utf-8")
        assert vtt.startswith("WEBVTT\n")
        assert "+4.0 s esp" in vtt  # run time of the first green frame, and its state

        lines = (bundle.path / "timeline.jsonl").read_text(encoding="utf-8").splitlines()
        timeline = [json.loads(line) for line in lines]
        assert [entry["changed"] for entry in timeline] == [
            True, False, True, False, False, True, True,
        ]  # fmt: skip
        assert [entry["video_t"] for entry in timeline if entry["changed"]] == [0.0, 0.5, 1.0, 1.5]
        assert [entry["t"] for entry in timeline] == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
        walls = [entry["wall"] for entry in timeline]
        assert walls == sorted(walls)
        assert bundle.result.video == "video.mp4"
        assert bundle.result.timeline == "timeline.jsonl"

    def test_odd_sizes_and_grey_frames_are_accepted(self, tmp_path: Path) -> None:
        grey = np.zeros((101, 151), np.uint8)
        white = np.full((101, 151), 255, np.uint8)
        bundle = record(tmp_path, [grey, white], ["black", "unknown"])
        count, size = count_video_frames(bundle.path / "video.mp4")
        assert (count, size) == (2, (150, 100))

    def test_no_video_is_recorded_when_disabled(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "novideo", record_video=False, write_html=False)
        assert bundle.add_frame(screen((1, 2, 3)), bundle.monotonic_start, "oobe")
        bundle.close()
        assert not (bundle.path / "video.mp4").exists()
        assert json.loads((bundle.path / "result.json").read_text())["video"] is None
