"""What vision says about one frame. The flow and the reports read these types only."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any


class ScreenState(enum.Enum):
    OOBE = "oobe"
    OPTIONS = "options"
    CONFIGURATION = "configuration"
    ESP = "esp"
    SUCCESS = "success"
    FAILURE = "failure"
    DIAGNOSTICS = "diagnostics"
    SOMETHING_WENT_WRONG = "something-went-wrong"
    BLACK = "black"
    """Black, uniform, no signal, or a firmware logo: the device is off or (re)booting."""
    UNKNOWN = "unknown"


class FailureCategory(enum.Enum):
    TPM_ATTESTATION = "tpm-attestation"
    ENROLLMENT = "enrollment"
    ESP_TIMEOUT = "esp-timeout"
    NETWORK = "network"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Evidence:
    """Why vision decided what it did: a rule or needle, its score, and texts found where."""

    rule: str
    score: float
    detail: str = ""
    box: tuple[int, int, int, int] | None = None
    """(x, y, width, height) in frame coordinates, where the evidence was found."""


@dataclass(frozen=True)
class Candidate:
    state: ScreenState
    score: float
    definition: str = ""


@dataclass(frozen=True)
class EspStep:
    name: str
    status: str
    """The text shown: ``Complete``, ``Working on it...``, ``Failed: 0x800705b4``..."""
    error_code: str | None = None


@dataclass(frozen=True)
class EspPhase:
    name: str
    status: str
    steps: tuple[EspStep, ...] = ()
    error_code: str | None = None


@dataclass(frozen=True)
class Button:
    label: str
    box: tuple[int, int, int, int]
    """(x, y, width, height) in frame coordinates."""

    @property
    def centre(self) -> tuple[int, int]:
        x, y, w, h = self.box
        return x + w // 2, y + h // 2


@dataclass(frozen=True)
class Fields:
    """Texts read off the screen. Every value is what was shown, or None when not shown / unread."""

    title: str | None = None
    profile: str | None = None
    organization: str | None = None
    user: str | None = None
    elapsed_text: str | None = None
    elapsed_s: int | None = None
    error_codes: tuple[str, ...] = ()
    """Lower-case hex codes (``0x800705b4``) in the order they appear on screen."""
    error_text: str | None = None
    category: FailureCategory | None = None
    selected_tile: str | None = None
    """Options dialog: the title of the highlighted tile."""
    esp_phases: tuple[EspPhase, ...] = ()
    buttons: tuple[Button, ...] = ()
    message: str | None = None


@dataclass(frozen=True)
class QrResult:
    raw: str | None
    """The decoded text, or None when no QR code was found."""
    decoder: str | None = None
    payload: dict[str, Any] | None = None
    ztd_id: str | None = None
    error: str | None = None
    """A parse error (not JSON, no GUID ZtdId ...). Vision never raises for a bad payload."""
    box: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class Observation:
    state: ScreenState
    confidence: float
    windows: int | None = None
    fields: Fields = field(default_factory=Fields)
    qr: QrResult | None = None
    evidence: tuple[Evidence, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    """For ``unknown`` (and low confidence): the closest definitions and their scores."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, with the keys ``harness inspect --json`` prints."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value
