"""JUnit properties for the pytest plugin."""

from __future__ import annotations

from harness.report import DeviceInfo, Phase, RunResult, junit_properties


def test_properties_name_the_device_the_verdict_and_every_timed_phase() -> None:
    result = RunResult(
        run_id="r1",
        started_at="2026-11-27T18:30:00+00:00",
        verdict="failed",
        reason="TPM attestation failed",
        result="red",
        error_codes=["0x81039001"],
        category="tpm-attestation",
        device=DeviceInfo("vm-01", "libvirt", 11, {"image_build": "26100.2033"}),
        phases=[Phase("power-on-to-oobe", 0.0, 12.5, 12.5), Phase("provision-to-result", 20.0)],
    )
    assert junit_properties(result) == [
        ("run_id", "r1"),
        ("device", "vm-01"),
        ("backend", "libvirt"),
        ("windows", "11"),
        ("image_build", "26100.2033"),
        ("verdict", "failed"),
        ("reason", "TPM attestation failed"),
        ("result", "red"),
        ("error_codes", "0x81039001"),
        ("category", "tpm-attestation"),
        ("phase.power-on-to-oobe.duration_s", "12.500"),
    ]


def test_unknown_windows_and_build_are_left_out() -> None:
    result = RunResult(run_id="r2", started_at="2026-11-27T18:30:00+00:00")
    names = [name for name, _ in junit_properties(result)]
    assert "windows" not in names
    assert "image_build" not in names
    assert ("verdict", "running") in junit_properties(result)
