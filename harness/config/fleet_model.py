"""The lab file's fleet keys: where the broker and the shared bundles folder are, and the schedule.

Example (top level of the lab file, next to ``devices:``)::

    fleet:
      broker: redis://redis.lab:6379/0     # the Celery broker (Redis)
      bundles: /srv/harness/runs            # shared by every rig host (NFS/SMB)
      database: postgresql+psycopg://harness@db.lab/fleet   # the runs database of every host
      visibility_timeout_s: 21600           # > the longest run (see docs/fleet.md)
      timezone: Europe/Berlin               # of the cron times (default UTC)
    schedule:
      nightly: {cron: "0 1 * * *", devices: "tag:nightly"}
      smoke:   {every_s: 1800, devices: "sim-01,sim-02"}

Per device, ``host: rig-01`` says which rig host's worker runs it and ``tags: [nightly]`` lets a
selection name it by tag.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from harness.config.validation import Number, StrictModel, Text

DEFAULT_VISIBILITY_TIMEOUT_S = 6 * 3600.0
DEFAULT_LEASE_TTL_S = 60.0


class FleetBlock(StrictModel):
    """``fleet:``: the broker and the bundles folder of a lab spread over rig hosts."""

    broker: Text = Field("redis://127.0.0.1:6379/0", description="Celery broker URL (Redis)")
    bundles: Text = Field("runs", description="bundles folder, shared by every rig host")
    database: Text | None = Field(
        None,
        description="runs database URL, e.g. postgresql+psycopg://harness@db.lab/fleet "
        "(default: SQLite fleet.db beside the bundles folder, for one host)",
    )
    visibility_timeout_s: Number = Field(
        DEFAULT_VISIBILITY_TIMEOUT_S,
        gt=0,
        description="seconds before Redis hands an unacknowledged run to a worker again",
    )
    timezone: Text = Field("UTC", description="the zone of the schedule's cron times")
    lease_ttl_s: Number = Field(
        DEFAULT_LEASE_TTL_S,
        gt=0,
        description="a run's heartbeat and lease expire this long after its last renewal",
    )


class ScheduleEntry(StrictModel):
    """One entry of ``schedule:``: when (``cron`` or ``every_s``) and which devices."""

    cron: Text | None = Field(None, description='five crontab fields, e.g. "0 1 * * *"')
    every_s: Number | None = Field(None, gt=0, description="or: every so many seconds")
    devices: Text = Field(description="the device selection, as for fleet submit --devices")

    @model_validator(mode="after")
    def _one_timing(self) -> ScheduleEntry:
        if (self.cron is None) == (self.every_s is None):
            raise ValueError("needs exactly one of 'cron' and 'every_s'")
        return self
