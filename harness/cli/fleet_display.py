"""What ``harness fleet run`` shows: a live table on a terminal, progress lines in a CI log,
then a summary.

On a TTY, ``rich``'s Live redraws one row per device a few times a second (device, Windows,
phase, screen, elapsed, verdict). Elsewhere (a pipe, a CI job's log) a table redrawn in place
is noise, so each change of a device's phase or verdict is one plain, timestamped line.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from harness.fleet.hooks import DeviceOutcome
from harness.fleet.status import FINISHED, RUNNING, DeviceStatus, FleetStatus

VERDICT_STYLE = {"passed": "green", "failed": "red", "error": "magenta", "skipped": "yellow"}
REFRESH_PER_SECOND = 4


def status_table(status: FleetStatus, *, title: str = "harness fleet run") -> Table:
    """The live table: one row per device, as the status model holds it now."""
    now = status.now()
    rows = status.snapshot()
    table = Table(title=title, expand=False)
    # On a narrow terminal phase and screen give way; device, elapsed and verdict never do.
    longest = max((len(row.device) for row in rows), default=6)
    table.add_column("device", no_wrap=True, min_width=longest)
    table.add_column("windows", no_wrap=True, min_width=7)
    table.add_column("phase", no_wrap=True, overflow="ellipsis")
    table.add_column("screen", no_wrap=True, overflow="ellipsis")
    table.add_column("elapsed", no_wrap=True, justify="right", min_width=9)
    table.add_column("verdict", no_wrap=True, min_width=7)
    for row in rows:
        elapsed = row.elapsed_s(now)
        table.add_row(
            row.device,
            str(row.windows or ""),
            row.phase if row.state != "waiting" else "waiting",
            row.screen,
            f"{elapsed:7.1f} s" if elapsed is not None else "",
            _verdict(row),
        )
    return table


def _verdict(row: DeviceStatus) -> Text:
    if row.state == RUNNING:
        return Text("running" if row.attempt < 2 else f"running (try {row.attempt})")
    return Text(row.verdict.upper(), style=VERDICT_STYLE.get(row.verdict, ""))


class ProgressLines:
    """A status listener that prints one line per phase or verdict change (thread-safe)."""

    def __init__(self, out: TextIO, *, clock: float | None = None) -> None:
        self._out = out
        self._lock = threading.Lock()
        self._started = time.monotonic() if clock is None else clock
        self._shown: dict[str, tuple[str, str, int]] = {}

    def __call__(self, row: DeviceStatus) -> None:
        key = (row.state, row.phase, row.attempt)
        with self._lock:
            if self._shown.get(row.device) == key:
                return  # a new screen only: the table shows it, a log need not
            self._shown[row.device] = key
            if row.state == FINISHED:
                text = f"{row.verdict.upper()} - {row.reason}"
            elif row.phase == "starting":
                text = "started" if row.attempt < 2 else f"started again (attempt {row.attempt})"
            else:
                text = row.phase
            elapsed = time.monotonic() - self._started
            print(f"[{elapsed:7.1f} s] {row.device}: {text}", file=self._out, flush=True)


def print_summary(
    console: Console, outcomes: Sequence[DeviceOutcome], *, plain: bool, out: TextIO
) -> None:
    """The summary table (a terminal) or lines (a log), then the totals."""
    if plain:
        print("\nsummary:", file=out)
        width = max((len(o.device) for o in outcomes), default=6)
        for o in outcomes:
            line = f"  {o.device:<{width}}  {o.verdict.upper():<7}  {o.duration_s:7.1f} s"
            if o.attempts > 1:
                line += f"  ({o.attempts} attempts)"
            print(f"{line}  {o.reason}", file=out)
            if o.bundle_dir is not None:
                print(f"  {'':<{width}}  bundle: {o.bundle_dir}", file=out)
    else:
        table = Table(title="summary")
        longest = max((len(o.device) for o in outcomes), default=6)
        table.add_column("device", no_wrap=True, min_width=longest)
        table.add_column("verdict", no_wrap=True, min_width=7)
        table.add_column("time", no_wrap=True, justify="right", min_width=8)
        table.add_column("tries", no_wrap=True, justify="right")
        table.add_column("reason", overflow="fold", ratio=2)
        table.add_column("bundle", overflow="fold", ratio=1)
        for o in outcomes:
            table.add_row(
                o.device,
                Text(o.verdict.upper(), style=VERDICT_STYLE.get(o.verdict, "")),
                f"{o.duration_s:.1f} s",
                str(o.attempts),
                o.reason,
                o.bundle_dir.name if o.bundle_dir is not None else "",
            )
        console.print(table)
        folders = sorted({str(o.bundle_dir.parent) for o in outcomes if o.bundle_dir is not None})
        if folders:
            print(f"bundles in: {', '.join(folders)}", file=out)
    print(totals_line(outcomes), file=out, flush=True)


def totals_line(outcomes: Sequence[DeviceOutcome]) -> str:
    counts = {v: sum(o.verdict == v for o in outcomes) for v in VERDICT_STYLE}
    told = ", ".join(f"{count} {verdict}" for verdict, count in counts.items())
    return f"{len(outcomes)} devices: {told}"
