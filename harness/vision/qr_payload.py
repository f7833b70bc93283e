"""The text inside the Autopilot QR code: parse it, find the device's ZtdId, never raise.

Two forms are known (reference/autopilot-flow.md, section 4):

- current, decoded from real Windows 10 result screens::

    {"Version":"1.0.0","Id":"<guid>","ZtdId":"<guid>","PKID":"","SerialNumber":"",
     "SequenceBlockNumber":1,"TotalBlocks":1}

- early builds, wrapped::

    Data to encode{"BlockSequence": {"Id": ..., "ZtdId": ..., "PKID": ..., "SerialNumber": ...,
                                     "HardwareId": ..., "SequenceBlockNumber": 1, "TotalBlocks": 1}}

Unknown extra keys are kept. ``QrResult.payload`` is the block of fields (the top-level object of
the current form, the ``BlockSequence`` object of the wrapped form), so ``payload["Id"]`` works
for both.
"""

from __future__ import annotations

import json
import re
from typing import Any

from harness.vision.observation import QrResult

WRAPPED_PREFIX = "Data to encode"
WRAPPER_KEY = "BlockSequence"
ZTD_ID_KEY = "ZtdId"

_GUID = re.compile(
    r"^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$",
    re.IGNORECASE,
)
_SHOWN = 80
"""Characters of a bad payload quoted in an error message (payloads are short; this bounds it)."""


def normalise_guid(value: str) -> str | None:
    """``7A3C9E2F5B1D...`` / ``{7a3c9e2f-...}`` -> ``7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f``.

    None when ``value`` is not a GUID. Hyphens must be all present or all absent.
    """
    text = value.strip()
    match = _GUID.match(text)
    if match is None:
        return None
    if text.count("-") not in (0, 4) or (text.startswith("{") != text.endswith("}")):
        return None
    return "-".join(part.lower() for part in match.groups())


def _quote(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def parse_qr_payload(text: str | None, decoder: str | None = None) -> QrResult:
    """Parse the QR text into a ``QrResult``; a bad payload sets ``error``, it never raises."""
    if text is None or not text.strip():
        return QrResult(raw=text, decoder=decoder, error="QR payload is empty")
    body = text.strip().lstrip("\ufeff")
    form = "QR payload"
    if body.startswith(WRAPPED_PREFIX):
        body = body[len(WRAPPED_PREFIX) :].lstrip(" :\t\r\n")
        form = f"QR payload after the {WRAPPED_PREFIX!r} prefix"
    try:
        document = json.loads(body)
    except ValueError as exc:  # json.JSONDecodeError and bad unicode escapes
        return QrResult(
            raw=text, decoder=decoder, error=f"{form} is not JSON ({exc}): {_quote(text)}"
        )
    if not isinstance(document, dict):
        return QrResult(
            raw=text,
            decoder=decoder,
            error=f"{form} is JSON but not an object ({type(document).__name__}): {_quote(text)}",
        )
    block = _block(document)
    if block is None:
        return QrResult(
            raw=text,
            decoder=decoder,
            payload=document,
            error=f"{form}: {WRAPPER_KEY!r} is not an object: {_quote(text)}",
        )
    return _with_ztd_id(text, decoder, block, form)


def _block(document: dict[str, Any]) -> dict[str, Any] | None:
    """The object that holds the fields: the document itself, or its ``BlockSequence``."""
    if WRAPPER_KEY not in document:
        return document
    wrapped = document[WRAPPER_KEY]
    return wrapped if isinstance(wrapped, dict) else None


def _with_ztd_id(text: str, decoder: str | None, block: dict[str, Any], form: str) -> QrResult:
    key = _find_key(block, ZTD_ID_KEY)
    if key is None:
        keys = ", ".join(sorted(map(str, block))) or "none"
        return QrResult(
            raw=text, decoder=decoder, payload=block, error=f"{form} has no ZtdId (keys: {keys})"
        )
    value = block[key]
    ztd_id = normalise_guid(value) if isinstance(value, str) else None
    if ztd_id is None:
        return QrResult(
            raw=text,
            decoder=decoder,
            payload=block,
            error=f"{form}: ZtdId {value!r} is not a GUID",
        )
    return QrResult(raw=text, decoder=decoder, payload=block, ztd_id=ztd_id)


def _find_key(block: dict[str, Any], wanted: str) -> str | None:
    """``wanted`` itself, else a key that differs only in case (``ztdId``, ``ZTDID``)."""
    if wanted in block:
        return wanted
    return next((key for key in block if str(key).lower() == wanted.lower()), None)
