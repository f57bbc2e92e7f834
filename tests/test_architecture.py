"""The shape of the code: data flows one way, and Whoosh stays behind two modules."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PROJECT_PACKAGES = ("indexer", "search_app", "bench")
WHOOSH_MODULES = {"indexer/index.py", "indexer/search/plan.py", "indexer/search/ranking.py", "indexer/related.py"}
# The sharded build and the cluster's shard searchers write and read shards with Whoosh too (issue 9).
WHOOSH_MODULES |= {"indexer/shards.py", "indexer/sharded_build.py", "indexer/distributed_search.py"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_whoosh_is_imported_only_by_the_index_and_search_modules():
    for path in python_files("indexer") + python_files("search_app"):
        relative = path.relative_to(ROOT).as_posix()
        uses_whoosh = any(name.split(".")[0] == "whoosh" for name in imported_modules(path))
        assert not uses_whoosh or relative in WHOOSH_MODULES, relative


def test_the_indexer_never_imports_the_search_app():
    for path in python_files("indexer"):
        assert not any(name.split(".")[0] == "search_app" for name in imported_modules(path)), path


def test_the_ci_script_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in readme and "<!-- run-command -->" in readme
    assert "README.md" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_no_module_imports_another_modules_private_names():
    for path in python_files("indexer") + python_files("search_app") + python_files("bench"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT_PACKAGES:
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                assert not private, f"{path.relative_to(ROOT)} imports {private} from {node.module}"


def test_dask_is_imported_only_by_the_cluster_module():
    for path in python_files("indexer") + python_files("search_app"):
        uses_dask = any(name.split(".")[0] in ("dask", "distributed") for name in imported_modules(path))
        assert not uses_dask or path.relative_to(ROOT).as_posix() == "indexer/cluster.py", path
