"""The run record: what one run of the technician flow did, saw and decided (``result.json``).

The flow fills a ``RunResult`` through a ``RunBundle`` (``bundle.py``), which rewrites
``result.json`` after every change. Readers (HTML report, JUnit properties, history store) load it
with ``RunResult.from_dict``. Every key is documented in ``docs/result-schema.md`` and checked by
``result.schema.json``; bump ``SCHEMA_VERSION`` on any change a reader of version 1 would misread.

Times come in two kinds, on purpose:

- ``started_at`` / ``finished_at`` are ISO-8601 UTC wall-clock strings, for people and for sorting
  runs;
- every other time (phases, steps, events) is seconds since the run's *monotonic* start, because the
  wall clock can jump (NTP, a VM's clock after a reboot) and durations must not.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from harness.errors import HarnessError

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("result.schema.json")
"""The JSON Schema (draft 2020-12) of ``result.json`` for this ``SCHEMA_VERSION``."""

_T = TypeVar("_T")

Verdict = Literal["passed", "failed", "error", "running"]
ScreenResult = Literal["green", "red", "none"]
StepOutcome = Literal["ok", "retry", "failed", "error"]

VERDICTS: tuple[str, ...] = get_args(Verdict)
SCREEN_RESULTS: tuple[str, ...] = get_args(ScreenResult)
STEP_OUTCOMES: tuple[str, ...] = get_args(StepOutcome)

INTERRUPTED_REASON = "interrupted: the run did not finish"
"""The reason a run record carries until the run is finalised (and forever, if it was killed)."""


class ResultFormatError(HarnessError):
    """A run record (``result.json``) is malformed. The message names the key that was wrong."""


@dataclass
class ResultFields:
    """What the device's screens said, next to what the harness measured.

    ``elapsed_on_screen`` is the raw text of the result screen's elapsed time (``"00:42:17"``),
    ``elapsed_on_screen_s`` its value in seconds; ``elapsed_measured_s`` is the harness's own
    Provision-to-result measurement; ``elapsed_difference_s`` is measured minus on-screen.
    """

    profile: str | None = None
    organization: str | None = None
    user: str | None = None
    ztd_id: str | None = None
    elapsed_on_screen: str | None = None
    elapsed_on_screen_s: float | None = None
    elapsed_measured_s: float | None = None
    elapsed_difference_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ResultFields:
        return _build(cls, data, "fields")


@dataclass
class Phase:
    """A timed phase of the flow (``power-on-to-oobe``, ``provision-to-result`` ...)."""

    name: str
    start: float
    """Seconds since the run's monotonic start."""
    end: float | None = None
    """None while the phase is still running (or when the run died inside it)."""
    duration_s: float | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Phase:
        return _build(cls, data, "phases[]")


@dataclass
class Step:
    """One transition of the flow's state machine, with its screenshot."""

    index: int
    name: str
    started: float
    """Seconds since the run's monotonic start."""
    ended: float | None = None
    duration_s: float | None = None
    outcome: StepOutcome = "ok"
    detail: str = ""
    screenshot: str | None = None
    """Path relative to the bundle folder (``steps/003-configuration.png``)."""
    screen_state: str | None = None
    """The screen vision saw at the end of the step (a ``ScreenState`` value)."""
    retries: int = 0

    def __post_init__(self) -> None:
        check_choice(self.outcome, STEP_OUTCOMES, "steps[].outcome")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        return _build(cls, data, "steps[]")


@dataclass
class Event:
    """Something that happened during the run: a reboot, a power event, a retry, a stall."""

    time: float
    """Seconds since the run's monotonic start."""
    kind: str
    """``reboot``, ``powered-off``, ``retry``, ``stall``, ``connection-lost``, ``exception`` ..."""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        return _build(cls, data, "events[]")


@dataclass
class DeviceInfo:
    """The device under test: its name, the backend(s) that drove it, and free facts."""

    name: str = ""
    backend: str = ""
    """The backend composition, e.g. ``sim`` or ``capture+ch9329+redfish``."""
    windows: int | None = None
    """10 or 11 when known."""
    facts: dict[str, str] = field(default_factory=dict)
    """Model, firmware, TPM, image build ... copied from the target's facts."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeviceInfo:
        device = _build(cls, data, "device")
        device.facts = {str(key): str(value) for key, value in device.facts.items()}
        return device


@dataclass
class RunResult:
    """The whole run record. See ``docs/result-schema.md`` for every key."""

    run_id: str
    started_at: str
    """ISO-8601 UTC wall clock (``2026-11-27T18:30:00.123456+00:00``)."""
    finished_at: str | None = None
    verdict: Verdict = "running"
    reason: str = ""
    result: ScreenResult = "none"
    """The colour of the result screen the device showed (``none``: no result screen seen)."""
    error_codes: list[str] = field(default_factory=list)
    category: str | None = None
    """A ``FailureCategory`` value for a red result (``tpm-attestation`` ...)."""
    fields: ResultFields = field(default_factory=ResultFields)
    phases: list[Phase] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    powered_off_after_reseal: bool | None = None
    device: DeviceInfo = field(default_factory=DeviceInfo)
    expectation: dict[str, Any] = field(default_factory=dict)
    diagnostics: list[str] = field(default_factory=list)
    """Paths (relative to the bundle) of screenshots taken for diagnosis (unknown screens ...)."""
    timeline: str | None = None
    """Relative path of the frame timeline (``timeline.jsonl``)."""
    video: str | None = None
    """Relative path of the video of changed frames, or None when none was recorded."""
    harness_version: str = ""
    complete: bool = False
    """True once the run was finalised; False in a file left by a run that is running or died."""
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        check_choice(self.verdict, VERDICTS, "verdict")
        check_choice(self.result, SCREEN_RESULTS, "result")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict, keys in a stable, readable order (``schema_version`` first)."""
        data = asdict(self)
        return {"schema_version": data.pop("schema_version"), **data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        if not isinstance(data, dict):
            raise ResultFormatError(f"a run record must be an object, not {type(data).__name__}")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ResultFormatError(
                f"schema_version: expected {SCHEMA_VERSION}, found {version!r} "
                "(written by a different harness version)"
            )
        parts: dict[str, Any] = dict(data)
        parts["fields"] = ResultFields.from_dict(_mapping(data.get("fields", {}), "fields"))
        parts["device"] = DeviceInfo.from_dict(_mapping(data.get("device", {}), "device"))
        parts["phases"] = [Phase.from_dict(item) for item in _sequence(data, "phases")]
        parts["steps"] = [Step.from_dict(item) for item in _sequence(data, "steps")]
        parts["events"] = [Event.from_dict(item) for item in _sequence(data, "events")]
        return _build(cls, parts, "result")

    @classmethod
    def load(cls, path: Path) -> RunResult:
        """Read a ``result.json``; a bad file raises ``ResultFormatError`` naming the file."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls.from_dict(data)
        except (OSError, json.JSONDecodeError, ResultFormatError) as error:
            raise ResultFormatError(f"{path}: {error}") from error


def check_choice(value: object, choices: tuple[str, ...], key: str) -> None:
    if value not in choices:
        raise ResultFormatError(f"{key}: expected one of {', '.join(choices)}, found {value!r}")


def _mapping(value: object, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ResultFormatError(f"{key}: expected an object, found {type(value).__name__}")
    return value


def _sequence(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ResultFormatError(f"{key}: expected a list, found {type(value).__name__}")
    return [_mapping(item, f"{key}[{index}]") for index, item in enumerate(value)]


def _build(cls: type[_T], data: dict[str, Any], where: str) -> _T:
    """Construct a dataclass from a dict, naming unknown or missing keys instead of a TypeError."""
    known = {item.name for item in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - known)
    if unknown:
        raise ResultFormatError(f"{where}: unknown key(s) {', '.join(unknown)}")
    try:
        return cls(**data)
    except TypeError as error:
        raise ResultFormatError(f"{where}: {error}") from error
