"""Index generations on disk: build aside, swap in atomically, one writer at a time.

Layout of an index directory:

    DIR/CURRENT                    name of the generation being served
    DIR/generations/<name>/        one immutable generation: <lang>/ indexes + manifest.json
    DIR/generations/<name>.partial a generation being written (never served)
    DIR/.lock                      held by the one running writer

A writer fills a `.partial` folder, renames it, then replaces CURRENT with
`os.replace`, which is atomic: a build killed at any moment leaves CURRENT
naming the previous, complete generation.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial as partial_function
from pathlib import Path

CURRENT = "CURRENT"
GENERATIONS = "generations"
MANIFEST = "manifest.json"
LOCK = ".lock"
PARTIAL = ".partial"
# Generations kept besides the current one, so a reader that opened the previous one can finish ...
KEEP_PREVIOUS = 1
# ... and any older one replaced less than this long ago: a request still holding it opens its files (a searcher
# per thread and language rereads the index's table of contents) however many builds followed.
PRUNE_GRACE_SECONDS = 120


class IndexDirError(Exception):
    """The index directory is unusable, busy, or holds no index; the message says which."""


def make_manifest(analysis: str, languages: dict, problems: list, **layout) -> dict:
    """A generation's manifest: when and with which analysis it was built, its languages' counts, what a
    layout adds (a sharded one: its shards and statistics), and the inputs skipped (Problems or their dicts)."""
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "analysis": analysis,
        "languages": languages,
        **layout,
        "problems": [
            p if isinstance(p, dict) else {"path": p.path, "line": p.line, "reason": p.reason} for p in problems
        ],
    }


def served_generation(index_dir: Path) -> Path:
    """The folder of the generation being served; IndexDirError, saying how to build one, when there is none."""
    generation = current_generation(Path(index_dir))
    if generation is None:
        raise IndexDirError(f"no index in {index_dir}: run `python -m indexer build` first")
    return generation


def current_generation(index_dir: Path) -> Path | None:
    """Return the folder of the generation being served, or None when nothing was built yet."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise IndexDirError(f"cannot read {index_dir / CURRENT}: {error.strerror}") from error
    folder = index_dir / GENERATIONS / name
    if not name or not folder.is_dir():
        raise IndexDirError(f"{index_dir / CURRENT} names a missing generation {name!r}")
    return folder


def read_manifest(generation: Path) -> dict:
    """Return a generation's manifest: counts per language, problems, creation time."""
    return json.loads((generation / MANIFEST).read_text(encoding="utf-8"))


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index directory's writer lock; a second writer is refused with a clear message."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / LOCK, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    except OSError as error:
        raise IndexDirError(f"cannot use index directory {index_dir}: {error.strerror}") from error
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexDirError(f"{index_dir} is being written by {holder}; try again when it finishes") from error
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def new_generation(index_dir: Path, copy_from: Path | None = None) -> Path:
    """Create a `.partial` generation folder, empty or as a hard-linked copy of another.

    Whoosh never rewrites a file it has written, so hard links share unchanged
    segments safely and make an incremental update cost little disk and time.
    """
    generations = index_dir / GENERATIONS
    generations.mkdir(parents=True, exist_ok=True)
    _remove_partials(generations)
    name = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 10**9:09d}"
    partial = generations / (name + PARTIAL)
    if copy_from is None:
        partial.mkdir()
    else:
        shutil.copytree(copy_from, partial, copy_function=partial_function(_link_or_copy, top=Path(copy_from)))
    return partial


def _link_or_copy(source: str, target: str, top: Path) -> None:
    """Hard-link files of the per-language index folders; copy the generation's own files.

    Files at the top of a generation (the manifest, stores other modules keep there)
    may be rewritten in place, which must never reach the generation being served.
    """
    if Path(source).parent == top:
        shutil.copy2(source, target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def publish_generation(index_dir: Path, partial: Path, manifest: dict) -> Path:
    """Write the manifest, then swap the finished generation in atomically and prune old ones."""
    _write_atomically(partial / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    _fsync_tree(partial)
    final = partial.with_name(partial.name.removesuffix(PARTIAL))
    os.rename(partial, final)
    _write_atomically(index_dir / CURRENT, final.name + "\n")
    _prune_generations(index_dir / GENERATIONS, keep=final.name)
    return final


def discard_generation(partial: Path) -> None:
    """Remove a generation that will not be published."""
    shutil.rmtree(partial, ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_folder(path.parent)


def _fsync_tree(folder: Path) -> None:
    for here, _, files in os.walk(folder):
        for name in files:
            with open(os.path.join(here, name), "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_folder(Path(here))


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_partials(generations: Path) -> None:
    """Remove what killed writers left behind (only called under the writer lock)."""
    for folder in generations.glob("*" + PARTIAL):
        shutil.rmtree(folder, ignore_errors=True)


def _prune_generations(generations: Path, keep: str) -> None:
    """Remove the generations before `keep` but the KEEP_PREVIOUS last, once each was replaced (its successor
    published) PRUNE_GRACE_SECONDS ago; a later build prunes those still in their grace."""
    finished = sorted(p for p in generations.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL))
    older = [p for p in finished if p.name < keep]
    for folder, successor in zip(older[: max(0, len(older) - KEEP_PREVIOUS)], finished[1:], strict=False):
        if time.time() - _published_at(successor) >= PRUNE_GRACE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def _published_at(generation: Path) -> float:
    """When a generation was published (its manifest written last); the epoch if that cannot be read."""
    try:
        return (generation / MANIFEST).stat().st_mtime
    except OSError:
        return 0.0


def folder_size(folder: Path) -> int:
    """Return the bytes the files under `folder` take."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class ReadOnlyFile:
    """A generation's SQLite file read by many threads: each thread's connection opened read-only on first use and
    kept (sqlite3 connections stay in their thread). `missing` says whether the file is there at all."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.missing = not self.path.exists()
        self._opened = threading.local()

    def rows(self, sql: str, values: tuple) -> list[tuple]:
        """The rows of a query (sqlite3's errors raised as they come)."""
        db = getattr(self._opened, "db", None)
        if db is None:
            db = self._opened.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        return db.execute(sql, values).fetchall()


def per_index_set(make: Callable[[object], object]) -> Callable[[object], object]:
    """`make(index_set)` made once per open index set and kept as long as it is (weakly: a swapped-out
    generation's readers go with its index set). What `make` returns must not hold the index set itself."""
    made: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    lock = threading.Lock()

    def get(index_set):
        with lock:
            if index_set not in made:
                made[index_set] = make(index_set)
            return made[index_set]

    return get
