"""The lab file's ``schedule:`` run through Celery beat.

    schedule:
      nightly: {cron: "0 1 * * *", devices: "tag:nightly"}   # 01:00 in fleet.timezone
      smoke:   {every_s: 1800, devices: "sim-01"}

Each entry becomes a beat entry (``crontab`` from the five cron fields, or an interval); when it
is due, ``LabScheduler`` expands its selection against the lab file as it is then and queues one
run per device on the device's queue, as ``harness fleet submit`` does. Run one beat per lab
(``harness worker --beat`` on one host): two would queue every scheduled run twice.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery.beat import PersistentScheduler, ScheduleEntry
from celery.schedules import crontab, schedule

from harness.config.fleet_model import ScheduleEntry as LabScheduleEntry
from harness.errors import ConfigError
from harness.fleet.celery_app import make_celery_app, submit_runs
from harness.fleet.celery_lab import FleetLab, load_fleet_lab
from harness.fleet.celery_selection import select_devices

SCHEDULE_TASK = "harness.fleet.scheduled"
"""The name beat entries carry; never executed (``LabScheduler`` submits the runs itself)."""


def parse_cron(text: str, *, source: str, key: str) -> crontab:
    """Five crontab fields (minute hour day-of-month month day-of-week) as a ``crontab``."""
    fields = text.split()
    if len(fields) != 5:
        raise ConfigError(
            f"expected five cron fields (minute hour day month weekday), found {text!r}",
            source=source,
            key=key,
        )
    try:
        return crontab(*fields)
    except ValueError as problem:
        raise ConfigError(f"{text!r}: {problem}", source=source, key=key) from None


def timing_of(entry: LabScheduleEntry, *, source: str, key: str) -> schedule:
    if entry.cron is not None:
        return parse_cron(entry.cron, source=source, key=f"{key}.cron")
    assert entry.every_s is not None
    return schedule(timedelta(seconds=entry.every_s))


def beat_schedule(lab: FleetLab) -> dict[str, dict[str, Any]]:
    """``beat_schedule`` for the lab's ``schedule:``; every entry's timing and selection are
    checked now, each error naming its key."""
    entries = {}
    for name, entry in lab.schedule.items():
        key = f"schedule.{name}"
        select_devices(entry.devices, lab, key=f"{key}.devices")
        entries[name] = {
            "task": SCHEDULE_TASK,
            "schedule": timing_of(entry, source=str(lab.path), key=key),
            "kwargs": {"devices": entry.devices},
        }
    return entries


class LabScheduler(PersistentScheduler):
    """Beat's scheduler whose due entries queue device runs (``trigger: schedule:NAME``)."""

    def apply_async(
        self, entry: ScheduleEntry, producer: Any = None, advance: bool = True, **kwargs: Any
    ) -> list[tuple[str, str]]:
        entry = self.reserve(entry) if advance else entry
        lab = load_fleet_lab(Path(self.app.conf.harness_lab))
        selection = _selection_of(entry.kwargs)
        return submit_runs(
            self.app, lab, selection, trigger=f"schedule:{entry.name}", producer=producer
        )


def _selection_of(kwargs: Mapping[str, Any]) -> str:
    return str(kwargs["devices"])


def run_beat(lab_path: Path, state_file: Path) -> None:
    """Beat in this process until SIGTERM/SIGINT (``harness worker --beat`` runs it as a child)."""
    lab = load_fleet_lab(lab_path)
    app = make_celery_app(lab)
    app.conf.beat_schedule = beat_schedule(lab)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    # max_interval: how long beat sleeps at most; short, so an every_s entry fires on time.
    app.Beat(
        scheduler=LabScheduler,
        schedule=str(state_file),
        max_interval=min([5.0, *(e.every_s or 5.0 for e in lab.schedule.values())]),
        loglevel="INFO",
    ).run()


def main(argv: list[str]) -> int:
    """``python -m harness.fleet.celery_beat LAB STATE_FILE`` (started by harness worker)."""
    lab_path, state_file = argv
    try:
        run_beat(Path(lab_path), Path(state_file))
    except ConfigError as problem:
        print(f"harness beat: {problem}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
