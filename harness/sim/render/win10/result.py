"""Windows 10 configuration, success (green) and failure (red) screens."""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.palette import (
    FAILURE_BUTTON,
    FAILURE_RED,
    SUCCESS_BUTTON,
    SUCCESS_GREEN,
    W10_BLUE,
    W10_BUTTON,
)
from harness.sim.render.result_layout import draw_result_layout, result_look

CONFIGURATION = result_look(W10_BLUE, W10_BUTTON, rounded=False)
SUCCESS = result_look(SUCCESS_GREEN, SUCCESS_BUTTON, rounded=False)
FAILURE = result_look(FAILURE_RED, FAILURE_BUTTON, rounded=False)

CONFIGURATION_KEYS = ("organization", "profile", "user")
RESULT_KEYS = ("organization", "profile", "user", "elapsed")


def draw_configuration(canvas: Canvas, data: dict[str, Any]) -> None:
    draw_result_layout(
        canvas,
        {"buttons": ["Refresh", "Provision"], "focus": "Provision", **data},
        CONFIGURATION,
        CONFIGURATION_KEYS,
    )


def draw_success(canvas: Canvas, data: dict[str, Any]) -> None:
    draw_result_layout(
        canvas, {"buttons": ["Reseal"], "focus": "Reseal", **data}, SUCCESS, RESULT_KEYS
    )


def draw_failure(canvas: Canvas, data: dict[str, Any]) -> None:
    draw_result_layout(
        canvas,
        {"buttons": ["Retry", "Reset"], "links": ["View diagnostics"], **data},
        FAILURE,
        RESULT_KEYS,
    )
