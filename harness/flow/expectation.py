"""What a device should show: the expectation a run's result is judged against.

YAML (per device, or per run)::

    expect:
      result: red                 # green | red
      codes: [0x800705b4]         # red only: allowed error codes (empty: any code)
      category: tpm-attestation   # red only: allowed failure category (optional)
      profile: Autopilot Pre-provisioning
      organization: Contoso
      user: adele.vance@contoso.com   # or "Not assigned"
      ztd_id: 5d3c1a9e-...        # the device's Autopilot identity (from the QR code)

Any field left out is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from harness.errors import ConfigError

RESULTS = ("green", "red")
CATEGORIES = ("tpm-attestation", "enrollment", "esp-timeout", "network", "unknown")
_CODE = re.compile(r"^0x[0-9a-f]{8}$")


def normalise_code(code: object, *, source: str = "expectation", key: str = "codes") -> str:
    text = str(code).strip().lower()
    if isinstance(code, int):
        text = f"0x{code:08x}"
    if not _CODE.match(text):
        raise ConfigError(
            f"{code!r} is not an error code; expected 0x followed by 8 hex digits",
            source=source,
            key=key,
        )
    return text


@dataclass(frozen=True)
class Expectation:
    result: str = "green"
    codes: tuple[str, ...] = ()
    category: str | None = None
    profile: str | None = None
    organization: str | None = None
    user: str | None = None
    ztd_id: str | None = None

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ConfigError(
                f"unknown result {self.result!r}; expected green or red", key="result"
            )
        if self.result == "green" and (self.codes or self.category):
            raise ConfigError("codes and category only apply to result red", key="codes")
        if self.category is not None and self.category not in CATEGORIES:
            raise ConfigError(
                f"unknown category {self.category!r}; expected one of {', '.join(CATEGORIES)}",
                key="category",
            )

    @classmethod
    def parse(cls, text: str) -> Expectation:
        """The command-line form: ``green``, ``red`` or ``red:0x800705b4,0x81039001``."""
        result, _, codes = text.strip().partition(":")
        result = result.strip().lower()
        if result not in RESULTS:
            raise ConfigError(
                f"{text!r}: expected green, red or red:CODE[,CODE...]", key="--expect"
            )
        parsed = tuple(
            normalise_code(code, source="--expect", key="codes")
            for code in codes.split(",")
            if code.strip()
        )
        return cls(result=result, codes=parsed)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str) -> Expectation:
        known = {"result", "codes", "category", "profile", "organization", "user", "ztd_id"}
        for key in data:
            if key not in known:
                raise ConfigError(
                    f"unknown key; expected one of {', '.join(sorted(known))}",
                    source=source,
                    key=f"expect.{key}",
                )
        codes = data.get("codes") or ()
        if isinstance(codes, str | int):
            codes = [codes]
        try:
            return cls(
                result=str(data.get("result", "green")).lower(),
                codes=tuple(normalise_code(c, source=source, key="expect.codes") for c in codes),
                category=data.get("category"),
                profile=_optional_text(data, "profile"),
                organization=_optional_text(data, "organization"),
                user=_optional_text(data, "user"),
                ztd_id=_optional_text(data, "ztd_id"),
            )
        except ConfigError as problem:
            if problem.source:
                raise
            raise ConfigError(str(problem), source=source, key=f"expect.{problem.key}") from None

    def with_fields(self, **fields: str | None) -> Expectation:
        values = asdict(self)
        values.update({k: v for k, v in fields.items() if v is not None})
        return Expectation(**values)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["codes"] = list(self.codes)
        return data

    def describe(self) -> str:
        if self.result == "green":
            return "green"
        detail = ",".join(self.codes) or (self.category or "any code")
        return f"red ({detail})"


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)
