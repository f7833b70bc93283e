"""Fonts are found by a short search list; a missing font names every path tried."""

from __future__ import annotations

import pytest

from harness.errors import ConfigError
from harness.sim.render import fonts


def test_open_sans_is_used_when_installed() -> None:
    assert fonts.font_path("light").endswith("OpenSans-Light.ttf")
    assert fonts.font("bold", 30) is fonts.font("bold", 30)  # cached


def test_missing_fonts_raise_a_config_error_naming_the_paths(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(fonts, "_SEARCH_DIRS", (str(tmp_path / "nowhere"),))
    monkeypatch.delenv("HARNESS_SIM_FONT_DIR", raising=False)
    fonts.font_path.cache_clear()
    try:
        with pytest.raises(ConfigError, match="fonts-open-sans") as caught:
            fonts.font_path("regular")
        assert str(tmp_path / "nowhere" / "OpenSans-Regular.ttf") in str(caught.value)
        assert str(tmp_path / "nowhere" / "DejaVuSans.ttf") in str(caught.value)
    finally:
        fonts.font_path.cache_clear()
