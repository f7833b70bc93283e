"""Which devices of a lab file a fleet run takes: ``--devices`` and the rig host.

    --devices laptop-07,kiosk-12            # names
    --devices tag:nightly                   # every device tagged nightly
    --devices 'model:"Contoso Book 14"'     # a fact (quotes keep commas and spaces in a value)
    --devices tag:nightly,windows:10        # items add up: a device matching any item is taken

An item without ``:`` (or one that is exactly a device's name) is a name; ``tag:T`` a tag; any
other ``KEY:VALUE`` a fact of the device (its ``facts``, plus ``windows`` and ``backend``).
An unknown name, or an item that matches no device, is a ConfigError naming the item.

The host: a device with ``host:`` runs only on that rig host; one without runs on any host.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.config.devices import DeviceConfig, LabConfig
from harness.errors import ConfigError

OPTION = "--devices"
QUOTES = ("'", '"')


@dataclass(frozen=True)
class SelectionItem:
    """One item of ``--devices``: ``kind`` is ``name``, ``tag`` or ``fact`` (``key`` its name)."""

    text: str
    kind: str
    value: str
    key: str = ""

    def matches(self, device: DeviceConfig) -> bool:
        if self.kind == "name":
            return device.name == self.value
        if self.kind == "tag":
            return self.value in device.tags
        return device_facts(device).get(self.key) == self.value


def device_facts(device: DeviceConfig) -> dict[str, str]:
    """The facts a selection can name: the device's own, and ``windows`` and ``backend``."""
    known = {"backend": device.backend()}
    if device.windows is not None:
        known["windows"] = str(device.windows)
    return {**known, **device.facts}


def parse_selection(spec: str, device_names: Iterable[str] = ()) -> list[SelectionItem]:
    """The items of ``spec``; ``device_names`` lets a name that contains ``:`` stay a name."""
    names = set(device_names)
    items = []
    for text in split_items(spec):
        key, colon, value = text.partition(":")
        if not colon or text in names:
            items.append(SelectionItem(text, "name", text))
            continue
        key, value = key.strip(), _unquote(value.strip(), text)
        if not key or not value:
            raise ConfigError(f"{text!r}: expected NAME, tag:TAG or FACT:VALUE", key=OPTION)
        kind = "tag" if key == "tag" else "fact"
        items.append(SelectionItem(text, kind, value, "" if kind == "tag" else key))
    return items


def split_items(spec: str) -> list[str]:
    """``a,tag:b,model:"X, Y"`` -> ``['a', 'tag:b', 'model:"X, Y"']`` (commas in quotes stay)."""
    items: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for char in spec:
        if quote is not None:
            quote = None if char == quote else quote
        elif char in QUOTES:
            quote = char
        elif char == ",":
            items.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    if quote is not None:
        raise ConfigError(f"{spec!r}: a {quote} quote is not closed", key=OPTION)
    items.append("".join(current).strip())
    if not any(items):
        raise ConfigError("expected at least one device name, tag:TAG or FACT:VALUE", key=OPTION)
    if "" in items:
        raise ConfigError(f"{spec!r}: an empty item between commas", key=OPTION)
    return items


def _unquote(value: str, item: str) -> str:
    if value[:1] in QUOTES:
        if len(value) < 2 or value[-1] != value[0]:
            raise ConfigError(f"{item!r}: expected the value quoted as a whole", key=OPTION)
        return value[1:-1]
    return value


def select_devices(lab: LabConfig, spec: str | None) -> list[DeviceConfig]:
    """The devices ``spec`` names, in the lab file's order (every device when ``spec`` is None)."""
    devices = list(lab.devices.values())
    if spec is None:
        return devices
    items = parse_selection(spec, lab.devices)
    for item in items:
        if item.kind == "name" and item.value not in lab.devices:
            known = ", ".join(lab.devices) or "none"
            raise ConfigError(
                f"no device {item.value!r} in {lab.source}; devices: {known}", key=OPTION
            )
        if not any(item.matches(device) for device in devices):
            raise ConfigError(f"{item.text!r} matches no device in {lab.source}", key=OPTION)
    return [device for device in devices if any(item.matches(device) for item in items)]


def same_host(wired_to: str, this_host: str) -> bool:
    """``rig-01`` is ``RIG-01`` and ``rig-01.lab.example`` (one side's short name suffices)."""
    left, right = wired_to.casefold().rstrip("."), this_host.casefold().rstrip(".")
    if left == right:
        return True
    if "." in left and "." in right:
        return False  # two full names: they must agree in full
    return left.split(".")[0] == right.split(".")[0]


def on_host(
    devices: Sequence[DeviceConfig], this_host: str
) -> tuple[list[DeviceConfig], list[DeviceConfig]]:
    """The devices this host runs (wired to it, or to no host in particular), and the others."""
    here = [d for d in devices if d.host is None or same_host(d.host, this_host)]
    taken = {device.name for device in here}
    elsewhere = [device for device in devices if device.name not in taken]
    return here, elsewhere
