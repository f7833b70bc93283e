"""Root conftest: makes the repository importable when pytest runs from a checkout."""

# Shared fixtures of the end-to-end suites, registered once here so that each session fixture
# (the libvirt daemons, the stand-in guest build, the Xvfb display) has one instance per run,
# whichever test modules use it.
pytest_plugins = ["tests.libvirt_guest", "tests.rig_bmc_peers", "tests._xvfb_display"]
