"""The lab file's document model: ``devices:``, and per device its parts, expectation, flow
settings, facts and Windows version. Each part's settings are checked against its backend's
model by ``harness.config.parts`` (the backend decides which model applies).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from harness.config.expectation_model import ExpectationModel
from harness.config.fleet_model import FleetBlock, ScheduleEntry
from harness.config.flow_model import read_flow_settings
from harness.config.validation import Flag, Int, Number, StrictModel, Text
from harness.flow.settings import FlowSettings
from harness.intune.settings import IntuneAppSettings, IntuneDeviceSettings

PART_KEYS = ("target", "screen", "keyboard", "power")

Part = dict[Text, Any]


class DeviceEntry(StrictModel):
    """One device: ``target`` (one backend for all) or ``screen`` + ``keyboard`` (+ ``power``);
    ``screen``/``keyboard``/``power`` next to ``target`` override that part of it."""

    target: Part | None = Field(None, description="one backend for screen, keyboard and power")
    screen: Part | None = Field(None, description="the screen backend")
    keyboard: Part | None = Field(None, description="the keyboard backend")
    power: Part | None = Field(None, description="the power backend (optional)")
    expect: ExpectationModel = Field(
        default_factory=ExpectationModel, description="what the device should show"
    )
    flow: dict[Text, Any] | None = Field(
        None, description="time limits and choices of the technician flow (FlowSettings)"
    )
    facts: dict[Text, Text | Flag | Int | Number] = Field(
        default_factory=dict,
        description="free-form facts (model, firmware, image_build) shown in the report; "
        "`harness fleet run --devices FACT:VALUE` selects by them",
    )
    tags: list[Text] = Field(
        default_factory=list,
        description="labels (model, site, purpose: nightly, certification); "
        "`harness fleet run --devices tag:T` selects by them",
    )
    host: Text | None = Field(
        None,
        description="the rig host the device is wired to: `harness fleet run` runs it only "
        "there (none: on any host); `harness worker --host` consumes its queue",
    )
    windows: Literal[10, 11] | None = Field(None, description="Windows version")
    intune: IntuneDeviceSettings | None = Field(
        None, description="check (and change) the device in Intune (docs/intune.md)"
    )

    @property
    def uses_intune(self) -> bool:
        return self.intune is not None or self.expect.from_intune

    @model_validator(mode="after")
    def _composed(self) -> DeviceEntry:
        if self.target is None and (self.screen is None or self.keyboard is None):
            raise ValueError("needs either 'target' or both 'screen' and 'keyboard'")
        return self

    def flow_settings(self, *, source: str, prefix: str) -> FlowSettings:
        return read_flow_settings(self.flow, source=source, prefix=prefix)


class LabFile(StrictModel):
    """A lab file: the devices by name; the Intune app registration (optional); for a lab over
    rig hosts, ``fleet`` and ``schedule``."""

    devices: dict[Text, DeviceEntry] = Field(description="devices by name")
    intune: IntuneAppSettings | None = Field(
        None, description="the app registration the harness signs in to Graph with"
    )
    fleet: FleetBlock = Field(
        default_factory=FleetBlock, description="broker and bundles folder (harness worker)"
    )
    schedule: dict[Text, ScheduleEntry] = Field(
        default_factory=dict, description="runs started by Celery beat, by entry name"
    )

    @model_validator(mode="after")
    def _intune_configured(self) -> LabFile:
        if self.intune is None:
            users = [name for name, entry in self.devices.items() if entry.uses_intune]
            if users:
                raise ValueError(
                    f"device(s) {', '.join(users)} use Intune (intune: or expect.from_intune) "
                    "but the lab file has no top-level intune: app registration"
                )
        return self
