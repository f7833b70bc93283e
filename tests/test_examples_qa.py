"""Examples: tests written the way a QA engineer uses the harness's pytest plugin.

Without options they run on the simulated device; pointed at a lab file they run on real
hardware, unchanged:

    pytest tests/test_examples_qa.py --harness-config lab.yaml --harness-device laptop-07 \
        --harness-image-build 26100.2605 --junitxml=results.xml
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_image_pre_provisions_and_reseals(technician_flow) -> None:
    result = technician_flow()
    assert result.verdict == "passed", result.reason
    assert result.result == "green"


@pytest.mark.harness_requires("power")
def test_reseal_powers_the_device_off(technician_flow) -> None:
    result = technician_flow(expect="green")
    assert result.powered_off_after_reseal, result.reason


def test_configuration_screen_shows_the_right_tenant(technician_flow) -> None:
    result = technician_flow()
    assert result.fields.organization == "Contoso"
    assert result.fields.ztd_id, "the QR code on the configuration screen was not read"
