"""``harness fleet ...``: the fleet's subcommands, one module each, under one ``fleet`` parser.

A new fleet subcommand is a module with ``register(actions)`` (``actions`` being the ``fleet``
group's subparsers; set a ``handler`` default on its parser, as every command does) listed in
``FLEET_COMMAND_MODULES``. The options every fleet command shares come from
``add_lab_and_database_options`` and ``open_store``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from harness.cli.main import EXIT_USAGE
from harness.errors import ConfigError

FLEET_COMMAND_MODULES = (
    "harness.cli.fleet_run_command",
    "harness.cli.fleet_status_command",
    "harness.cli.fleet_recheck_command",
    "harness.cli.fleet_submit_command",
)


def register(subparsers: Any) -> None:
    fleet = subparsers.add_parser(
        "fleet", help="many devices of a lab file: run, status, recheck, submit (docs/fleet.md)"
    )
    actions = fleet.add_subparsers(dest="fleet_command", metavar="FLEET_COMMAND")
    fleet.set_defaults(handler=lambda _args: _help(fleet))
    for module_name in FLEET_COMMAND_MODULES:
        importlib.import_module(module_name).register(actions)


def add_lab_and_database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, required=True, help="lab YAML file with devices")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="runs database: sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME "
        "(default: fleet.db beside the runs folder)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("runs"), help="runs folder (runs/); sets the default --db"
    )


def selected_devices(text: str | None, known: list[str]) -> list[str] | None:
    """``--devices a,b``: the names, each checked against the lab file (None: not given)."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise ConfigError(
            f"no device {', '.join(unknown) or '(empty list)'} in the lab file; devices: "
            f"{', '.join(known) or 'none'}",
            key="--devices",
        )
    return names


def open_store(args: argparse.Namespace) -> Any:  # FleetStore (imported late: SQLAlchemy)
    try:
        from harness.fleet.db.engine import default_database_url
        from harness.fleet.store import FleetStore
    except ImportError as missing:
        raise ConfigError(
            f"the fleet needs its extra: pip install 'autopilot-harness[fleet]' ({missing})",
            key="fleet",
        ) from None
    return FleetStore.open(args.db or default_database_url(args.out))


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE
