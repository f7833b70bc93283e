"""pytest plugin: run the technician flow from tests, the way a QA engineer writes them.

Registered through the ``pytest11`` entry point, so installing the harness is enough::

    pytest --harness-config lab.yaml --harness-device laptop-07      # a real device
    pytest                                                          # the simulated device

    def test_image_pre_provisions_green(technician_flow):
        result = technician_flow()                     # the device's own expectation
        assert result.verdict == "passed", result.reason

    @pytest.mark.harness_requires("power")              # skipped where the device has no power
    def test_reseal_powers_off(technician_flow):
        assert technician_flow(expect="green").powered_off_after_reseal

Options: ``--harness-config FILE``, ``--harness-device NAME``, ``--harness-out DIR`` (bundles),
``--harness-scenario NAME`` / ``--harness-windows 10|11`` (simulated device),
``--harness-image-build TEXT`` (recorded in the JUnit properties), ``--harness-sim-size WxH``
and ``--harness-time-scale N`` (simulated device).
Device, Windows version, image build, verdict, result and phase durations become JUnit
test-suite properties; with pytest-html installed, each step's screenshot is attached.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.config.choice import DeviceChoice, build_device_target, flow_settings_for
from harness.targets.target import Capability, Target

_RESULTS_KEY = pytest.StashKey[list[Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "Autopilot technician-flow harness")
    group.addoption("--harness-config", type=Path, help="lab YAML with the devices")
    group.addoption("--harness-device", help="device name in --harness-config")
    group.addoption("--harness-out", type=Path, default=None, help="run bundle folder")
    group.addoption("--harness-scenario", default="success", help="simulated device scenario")
    group.addoption("--harness-windows", type=int, choices=[10, 11], default=None)
    group.addoption("--harness-image-build", default=None, help="image build under test")
    group.addoption(
        "--harness-sim-size", default="1024x768", help="simulated screen size WxH (1024x768)"
    )
    group.addoption(
        "--harness-time-scale", type=float, default=120.0, help="simulated time compression"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "harness_requires(*capabilities): skip unless the device under test has them "
        f"({', '.join(c.value for c in Capability)})",
    )


@pytest.fixture(scope="session")
def harness_device(pytestconfig: pytest.Config) -> DeviceChoice:
    """Which device the tests run on: from --harness-config/--harness-device, else the sim."""
    return DeviceChoice(
        config=pytestconfig.getoption("harness_config"),
        device=pytestconfig.getoption("harness_device"),
        scenario=pytestconfig.getoption("harness_scenario"),
        windows=pytestconfig.getoption("harness_windows"),
        image_build=pytestconfig.getoption("harness_image_build"),
        size=_size(pytestconfig.getoption("harness_sim_size")),
        time_scale=pytestconfig.getoption("harness_time_scale"),
    )


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise pytest.UsageError(f"--harness-sim-size {text!r}: expected WIDTHxHEIGHT")
    return int(width), int(height)


@pytest.fixture
def harness_target(
    harness_device: DeviceChoice, request: pytest.FixtureRequest
) -> Iterator[Target]:
    """The device under test as a target (a fresh one per test), closed afterwards."""
    target = build_device_target(harness_device)
    _skip_without_capabilities(request, target)
    try:
        yield target
    finally:
        target.close()


@pytest.fixture
def technician_flow(
    harness_target: Target,
    harness_device: DeviceChoice,
    request: pytest.FixtureRequest,
    record_testsuite_property: Callable[[str, object], None],
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., Any]:
    """A function that runs the technician flow on the device and returns the run record.

    ``technician_flow(expect="red:0x800705b4", **flow_settings)``; ``expect`` defaults to the
    device's expectation. The result has ``verdict``, ``reason``, ``result``, ``error_codes``,
    ``fields``, ``phases``, ``powered_off_after_reseal`` and ``bundle_dir``.
    """
    from harness.flow import Expectation, run_flow

    out = request.config.getoption("harness_out") or tmp_path_factory.mktemp("runs")

    def run(expect: str | Expectation | None = None, **settings: Any) -> Any:
        expectation = harness_device.expectation()
        if isinstance(expect, Expectation):
            expectation = expect
        elif expect is not None:
            parsed = Expectation.parse(expect)
            expectation = parsed.with_fields(
                profile=expectation.profile,
                organization=expectation.organization,
                user=expectation.user,
                ztd_id=expectation.ztd_id,
            )
        result = run_flow(
            harness_target,
            expectation,
            out_dir=Path(out),
            settings=flow_settings_for(harness_device).replace(**settings),
            windows=harness_device.effective_windows(),
            backend=harness_device.backend(),
            secrets=harness_device.secrets(),
        )
        _record_properties(record_testsuite_property, harness_device, result)
        request.node.stash.setdefault(_RESULTS_KEY, []).append(result)
        return result

    return run


def _skip_without_capabilities(request: pytest.FixtureRequest, target: Target) -> None:
    for marker in request.node.iter_markers("harness_requires"):
        wanted = {Capability(name) for name in marker.args}
        missing = wanted - target.capabilities
        if missing:
            names = ", ".join(sorted(c.value for c in missing))
            pytest.skip(f"device {target.name} lacks capability: {names}")


def _record_properties(
    record: Callable[[str, object], None], device: DeviceChoice, result: Any
) -> None:
    from harness.report import junit_properties

    for name, value in junit_properties(result):
        record(name, value)
    if device.image_build:
        record("image_build", device.image_build)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call":
        return
    results = item.stash.get(_RESULTS_KEY, [])
    if not results:
        return
    html_plugin = item.config.pluginmanager.getplugin("html")
    if html_plugin is None:
        return
    extras = getattr(report, "extras", [])
    for result in results:
        bundle = Path(getattr(result, "bundle_dir", ""))
        for step in result.steps:
            if step.screenshot and (bundle / step.screenshot).exists():
                data = base64.b64encode((bundle / step.screenshot).read_bytes()).decode()
                extras.append(html_plugin.extras.png(data, name=f"{step.index} {step.name}"))
    report.extras = extras
