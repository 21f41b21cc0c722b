"""Distributed XGBoost across local hosts: a tracker on the first host, every host a worker.

    with cluster(hosts, current_host, port) as is_master:
        booster = xgboost.train(...)

As in the container, the first host (sorted) runs XGBoost's tracker and every host -
itself included - joins it with its position in the sorted host list as its task id,
so ranks are deterministic; gradients are all-reduced every round, and every host ends
with the same model (only the master saves it). The tracker is found at ``algo-1`` when
that name resolves (hosts in their own network namespace), else at 127.0.0.1 (hosts as
plain processes on this machine). Works with the tracker API of xgboost 1.x
(``RabitTracker(host_ip, n_workers)``, ``worker_envs()``) and of 2.x/3.x
(``RabitTracker(n_workers, host_ip)``, ``worker_args()``).
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import socket
import time
from collections.abc import Iterator, Sequence
from typing import Any

LOGGER = logging.getLogger("sagemaker_xgboost_container")
CONNECT_DEADLINE = 120.0


def tracker_address(master: str) -> str:
    try:
        return socket.gethostbyname(master)
    except OSError:
        return "127.0.0.1"


def _start_tracker(xgb: Any, address: str, port: int, workers: int) -> tuple[Any, dict[str, Any]]:
    RabitTracker: Any = xgb.tracker.RabitTracker

    parameters = inspect.signature(RabitTracker.__init__).parameters
    if list(parameters)[1] == "host_ip":  # xgboost 1.x
        tracker = RabitTracker(host_ip=address, n_workers=workers, port=port)
        tracker.start(workers)
        return tracker, dict(tracker.worker_envs())
    tracker = RabitTracker(n_workers=workers, host_ip=address, port=port, sortby="task")
    tracker.start()
    return tracker, dict(tracker.worker_args())


def _worker_args(xgb: Any, address: str, port: int, task: int) -> dict[str, Any]:
    if list(inspect.signature(xgb.tracker.RabitTracker.__init__).parameters)[1] == "host_ip":
        return {"DMLC_TRACKER_URI": address, "DMLC_TRACKER_PORT": port, "DMLC_TASK_ID": str(task)}
    return {"dmlc_tracker_uri": address, "dmlc_tracker_port": port, "dmlc_task_id": str(task)}


@contextlib.contextmanager
def cluster(hosts: Sequence[str], current_host: str, port: int) -> Iterator[bool]:
    """Join the hosts' collective for the duration of the block; yields whether this host is the master."""
    import xgboost.tracker
    from xgboost import collective

    xgb = xgboost

    ordered = sorted(hosts, key=lambda h: (len(h), h))
    master = ordered[0]
    address = tracker_address(master)
    tracker = None
    if current_host == master:
        tracker, _ = _start_tracker(xgb, address, port, len(ordered))
        LOGGER.info("RabitTracker started on %s:%s for %d hosts", address, port, len(ordered))
    args = _worker_args(xgb, address, port, ordered.index(current_host))
    deadline = time.monotonic() + CONNECT_DEADLINE
    while True:
        try:
            context = collective.CommunicatorContext(**args)
            context.__enter__()
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    LOGGER.info("Distributed node training with %d hosts: %s", len(ordered), list(ordered))
    try:
        yield current_host == master
    finally:
        context.__exit__(None, None, None)
        if tracker is not None:
            with contextlib.suppress(Exception):
                if hasattr(tracker, "wait_for"):
                    tracker.wait_for(30)
                else:
                    tracker.join()
