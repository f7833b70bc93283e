"""A separate worker process for the lease tests: its own interpreter, engine and connections.

    python -m tests.fleet_lease_worker URL DEVICE take N     # take the lease N times, print
                                                             # one JSON line per holding
    python -m tests.fleet_lease_worker URL DEVICE hold TTL   # take it, print its token, hang

``take``: each holding prints ``{"token", "entered_ns", "left_ns"}`` (CLOCK_MONOTONIC, one
clock for every process on the host), so the test can check that no two holdings overlapped.
``hold``: stands for a worker that is killed while it holds a device.
"""

from __future__ import annotations

import json
import os
import sys
import time

from harness.fleet.store import FleetStore

HOLD_S = 0.003
"""Time inside a holding: long enough for another worker to try to get in."""
POLL_S = 0.001


def take(store: FleetStore, device: str, count: int) -> None:
    holder = f"worker-{os.getpid()}"
    done = 0
    while done < count:
        lease = store.acquire_lease(device, holder, ttl_s=120)
        if lease is None:
            time.sleep(POLL_S)
            continue
        with lease:
            entered = time.monotonic_ns()
            time.sleep(HOLD_S)
            left = time.monotonic_ns()
        print(json.dumps({"token": lease.token, "entered_ns": entered, "left_ns": left}))
        done += 1
        time.sleep(POLL_S)  # let the others in


def hold(store: FleetStore, device: str, ttl_s: float) -> None:
    lease = store.acquire_lease(device, f"doomed-{os.getpid()}", ttl_s=ttl_s)
    print(json.dumps({"token": None if lease is None else lease.token}), flush=True)
    while True:  # until the test kills this process
        time.sleep(60)


def main(argv: list[str]) -> None:
    url, device, mode, amount = argv
    store = FleetStore.open(url)
    if mode == "take":
        take(store, device, int(amount))
    else:
        hold(store, device, float(amount))
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
