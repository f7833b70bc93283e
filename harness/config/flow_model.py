"""The ``flow:`` mapping of a device, read into ``FlowSettings``.

``FlowSettings`` (``harness.flow.settings``) is the flow's own dataclass; the model is built from
its fields, so a setting added there is accepted here with the same name, type and default:
booleans are ``true``/``false``, counts whole numbers >= 0, durations numbers >= 0, the rest text.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from typing import Any

from pydantic import Field, create_model

from harness.config.validation import Flag, Int, Number, StrictModel, Text, validate
from harness.flow import settings as settings_module
from harness.flow.settings import FlowSettings

# The module's YAML example comments each key (``esp_timeout_s: 5400   # Provision to result``).
_COMMENTED = re.compile(r"^\s+(\w+):[^#\n]*#\s*(.+)$", re.MULTILINE)


def _descriptions() -> dict[str, str]:
    return dict(_COMMENTED.findall(settings_module.__doc__ or ""))


@cache
def flow_settings_model() -> type[StrictModel]:
    """A pydantic model with one optional key per ``FlowSettings`` field."""
    defaults = FlowSettings()
    described = _descriptions()
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(FlowSettings):
        default = getattr(defaults, field.name)
        about = described.get(field.name)
        if isinstance(default, bool):
            fields[field.name] = (Flag, Field(default, description=about))
        elif isinstance(default, int):
            fields[field.name] = (Int, Field(default, ge=0, description=about))
        elif isinstance(default, float):
            fields[field.name] = (Number, Field(default, ge=0, description=about))
        else:
            fields[field.name] = (Text, Field(default, description=about))
    return create_model("FlowSettingsModel", __base__=StrictModel, **fields)


def read_flow_settings(
    data: Any, *, source: str, prefix: str, base: FlowSettings | None = None
) -> FlowSettings:
    """A ``flow:`` mapping over ``base`` (default: ``FlowSettings()``); None keeps ``base``."""
    checked = validate(flow_settings_model(), data or {}, source=source, prefix=prefix)
    changes = {name: getattr(checked, name) for name in checked.model_fields_set}
    return dataclasses.replace(base or FlowSettings(), **changes)
