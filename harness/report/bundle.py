"""The run bundle: one folder per run holding everything needed to judge it afterwards.

```
runs/20261127-183000-sim-success/
  result.json        the run record (RunResult), rewritten atomically after every change
  run.log            the log (secrets masked)
  steps/003-configuration.png   one screenshot per step
  diagnostics/001-unknown-screen.png
  timeline.jsonl     one line per frame seen: {t, wall, state, changed, video_t}
  video.mp4          the changed frames only, each shown for 0.5 s
  video.vtt, video.srt   captions: video time -> wall-clock time, run time, screen state
  report.html        self-contained HTML report, written by close()
```

Crash safety: until ``finalise`` is called, ``result.json`` on disk says verdict ``error``, reason
``interrupted: the run did not finish`` and ``complete: false`` - with every step, phase and event
recorded so far. A run killed at any moment (SIGKILL, power cut) therefore leaves a valid record
that a reader cannot mistake for a pass or a product failure.

Times: methods take ``time.monotonic()`` values (``at=``, ``timestamp_monotonic``; None = now) and
store seconds since the run's monotonic start, which is the moment the bundle was created unless
``monotonic_start`` says otherwise.

Usage (the flow does this)::

    with RunBundle(Path("runs"), name_parts=("sim", "success")) as bundle:
        bundle.attach_logging(logging.getLogger("harness"))
        bundle.register_secret(os.environ["BMC_PASSWORD"])
        bundle.set_device(name="sim-01", backend="sim", windows=11, facts={"image_build": "26100"})
        step = bundle.start_step("open-options")
        ...
        bundle.end_step(step, outcome="ok", screenshot=bundle.save_screenshot("options", image))
        bundle.add_frame(frame.image, frame.timestamp, "options")
        bundle.finalise("passed", "green result, Reseal powered the device off", result="green")
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import numpy as np

from harness import __version__
from harness.errors import UsageError
from harness.report.atomic import atomic_write_text
from harness.report.bundle_fields import RecordFields
from harness.report.bundle_files import (
    DIAGNOSTICS_DIR,
    LOG_FILE,
    RESULT_FILE,
    STEPS_DIR,
    TIMELINE_FILE,
    VIDEO_FILE,
    create_folder,
    make_run_id,
    slug_of,
    write_png,
)
from harness.report.bundle_frames import FrameLog
from harness.report.bundle_log import LOG_FORMAT, run_log_handler
from harness.report.bundle_steps import StepRecording, require_choice
from harness.report.html import write_html_report
from harness.report.masking import SecretMasker
from harness.report.result import (
    INTERRUPTED_REASON,
    SCREEN_RESULTS,
    VERDICTS,
    Event,
    RunResult,
    ScreenResult,
    Verdict,
)
from harness.report.video import DEFAULT_FRAME_DURATION_S
from harness.vision.change import Change, ChangeDetector

log = logging.getLogger(__name__)

UNFINALISED_REASON = "the run ended without a verdict (the bundle was closed before finalise)"

__all__ = ["LOG_FORMAT", "UNFINALISED_REASON", "RunBundle", "make_run_id"]


class RunBundle(RecordFields, StepRecording):
    """Writes one run's bundle folder incrementally. Thread-safe; a context manager."""

    def __init__(
        self,
        out_dir: Path,
        run_id: str | None = None,
        *,
        name_parts: Sequence[str] = (),
        record_video: bool = True,
        video_frame_duration_s: float = DEFAULT_FRAME_DURATION_S,
        monotonic_start: float | None = None,
        write_html: bool = True,
    ) -> None:
        self._lock = threading.RLock()
        self._masker = SecretMasker()
        self.monotonic_start = time.monotonic() if monotonic_start is None else monotonic_start
        # The wall clock is read once and the monotonic clock used from then on, so every wall
        # time in the bundle is consistent with the durations even if the system clock jumps.
        self._wall_start = datetime.now(UTC) - timedelta(
            seconds=time.monotonic() - self.monotonic_start
        )
        self.path = create_folder(Path(out_dir), run_id, name_parts, self._wall_start)
        self.run_id = self.path.name
        self.write_html = write_html
        self.result = RunResult(
            run_id=self.run_id,
            started_at=self._wall_start.isoformat(),
            timeline=TIMELINE_FILE,
            harness_version=__version__,
        )
        self._screenshot_count = 0
        self._diagnostic_count = 0
        self._log_handlers: list[tuple[logging.Logger, logging.Handler]] = []
        self._detector = ChangeDetector()
        self._frames = FrameLog(
            self.path, record_video=record_video, frame_duration_s=video_frame_duration_s
        )
        self._closed = False
        self.write()

    # --- time ------------------------------------------------------------------------------------

    def since_start(self, monotonic: float | None = None) -> float:
        """Seconds since the run's monotonic start (rounded to milliseconds)."""
        at = time.monotonic() if monotonic is None else monotonic
        return round(at - self.monotonic_start, 3)

    def wall_time(self, monotonic: float | None = None) -> str:
        """The ISO-8601 UTC wall-clock time of a monotonic timestamp."""
        return (self._wall_start + timedelta(seconds=self.since_start(monotonic))).isoformat()

    # --- the record ------------------------------------------------------------------------------

    def write(self) -> None:
        """Rewrite ``result.json`` atomically. Call after editing ``bundle.result`` directly."""
        with self._lock:
            data = self.result.to_dict()
            if not self.result.complete:
                data.update(verdict="error", reason=INTERRUPTED_REASON, finished_at=None)
            text = json.dumps(self._masker.mask_data(data), indent=2, ensure_ascii=False)
            atomic_write_text(self.path / RESULT_FILE, text + "\n")

    # --- pictures --------------------------------------------------------------------------------

    def save_screenshot(self, name: str, image_bgr: np.ndarray) -> str:
        """Save a step screenshot as ``steps/NNN-name.png``; return its path in the bundle."""
        with self._lock:
            self._screenshot_count += 1
            relative = f"{STEPS_DIR}/{self._screenshot_count:03d}-{slug_of(name) or 'screen'}.png"
            write_png(self.path / relative, image_bgr)
            return relative

    def save_diagnostic(self, name: str, image_bgr: np.ndarray) -> str:
        """Save a diagnosis screenshot (``diagnostics/NNN-name.png``) and list it in the record."""
        with self._lock:
            self._diagnostic_count += 1
            slug = slug_of(name) or "screen"
            relative = f"{DIAGNOSTICS_DIR}/{self._diagnostic_count:03d}-{slug}.png"
            write_png(self.path / relative, image_bgr)
            self.result.diagnostics.append(relative)
            self.write()
            return relative

    def add_frame(
        self,
        image_bgr: np.ndarray | None,
        timestamp_monotonic: float,
        state: str | None = None,
        changed: bool | None = None,
    ) -> bool:
        """Log a frame in the timeline; a changed frame also goes into the video. Return changed.

        ``changed``: the caller's own verdict (the flow already compared the frame with the last
        one); None lets the bundle decide with its own detector. ``image_bgr`` may be None only
        for a frame the caller says is unchanged (its picture is not kept).
        """
        with self._lock:
            if self._frames.closed:
                raise UsageError("add_frame after the bundle was closed")
            if image_bgr is None and changed is not False:
                raise UsageError("add_frame without a picture needs changed=False")
            if changed is None:
                assert image_bgr is not None
                changed = self._detector.compare(image_bgr) is Change.CHANGED
            t = self.since_start(timestamp_monotonic)
            had_error = self._frames.video_error is not None
            video_t = self._frames.add(
                image_bgr, t, self.wall_time(timestamp_monotonic), state, changed
            )
            if self._frames.video_error is not None and not had_error:
                log.warning("%s", self._frames.video_error)
                self.result.events.append(
                    Event(time=t, kind="recording", detail=self._frames.video_error)
                )
                self.write()
            elif video_t is not None and self.result.video is None:
                self.result.video = VIDEO_FILE
                self.write()
            return changed

    def write_attachment(self, name: str, data: object) -> str:
        """Write ``data`` as JSON to ``name`` in the bundle (secrets masked); return the name."""
        with self._lock:
            text = json.dumps(self._masker.mask_data(data), indent=2, ensure_ascii=False)
            atomic_write_text(self.path / f"{slug_of(Path(name).stem)}.json", text + "\n")
            return name

    # --- logging and secrets ---------------------------------------------------------------------

    def register_secret(self, value: str) -> None:
        """Never write ``value``: masked in ``run.log``, ``result.json`` and ``report.html``."""
        self._masker.register(value)

    def attach_logging(
        self, logger: logging.Logger | None = None, level: int = logging.DEBUG
    ) -> logging.Handler:
        """Copy ``logger``'s records (root logger when None) into ``run.log``, secrets masked.

        The handler's ``level`` filters; the logger's own level still decides what is emitted.
        The handler is detached by ``close()``.
        """
        target = logger if logger is not None else logging.getLogger()
        handler = run_log_handler(self.path / LOG_FILE, self._masker, level)
        target.addHandler(handler)
        with self._lock:
            self._log_handlers.append((target, handler))
        return handler

    # --- the end ---------------------------------------------------------------------------------

    @property
    def finalised(self) -> bool:
        return self.result.complete

    def finalise(
        self,
        verdict: Verdict,
        reason: str,
        *,
        result: ScreenResult | None = None,
        error_codes: Sequence[str] | None = None,
        category: str | None = None,
    ) -> None:
        """Record the verdict and mark the record complete. May be called once."""
        if verdict == "running":
            raise UsageError("finalise: the verdict must be passed, failed or error, not running")
        require_choice(verdict, VERDICTS, "verdict")
        if result is not None:
            require_choice(result, SCREEN_RESULTS, "result")
        with self._lock:
            if self.result.complete:
                raise UsageError(f"finalise: the run was already finalised ({self.result.verdict})")
            self.result.verdict = verdict
            self.result.reason = reason
            if result is not None:
                self.result.result = result
            if error_codes is not None:
                self.result.error_codes = list(error_codes)
            if category is not None:
                self.result.category = category
            self.result.finished_at = self.wall_time()
            self.result.complete = True
            self.write()
            log.info("run %s finalised: %s - %s", self.run_id, verdict, reason)

    def close(self) -> None:
        """Finish the video and captions, write ``report.html``, detach logging. Idempotent.

        A bundle closed without ``finalise`` is finalised as ``error`` first.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                if not self.result.complete:
                    self.finalise("error", UNFINALISED_REASON)
                self._frames.close()
                if self.write_html:
                    write_html_report(self.path, masker=self._masker)
            finally:
                for logger, handler in self._log_handlers:
                    logger.removeHandler(handler)
                    handler.close()
                self._log_handlers.clear()

    def __enter__(self) -> RunBundle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is not None:
            text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            with self._lock:
                if self.result.complete:
                    # The verdict was already decided; keep it, but do not hide the exception.
                    self.result.events.append(
                        Event(time=self.since_start(), kind="exception", detail=text)
                    )
                    self.write()
                else:
                    log.error("run %s aborted by an exception: %s", self.run_id, text)
                    self.finalise("error", text)
        self.close()
