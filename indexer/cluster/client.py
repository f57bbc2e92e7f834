"""The one door to the distributed engine (Dask): connect, run tasks, place actors and call them with a deadline.

Indexing and search call only these names, never Dask itself, so another engine
(Ray: tasks, actors, `ray.get` with a timeout) could stand behind the same ones.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from dask.distributed import Client, LocalCluster

# The address that starts a private cluster of N worker processes on this machine: `local:N`.
LOCAL_PREFIX = "local:"
# A local cluster's scheduler and workers listen on loopback only: no cluster traffic leaves the machine.
LOOPBACK = "127.0.0.1"
# Seconds to wait for a scheduler to answer or an actor to be placed.
CONNECT_TIMEOUT = 60


# Seconds allowed to collect an answer that has already come.
COLLECT_SECONDS = 1.0


class ClusterError(Exception):
    """The cluster cannot be started or reached; the message says which."""


class CallFailed(Exception):
    """A remote call got no answer: its worker died, it raised, or it answered past its deadline."""


class PendingCall:
    """A method call sent to an actor, whose answer is collected later with a deadline."""

    def __init__(self, future):
        self._future = future

    def done(self) -> bool:
        """Whether the answer (or the failure) has come."""
        return self._future.done()

    def result(self, timeout: float) -> Any:
        """The answer, or CallFailed when none came in `timeout` seconds."""
        if self._future.done():  # it has come: Dask hands it over on its event loop, which may need a moment
            timeout = max(timeout, COLLECT_SECONDS)
        try:
            return self._future.result(timeout=max(timeout, 0.001))
        except Exception as error:  # a dead worker, a timeout and a remote exception all mean: ask elsewhere
            raise CallFailed(f"{type(error).__name__}: {error}") from error


def connect_or_report(address: str) -> Cluster | None:
    """The cluster at `address` (or `local:N`), or None after saying on stderr why it could not be reached:
    what both command lines (`indexer build --cluster`, `search_app --cluster`) do first."""
    try:
        return Cluster(address)
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return None


class Cluster:
    """A connection to a Dask scheduler, or to a LocalCluster on loopback that this object starts and stops."""

    def __init__(self, address: str):
        self.address = address
        self._local = None
        try:
            if address.startswith(LOCAL_PREFIX):
                self._local = _start_local(int(address.removeprefix(LOCAL_PREFIX)))
                self.client = Client(self._local, timeout=CONNECT_TIMEOUT)
            else:
                self.client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, ValueError, TimeoutError) as error:
            self.close()
            raise ClusterError(f"cannot use cluster {address!r}: {error}") from error

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def workers(self) -> list[str]:
        """The addresses of the workers alive now, sorted."""
        return sorted(self.client.scheduler_info(n_workers=-1)["workers"])

    def run_all(self, calls: Iterable[tuple[Callable, tuple]]) -> list:
        """Run each `function(*arguments)` on the workers, all at once; the results in the same order."""
        return self.gather(self.start_all(calls))

    def start_all(self, calls: Iterable[tuple[Callable, tuple]]) -> list:
        """Start each `function(*arguments)` on the workers without waiting; `gather` waits for them."""
        return [self.client.submit(function, *arguments, pure=False) for function, arguments in calls]

    def gather(self, started: list) -> list:
        """The results of calls `start_all` started, in order (raising the first call's error)."""
        return self.client.gather(started)

    def place_actors(self, actor_class: type, placements: list[tuple[tuple, str]]) -> list:
        """Create one `actor_class(*arguments)` held on each `(arguments, worker)`; returns their handles in order."""
        futures = [
            self.client.submit(
                actor_class, *arguments, actor=True, workers=[worker], allow_other_workers=False, pure=False
            )
            for arguments, worker in placements
        ]
        return [future.result(timeout=CONNECT_TIMEOUT) for future in futures]

    @staticmethod
    def call(actor, method: str, *arguments) -> PendingCall:
        """Send a method call to an actor without waiting for it."""
        return PendingCall(getattr(actor, method)(*arguments))

    def stop_worker(self, worker: str) -> None:
        """End a worker's process at once, as a crash would (fault drills; a nanny may start a new one)."""
        self.client.run(_exit_at_once, workers=[worker], wait=False)

    def close(self) -> None:
        """Disconnect; a local cluster started here is shut down."""
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self._local is not None:
            self._local.close()
            self._local = None


async def _exit_at_once() -> None:
    """Run on a worker's event loop (Dask sends a coroutine without waiting for its answer): the process ends."""
    os._exit(1)


def _start_local(workers: int) -> LocalCluster:
    if workers < 1:
        raise ValueError("a local cluster needs at least one worker")
    with warnings.catch_warnings():
        # The scheduler's small HTTP server (health, metrics; on loopback too) takes another port when
        # 8787 is taken, as it is when two local clusters run: nothing to warn about.
        warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
        return LocalCluster(
            host=LOOPBACK,
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,  # errors only: a worker killed on purpose is not news
        )
