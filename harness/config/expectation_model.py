"""The ``expect:`` mapping of a device and the ``--expect`` option, read into ``Expectation``.

``Expectation`` (``harness.flow.expectation``) is what the flow judges a run against; this module
is only how a file or a command line becomes one, with errors in the harness's one form.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from harness.config.validation import Flag, StrictModel, Text, validate
from harness.errors import ConfigError
from harness.flow.expectation import CATEGORIES, Expectation

_CODE = re.compile(r"^0x[0-9a-f]{8}$")
EXPECT_FORMS = "green, red or red:CODE[,CODE...] (CODE: 0x and 8 hex digits, e.g. 0x800705b4)"


def _code(value: Any) -> str:
    """``0x800705B4`` (text) or 2147943860 (YAML reads ``0x800705b4`` unquoted as a number)."""
    if isinstance(value, bool):
        raise ValueError("expected an error code (0x and 8 hex digits)")
    text = f"0x{value:08x}" if isinstance(value, int) else str(value).strip().lower()
    if not _CODE.match(text):
        raise ValueError("expected an error code: 0x followed by 8 hex digits")
    return text


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str | int) and not isinstance(value, bool) else value


ErrorCode = Annotated[str, BeforeValidator(_code)]


class ExpectationModel(StrictModel):
    """What a device should show; every key optional, a key left out is not checked."""

    result: Literal["green", "red"] = Field("green", description="the result screen's colour")
    codes: Annotated[list[ErrorCode], BeforeValidator(_listed)] = Field(
        default_factory=list, description="red only: allowed error codes (empty: any)"
    )
    category: Literal[CATEGORIES] | None = Field(  # type: ignore[valid-type]
        None, description="red only: allowed failure category"
    )
    profile: Text | None = Field(None, description="deployment profile on the screen")
    organization: Text | None = Field(None, description="organisation on the screen")
    user: Text | None = Field(None, description='assigned user (or "Not assigned")')
    ztd_id: Text | None = Field(None, description="the device's Autopilot identity (QR code)")
    from_intune: Flag = Field(
        False, description="expected profile, organization and user as Intune holds them"
    )

    @model_validator(mode="after")
    def _red_only(self) -> ExpectationModel:
        if self.result == "green" and (self.codes or self.category):
            raise ValueError("codes and category only apply to result: red")
        return self

    def expectation(self) -> Expectation:
        return Expectation(
            result=self.result,
            codes=tuple(self.codes),
            category=self.category,
            profile=self.profile,
            organization=self.organization,
            user=self.user,
            ztd_id=self.ztd_id,
        )


def read_expectation(data: Any, *, source: str, prefix: str) -> Expectation:
    """An ``expect:`` mapping (None: green, nothing else checked)."""
    return validate(ExpectationModel, data or {}, source=source, prefix=prefix).expectation()


def parse_expect_option(text: str) -> Expectation:
    """``--expect``: ``green``, ``red`` or ``red:0x800705b4,0x81039001``."""
    result, colon, codes = text.strip().partition(":")
    result = result.strip().lower()
    listed = [code.strip() for code in codes.split(",") if code.strip()]
    if result not in ("green", "red"):
        problem = f"unknown result {result!r}"
    elif result == "green" and colon:
        problem = "green takes no error codes (only red:CODE does)"
    elif colon and not listed:
        problem = "no error code after 'red:'"
    else:
        bad = [code for code in listed if not _CODE.match(code.lower())]
        if not bad:
            return Expectation(result=result, codes=tuple(code.lower() for code in listed))
        problem = f"{bad[0]!r} is not an error code"
    raise ConfigError(f"expected {EXPECT_FORMS}; found {text!r}: {problem}", key="--expect")
