"""``harness fleet run``: the selected devices of a lab file, in parallel on this rig host.

    harness fleet run --config lab.yaml --devices tag:nightly --parallel 4 --junit fleet.xml
    harness fleet run --config lab.yaml --devices laptop-07,kiosk-12
    harness fleet run --config lab.yaml --devices 'model:"Contoso Book 14"' --host rig-01

``--devices`` takes device names, ``tag:T`` and ``FACT:VALUE`` items, comma-separated (default:
every device). Only devices wired to this host (``host:`` in the lab file, ``--host`` to name
it; default the machine's host name) or to no host run here.

Exit codes: 0 every device passed, 1 a device failed, 2 a device ended in error (or none ran),
3 usage or configuration error, 130 interrupted (Ctrl-C: every run in flight is finalised).
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.live import Live

from harness.cli.fleet_commands import open_store
from harness.cli.fleet_display import (
    REFRESH_PER_SECOND,
    ProgressLines,
    print_summary,
    status_table,
)
from harness.cli.main import EXIT_ERROR, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PASSED
from harness.config.devices import build_target, load_lab_config
from harness.errors import ConfigError
from harness.fleet.hooks import DeviceOutcome
from harness.fleet.junit_xml import write_fleet_junit
from harness.fleet.runner import FleetOptions, FleetRunner
from harness.fleet.selection import on_host, select_devices

WAIT_SLICE_S = 1.0 / REFRESH_PER_SECOND


def register(fleet_subparsers: argparse._SubParsersAction) -> None:
    parser = fleet_subparsers.add_parser(
        "run",
        help="run the selected devices of this host in parallel, with a live table",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", type=Path, required=True, help="the lab YAML file")
    parser.add_argument("--devices", help="NAME, tag:TAG, FACT:VALUE, comma-separated")
    parser.add_argument("--parallel", type=_count, default=4, help="runs at once (default 4)")
    parser.add_argument("--out", type=Path, default=Path("runs"), help="bundle folder (runs/)")
    parser.add_argument("--junit", type=Path, help="write a JUnit XML of all runs here")
    parser.add_argument("--host", help="this rig host's name (default: the machine's)")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="runs database: sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME "
        "(default: fleet.db beside the --out folder)",
    )
    parser.add_argument(
        "--no-health-check",
        action="store_true",
        help="skip the health check before each run (quarantine and leases still apply)",
    )
    parser.add_argument(
        "--sim-pace",
        type=_pace,
        default=1.0,
        help="real seconds per second of a simulated device's clock (default 1; 0: no waiting)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    lab = load_lab_config(args.config)
    host = args.host or socket.gethostname()
    here, elsewhere = on_host(select_devices(lab, args.devices), host)
    if not here:
        wired = ", ".join(f"{d.name} (host {d.host})" for d in elsewhere)
        raise ConfigError(
            f"no selected device is wired to this host {host!r}: {wired}", key="--host"
        )
    plain = not sys.stdout.isatty()
    if elsewhere:
        print(f"not on this host ({host}): {', '.join(d.name for d in elsewhere)}", flush=True)
    from harness.fleet.store_hooks import FleetStoreHooks  # SQLAlchemy: only when a fleet runs

    store = open_store(args)
    hooks = FleetStoreHooks(store, host, build_target, health_checks=not args.no_health_check)
    runner = FleetRunner(
        here,
        FleetOptions(out_dir=args.out, parallel=args.parallel, sim_pace=args.sim_pace),
        hooks,
    )
    console = Console()
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        interrupted = _watch(runner, console, plain=plain)
    finally:
        signal.signal(signal.SIGTERM, previous)
        hooks.close()
        store.close()
    outcomes = runner.outcomes()
    print_summary(console, outcomes, plain=plain, out=sys.stdout)
    if args.junit is not None:
        write_fleet_junit(args.junit, outcomes, host=host)
        print(f"junit: {args.junit}", flush=True)
    if interrupted:
        print("interrupted: every run in flight was finalised with its bundle", file=sys.stderr)
        return EXIT_INTERRUPTED
    return exit_code(outcomes)


def _watch(runner: FleetRunner, console: Console, *, plain: bool) -> bool:
    """Run to the end, showing progress; True if Ctrl-C (or SIGTERM) stopped the runs."""
    if plain:
        runner.status.subscribe(ProgressLines(sys.stdout))
        runner.start()
        return _wait(runner, lambda: None)
    with Live(status_table(runner.status), console=console, auto_refresh=False) as live:
        runner.start()
        stopped = _wait(runner, lambda: live.update(status_table(runner.status), refresh=True))
        live.update(status_table(runner.status), refresh=True)
    return stopped


def _wait(runner: FleetRunner, refresh: object) -> bool:
    stopped = False
    while True:
        try:
            if runner.wait(WAIT_SLICE_S):
                return stopped
            refresh()  # type: ignore[operator]
        except KeyboardInterrupt:
            # Every run ends at its next wait and writes its bundle; keep waiting for them
            # (a second Ctrl-C changes nothing: the bundles are what the operator needs).
            if not stopped:
                print("\nstopping: finishing every run's bundle ...", file=sys.stderr, flush=True)
            stopped = True
            runner.stop()


def exit_code(outcomes: list[DeviceOutcome]) -> int:
    """2 if any error (or nothing ran), else 1 if any failed, else 0; skips change nothing."""
    verdicts = {outcome.verdict for outcome in outcomes}
    if "error" in verdicts or verdicts <= {"skipped"}:
        return EXIT_ERROR
    return EXIT_FAILED if "failed" in verdicts else EXIT_PASSED


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}")
    return int(text)


def _pace(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, found {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, found {text!r}")
    return value


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
