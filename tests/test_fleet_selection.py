"""``--devices`` and the rig host: which devices of a lab file a fleet run takes."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load_lab_config
from harness.errors import ConfigError
from harness.fleet.selection import on_host, parse_selection, same_host, select_devices, split_items

pytestmark = pytest.mark.fleet

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "lab.example.yaml"
SIM = [
    "sim-demo",
    "sim-vm-like",
    "sim-wrong-profile",
    "sim-update-error",
    "sim-esp-timeout",
    "sim-capture-frozen",
]


def names(spec: str | None) -> list[str]:
    return [device.name for device in select_devices(load_lab_config(EXAMPLE), spec)]


def test_items_are_names_tags_and_facts() -> None:
    items = parse_selection("laptop-07,tag:nightly,model:Contoso Book 14")
    assert [(i.kind, i.key, i.value) for i in items] == [
        ("name", "", "laptop-07"),
        ("tag", "", "nightly"),
        ("fact", "model", "Contoso Book 14"),
    ]


def test_quotes_keep_commas_and_spaces_in_a_value() -> None:
    assert split_items('model:"Book, 14",tag:a') == ['model:"Book, 14"', "tag:a"]
    (item,) = parse_selection("model:'Contoso Book 14'")
    assert (item.key, item.value) == ("model", "Contoso Book 14")
    (item,) = parse_selection(' image_build : "26100.2605" ')
    assert (item.key, item.value) == ("image_build", "26100.2605")


def test_a_device_name_with_a_colon_stays_a_name() -> None:
    (item,) = parse_selection("rack:3", device_names=["rack:3"])
    assert item.kind == "name"


@pytest.mark.parametrize(
    "spec, named",
    [
        ('model:"Contoso', "quote is not closed"),
        ("a,,b", "empty item"),
        ("", "at least one"),
        ("tag:", "expected NAME, tag:TAG or FACT:VALUE"),
        ("model:'Book' 14", "quoted as a whole"),
    ],
)
def test_malformed_selections_are_config_errors(spec: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named) as caught:
        parse_selection(spec)
    assert caught.value.key == "--devices"


def test_selection_over_the_example_lab() -> None:
    assert names("tag:sim") == SIM
    assert names("laptop-07,kiosk-12") == ["laptop-07", "kiosk-12"]
    assert names('model:"Contoso Book 14"') == ["laptop-07"]
    assert names("model:Contoso Book 14") == ["laptop-07"]  # the shell removed the quotes
    # Items add up; the lab file's order is kept; built-in facts windows and backend.
    assert names("tag:vm,windows:10") == [
        "sim-vm-like",
        "sim-wrong-profile",
        "sim-update-error",
        "win11-vm-01",
        "kiosk-12",
        "desk-03",
        "hyperv-w11-02",
    ]
    assert names("backend:sim") == SIM
    assert names(None) == list(load_lab_config(EXAMPLE).devices)


def test_the_simulated_devices_cover_both_windows_versions() -> None:
    lab = load_lab_config(EXAMPLE)
    assert {lab.device(name).windows for name in SIM} == {10, 11}


@pytest.mark.parametrize(
    "spec, message",
    [
        ("laptop-7", "no device 'laptop-7'"),
        ("tag:weekly", "'tag:weekly' matches no device"),
        ("sim-demo,model:Nothing", "'model:Nothing' matches no device"),
    ],
)
def test_an_item_that_matches_nothing_is_named(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        names(spec)


def test_devices_run_on_their_host_or_anywhere() -> None:
    devices = select_devices(load_lab_config(EXAMPLE), None)
    here, elsewhere = on_host(devices, "RIG-01")
    assert [d.name for d in here] == [*SIM, "win11-vm-01", "laptop-07"]
    assert {d.name for d in elsewhere} == {"kiosk-12", "desk-03", "hyperv-w11-02"}
    here, _ = on_host(devices, "ci-runner-7")
    assert [d.name for d in here] == SIM


def test_host_names_match_by_short_name_or_in_full() -> None:
    assert same_host("rig-01.lab.example", "rig-01")
    assert same_host("rig-01", "RIG-01.lab.example.")
    assert same_host("rig-01.lab.example", "rig-01.lab.example")
    assert not same_host("rig-01.lab.example", "rig-01.other.example")
    assert not same_host("rig-01", "rig-011")


def test_tags_and_host_are_checked_when_the_lab_is_loaded(tmp_path: Path) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "devices:\n  d:\n    target: {backend: sim}\n    tags: nightly\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"devices\.d\.tags"):
        load_lab_config(lab)
    lab.write_text("devices:\n  d:\n    target: {backend: sim}\n    host: 7\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"devices\.d\.host"):
        load_lab_config(lab)
