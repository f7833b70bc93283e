"""One way to validate every data file: pydantic v2 models, one error form.

Every reader of a YAML or JSON file (lab file, flow settings, expectations, needles, screen
definitions) describes its document as a pydantic model and calls ``validate``. A bad document
raises ``ConfigError`` whose message always has the same shape, whatever the file::

    lab.yaml: devices.laptop-07.flow.esp_timeout_s: expected a number, found 'soon'

so that a user sees the file, the key path, what was expected and what was found, and never a
Python traceback. Models should forbid unknown keys (``StrictModel``) so that a mistyped key is
named (with the keys that do exist) rather than silently ignored.

pydantic's lax mode would read ``true`` as the number 1 and ``"yes"`` as true; fields whose type
matters use the strict aliases below (``Int``, ``Number``, ``Flag``, ``Text``), so that a bool is
not a level and a string is not a timeout. (Not ``strict=True`` for the whole model: that would
also refuse a YAML list for a tuple field.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Strict, ValidationError

from harness.errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)

_MAX_SHOWN = 5

Int = Annotated[int, Strict()]
"""An integer; ``true`` and ``"5"`` are refused."""
Number = Annotated[float, Strict()]
"""An integer or a decimal number; ``true`` and ``"5"`` are refused."""
Flag = Annotated[bool, Strict()]
"""``true`` or ``false``; ``1`` and ``"yes"`` are refused."""
Text = Annotated[str, Strict()]
"""A string (a YAML number is refused rather than turned into text)."""


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
        raise config_error(problem, source=source, prefix=prefix, model=model) from None


def config_error(
    problem: ValidationError,
    *,
    source: str,
    prefix: str = "",
    model: type[BaseModel] | None = None,
) -> ConfigError:
    """The ``ConfigError`` for a pydantic ``ValidationError``, in the harness's one form.

    With ``model``, an unknown key is reported with the keys that exist at that place.
    """
    errors = problem.errors(include_url=False)
    lines = [_describe(error, prefix, model) for error in errors[:_MAX_SHOWN]]
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


def known_keys(model: type[BaseModel], location: Sequence[str | int]) -> list[str] | None:
    """The keys a mapping at ``location`` inside ``model`` accepts (None if not a model there)."""
    current: Any = model
    for part in location:
        current = _inner_model(current, part)
        if current is None:
            return None
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return None
    return [info.alias or name for name, info in current.model_fields.items()]


def _inner_model(annotation: Any, part: str | int) -> Any:
    """The model reached from ``annotation`` by one location step (a field, key or index)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(part, str):
            return None
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return _unwrap(info.annotation)
        return None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is None or not args:
        return None
    if origin in (dict, Mapping):
        return _unwrap(args[-1])
    if origin in (list, tuple, Sequence):
        return _unwrap(args[0])
    # A union: the location's next part is the member's tag or name, or the first model fits.
    for member in args:
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member if isinstance(part, str) and part == member.__name__ else None
    return None


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` as ``X``."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    members = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) in (Union, UnionType) and len(members) == 1:
        return _unwrap(members[0])
    return annotation


def _describe(error: Any, prefix: str, model: type[BaseModel] | None = None) -> str:
    kind = error["type"]
    location = tuple(error["loc"])
    if kind == "extra_forbidden":
        # The unknown key is the last part of the location; say which keys exist instead.
        parent = key_path(location[:-1], prefix)
        known = known_keys(model, location[:-1]) if model is not None else None
        listed = f"; known keys: {', '.join(known)}" if known else ""
        return f"{parent}: unknown key {location[-1]!r}{listed}"
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
        if isinstance(found, dict):
            # A rule over several keys: the message names them; the whole mapping is noise.
            return f"{where}: {expected}"
        return f"{where}: {expected} (found {_shown(found)})"
    return f"{where}: expected {expected}, found {_shown(found)}"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
