"""A video of the changed frames only, with captions that map video time to wall-clock time.

Each frame handed to ``ChangedFrameVideo.add`` is shown for a fixed ``frame_duration_s`` (0.5 s by
default), so an hour of an unchanging ESP screen costs one frame, and a reader can still tell
*when* each picture was taken from the captions (``video.vtt`` for browsers, ``video.srt`` for
desktop players): cue *i* covers video time ``[i * d, (i + 1) * d)`` and says the wall-clock time,
the seconds since the run started and the screen state.

Encoding: OpenCV's ``VideoWriter`` with the MPEG-4 part 2 codec (``mp4v``) in an ``.mp4`` file.
Verified with the installed opencv-python-headless (write, re-read, count frames): ``mp4v`` and
``MJPG`` work and are fast; ``avc1`` (H.264) cannot be opened by OpenCV's bundled FFmpeg; VP8
works but costs about 0.6 s per 1080p frame on this machine. VLC and mpv play ``mp4v``; most
browsers do not (the report links the file instead of embedding a player).

Memory stays bounded: every frame is encoded as it arrives, nothing is kept but the writer.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO

import cv2
import numpy as np

log = logging.getLogger(__name__)

DEFAULT_FRAME_DURATION_S = 0.5
VIDEO_FOURCC = "mp4v"


class VideoUnavailable(RuntimeError):
    """OpenCV could not open a video writer (codec missing from this OpenCV build)."""


class ChangedFrameVideo:
    """Streams frames to ``video_path`` and writes one caption cue per frame as it goes."""

    def __init__(
        self,
        video_path: Path,
        vtt_path: Path,
        srt_path: Path,
        frame_duration_s: float = DEFAULT_FRAME_DURATION_S,
    ) -> None:
        if frame_duration_s <= 0:
            raise ValueError(f"frame_duration_s must be positive, not {frame_duration_s}")
        self.video_path = video_path
        self.vtt_path = vtt_path
        self.srt_path = srt_path
        self.frame_duration_s = frame_duration_s
        self.frame_count = 0
        self._writer: cv2.VideoWriter | None = None
        self._size: tuple[int, int] | None = None
        self._vtt: IO[str] | None = None
        self._srt: IO[str] | None = None

    @property
    def started(self) -> bool:
        return self._writer is not None

    def add(self, image_bgr: np.ndarray, caption: str) -> float:
        """Append one frame; return its start time in the video (seconds)."""
        frame = _as_bgr(image_bgr)
        if self._writer is None:
            self._open(frame)
        assert self._writer is not None and self._size is not None
        width, height = self._size
        if frame.shape[1] != width or frame.shape[0] != height:
            # Resolution changes (firmware logo, then Windows) are resized to the first size:
            # a video has one size, and the first frame is as good a choice as any.
            frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
        self._writer.write(np.ascontiguousarray(frame))
        start = self.frame_count * self.frame_duration_s
        end = start + self.frame_duration_s
        self.frame_count += 1
        self._write_cue(self.frame_count, start, end, caption)
        return start

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None
        for stream in (self._vtt, self._srt):
            if stream is not None:
                stream.close()
        self._vtt = self._srt = None

    def _open(self, first: np.ndarray) -> None:
        # MPEG-4 needs even dimensions; drop a pixel rather than fail on an odd capture size.
        width = max(2, first.shape[1] - first.shape[1] % 2)
        height = max(2, first.shape[0] - first.shape[0] % 2)
        writer = cv2.VideoWriter(
            str(self.video_path),
            cv2.VideoWriter_fourcc(*VIDEO_FOURCC),
            1.0 / self.frame_duration_s,
            (width, height),
        )
        if not writer.isOpened():
            raise VideoUnavailable(
                f"OpenCV cannot write {VIDEO_FOURCC} video to {self.video_path} "
                f"({width}x{height}); the frame timeline is still recorded"
            )
        self._writer = writer
        self._size = (width, height)
        self._vtt = self.vtt_path.open("w", encoding="utf-8")
        self._vtt.write("WEBVTT\n\n")
        self._srt = self.srt_path.open("w", encoding="utf-8")

    def _write_cue(self, number: int, start: float, end: float, caption: str) -> None:
        assert self._vtt is not None and self._srt is not None
        text = " ".join(caption.split())
        vtt_text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self._vtt.write(f"{number}\n{_timestamp(start, '.')} --> {_timestamp(end, '.')}\n")
        self._vtt.write(f"{vtt_text}\n\n")
        self._srt.write(f"{number}\n{_timestamp(start, ',')} --> {_timestamp(end, ',')}\n")
        self._srt.write(f"{text}\n\n")
        # Flushed per cue: a killed run keeps the captions of every frame written so far.
        self._vtt.flush()
        self._srt.flush()


def _timestamp(seconds: float, decimal_mark: str) -> str:
    """``HH:MM:SS.mmm`` (WebVTT) or ``HH:MM:SS,mmm`` (SRT)."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_mark}{millis:03d}"


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        raise ValueError(f"frames must be uint8 images, not {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise ValueError(f"frames must be BGR images of shape (h, w, 3), not {image.shape}")
