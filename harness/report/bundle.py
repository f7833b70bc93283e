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
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import cv2
import numpy as np

from harness import __version__
from harness.errors import UsageError
from harness.report.atomic import atomic_write_text
from harness.report.html import write_html_report
from harness.report.masking import MaskingFormatter, SecretMasker, SecretMaskingFilter
from harness.report.result import (
    INTERRUPTED_REASON,
    SCREEN_RESULTS,
    STEP_OUTCOMES,
    VERDICTS,
    DeviceInfo,
    Event,
    Phase,
    ResultFields,
    ResultFormatError,
    RunResult,
    ScreenResult,
    Step,
    StepOutcome,
    Verdict,
    check_choice,
)
from harness.report.video import DEFAULT_FRAME_DURATION_S, ChangedFrameVideo, VideoUnavailable
from harness.vision.change import Change, ChangeDetector

log = logging.getLogger(__name__)

RESULT_FILE = "result.json"
LOG_FILE = "run.log"
TIMELINE_FILE = "timeline.jsonl"
VIDEO_FILE = "video.mp4"
VTT_FILE = "video.vtt"
SRT_FILE = "video.srt"
REPORT_FILE = "report.html"
STEPS_DIR = "steps"
DIAGNOSTICS_DIR = "diagnostics"

UNFINALISED_REASON = "the run ended without a verdict (the bundle was closed before finalise)"
LOG_FORMAT = "%(asctime)s.%(msecs)03dZ %(levelname)-7s %(name)s: %(message)s"

_SAFE_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def make_run_id(name_parts: Sequence[str] = (), now: datetime | None = None) -> str:
    """``20261127-183000-sim-success``: UTC date and time, then the name parts as slugs."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    slugs = [slug for slug in (_slug(part) for part in name_parts) if slug]
    return "-".join([moment.strftime("%Y%m%d-%H%M%S"), *slugs])


class RunBundle:
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
        self.path = _create_folder(Path(out_dir), run_id, name_parts, self._wall_start)
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
        self._timeline: IO[str] | None = (self.path / TIMELINE_FILE).open("a", encoding="utf-8")
        self._video: ChangedFrameVideo | None = (
            ChangedFrameVideo(
                self.path / VIDEO_FILE,
                self.path / VTT_FILE,
                self.path / SRT_FILE,
                video_frame_duration_s,
            )
            if record_video
            else None
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

    def set_device(
        self,
        name: str,
        backend: str,
        windows: int | None = None,
        facts: Mapping[str, object] | None = None,
    ) -> None:
        with self._lock:
            self.result.device = DeviceInfo(
                name=name,
                backend=backend,
                windows=windows,
                facts={str(key): str(value) for key, value in (facts or {}).items()},
            )
            self.write()

    def set_expectation(self, expectation: Mapping[str, Any]) -> None:
        """What this device should show (profile, organization, result colour, codes ...)."""
        with self._lock:
            self.result.expectation = json.loads(json.dumps(dict(expectation), default=str))
            self.write()

    def set_fields(self, **values: Any) -> None:
        """Set ``ResultFields`` attributes: ``set_fields(profile="Kiosk", ztd_id="...")``."""
        known = {item.name for item in dataclass_fields(ResultFields)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise UsageError(f"set_fields: unknown field(s) {', '.join(unknown)}")
        with self._lock:
            for name, value in values.items():
                setattr(self.result.fields, name, value)
            self.write()

    def set_screen_result(
        self,
        result: ScreenResult,
        error_codes: Sequence[str] = (),
        category: str | None = None,
    ) -> None:
        """The result screen's colour, its error codes and the failure category."""
        _require_choice(result, SCREEN_RESULTS, "result")
        with self._lock:
            self.result.result = result
            self.result.error_codes = list(error_codes)
            self.result.category = category
            self.write()

    def set_powered_off_after_reseal(self, powered_off: bool | None) -> None:
        with self._lock:
            self.result.powered_off_after_reseal = powered_off
            self.write()

    # --- phases, steps, events -------------------------------------------------------------------

    def start_phase(self, name: str, *, at: float | None = None, detail: str = "") -> Phase:
        with self._lock:
            phase = Phase(name=name, start=self.since_start(at), detail=detail)
            self.result.phases.append(phase)
            self.write()
            return phase

    def end_phase(
        self, phase: Phase | str, *, at: float | None = None, detail: str | None = None
    ) -> Phase:
        """End a phase (the object, or the name of the latest open phase with that name)."""
        with self._lock:
            if isinstance(phase, str):
                phase = self._open_phase(phase)
            phase.end = self.since_start(at)
            phase.duration_s = round(phase.end - phase.start, 3)
            if detail is not None:
                phase.detail = detail
            self.write()
            return phase

    def add_phase(self, name: str, start: float, end: float, detail: str = "") -> Phase:
        """Record a whole phase from two monotonic timestamps."""
        with self._lock:
            phase = Phase(name=name, start=self.since_start(start), detail=detail)
            self.result.phases.append(phase)
            return self.end_phase(phase, at=end)

    def start_step(self, name: str, *, at: float | None = None) -> Step:
        with self._lock:
            step = Step(index=len(self.result.steps) + 1, name=name, started=self.since_start(at))
            self.result.steps.append(step)
            self.write()
            return step

    def end_step(
        self,
        step: Step,
        outcome: StepOutcome = "ok",
        *,
        detail: str = "",
        screenshot: str | None = None,
        screen_state: str | None = None,
        retries: int | None = None,
        at: float | None = None,
    ) -> Step:
        _require_choice(outcome, STEP_OUTCOMES, "outcome")
        with self._lock:
            step.ended = self.since_start(at)
            step.duration_s = round(step.ended - step.started, 3)
            step.outcome = outcome
            step.detail = detail
            step.screenshot = screenshot if screenshot is not None else step.screenshot
            step.screen_state = screen_state if screen_state is not None else step.screen_state
            if retries is not None:
                step.retries = retries
            self.write()
            return step

    def add_step(
        self,
        name: str,
        started: float,
        ended: float,
        outcome: StepOutcome = "ok",
        *,
        detail: str = "",
        screenshot: str | None = None,
        screen_state: str | None = None,
        retries: int = 0,
    ) -> Step:
        """Record a finished step from two monotonic timestamps."""
        with self._lock:
            step = self.start_step(name, at=started)
            return self.end_step(
                step,
                outcome,
                detail=detail,
                screenshot=screenshot,
                screen_state=screen_state,
                retries=retries,
                at=ended,
            )

    def add_event(self, kind: str, detail: str = "", *, at: float | None = None) -> Event:
        """A reboot, power event, retry, stall ... (``at``: monotonic time it happened)."""
        with self._lock:
            event = Event(time=self.since_start(at), kind=kind, detail=detail)
            self.result.events.append(event)
            self.write()
            return event

    # --- pictures --------------------------------------------------------------------------------

    def save_screenshot(self, name: str, image_bgr: np.ndarray) -> str:
        """Save a step screenshot as ``steps/NNN-name.png``; return its path in the bundle."""
        with self._lock:
            self._screenshot_count += 1
            relative = f"{STEPS_DIR}/{self._screenshot_count:03d}-{_slug(name) or 'screen'}.png"
            _write_png(self.path / relative, image_bgr)
            return relative

    def save_diagnostic(self, name: str, image_bgr: np.ndarray) -> str:
        """Save a diagnosis screenshot (``diagnostics/NNN-name.png``) and list it in the record."""
        with self._lock:
            self._diagnostic_count += 1
            slug = _slug(name) or "screen"
            relative = f"{DIAGNOSTICS_DIR}/{self._diagnostic_count:03d}-{slug}.png"
            _write_png(self.path / relative, image_bgr)
            self.result.diagnostics.append(relative)
            self.write()
            return relative

    def add_frame(
        self,
        image_bgr: np.ndarray,
        timestamp_monotonic: float,
        state: str | None = None,
        changed: bool | None = None,
    ) -> bool:
        """Log a frame in the timeline; a changed frame also goes into the video. Return changed.

        ``changed``: the caller's own verdict (the flow already compared the frame with the last
        one); None lets the bundle decide with its own detector.
        """
        with self._lock:
            if self._timeline is None:
                raise UsageError("add_frame after the bundle was closed")
            if changed is None:
                changed = self._detector.compare(image_bgr) is Change.CHANGED
            t = self.since_start(timestamp_monotonic)
            wall = self.wall_time(timestamp_monotonic)
            video_t = self._add_to_video(image_bgr, t, wall, state) if changed else None
            line = {"t": t, "wall": wall, "state": state, "changed": changed, "video_t": video_t}
            self._timeline.write(json.dumps(line) + "\n")
            # Flushed per line: a killed run keeps its timeline up to the last frame.
            self._timeline.flush()
            return changed

    def _add_to_video(
        self, image: np.ndarray, t: float, wall: str, state: str | None
    ) -> float | None:
        if self._video is None:
            return None
        caption = f"{wall[11:23]} UTC  +{t:.1f} s  {state or ''}"
        try:
            video_t = self._video.add(image, caption)
        except VideoUnavailable as error:
            log.warning("%s", error)
            self._video = None
            self.result.events.append(Event(time=t, kind="recording", detail=str(error)))
            self.write()
            return None
        if self.result.video is None:
            self.result.video = VIDEO_FILE
            self.write()
        return video_t

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
        handler = logging.FileHandler(self.path / LOG_FILE, encoding="utf-8")
        handler.setLevel(level)
        handler.addFilter(SecretMaskingFilter(self._masker))
        formatter = MaskingFormatter(self._masker, LOG_FORMAT)
        formatter.converter = time.gmtime
        formatter.default_time_format = "%Y-%m-%dT%H:%M:%S"
        formatter.default_msec_format = None  # type: ignore[assignment]
        handler.setFormatter(formatter)
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
        _require_choice(verdict, VERDICTS, "verdict")
        if result is not None:
            _require_choice(result, SCREEN_RESULTS, "result")
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
                if self._video is not None:
                    self._video.close()
                if self._timeline is not None:
                    self._timeline.close()
                    self._timeline = None
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

    def _open_phase(self, name: str) -> Phase:
        for phase in reversed(self.result.phases):
            if phase.name == name and phase.end is None:
                return phase
        raise UsageError(f"end_phase: no open phase named {name!r}")


def _create_folder(
    out_dir: Path, run_id: str | None, name_parts: Sequence[str], now: datetime
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    if run_id is not None:
        if not _SAFE_RUN_ID.match(run_id):
            raise UsageError(f"run_id {run_id!r}: use letters, digits, '.', '_' and '-' only")
        path = out_dir / run_id
        try:
            path.mkdir()
        except FileExistsError:
            raise UsageError(f"run_id {run_id!r}: {path} already exists") from None
        return path
    base = make_run_id(name_parts, now)
    # Two runs started in the same second get -2, -3 ...; mkdir is the atomic claim.
    for attempt in range(1, 1000):
        path = out_dir / (base if attempt == 1 else f"{base}-{attempt}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise UsageError(f"cannot create a bundle folder for {base!r} in {out_dir}")


def _require_choice(value: object, choices: tuple[str, ...], key: str) -> None:
    """A bad argument from the calling code is a UsageError, not a malformed file."""
    try:
        check_choice(value, choices, key)
    except ResultFormatError as error:
        raise UsageError(str(error)) from None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _write_png(path: Path, image_bgr: np.ndarray) -> None:
    path.parent.mkdir(exist_ok=True)
    ok, encoded = cv2.imencode(".png", image_bgr)
    if not ok:
        raise UsageError(f"cannot encode an image of shape {image_bgr.shape} as PNG")
    path.write_bytes(encoded.tobytes())
