"""The run log: a handler writing a logger's records to ``run.log`` with secrets masked."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from harness.report.masking import MaskingFormatter, SecretMasker, SecretMaskingFilter

LOG_FORMAT = "%(asctime)s.%(msecs)03dZ %(levelname)-7s %(name)s: %(message)s"


def run_log_handler(path: Path, masker: SecretMasker, level: int) -> logging.Handler:
    """A file handler for ``path``: UTC timestamps, the message and the formatted line masked
    (the filter covers the message, the formatter the traceback and stack info)."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(level)
    handler.addFilter(SecretMaskingFilter(masker))
    formatter = MaskingFormatter(masker, LOG_FORMAT)
    formatter.converter = time.gmtime
    formatter.default_time_format = "%Y-%m-%dT%H:%M:%S"
    formatter.default_msec_format = None  # type: ignore[assignment]
    handler.setFormatter(formatter)
    return handler
