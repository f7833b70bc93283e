"""view_for: a realistic View of every screen, walked with the model (used by the renderer CLI)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from harness.sim.model.samples import view_for
from harness.sim.view import SCREENS


@pytest.mark.parametrize("windows", [10, 11])
@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_can_be_reached(screen: str, windows: int) -> None:
    view = view_for(screen, windows)
    assert view.screen == screen
    assert view.windows == windows


def test_the_esp_sample_is_mid_device_setup_and_the_failure_sample_shows_the_code() -> None:
    esp = view_for("esp")
    assert esp.data["phases"][1]["status"] == "Working on it..."
    tpm = view_for("esp", scenario="tpm-attestation-failure")
    assert tpm.data["phases"][0]["substeps"][0]["status"] == "Failed: 0x800705b4"


def test_a_screen_the_scenario_never_reaches_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="ends on 'failure', not 'success'"):
        view_for("success", scenario="tpm-attestation-failure")
    with pytest.raises(ValueError, match="unknown screen 'nope'"):
        view_for("nope")


def test_overrides_reach_the_sample() -> None:
    view = view_for("configuration", 11, "success", {"organization": "Fabrikam"})
    assert view.data["organization"] == "Fabrikam"


def test_the_model_imports_only_the_stdlib_and_the_view() -> None:
    """It runs inside the stand-in guest, whose Python has the stdlib only."""
    allowed_prefixes = ("harness.sim.model", "harness.sim.view", "harness.keys")
    model = Path(__file__).parent.parent / "harness" / "sim" / "model"
    for source in model.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert name.startswith(allowed_prefixes) or (
                    top in sys.stdlib_module_names or top == "__future__"
                ), f"{source.name} imports {name}"
