"""Root conftest: makes the repository importable when pytest runs from a checkout, and keeps the
modules that share a VM or a display on one pytest-xdist worker."""

from __future__ import annotations

import pytest

# Shared fixtures of the end-to-end suites, registered once here so that each session fixture
# (the libvirt daemons, the stand-in guest build, the Xvfb display) has one instance per run,
# whichever test modules use it.
pytest_plugins = [
    "tests.libvirt_guest",
    "tests.rig_bmc_peers",
    "tests._xvfb_display",
    "tests.intune_peer",
    "tests.fleet_postgres",
    "tests.fleet_redis",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A new module that uses a VM or a display must join its group, or two workers would share
    one: caught here, at collection, rather than as a rare clash in a parallel run."""
    from tests._groups import misplaced

    problems = [line for item in items for line in misplaced(item.nodeid, item.fixturenames)]
    if problems:
        raise pytest.UsageError("\n".join(problems))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):  # type: ignore[no-untyped-def]
    """Under ``--dist loadscope`` (``make test``), the modules of one group (tests/_groups.py)
    share a worker; any other mode is xdist's own."""
    if config.getvalue("dist") != "loadscope":
        return None
    from tests._groups import GroupedScheduling

    return GroupedScheduling(config, log)
