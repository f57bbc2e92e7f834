"""The shape of the code: stages import only earlier stages, Whoosh stays in the engine, Dask in the cluster."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PROJECT_PACKAGES = ("indexer", "search_app", "bench")
# indexer's stages in data-flow order: a module may import its own stage and earlier ones, never a later one.
STAGES = (
    ("indexer.documents", "indexer.languages", "indexer.generations"),  # the records and the index directory
    ("indexer.corpus",),
    ("indexer.analysis",),
    ("indexer.align",),
    ("indexer.engine",),
    ("indexer.build",),
    ("indexer.search",),
    ("indexer.related",),
    ("indexer.cluster",),
    ("indexer.cli", "indexer.__main__", "indexer.__init__"),  # the edges: the public API and the command line
)
# What the search service may import of the indexer: its public API, and the cluster's when serving on one.
SERVICE_IMPORTS = {"indexer", "indexer.cluster"}


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


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def stage_of(module: str) -> int:
    """The index of the stage a module belongs to (its longest matching prefix)."""
    for number, prefixes in enumerate(STAGES):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return number
    raise AssertionError(f"{module} is in no stage: add it to STAGES")


def test_every_indexer_module_imports_only_its_own_and_earlier_stages():
    for path in python_files("indexer"):
        module = module_name(path)
        for imported in imported_modules(path):
            if imported == "indexer":
                assert stage_of(module) == len(STAGES) - 1, f"{module} imports the public API"
            elif imported.startswith("indexer."):
                assert stage_of(imported) <= stage_of(module), f"{module} imports {imported}, a later stage"


def test_the_search_service_imports_only_the_indexers_public_api():
    for path in python_files("search_app"):
        for imported in imported_modules(path):
            if imported.split(".")[0] == "indexer":
                assert imported in SERVICE_IMPORTS, f"{path.relative_to(ROOT)} imports {imported}"


def test_whoosh_is_imported_only_by_the_engine():
    for path in python_files("indexer") + python_files("search_app"):
        uses_whoosh = any(name.split(".")[0] == "whoosh" for name in imported_modules(path))
        assert not uses_whoosh or module_name(path).startswith("indexer.engine."), module_name(path)


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


def test_dask_is_imported_only_by_the_cluster_client():
    for path in python_files("indexer") + python_files("search_app"):
        uses_dask = any(name.split(".")[0] in ("dask", "distributed") for name in imported_modules(path))
        assert not uses_dask or module_name(path) == "indexer.cluster.client", path
