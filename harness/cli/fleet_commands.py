"""``harness fleet ...``: the fleet's subcommands under one ``fleet`` parser.

Each fleet subcommand lives in its own module (listed below) with a ``register(fleet_subparsers)``
that adds its parser and sets a ``handler`` default, as the top-level commands do. Adding one is
adding its module to ``FLEET_COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib

from harness.cli.main import EXIT_USAGE

FLEET_COMMAND_MODULES = ("harness.cli.fleet_run_command",)


def add_fleet_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``fleet`` to the ``harness`` subcommands, with every fleet subcommand under it."""
    parser = subparsers.add_parser(
        "fleet",
        help="many devices of a lab file: run them in parallel on this host (docs/fleet.md)",
        description="Many devices of a lab file (docs/fleet.md).",
    )
    fleet_subparsers = parser.add_subparsers(dest="fleet_command", metavar="FLEET_COMMAND")
    parser.set_defaults(handler=lambda args: _usage(parser))
    for module_name in FLEET_COMMAND_MODULES:
        importlib.import_module(module_name).register(fleet_subparsers)
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


def register(subparsers: argparse._SubParsersAction) -> None:
    """``harness.cli.main``'s entry (its COMMAND_MODULES call ``register``)."""
    add_fleet_commands(subparsers)
