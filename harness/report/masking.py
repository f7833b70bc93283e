"""Keep secrets (BMC, KVM, WinRM passwords) out of everything a run writes.

The bundle owns one ``SecretMasker``; ``bundle.register_secret(value)`` adds to it. The run log's
handler carries a ``SecretMaskingFilter`` (masks the message before formatting) and a
``MaskingFormatter`` (masks the formatted line, which also covers tracebacks and stack info).
``result.json`` and ``report.html`` go through ``SecretMasker.mask_data`` before they are written.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

MASK = "******"


class SecretMasker:
    """Replaces every registered secret value by ``MASK`` in text and in JSON-able data."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, value: str) -> None:
        """Mask ``value`` from now on. Empty values are ignored (they would match everywhere)."""
        if value:
            with self._lock:
                self._secrets.add(value)

    def mask(self, text: str) -> str:
        with self._lock:
            # Longest first, so a secret containing another one is masked whole.
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def mask_data(self, value: Any) -> Any:
        """Mask every string (keys included) inside dicts, lists and tuples."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {self.mask_data(key): self.mask_data(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask_data(item) for item in value]
        return value


class SecretMaskingFilter(logging.Filter):
    """Masks secrets in a record's message (message and arguments merged); never drops a record."""

    def __init__(self, masker: SecretMasker) -> None:
        super().__init__()
        self._masker = masker

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self._masker.mask(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


class MaskingFormatter(logging.Formatter):
    """Masks the fully formatted line: exception tracebacks can quote a secret too."""

    def __init__(self, masker: SecretMasker, fmt: str | None = None) -> None:
        super().__init__(fmt)
        self._masker = masker

    def format(self, record: logging.LogRecord) -> str:
        return self._masker.mask(super().format(record))
