"""Builds the ``View.data`` of each screen from the device's state (see harness/sim/view.py)."""

from __future__ import annotations

from typing import Any

from harness.sim.model import texts as t
from harness.sim.model.qr import qr_payload
from harness.sim.model.scenario import Scenario


def oobe_page(windows: int, page: str, selected: int | None) -> dict[str, Any]:
    words = t.texts(windows)
    data: dict[str, Any] = {"title": words["page_titles"][page], **_copy(words[page])}
    if page == "oobe-signin":
        data["subtitle"] = words["signin_subtitle"]
    if selected is not None and "items" in data:
        data["selected"] = selected
    return data


def options(windows: int, selected: int, focus: str) -> dict[str, Any]:
    words = t.texts(windows)
    return {
        "title": words["options_title"],
        "tiles": _copy(words["tiles"]),
        "selected": selected,
        "buttons": list(words["options_buttons"]),
        "focus": focus,
    }


def configuration(scenario: Scenario, profile: str | None, focus: str) -> dict[str, Any]:
    words = t.texts(scenario.windows)
    labels = words["result_labels"]
    return {
        "title": words["configuration_title"],
        "organization": scenario.organization or labels["no_organization"],
        "profile": profile or labels["no_profile"],
        "user": scenario.user,
        "qr_payload": qr_payload(scenario.configuration_id, scenario.ztd_id),
        "buttons": list(words["configuration_buttons"]),
        "focus": focus,
    }


def result(
    scenario: Scenario, profile: str | None, outcome: str, elapsed_s: float, focus: str
) -> dict[str, Any]:
    words = t.texts(scenario.windows)
    labels = words["result_labels"]
    green = outcome == "success"
    return {
        "title": words["result_title"],
        "organization": scenario.organization or labels["no_organization"],
        "profile": profile or labels["no_profile"],
        "user": scenario.user or labels["no_user"],
        "elapsed": format_elapsed(elapsed_s),
        "qr_payload": qr_payload(scenario.result_id, scenario.ztd_id)
        if words["result_qr"]
        else None,
        "message": words["success_message" if green else "failure_message"],
        "buttons": ["Reseal"] if green else ["Retry", "Reset"],
        "links": [] if green else list(words["failure_links"]),
        "focus": focus,
    }


def result_controls(windows: int, outcome: str) -> list[str]:
    """Tab order of a result screen: the link first (Windows 10 red), then the buttons."""
    if outcome == "success":
        return ["Reseal"]
    return [*t.texts(windows)["failure_links"], "Retry", "Reset"]


def something_went_wrong(
    windows: int, message: str, code: str | None, focus: str
) -> dict[str, Any]:
    words = t.texts(windows)
    data: dict[str, Any] = {
        "title": words["something_went_wrong_title"],
        "message": message,
        "buttons": list(words["something_went_wrong_buttons"]),
        "focus": focus,
    }
    if code:
        data["code"] = code
    return data


def format_elapsed(seconds: float) -> str:
    """``0 h 9 min``: whole hours and minutes, as the result screen shows them."""
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min"


def _copy(value: Any) -> Any:
    """A deep copy of the texts table entry, so a View never shares lists with the table."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
