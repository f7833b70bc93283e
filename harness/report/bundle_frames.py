"""The frames of a run: one timeline line per frame seen, the changed ones into the video."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

import numpy as np

from harness.errors import UsageError
from harness.report.bundle_files import SRT_FILE, TIMELINE_FILE, VIDEO_FILE, VTT_FILE
from harness.report.video import ChangedFrameVideo, VideoUnavailable


class FrameLog:
    """``timeline.jsonl`` and the changed-frame video of one bundle folder.

    Whether a frame changed is decided by the caller (the bundle or the flow); this only writes.
    """

    def __init__(self, folder: Path, *, record_video: bool, frame_duration_s: float) -> None:
        self._timeline: IO[str] | None = (folder / TIMELINE_FILE).open("a", encoding="utf-8")
        self._video: ChangedFrameVideo | None = (
            ChangedFrameVideo(
                folder / VIDEO_FILE, folder / VTT_FILE, folder / SRT_FILE, frame_duration_s
            )
            if record_video
            else None
        )
        self.video_error: str | None = None
        """Why recording stopped (no encoder ...), set once; the bundle records it as an event."""

    @property
    def closed(self) -> bool:
        return self._timeline is None

    def add(
        self, image: np.ndarray | None, t: float, wall: str, state: str | None, changed: bool
    ) -> float | None:
        """Log the frame; a changed frame goes into the video. Return its video time, if any."""
        if self._timeline is None:
            raise UsageError("add_frame after the bundle was closed")
        video_t = (
            self._add_to_video(image, t, wall, state) if changed and image is not None else None
        )
        line = {"t": t, "wall": wall, "state": state, "changed": changed, "video_t": video_t}
        self._timeline.write(json.dumps(line) + "\n")
        # Flushed per line: a killed run keeps its timeline up to the last frame.
        self._timeline.flush()
        return video_t

    def _add_to_video(
        self, image: np.ndarray, t: float, wall: str, state: str | None
    ) -> float | None:
        if self._video is None:
            return None
        caption = f"{wall[11:23]} UTC  +{t:.1f} s  {state or ''}"
        try:
            return self._video.add(image, caption)
        except VideoUnavailable as error:
            self._video = None
            self.video_error = str(error)
            return None

    def close(self) -> None:
        """Finish the video and its captions and close the timeline. Idempotent."""
        if self._video is not None:
            self._video.close()
            self._video = None
        if self._timeline is not None:
            self._timeline.close()
            self._timeline = None
