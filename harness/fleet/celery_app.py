"""The Celery application of a lab: one queue per device, runs acknowledged late.

Why these settings (docs/fleet.md says more):

- ``device.<name>``: one queue per device, consumed by exactly one worker node (its host's,
  ``--pool solo``, one task at a time): a device never runs two flows at once, however many runs
  are queued for it.
- ``task_acks_late`` + ``worker_prefetch_multiplier=1``: a run's message is acknowledged when the
  run is over, and a node holds no message besides the one it runs. A worker that dies leaves
  its message unacknowledged; Redis hands it out again after ``visibility_timeout`` (or at once
  when a worker shuts down warm), and the task sees that the run was already taken.
- ``task_reject_on_worker_lost``: with a process pool, a child killed mid-task requeues its
  message rather than acknowledging it (the solo pool has no children; set for whoever changes
  the pool).
- ``worker_cancel_long_running_tasks_on_connection_loss=False``: a broker blip must not abort an
  hour-long provisioning run on a device.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict

from celery import Celery
from kombu.utils.uuid import uuid

from harness.fleet.celery_hooks import RunHooks, RunTicket
from harness.fleet.celery_lab import FleetLab, load_fleet_lab
from harness.fleet.celery_selection import select_devices
from harness.fleet.celery_store_hooks import store_hooks
from harness.fleet.celery_task import run_ticket

RUN_TASK = "harness.fleet.run_device"
QUEUE_PREFIX = "device."

HooksFactory = Callable[[FleetLab], AbstractContextManager[RunHooks]]
"""The hooks of one run, opened and closed around it (default: the lab's runs database)."""


def queue_of(device: str) -> str:
    return f"{QUEUE_PREFIX}{device}"


def make_celery_app(
    lab: FleetLab, *, host: str | None = None, hooks_for: HooksFactory | None = None
) -> Celery:
    """A Celery app for ``lab`` (one per process: nothing module-level). ``host``: the rig host
    this process works for (None for a process that only submits)."""
    app = Celery("harness", set_as_current=False)
    app.conf.update(
        broker_url=lab.fleet.broker,
        broker_transport_options={"visibility_timeout": int(lab.fleet.visibility_timeout_s)},
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        task_ignore_result=True,
        timezone=lab.fleet.timezone,
        enable_utc=True,
        worker_hijack_root_logger=True,
    )
    # Read by the beat scheduler, which Celery builds from the app alone.
    app.conf.harness_lab = str(lab.path)

    @app.task(name=RUN_TASK, bind=True)
    def run_device(self, device: str, trigger: str = "submit") -> dict[str, str]:  # type: ignore[no-untyped-def]
        if host is None:
            raise RuntimeError("this process submits runs; it has no rig host to run them on")
        current = load_fleet_lab(lab.path)  # the lab file as it is now, as harness run reads it
        ticket = RunTicket(self.request.id, device, trigger)
        with (hooks_for or store_hooks)(current) as hooks:
            return asdict(run_ticket(current, ticket, host=host, hooks=hooks))

    return app


def submit_runs(
    app: Celery, lab: FleetLab, selection: str, *, trigger: str = "submit", producer: object = None
) -> list[tuple[str, str]]:
    """Queue one run per selected device on its own queue; ``[(device, task id)]``."""
    devices = select_devices(selection, lab)
    for device in devices:
        lab.host_of(device)  # a device no host runs would wait forever: refused now
    submitted = []
    for device in devices:
        task_id = uuid()
        app.send_task(
            RUN_TASK,
            args=(device,),
            kwargs={"trigger": trigger},
            queue=queue_of(device),
            task_id=task_id,
            producer=producer,
        )
        submitted.append((device, task_id))
    return submitted
