"""Shared fixtures: one real index built from tests/data and seeds/, shared by the session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.index import build_index, open_index_set

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> Path:
    """An index directory built from the hand-made test corpus and the bundled seeds."""
    index_dir = tmp_path_factory.mktemp("index")
    build_index(index_dir, [DATA, SEEDS])
    return index_dir


@pytest.fixture(scope="session")
def index_set(built_index):
    return open_index_set(built_index)


@pytest.fixture
def writable_index(tmp_path) -> Path:
    """A private index over tests/data only, for tests that change it."""
    index_dir = tmp_path / "index"
    build_index(index_dir, [DATA])
    return index_dir


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run `python -m indexer ...` as a user would, capturing its output."""
    result = subprocess.run(
        [sys.executable, "-m", "indexer", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result


@pytest.fixture
def copy_of_data(tmp_path) -> Path:
    """A writable copy of tests/data, for tests that add broken files to it."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
