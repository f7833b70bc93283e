"""The pytest plugin as a user's test suite sees it (through pytester: a real inner pytest run)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

pytest_plugins = ["pytester"]


def test_plugin_is_registered_through_its_entry_point(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--harness-config*", "*--harness-device*"])


def test_capability_marker_skips_where_the_device_lacks_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.harness_requires("click")
        def test_needs_a_pointer(harness_target):
            raise AssertionError("must have been skipped: the simulator cannot click")

        @pytest.mark.harness_requires("power")
        def test_needs_power(harness_target):
            assert harness_target.power is not None
        """
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*lacks capability: click*"])


def test_bad_lab_option_is_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(harness_target):\n    pass\n")
    result = pytester.runpytest("--harness-config", "missing.yaml", "--harness-device", "d1")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*missing.yaml*cannot read*"])


@pytest.mark.slow
def test_flow_results_become_junit_properties(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_provision(technician_flow):
            result = technician_flow()
            assert result.verdict == "passed", result.reason
        """
    )
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest(
        f"--junitxml={junit}", "--harness-image-build", "26100.2605", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)
    properties = {
        prop.get("name"): prop.get("value") for prop in ET.parse(junit).getroot().iter("property")
    }
    assert properties["verdict"] == "passed"
    assert properties["image_build"] == "26100.2605"
    assert properties["result"] == "green"
    assert any(name.startswith("phase") for name in properties), properties
