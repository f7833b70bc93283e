"""Which test modules share a pytest-xdist worker (`make test`: `-n 2 --dist loadscope`).

xdist's ``loadscope`` hands out whole modules; ``GroupedScheduling`` (conftest.py installs it)
also makes each group below one unit of work, run on one worker in collection order:

- ``vms``, every module that touches libvirt: the daemons start once, VMs under software
  emulation run one at a time, and the module-scoped BMCs and power domains of two modules never
  meet each other's domain. It is the longest unit, so it is handed out first.
- ``displays``, the Xvfb tests and the README's commands: one Xvfb server at a time, and the
  README's lines run in order, since a later line reads what an earlier one wrote.

Why not ``xdist_group`` marks and ``--dist loadgroup``: under pytest 9.2, xdist 3.8 writes the
group into ``item._nodeid``, which pytest no longer reads, so the marks are silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from xdist.scheduler import LoadScopeScheduling

GROUPS: dict[str, tuple[str, ...]] = {
    "vms": (
        "test_libvirt_backend.py",
        "test_libvirt_e2e.py",
        "test_rig_bmc_e2e.py",
        "test_rig_ipmi.py",
        "test_rig_redfish.py",
    ),
    "displays": ("test_desktop_e2e.py", "test_readme_commands.py"),
}
GROUP_OF_MODULE = {module: group for group, modules in GROUPS.items() for module in modules}
# A test that needs one of these fixtures (directly or through another) belongs to that group.
GROUP_OF_FIXTURE = {"libvirt_system": "vms", "xvfb_display": "displays"}


def unit_of_work(nodeid: str) -> str:
    """The group of the test's module, or the module itself."""
    module = nodeid.split("::", 1)[0]
    return GROUP_OF_MODULE.get(PurePosixPath(module).name, module)


def misplaced(nodeid: str, fixturenames: Iterable[str]) -> list[str]:
    """Why the test must not run where its module is scheduled: one line per missing group."""
    module = PurePosixPath(nodeid.split("::", 1)[0]).name
    return [
        f"{nodeid} uses the fixture {fixture!r}, so {module} belongs to the group {group!r} "
        f"in tests/_groups.py"
        for fixture, group in GROUP_OF_FIXTURE.items()
        if fixture in fixturenames and GROUP_OF_MODULE.get(module) != group
    ]


class GroupedScheduling(LoadScopeScheduling):
    """``loadscope`` with the groups above as units of work, the groups handed out first."""

    def _split_scope(self, nodeid: str) -> str:
        return unit_of_work(nodeid)

    def _assign_work_unit(self, node) -> None:  # type: ignore[no-untyped-def]
        for group in reversed(GROUPS):
            if group in self.workqueue:
                self.workqueue.move_to_end(group, last=False)
        super()._assign_work_unit(node)
