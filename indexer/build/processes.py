"""Work spread over processes by key: every item of one key (a language) goes to the same worker process.

A build uses it to give each language's index exactly one writer while the
languages are analyzed and written on all cores. The parent routes items to
workers and keeps the rest of the build (reading, alignment, publishing) to itself.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
import traceback
from collections.abc import Callable, Iterator

# Items sent to a worker in one message: fewer, larger messages cost less pickling and locking.
BATCH_ITEMS = 32
# Batches that may wait for a worker: bounds the parent's lead (and memory) over a slow worker.
QUEUED_BATCHES = 8
# Seconds between checks that the other side is still alive while waiting on a queue.
LIVENESS_SECONDS = 1.0
# Characters of a failing worker's traceback kept at each end: its message must fit the pipe's buffer (64 KB), or
# the worker waits at exit for the parent to read it while the parent waits for the worker to take its next batch.
TRACEBACK_ENDS = 4_000
# Spawned, not forked: a forked child would inherit the parent's threads' locks (Kiwi, ICU) in whatever state.
START_METHOD = "spawn"


class WorkerFailed(RuntimeError):
    """A worker process raised or died; the message carries its traceback or exit code."""


class KeyedWorkers:
    """Up to `jobs` processes, each running `target(items, *args)` over the items of the keys it was given.

    `target` yields its results as they are ready (a build's keys before it commits its indexes).
    A key goes, on first sight, to a new worker while fewer than `jobs` run, else to the
    worker whose keys weigh least (a key's weight is its expected share of the work, since
    its volume is unknown until the end). `end()` ends the streams; `results()` takes each
    worker's next result; `join()` waits for them to finish.
    """

    def __init__(self, target: Callable, args: tuple, jobs: int):
        self.target, self.args, self.jobs = target, args, max(1, jobs)
        self.context = multiprocessing.get_context(START_METHOD)
        self.workers: list[_Worker] = []
        self.owner: dict[str, _Worker] = {}

    def send(self, key: str, item, key_weight: float = 1.0) -> None:
        """Queue `item` for the worker that owns `key` (`key_weight` counts when the key is first seen)."""
        worker = self.owner.get(key) or self._assign(key, key_weight)
        worker.sent += 1
        worker.pending.append(item)
        if len(worker.pending) >= BATCH_ITEMS:
            worker.flush()

    def end(self) -> None:
        """End every worker's stream: each works through what it was sent and goes on to its last results."""
        for worker in self.workers:
            worker.flush()
            worker.put(None)

    def results(self) -> list:
        """Each worker's next result, in the order the workers started; raises WorkerFailed if any failed."""
        return [worker.result() for worker in self.workers]

    def join(self) -> None:
        """Wait for every worker to finish its target (raising WorkerFailed if one failed) and exit."""
        for worker in self.workers:
            worker.wait_done()
        for worker in self.workers:
            worker.process.join()

    def terminate(self) -> None:
        """Stop every worker at once (the work is being discarded), and the batches still on their way to them: a
        dead worker never reads them, and this process would wait for them at its exit forever."""
        for worker in self.workers:
            worker.process.kill()
            worker.process.join()
            worker.inbox.cancel_join_thread()

    def _assign(self, key: str, weight: float) -> _Worker:
        if len(self.workers) < self.jobs:
            worker = _Worker(self.context, self.target, self.args)
            self.workers.append(worker)
        else:
            worker = min(self.workers, key=lambda w: (w.weight, w.sent))
        worker.weight += weight
        self.owner[key] = worker
        return worker


class _Worker:
    """One worker process with its inbox and outbox."""

    def __init__(self, context, target: Callable, args: tuple):
        self.inbox = context.Queue(QUEUED_BATCHES)
        self.outbox = context.Queue()
        self.process = context.Process(target=_run, args=(self.inbox, self.outbox, target, args), daemon=True)
        self.process.start()
        self.weight = 0.0  # of the keys it owns
        self.sent = 0  # items
        self.pending: list = []

    def flush(self) -> None:
        if self.pending:
            self.put(self.pending)
            self.pending = []

    def put(self, message) -> None:
        while True:
            try:
                self.inbox.put(message, timeout=LIVENESS_SECONDS)
                return
            except queue.Full:
                self._check_alive()

    def result(self):
        """The target's next result; WorkerFailed if it raised, died, or ended with no more."""
        status, value = self._message()
        if status == "done":
            raise WorkerFailed(f"worker process {self.process.pid} ended with no result left to give")
        return value

    def wait_done(self) -> None:
        """Wait for the target to finish, any results it still yields dropped."""
        while self._message()[0] != "done":
            pass

    def _message(self) -> tuple[str, object]:
        while True:
            try:
                status, value = self.outbox.get(timeout=LIVENESS_SECONDS)
            except queue.Empty:
                self._check_alive()
                continue
            if status == "failed":
                raise WorkerFailed(value)
            return status, value

    def _check_alive(self) -> None:
        """WorkerFailed if the process has ended: with its traceback when it raised (the failure it reported
        before exiting may still be in the outbox), else its exit code."""
        if not self.process.is_alive():
            while True:
                try:
                    status, value = self.outbox.get(timeout=LIVENESS_SECONDS)
                except queue.Empty:
                    break
                if status == "failed":
                    raise WorkerFailed(value)
            raise WorkerFailed(f"worker process {self.process.pid} died (exit code {self.process.exitcode})")


def _run(inbox, outbox, target: Callable, args: tuple) -> None:
    """The worker's main: run `target` over the items received, report each result it yields, then its end (or
    its traceback)."""
    _exit_with_parent()
    try:
        for result in target(_received(inbox), *args):
            outbox.put(("result", result))
        outbox.put(("done", None))
    except BaseException:
        outbox.put(("failed", _shortened(traceback.format_exc())))


def _shortened(text: str) -> str:
    """The text, or its two ends when it is longer than both (an error's message can hold a whole article)."""
    if len(text) <= 2 * TRACEBACK_ENDS:
        return text
    left_out = len(text) - 2 * TRACEBACK_ENDS
    return f"{text[:TRACEBACK_ENDS]}\n[... {left_out} characters left out ...]\n{text[-TRACEBACK_ENDS:]}"


def _exit_with_parent() -> None:
    """End this worker the moment its parent dies (kill -9 included).

    A parent killed while sending a batch leaves half a message in the pipe, and
    the worker's read of it would block forever: a watcher thread ends the process.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _received(inbox) -> Iterator:
    """The items sent, batch by batch, until the end marker."""
    while (batch := inbox.get()) is not None:
        yield from batch
