"""One Celery worker node: one device's queue, one run at a time (``--pool solo``).

``harness worker --host H`` starts one of these per device of host H (argv only)::

    python -m harness.fleet.celery_node LAB HOST DEVICE

Before it consumes anything, the node reaps the device's dead runs (a previous node of this
device killed mid-run), so the device starts free.
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness.errors import ConfigError
from harness.fleet.celery_app import make_celery_app, queue_of
from harness.fleet.celery_lab import load_fleet_lab
from harness.fleet.celery_liveness import reap_device
from harness.fleet.celery_store_hooks import store_hooks


def worker_argv(host: str, device: str) -> list[str]:
    """The node's Celery worker options: solo pool (the run in the node's own process, so a
    SIGKILL ends the run with the node), one queue, no gossip/mingle between nodes (they share
    nothing), no broker heartbeats (Redis has none)."""
    return [
        "worker",
        "--pool=solo",
        "--concurrency=1",
        f"--queues={queue_of(device)}",
        f"--hostname={device}@{host}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]


def run_node(lab_path: Path, host: str, device: str) -> None:
    lab = load_fleet_lab(lab_path)
    if lab.host_of(device) != host:
        raise ConfigError(
            f"{device!r} belongs to host {lab.host_of(device)!r}, not {host!r}",
            source=str(lab.path),
            key=f"devices.{device}.host",
        )
    with store_hooks(lab) as hooks:
        reap_device(lab.bundles, device, host=host, ttl_s=lab.fleet.lease_ttl_s, hooks=hooks)
    make_celery_app(lab, host=host).worker_main(worker_argv(host, device))


def main(argv: list[str]) -> int:
    lab_path, host, device = argv
    try:
        run_node(Path(lab_path), host, device)
    except ConfigError as problem:
        print(f"harness worker node: {problem}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
