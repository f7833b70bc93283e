"""``harness sim render`` writes a PNG of the requested screen and size; bad input exits 3."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from harness.cli.main import build_parser, main


def test_cli_writes_a_png_of_the_requested_size(tmp_path: Path) -> None:
    out = tmp_path / "red.png"
    assert (
        main(
            [
                "sim",
                "render",
                "--windows",
                "10",
                "--screen",
                "failure",
                "--size",
                "1280x800",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.size == (1280, 800)
        assert image.convert("RGB").getpixel((5, 400)) == (107, 17, 16)


def test_cli_applies_an_artefacts_preset(tmp_path: Path) -> None:
    out = tmp_path / "esp.png"
    argv = [
        "sim",
        "render",
        "--windows",
        "11",
        "--screen",
        "esp",
        "--size",
        "1024x768",
        "--artefacts",
        "jpeg50",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    with Image.open(out) as image:
        assert image.size == (1024, 768)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--screen", "desktop"], "--screen: unknown screen 'desktop'"),
        (["--screen", "esp", "--size", "big"], "--size: expected WIDTHxHEIGHT"),
        (["--screen", "esp", "--size", "20x20"], "--size: size 20x20 is outside"),
        (["--screen", "esp", "--artefacts", "vhs"], "unknown artefacts preset 'vhs'"),
        (["--screen", "success", "--scenario", "no-such-scenario"], "--scenario"),
    ],
)
def test_bad_input_exits_3_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(["sim", "render", *extra, "--out", str(tmp_path / "x.png")]) == 3
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_other_modules_can_add_sim_subcommands() -> None:
    from harness.cli.sim_commands import sim_subparsers

    parser = build_parser()
    subparsers = next(action for action in parser._actions if action.dest == "command")
    sim_subparsers(subparsers).add_parser("example-extension").set_defaults(handler=lambda _args: 0)
    assert parser.parse_args(["sim", "example-extension"]).handler(None) == 0
    assert parser.parse_args(["sim", "render", "--screen", "esp", "--out", "x.png"]).screen == "esp"
