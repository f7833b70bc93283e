"""ESP progress of the simulated device: statuses move with time, exactly as the screen reads."""

from __future__ import annotations

from harness.sim.model import scenario
from harness.sim.model.esp import EspTimeline
from harness.sim.model.pages import format_elapsed


def statuses(timeline: EspTimeline, elapsed: float) -> tuple[dict[str, str], dict[str, str]]:
    data = timeline.snapshot(elapsed).data
    phases = {p["name"]: p["status"] for p in data["phases"]}
    steps = {s["name"]: s["status"] for p in data["phases"][:2] for s in p["substeps"]}
    return phases, steps


def test_device_preparation_steps_run_one_after_another() -> None:
    timeline = EspTimeline(scenario("success"))
    phases, steps = statuses(timeline, 1.0)
    assert phases == {
        "Device preparation": "Working on it...",
        "Device setup": "Waiting for previous step to finish",
        "Account setup": "Waiting for previous step to finish",
    }
    assert steps["Securing your hardware"] == "Working on it..."
    assert steps["Joining your organization's network"] == "Waiting for previous step to finish"
    assert steps["Security policies"] == "Waiting for previous step to finish"
    _phases, steps = statuses(timeline, 61.0)  # TPM done after 60 s
    assert steps["Securing your hardware"] == "Complete"
    assert steps["Joining your organization's network"] == "Working on it..."


def test_device_setup_identifies_then_counts_policies_and_apps() -> None:
    timeline = EspTimeline(scenario("success"))
    phases, steps = statuses(timeline, 185.0)  # preparation takes 180 s, then 20 s identifying
    assert phases["Device preparation"] == "Complete"
    assert phases["Device setup"] == "Identifying"
    assert steps["Apps"] == "Identifying"
    phases, steps = statuses(timeline, 201.0)
    assert phases["Device setup"] == "Working on it..."
    assert steps["Security policies"] == "0 of 1 applied"
    assert steps["Certificates"] == "No setup needed"
    assert steps["Network connections"] == "No setup needed"
    assert steps["Apps"] == "0 of 8 installed"
    _phases, steps = statuses(timeline, 240.0 + 4 * 40.0 + 1.0)
    assert steps["Security policies"] == "1 of 1 applied"
    assert steps["Apps"] == "4 of 8 installed"
    phases, steps = statuses(timeline, 560.0)
    assert phases["Device setup"] == "Complete"
    assert phases["Account setup"] == "Waiting for previous step to finish"
    assert steps["Apps"] == "8 of 8 installed"


def test_the_active_phase_is_the_expanded_one() -> None:
    timeline = EspTimeline(scenario("success"))
    expanded = [p["expanded"] for p in timeline.snapshot(10.0).data["phases"]]
    assert expanded == [True, False, False]
    expanded = [p["expanded"] for p in timeline.snapshot(300.0).data["phases"]]
    assert expanded == [False, True, False]


def test_result_timing_and_elapsed_text() -> None:
    green = EspTimeline(scenario("success"))
    assert green.outcome == "success"
    assert green.result_elapsed == 560.0 + 10.0
    red = EspTimeline(scenario("tpm-attestation-failure"))
    assert red.outcome == "failure"
    assert red.finish_elapsed == 60.0
    assert red.result_elapsed == 60.0 + 180.0
    assert format_elapsed(570.0) == "0 h 9 min"
    assert format_elapsed(3 * 3600 + 125.0) == "3 h 2 min"


def test_a_failure_in_device_setup_fails_that_phase_only() -> None:
    timeline = EspTimeline(
        scenario("success", {"failure_step": "Apps", "failure_code": "0x87d1041c"})
    )
    phases, steps = statuses(timeline, timeline.finish_elapsed)
    assert phases["Device preparation"] == "Complete"
    assert phases["Device setup"] == "Failed"
    assert steps["Apps"] == "Failed: 0x87d1041c"
    assert steps["Security policies"] == "1 of 1 applied"


def test_the_reboot_pauses_progress_but_not_elapsed_time() -> None:
    timeline = EspTimeline(scenario("reboot-during-esp"))
    assert timeline.reboot_work == 180.0 + 60.0
    assert [screen for _, screen in timeline.screen_changes()] == ["black", "firmware", "esp"]
    assert timeline.snapshot(241.0).screen == "black"
    assert timeline.snapshot(250.0).screen == "firmware"
    assert timeline.work_at(240.0 + 23.0) == 240.0
    assert timeline.work_at(240.0 + 23.0 + 40.0) == 280.0
    after = timeline.snapshot(240.0 + 23.0 + 39.0).data
    assert after["phases"][1]["substeps"][3]["status"] == "0 of 8 installed"
    assert timeline.result_elapsed == 560.0 + 23.0 + 10.0
