"""The lab file's reader: encodings, the one error form, strict types, secrets, and the
generated reference page."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from harness.config import load_lab_config
from harness.config.schema_doc import render
from harness.config.validation import Flag, Int, Number, StrictModel, validate
from harness.errors import ConfigError
from harness.yaml_file import load_yaml

REPO = Path(__file__).resolve().parents[1]
LAB = "devices:\n  d1:\n    target: {backend: sim}\n    expect: {organization: Société}\n"


@pytest.mark.parametrize(
    "encoded, named",
    [
        (codecs.BOM_UTF16_LE + LAB.encode("utf-16-le"), "found UTF-16 (byte-order mark ff fe)"),
        (codecs.BOM_UTF16_BE + LAB.encode("utf-16-be"), "found UTF-16 (byte-order mark fe ff)"),
        (LAB.encode("utf-16-le"), "NUL bytes (probably UTF-16 without a byte-order mark)"),
        (LAB.encode("latin-1"), "byte 0xe9 on line 4 that is not UTF-8 (probably Latin-1"),
    ],
)
def test_a_file_that_is_not_utf8_is_refused_naming_file_and_encoding(
    tmp_path: Path, encoded: bytes, named: str
) -> None:
    path = tmp_path / "lab.yaml"
    path.write_bytes(encoded)
    with pytest.raises(ConfigError) as problem:
        load_yaml(path)
    assert str(problem.value).startswith(f"{path}: expected UTF-8 text")
    assert named in str(problem.value) and "save it as UTF-8" in str(problem.value)


def test_utf8_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "lab.yaml"
    path.write_bytes(codecs.BOM_UTF8 + LAB.encode("utf-8"))
    assert load_lab_config(path).device("d1").expectation.organization == "Société"


class _Levels(StrictModel):
    count: Int = 0
    level: Number = 0.0
    enabled: Flag = False


@pytest.mark.parametrize(
    "data, message",
    [
        ({"level": True}, "x.level: expected a valid number, found True"),
        ({"count": "5"}, "x.count: expected a valid integer, found '5'"),
        ({"enabled": "yes"}, "x.enabled: expected a valid boolean, found 'yes'"),
        ({"enabled": 1}, "x.enabled: expected a valid boolean, found 1"),
        ({"levle": 1}, "x: unknown key 'levle'; known keys: count, level, enabled"),
    ],
)
def test_strict_fields_refuse_what_lax_parsing_would_coerce(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as problem:
        validate(_Levels, data, source="f.yaml", prefix="x")
    assert str(problem.value) == f"f.yaml: {message}"
    assert problem.value.source == "f.yaml"


def test_every_secret_a_device_names_is_collected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVM_PW", "kvm-secret")
    secret_file = tmp_path / "bmc.pass"
    secret_file.write_text("bmc-secret\n", encoding="utf-8")
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "devices:\n  d1:\n"
        "    target: {backend: pikvm, url: 'https://127.0.0.1:9', password_env: KVM_PW}\n"
        f"    power: {{backend: ipmi, host: 127.0.0.1, user: a, password_file: '{secret_file}'}}\n"
        "  d2:\n    target: {backend: sim}\n",
        encoding="utf-8",
    )
    config = load_lab_config(lab)
    assert sorted(config.device("d1").secret_values()) == ["bmc-secret", "kvm-secret"]
    assert config.device("d2").secret_values() == ()
    assert "kvm-secret" not in repr(config)


def test_the_reference_page_is_generated_from_the_models() -> None:
    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == render(), (
        "docs/configuration.md is out of date: "
        "python -m harness.config.schema_doc > docs/configuration.md"
    )
    assert "### `backend: sim`" in page and "`password_env`" in page
