"""Root conftest: makes the repository importable when pytest runs from a checkout."""

# Shared fixtures of the end-to-end suites, registered once here so that each session fixture
# (the libvirt daemons, the stand-in guest build, the Xvfb display) has one instance per run,
# whichever test modules use it.
pytest_plugins = ["tests.libvirt_guest", "tests.rig_bmc_peers", "tests._xvfb_display"]


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Under pytest-xdist (``make test`` runs two workers), every test that touches libvirt runs
    on one worker, one after another: the daemons are started once, and VMs under software
    emulation run one at a time. The stand-in guest build shares that worker's cache with them."""
    import pytest

    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "libvirt_system" in fixtures or "sim guest build" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("vm"))
