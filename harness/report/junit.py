"""Run facts as JUnit test-suite/test-case properties, for the pytest plugin.

The plugin calls ``record_property(name, value)`` (or ``record_testsuite_property``) for each pair,
so CI systems that read JUnit XML show the device, the Windows version, the image build, the
verdict and every phase duration next to the test.
"""

from __future__ import annotations

from harness.report.result import RunResult

IMAGE_BUILD_FACTS = ("image_build", "image-build", "build")
"""Fact names under which a target's configuration may give the Windows image build."""


def junit_properties(result: RunResult) -> list[tuple[str, str]]:
    """``[("device", "sim-01"), ..., ("phase.provision-to-result.duration_s", "1834.2")]``."""
    properties: list[tuple[str, str]] = [
        ("run_id", result.run_id),
        ("device", result.device.name),
        ("backend", result.device.backend),
    ]
    if result.device.windows is not None:
        properties.append(("windows", str(result.device.windows)))
    for fact in IMAGE_BUILD_FACTS:
        if fact in result.device.facts:
            properties.append(("image_build", result.device.facts[fact]))
            break
    properties += [
        ("verdict", result.verdict),
        ("reason", result.reason),
        ("result", result.result),
    ]
    if result.error_codes:
        properties.append(("error_codes", ",".join(result.error_codes)))
    if result.category:
        properties.append(("category", result.category))
    for phase in result.phases:
        if phase.duration_s is not None:
            properties.append((f"phase.{phase.name}.duration_s", f"{phase.duration_s:.3f}"))
    return properties
