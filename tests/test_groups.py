"""The grouping that keeps VM and display tests on one pytest-xdist worker (tests/_groups.py)."""

from __future__ import annotations

from tests._groups import GROUPS, misplaced, unit_of_work


def test_a_grouped_module_is_its_groups_unit_and_others_are_their_own() -> None:
    assert unit_of_work("tests/test_libvirt_e2e.py::test_green_reseal_powers_off_and_passes") == (
        "vms"
    )
    assert unit_of_work("tests/test_rig_ipmi.py::TestX::test_y[1]") == "vms"
    assert unit_of_work("tests/test_readme_commands.py::test_a_readme_command_works[make run]") == (
        "displays"
    )
    assert unit_of_work("tests/test_vision_qr.py::test_z") == "tests/test_vision_qr.py"


def test_a_module_using_a_vm_outside_the_group_is_named() -> None:
    problems = misplaced(
        "tests/test_new.py::test_boot", ["request", "standin_guest", "libvirt_system"]
    )
    assert problems == [
        "tests/test_new.py::test_boot uses the fixture 'libvirt_system', so test_new.py belongs "
        "to the group 'vms' in tests/_groups.py"
    ]
    assert misplaced("tests/test_libvirt_e2e.py::test_boot", ["libvirt_system"]) == []
    assert misplaced("tests/test_desktop_e2e.py::test_x", ["xvfb_display"]) == []
    assert misplaced("tests/test_rig_ipmi.py::test_x", ["xvfb_display"]) != []


def test_no_module_is_in_two_groups() -> None:
    modules = [module for members in GROUPS.values() for module in members]
    assert len(modules) == len(set(modules))
