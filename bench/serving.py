"""What every server benchmark needs: the bundled corpus indexed in a scratch folder, served on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# How long a server may take to answer its first /healthz.
START_TIMEOUT_S = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(base: str, server: subprocess.Popen) -> None:
    """Return once the server answers /healthz; raise if it exits or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


@contextmanager
def seeds_index(root: Path = ROOT) -> Iterator[Path]:
    """seeds/ built by the real indexer (of the checkout at `root`) into a scratch index directory, removed
    afterwards."""
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = Path(scratch) / "index"
        subprocess.run(
            [sys.executable, "-m", "indexer", "build", "--index-dir", str(index_dir), "seeds"],
            cwd=root,
            check=True,
            capture_output=True,
        )
        yield index_dir


@contextmanager
def serving(index_dir: Path, *options: str, root: Path = ROOT) -> Iterator[tuple[str, subprocess.Popen]]:
    """`python -m search_app` (with `options`, from the checkout at `root`) over `index_dir` on a free port:
    its base URL and process, stopped afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "search_app", "--index-dir", str(index_dir), "--port", str(port), *options],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base, server)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=10)
