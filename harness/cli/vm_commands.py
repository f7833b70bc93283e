"""``harness vm define``: render a domain template from vm_templates/ and define it in libvirt.

    harness vm define --template win11 --name autopilot-w11-01 \\
        --set disk_image=/var/lib/libvirt/images/w11.qcow2 --set interface_source=br-lab
    harness vm define --template standin --name guest-1 --set kernel=... --print

``--print`` writes the XML to stdout instead of defining it. ``harness vm templates`` lists the
templates and their parameters. Bad parameters are configuration errors (exit code 3).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from harness.errors import ConfigError
from harness.targets.libvirt_templates import load_templates, render_template

EXIT_ERROR = 2
SOURCE = "command line"


def register(subparsers: Any) -> None:
    vm = subparsers.add_parser("vm", help="libvirt VMs: domain templates")
    actions = vm.add_subparsers(dest="vm_command", metavar="VM_COMMAND")
    vm.set_defaults(handler=lambda _args: _help(vm))

    define = actions.add_parser(
        "define",
        help="render a domain template and define the domain in libvirt",
        description="Render vm_templates/NAME.xml with its parameters (params.yaml) and define "
        "the domain (persistent) through libvirt.",
    )
    define.add_argument("--template", required=True, help="template name (win11, win10, standin)")
    define.add_argument("--name", required=True, help="the domain's name")
    define.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a template parameter (repeatable)",
    )
    define.add_argument("--uri", default="qemu:///system", help="libvirt URI (qemu:///system)")
    define.add_argument("--print", action="store_true", help="print the XML, define nothing")
    define.set_defaults(handler=define_command)

    listing = actions.add_parser("templates", help="list the templates and their parameters")
    listing.set_defaults(handler=templates_command)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 3


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for assignment in assignments:
        key, equals, value = assignment.partition("=")
        if not equals or not key.strip():
            raise ConfigError(f"expected KEY=VALUE, got {assignment!r}", source=SOURCE, key="--set")
        if key.strip() in values:
            raise ConfigError("given twice", source=SOURCE, key=f"--set {key.strip()}")
        values[key.strip()] = value
    return values


def define_command(args: argparse.Namespace) -> int:
    values = parse_assignments(args.values)
    if "name" in values:
        raise ConfigError("use --name for the domain's name", source=SOURCE, key="--set name")
    xml = render_template(args.template, {"name": args.name, **values}, source=SOURCE)
    if args.print:
        sys.stdout.write(xml)
        return 0
    import libvirt

    try:
        conn = libvirt.open(args.uri)
    except libvirt.libvirtError as problem:
        print(f"harness: cannot connect to {args.uri}: {problem}", file=sys.stderr)
        return EXIT_ERROR
    try:
        dom = conn.defineXML(xml)
        print(f"defined {dom.name()} ({dom.UUIDString()}) on {args.uri} from {args.template}")
    except libvirt.libvirtError as problem:
        print(f"harness: libvirt refused the domain: {problem}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        conn.close()
    return 0


def templates_command(_args: argparse.Namespace) -> int:
    for name, template in sorted(load_templates().items()):
        print(f"{name}: {template.description}")
        for parameter in template.parameters.values():
            need = "required" if parameter.required else f"default {parameter.default}"
            help_text = f" - {parameter.help}" if parameter.help else ""
            print(f"  {parameter.name} ({parameter.type}, {need}){help_text}")
    return 0
