"""The ``harness`` command. Each subcommand lives in its own module with a ``register`` function.

Exit codes (documented in the README): 0 passed, 1 failed, 2 error (the rig failed),
3 usage or configuration error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from harness import __version__
from harness.errors import ConfigError, RigError, UsageError

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_USAGE = 3
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by SIGINT

# Modules that add subcommands: each defines register(subparsers) and sets a `handler`
# default on its parser, a callable taking the parsed namespace and returning an exit code.
COMMAND_MODULES = (
    "harness.cli.sim_commands",
    "harness.cli.run_command",
    "harness.cli.inspect_command",
    "harness.cli.sim_window_command",
    "harness.cli.vm_commands",
    "harness.cli.sim_guest_command",
    "harness.cli.sim_serve_command",
    "harness.cli.needle_command",
    "harness.cli.fleet_commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness",
        description="Autopilot pre-provisioning technician flow, without a technician.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse exits 2 on bad usage; we document 3
        code = exit_request.code
        return EXIT_USAGE if code not in (0, None) else 0
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except (ConfigError, UsageError) as problem:
        print(f"harness: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except RigError as problem:  # outside a run (building, closing): the rig, not the user
        print(f"harness: rig error ({type(problem).__name__}): {problem}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:  # Ctrl-C outside a run (a run records it as its verdict)
        print("harness: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
