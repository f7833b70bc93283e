"""The fleet: many devices, one flow at a time on each, on one host or across rig hosts.

- ``selection``, ``runner``: pick devices by name, tag or fact; run them in parallel on this
  rig host (``harness fleet run``).
- ``store.FleetStore``: the runs database (every run, device health, quarantine, leases).
- ``health.check_health``: the pre-run health check of a target (frame, keyboard, power).
- ``policy``: when a run is retried and when a device is quarantined.
- ``celery_*``: runs across rig hosts (Celery workers, Redis broker, beat from the lab file).

Documented in docs/fleet.md.
"""
