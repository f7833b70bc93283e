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


def test_random_seed_draws_the_corpus_frame_of_that_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import cv2
    import numpy as np

    from harness.sim.render.corpus import random_frame

    out = tmp_path / "frame.png"
    assert main(["sim", "render", "--random-seed", "700031", "--out", str(out)]) == 0
    assert np.array_equal(cv2.imread(str(out), cv2.IMREAD_COLOR), random_frame(700031).image)
    assert "seed 700031" in capsys.readouterr().out
    forced = tmp_path / "esp.png"
    argv = ["sim", "render", "--random-seed", "5", "--screen", "esp", "--windows", "11"]
    assert main([*argv, "--out", str(forced)]) == 0
    assert "screen esp" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--random-seed", "1", "--size", "1280x720"], "--size cannot be combined"),
        (["--random-seed", "1", "--screen", "desktop"], "unknown screen 'desktop'"),
        (["--windows", "10"], "--screen is required"),
    ],
)
def test_random_seed_bad_combinations_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["sim", "render", *argv, "--out", str(tmp_path / "x.png")]) == 3
    assert message in capsys.readouterr().err


def test_corpus_command_writes_pngs_and_expected_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    out = tmp_path / "corpus"
    assert main(["sim", "corpus", "--seed", "2", "--count", "3", "--out", str(out)]) == 0
    entries = json.loads((out / "expected.json").read_text(encoding="utf-8"))
    assert len(entries) == 3 and all((out / name).is_file() for name in entries)
    assert main(["sim", "corpus", "--count", "0", "--out", str(out)]) == 3
    assert "--count" in capsys.readouterr().err


def test_help_documents_the_random_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "render", "--help"]) == 0
    assert "--random-seed N" in capsys.readouterr().out
