"""One way to validate every data file: pydantic v2 models, one error form.

Every reader of a YAML or JSON file (lab file, flow settings, expectations, needles, screen
definitions) describes its document as a pydantic model and calls ``validate``. A bad document
raises ``ConfigError`` whose message always has the same shape, whatever the file::

    lab.yaml: devices.laptop-07.flow.esp_timeout_s: expected a number, found 'soon'

so that a user sees the file, the key path, what was expected and what was found, and never a
Python traceback. Models should forbid unknown keys (``StrictModel``) so that a mistyped key is
named rather than silently ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from harness.errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)

_MAX_SHOWN = 5


class StrictModel(BaseModel):
    """Base of the harness's file models: unknown keys are errors, values are not coerced
    from unrelated types (a bool is not a number), and instances are immutable."""

    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


def validate(model: type[Model], data: Any, *, source: str, prefix: str = "") -> Model:
    """``data`` as ``model``; ``ConfigError`` naming ``source`` and the key path otherwise.

    ``prefix`` is the key path of ``data`` inside its file (``devices.laptop-07``), so that a
    part validated on its own still reports where it sits in the file.
    """
    try:
        return model.model_validate(data)
    except ValidationError as problem:
        raise config_error(problem, source=source, prefix=prefix) from None


def config_error(problem: ValidationError, *, source: str, prefix: str = "") -> ConfigError:
    """The ``ConfigError`` for a pydantic ``ValidationError``, in the harness's one form."""
    errors = problem.errors(include_url=False)
    lines = [_describe(error, prefix) for error in errors[:_MAX_SHOWN]]
    if len(errors) > _MAX_SHOWN:
        lines.append(f"... and {len(errors) - _MAX_SHOWN} more")
    first_key = _key_path(errors[0]["loc"], prefix) if errors else (prefix or None)
    message = "; ".join(lines)
    error = ConfigError(message, source=source)
    error.key = first_key
    return error


def key_path(location: Sequence[str | int], prefix: str = "") -> str:
    """``('devices', 'sim', 'flow', 3)`` as ``devices.sim.flow[3]``."""
    return _key_path(location, prefix) or "(top level)"


def _key_path(location: Sequence[str | int], prefix: str) -> str:
    path = prefix
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def _describe(error: Any, prefix: str) -> str:
    kind = error["type"]
    location = tuple(error["loc"])
    if kind == "extra_forbidden":
        # The unknown key is the last part of the location; say which keys exist instead.
        parent = key_path(location[:-1], prefix)
        return f"{parent}: unknown key {location[-1]!r}"
    where = key_path(location, prefix)
    if kind == "missing":
        return f"{where}: required key is missing"
    found = error.get("input")
    expected = error["msg"]
    # pydantic's messages read "Input should be ...": say "expected ..." as every harness error.
    for lead in ("Input should be ", "Value error, ", "Assertion failed, "):
        if expected.startswith(lead):
            expected = expected[len(lead) :]
    if kind.startswith("value_error") or kind == "assertion_error":
        return f"{where}: {expected} (found {_shown(found)})"
    return f"{where}: expected {expected}, found {_shown(found)}"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
