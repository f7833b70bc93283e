"""The run record: round trip through JSON, the JSON Schema, and clear errors on bad files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from harness.report import (
    SCHEMA_VERSION,
    DeviceInfo,
    Event,
    Phase,
    ResultFields,
    ResultFormatError,
    RunResult,
    Step,
)
from harness.report.result import SCHEMA_PATH


def full_result() -> RunResult:
    return RunResult(
        run_id="20261127-183000-sim-success",
        started_at="2026-11-27T18:30:00.000000+00:00",
        finished_at="2026-11-27T18:41:02.500000+00:00",
        verdict="failed",
        reason="red result with unexpected code 0x800705b4",
        result="red",
        error_codes=["0x800705b4"],
        category="esp-timeout",
        fields=ResultFields(
            profile="Kiosk profile",
            organization="Contoso",
            user="tech@contoso.com",
            ztd_id="3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            elapsed_on_screen="00:10:30",
            elapsed_on_screen_s=630,
            elapsed_measured_s=633.2,
            elapsed_difference_s=3.2,
        ),
        phases=[
            Phase("power-on-to-oobe", 0.0, 41.5, 41.5, "firmware logo twice"),
            Phase("provision-to-result", 60.0, None, None),
        ],
        steps=[
            Step(1, "press-windows-x5", 41.5, 44.0, 2.5, "retry", "1 key lost", None, "oobe", 1),
            Step(2, "configuration", 44.0, 50.0, 6.0, "ok", "", "steps/002-conf.png", "esp", 0),
        ],
        events=[Event(120.0, "reboot", "ESP device phase")],
        powered_off_after_reseal=None,
        device=DeviceInfo("sim-01", "sim", 11, {"image_build": "26100.2033", "tpm": "2.0"}),
        expectation={"result": "green", "profile": "Kiosk profile", "codes": ["0x1"]},
        diagnostics=["diagnostics/001-unknown.png"],
        timeline="timeline.jsonl",
        video="video.mp4",
        harness_version="0.1.0",
        complete=True,
    )


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


class TestRoundTrip:
    def test_to_dict_then_from_dict_gives_an_equal_record(self) -> None:
        original = full_result()
        data = json.loads(original.to_json())
        assert RunResult.from_dict(data) == original

    def test_schema_version_comes_first_and_is_current(self) -> None:
        data = full_result().to_dict()
        assert next(iter(data)) == "schema_version"
        assert data["schema_version"] == SCHEMA_VERSION == 1

    def test_load_reads_a_file(self, tmp_path: Path) -> None:
        path = tmp_path / "result.json"
        path.write_text(full_result().to_json(), encoding="utf-8")
        assert RunResult.load(path) == full_result()


class TestJsonSchema:
    def test_a_full_record_validates(self) -> None:
        validator().validate(full_result().to_dict())

    def test_a_minimal_record_validates(self) -> None:
        minimal = RunResult(run_id="r1", started_at="2026-11-27T18:30:00+00:00")
        validator().validate(minimal.to_dict())

    def test_the_schema_names_every_key_the_dataclasses_write(self) -> None:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        data = full_result().to_dict()
        assert set(schema["required"]) == set(data)
        assert set(schema["properties"]["fields"]["required"]) == set(data["fields"])
        assert set(schema["properties"]["steps"]["items"]["required"]) == set(data["steps"][0])
        assert set(schema["properties"]["phases"]["items"]["required"]) == set(data["phases"][0])

    @pytest.mark.parametrize(
        ("key", "bad"),
        [
            ("verdict", "green"),
            ("result", "amber"),
            ("schema_version", 2),
            ("diagnostics", ["/etc/passwd"]),
            ("diagnostics", ["../outside.png"]),
            ("started_at", "yesterday"),
        ],
    )
    def test_the_schema_rejects_bad_values(self, key: str, bad: object) -> None:
        data = full_result().to_dict()
        data[key] = bad
        with pytest.raises(jsonschema.ValidationError):
            validator().validate(data)

    def test_a_complete_record_cannot_say_running(self) -> None:
        data = full_result().to_dict()
        data["verdict"] = "running"
        with pytest.raises(jsonschema.ValidationError):
            validator().validate(data)


class TestBadRecords:
    def test_an_unknown_key_is_named(self) -> None:
        data = full_result().to_dict()
        data["steps"][0]["colour"] = "red"
        with pytest.raises(ResultFormatError, match=r"steps\[\]: unknown key\(s\) colour"):
            RunResult.from_dict(data)

    def test_a_bad_verdict_is_named(self) -> None:
        data = full_result().to_dict()
        data["verdict"] = "maybe"
        with pytest.raises(ResultFormatError, match="verdict: expected one of"):
            RunResult.from_dict(data)

    def test_another_schema_version_is_refused(self) -> None:
        data = full_result().to_dict()
        data["schema_version"] = 99
        with pytest.raises(ResultFormatError, match="schema_version: expected 1, found 99"):
            RunResult.from_dict(data)

    def test_load_names_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "result.json"
        path.write_text("{not json", encoding="utf-8")
        with pytest.raises(ResultFormatError, match=str(path)):
            RunResult.load(path)
