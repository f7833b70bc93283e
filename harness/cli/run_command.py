"""``harness run``: the technician flow on one device, with live progress and a verdict.

    harness run                                   # the simulated device, success scenario
    harness run --scenario tpm-attestation-failure --expect red:0x800705b4
    harness run --config lab.yaml --device laptop-07 --out /srv/runs
    harness run --scenario lost-keys --seed 7 --set drop_fraction=0.5

``--set KEY=VALUE`` (repeatable) sets a scenario parameter of the simulated device (the default
one, or a lab device with ``backend: sim``); VALUE is read as YAML (``5``, ``0.5``, ``true``,
text). ``--seed N`` is the seed of its random faults.

Exit codes: 0 passed, 1 failed, 2 error (the rig failed or the run was interrupted),
3 usage or configuration error.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

from harness.cli.main import EXIT_ERROR, EXIT_FAILED, EXIT_PASSED
from harness.config.choice import DeviceChoice, device_flow_run
from harness.config.expectation_model import EXPECT_FORMS, parse_expect_option
from harness.errors import ConfigError
from harness.flow import execute

VERDICT_EXIT = {"passed": EXIT_PASSED, "failed": EXIT_FAILED, "error": EXIT_ERROR}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the technician flow on a device (default: the simulated device)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_argument_group("device (default: the simulated device)")
    source.add_argument("--target", choices=["sim"], help="the simulated device (the default)")
    source.add_argument("--config", type=Path, help="lab YAML file with devices")
    source.add_argument("--device", help="device name in --config")
    sim = parser.add_argument_group("simulated device")
    sim.add_argument("--scenario", default="success", help="sim scenario (default: success)")
    sim.add_argument("--windows", type=int, choices=[10, 11], help="Windows version")
    sim.add_argument("--size", default="1280x800", help="sim screen size WxH (default 1280x800)")
    sim.add_argument(
        "--time-scale",
        type=_positive_number,
        default=60.0,
        help="simulated seconds per real second, > 0 (default 60)",
    )
    sim.add_argument("--seed", type=int, help="seed of the scenario's random faults")
    sim.add_argument(
        "--set",
        dest="parameters",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a scenario parameter (repeatable), e.g. --set tpm_s=30",
    )
    parser.add_argument(
        "--expect",
        help=f"{EXPECT_FORMS} (default: the device's expectation, else green)",
    )
    parser.add_argument("--out", type=Path, default=Path("runs"), help="bundle folder (runs/)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    choice = DeviceChoice(
        config=args.config,
        device=args.device,
        scenario=args.scenario,
        windows=args.windows,
        size=_parse_size(args.size),
        time_scale=args.time_scale,
        seed=args.seed,
        overrides=_parse_parameters(args.parameters),
    )
    expectation = choice.expectation()
    if args.expect:
        expectation = parse_expect_option(args.expect).with_fields(
            profile=expectation.profile,
            organization=expectation.organization,
            user=expectation.user,
            ztd_id=expectation.ztd_id,
        )
    started = time.monotonic()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.monotonic() - started:7.1f} s] {message}", flush=True)

    run = device_flow_run(choice, out_dir=args.out, expectation=expectation, progress=progress)
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        with run.target:
            result = execute(run)
    except KeyboardInterrupt:
        print("\ninterrupted: the bundle was written with the verdict error", file=sys.stderr)
        return EXIT_ERROR
    finally:
        signal.signal(signal.SIGTERM, previous)
    _summary(result)
    return VERDICT_EXIT.get(result.verdict, EXIT_ERROR)


def _positive_number(text: str) -> float:
    """argparse type: refused values make argparse name the option (exit 3, no traceback)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, found {text!r}") from None
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number > 0, found {text!r}")
    return value


def _parse_parameters(items: list[str]) -> dict[str, Any]:
    """``--set KEY=VALUE`` pairs, each VALUE read as a YAML scalar."""
    parameters: dict[str, Any] = {}
    for item in items:
        key, equals, text = item.partition("=")
        if not equals or not key.strip():
            raise ConfigError(f"expected KEY=VALUE, found {item!r}", key="--set")
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            value = text
        parameters[key.strip()] = value
    return parameters


def _parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise ConfigError(f"{text!r}: expected WIDTHxHEIGHT, e.g. 1920x1080", key="--size")
    return int(width), int(height)


def _summary(result: object) -> None:
    data = result.to_dict()  # type: ignore[attr-defined]
    print()
    print(f"verdict: {data['verdict'].upper()} - {data['reason']}")
    print(f"result:  {data['result']}  codes: {', '.join(data['error_codes']) or 'none'}")
    fields = data.get("fields") or {}
    for name in ("organization", "profile", "user", "ztd_id", "elapsed_on_screen"):
        if fields.get(name) is not None:
            print(f"  {name:<18} {fields[name]}")
    print("phases:")
    for phase in data.get("phases", []):
        duration = phase.get("duration_s")
        shown = f"{duration:8.2f} s" if duration is not None else "    (open)"
        print(f"  {phase['name']:<26}{shown}")
    bundle = getattr(result, "bundle_dir", None)
    if bundle:
        print(f"bundle:  {bundle}")
        print(f"report:  {Path(bundle) / 'report.html'}")


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
