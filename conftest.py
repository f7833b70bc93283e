"""Root conftest: makes the repository importable when pytest runs from a checkout."""

# Shared fixtures of the end-to-end suites, registered once here so that each session fixture
# (the libvirt daemons, the stand-in guest build, the Xvfb display) has one instance per run,
# whichever test modules use it.
import pytest

pytest_plugins = ["tests.libvirt_guest", "tests.rig_bmc_peers", "tests._xvfb_display"]


# First: pytest-xdist reads the groups in its own collection hook, which runs before a
# conftest hook otherwise, and a group added after it is silently ignored.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Under pytest-xdist (``make test`` runs two workers), every test module that touches
    libvirt runs whole on one worker, in order: the daemons start once, VMs under software
    emulation run one at a time, and a module's fixtures (a BMC, a power domain) are never torn
    down between its tests to make room for another module's. The README's commands run in
    order on one worker too: a later line reads what an earlier one wrote."""
    libvirt_modules = {
        item.module.__name__
        for item in items
        if "libvirt_system" in getattr(item, "fixturenames", ())
    }
    for item in items:
        module = getattr(item, "module", None)
        name = module.__name__ if module is not None else ""
        if name in libvirt_modules:
            item.add_marker(pytest.mark.xdist_group("vm"))
        elif name.endswith("test_readme_commands"):
            item.add_marker(pytest.mark.xdist_group("readme"))
