"""The text in the QR code of the configuration and result screens (the real, compact format)."""

from __future__ import annotations

import json


def qr_payload(identifier: str, ztd_id: str) -> str:
    """``{"Version":"1.0.0","Id":...,"ZtdId":...,...}`` exactly as Windows 10 encodes it."""
    payload = {
        "Version": "1.0.0",
        "Id": identifier,
        "ZtdId": ztd_id,
        "PKID": "",
        "SerialNumber": "",
        "SequenceBlockNumber": 1,
        "TotalBlocks": 1,
    }
    return json.dumps(payload, separators=(",", ":"))
