"""What the run found out: the device, the expectation, the fields read from the screens, the
result screen and the power-off after Reseal. A mixin of ``RunBundle`` (which provides the lock,
the record and ``write``); every setter rewrites ``result.json``."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import fields as dataclass_fields
from typing import Any

from harness.errors import UsageError
from harness.report.bundle_steps import require_choice
from harness.report.result import SCREEN_RESULTS, DeviceInfo, ResultFields, RunResult, ScreenResult


class RecordFields:
    _lock: threading.RLock
    result: RunResult

    def write(self) -> None:  # pragma: no cover - provided by RunBundle
        raise NotImplementedError

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
        require_choice(result, SCREEN_RESULTS, "result")
        with self._lock:
            self.result.result = result
            self.result.error_codes = list(error_codes)
            self.result.category = category
            self.write()

    def set_powered_off_after_reseal(self, powered_off: bool | None) -> None:
        with self._lock:
            self.result.powered_off_after_reseal = powered_off
            self.write()
