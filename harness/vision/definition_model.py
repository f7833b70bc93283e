"""The screen definition file format, as pydantic models (validated by ``config.validation``).

A definition says what is WRITTEN on a screen and what it looks like, never where: titles,
the texts and labels that prove its structure, and colour rules measured over the content.
``docs/vision.md`` documents every key.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from harness.config.validation import StrictModel
from harness.vision.observation import ScreenState

Hsv = tuple[
    Annotated[int, Field(ge=0, le=179)],
    Annotated[int, Field(ge=0, le=255)],
    Annotated[int, Field(ge=0, le=255)],
]
"""OpenCV HSV: H 0-179 (half degrees), S and V 0-255."""
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Texts = list[Annotated[str, Field(min_length=1)]]

FIELD_LABELS = ("organization", "profile", "user", "elapsed")
"""The labels whose values are fields; ``needs.labels`` counts these."""


class ColourRule(StrictModel):
    """A share of the content's pixels whose HSV lies in a range (``hsv_min`` H greater than
    ``hsv_max`` H wraps through 0, for red)."""

    name: str = "colour"
    hsv_min: Hsv
    hsv_max: Hsv
    min_share: Share = 0.5
    max_share: Share = 1.0


class Needs(StrictModel):
    """The structure a screen must show besides its title (all given parts must hold)."""

    texts: Texts = Field(default_factory=list)
    """At least one of these texts is a line of the screen (the options dialog's tile)."""
    labels: Annotated[int, Field(ge=0, le=len(FIELD_LABELS))] = 0
    """At least this many distinct field labels (``Organization:``...) are lines of the screen."""
    or_qr: bool = False
    """A decoded QR code stands in for missing labels."""
    lines: Annotated[int, Field(ge=0, le=50)] = 0
    """At least this many text lines (a page, not a lone status word)."""
    control: bool = False
    """A control a person acts on: a button (a box with a word in it) or a known button label.
    Busy pages (``Please wait``, ``Restarting``) have none."""


class Screen(StrictModel):
    state: ScreenState
    titles: Texts = Field(default_factory=list)
    """The heading as shown (any one); none for a screen known by its look and structure."""
    title_tolerance: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.2
    """Largest accepted dissimilarity of the title (OCR of a real title: 0.0-0.1; a different
    title of similar words: about 0.3)."""
    look: str | None = None
    """A name from the file's ``looks``: the colours the content must show."""
    needs: Needs = Field(default_factory=Needs)
    qr: bool = True
    """Whether the screen may show a QR code to decode (Windows 11 result screens do not:
    documented), so that ``observe`` does not search for one in vain."""
    needles: list[str] = Field(default_factory=list)
    """openQA needle tags; a passing needle also makes this screen pass (when its look does)."""

    @field_validator("state")
    @classmethod
    def _not_unknown(cls, state: ScreenState) -> ScreenState:
        if state is ScreenState.UNKNOWN:
            raise ValueError("a screen definition names a known state, not unknown")
        return state

    @model_validator(mode="after")
    def _something_to_match(self) -> Screen:
        if not self.titles and self.look is None and not self.needles:
            raise ValueError("a screen needs at least one of titles, look, needles")
        return self


class DefinitionFile(StrictModel):
    windows: Literal[10, 11]
    language: Annotated[str, Field(min_length=2)]
    looks: dict[str, Annotated[list[ColourRule], Field(min_length=1)]] = Field(default_factory=dict)
    labels: dict[
        Literal[
            "organization",
            "profile",
            "user",
            "elapsed",
            "not_found_organization",
            "not_found_profile",
            "not_assigned",
            "esp_phases",
            "esp_statuses",
            "esp_steps",
            "failed",
            "tiles",
            "buttons",
            "hours",
            "minutes",
            "seconds",
        ],
        Annotated[Texts, Field(min_length=1)],
    ] = Field(default_factory=dict)
    screens: Annotated[dict[str, Screen], Field(min_length=1)]

    @field_validator("labels", mode="before")
    @classmethod
    def _single_strings(cls, value: object) -> object:
        """A label may be one string instead of a list."""
        if isinstance(value, dict):
            return {key: [item] if isinstance(item, str) else item for key, item in value.items()}
        return value


Category = Literal["tpm-attestation", "enrollment", "esp-timeout", "network", "unknown"]


class FailureCode(StrictModel):
    code: Annotated[str, Field(pattern=r"^0[xX][0-9a-fA-F]{8}$")] | None = None
    text: Annotated[str, Field(min_length=1)] | None = None
    category: Category
    meaning: str = ""

    @model_validator(mode="after")
    def _code_or_text(self) -> FailureCode:
        if (self.code is None) == (self.text is None):
            raise ValueError("give `code` (a quoted 0x... string) or `text`, not both")
        return self


class FailureCodeFile(StrictModel):
    codes: list[FailureCode]
