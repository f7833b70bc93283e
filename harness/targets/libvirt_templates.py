"""Domain XML templates (``vm_templates/*.xml``) and their parameter schema (``params.yaml``).

Templates are plain XML with Python ``string.Template`` ``${name}`` fields. ``params.yaml`` lists,
per template, each parameter's type (its validator) and either ``required: true`` or a default
(which may name other parameters: ``nvram: /var/lib/libvirt/qemu/nvram/${name}_VARS.fd``).
Every value is validated, then XML-escaped, before it goes into the document, so a value can never
add elements or attributes. Errors are ConfigErrors naming the template and the parameter.

``HARNESS_VM_TEMPLATES`` (an environment variable) points at another folder with the same layout.
"""

from __future__ import annotations

import os
import re
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from harness.errors import ConfigError

_XML_ATTRIBUTE_ESCAPES = {'"': "&quot;", "'": "&apos;"}
_NAME = re.compile(r"^[A-Za-z0-9_.+-]{1,64}$")
_IFNAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def templates_dir() -> Path:
    override = os.environ.get("HARNESS_VM_TEMPLATES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "vm_templates"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool
    default: Any
    spec: Mapping[str, Any]

    @property
    def help(self) -> str:
        return str(self.spec.get("help", ""))


@dataclass(frozen=True)
class DomainTemplate:
    name: str
    path: Path
    description: str
    parameters: dict[str, Parameter]

    def render(self, values: Mapping[str, Any], *, source: str = "vm template") -> str:
        """The domain XML with ``values`` filled in; ConfigError on any bad parameter."""
        where = f"{source}: template {self.name}"
        unknown = sorted(set(values) - set(self.parameters))
        if unknown:
            raise ConfigError(
                f"unknown parameter; {self.name} takes: {', '.join(sorted(self.parameters))}",
                source=where,
                key=unknown[0],
            )
        raw: dict[str, str] = {}
        for parameter in self.parameters.values():
            if parameter.name in values and values[parameter.name] is not None:
                raw[parameter.name] = _as_text(values[parameter.name], parameter, where)
            elif parameter.required:
                raise ConfigError("this parameter is required", source=where, key=parameter.name)
        # Defaults may refer to given values (and to each other, once).
        for parameter in self.parameters.values():
            if parameter.name not in raw:
                default = str(parameter.default)
                raw[parameter.name] = string.Template(default).safe_substitute(raw)
        checked = {
            name: _validate(raw[name], self.parameters[name], where) for name in self.parameters
        }
        escaped = {name: escape(value, _XML_ATTRIBUTE_ESCAPES) for name, value in checked.items()}
        text = self.path.read_text(encoding="utf-8")
        try:
            return string.Template(text).substitute(escaped)
        except KeyError as missing:
            raise ConfigError(
                f"the template uses ${{{missing.args[0]}}}, which params.yaml does not declare",
                source=str(self.path),
            ) from None


def load_templates(directory: Path | None = None) -> dict[str, DomainTemplate]:
    folder = directory or templates_dir()
    schema_path = folder / "params.yaml"
    try:
        schema = yaml.safe_load(schema_path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise ConfigError(f"cannot read: {problem.strerror}", source=str(schema_path)) from None
    entries = schema.get("templates") if isinstance(schema, Mapping) else None
    if not isinstance(entries, Mapping):
        raise ConfigError("expected a 'templates' mapping", source=str(schema_path))
    found: dict[str, DomainTemplate] = {}
    for name, entry in entries.items():
        parameters = {
            key: Parameter(
                name=key,
                type=str(spec.get("type", "text")),
                required=bool(spec.get("required", False)),
                default=spec.get("default"),
                spec=spec,
            )
            for key, spec in entry["parameters"].items()
        }
        for parameter in parameters.values():
            if parameter.type not in _VALIDATORS:
                raise ConfigError(
                    f"unknown type {parameter.type!r}", source=str(schema_path), key=parameter.name
                )
            if not parameter.required and parameter.default is None:
                raise ConfigError(
                    "needs required: true or a default", source=str(schema_path), key=parameter.name
                )
        found[name] = DomainTemplate(
            name=name,
            path=folder / entry["file"],
            description=str(entry.get("description", "")),
            parameters=parameters,
        )
    return found


def domain_template(name: str, *, source: str = "vm template") -> DomainTemplate:
    templates = load_templates()
    if name not in templates:
        raise ConfigError(
            f"unknown template {name!r}; known: {', '.join(sorted(templates))}",
            source=source,
            key="template",
        )
    return templates[name]


def render_template(name: str, values: Mapping[str, Any], *, source: str = "vm template") -> str:
    return domain_template(name, source=source).render(values, source=source)


# ----------------------------------------------------------------------------- validators
def _as_text(value: Any, parameter: Parameter, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ConfigError(f"expected a value, got {value!r}", source=where, key=parameter.name)
    return str(value)


def _validate(value: str, parameter: Parameter, where: str) -> str:
    if _CONTROL.search(value):
        raise ConfigError("control characters are not allowed", source=where, key=parameter.name)
    problem, result = _VALIDATORS[parameter.type](value, parameter.spec)
    if problem:
        raise ConfigError(f"{problem}, got {value!r}", source=where, key=parameter.name)
    return result


def _name(value: str, _spec: Mapping[str, Any]) -> tuple[str, str]:
    ok = _NAME.match(value)
    return ("" if ok else "expected 1-64 letters, digits, '.', '_', '+' or '-'"), value


def _uuid(value: str, _spec: Mapping[str, Any]) -> tuple[str, str]:
    if value == "auto":
        return "", str(uuid.uuid4())
    try:
        return "", str(uuid.UUID(value))
    except ValueError:
        return "expected a UUID or 'auto'", value


def _path(value: str, _spec: Mapping[str, Any]) -> tuple[str, str]:
    return ("" if value.startswith("/") else "expected an absolute path"), value


def _text(value: str, _spec: Mapping[str, Any]) -> tuple[str, str]:
    return "", value


def _integer(value: str, spec: Mapping[str, Any]) -> tuple[str, str]:
    try:
        number = int(value)
    except ValueError:
        return "expected a whole number", value
    minimum = spec.get("minimum")
    if minimum is not None and number < int(minimum):
        return f"expected at least {minimum}", value
    return "", str(number)


def _choice(value: str, spec: Mapping[str, Any]) -> tuple[str, str]:
    choices = [str(choice) for choice in spec.get("choices", [])]
    return ("" if value in choices else f"expected one of {', '.join(choices)}"), value


def _ifname(value: str, _spec: Mapping[str, Any]) -> tuple[str, str]:
    ok = _IFNAME.match(value)
    return ("" if ok else "expected a network or bridge name"), value


def _vnc_port(value: str, _spec: Mapping[str, Any]) -> tuple[str, str]:
    try:
        port = int(value)
    except ValueError:
        return "expected -1 or a port 5900..65535", value
    if port != -1 and not 5900 <= port <= 65535:
        return "expected -1 or a port 5900..65535", value
    return "", str(port)


_VALIDATORS: dict[str, Callable[[str, Mapping[str, Any]], tuple[str, str]]] = {
    "name": _name,
    "uuid": _uuid,
    "path": _path,
    "text": _text,
    "integer": _integer,
    "choice": _choice,
    "ifname": _ifname,
    "vnc_port": _vnc_port,
}
