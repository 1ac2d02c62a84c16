"""The tests' own house rules: what several test modules share lives in a support module named for what
it holds (app_support.py, browser_support.py, import_support.py…), never in a test module that the
others import; and a helper that runs the app, the command line or an import is written once."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Helpers that were once copied from module to module, each with its own drift.
WRITTEN_ONCE = ("run", "analyse", "open_page")


def modules() -> dict[str, ast.Module]:
    """Every Python file under tests/, by its path from tests/, parsed."""
    return {
        path.relative_to(TESTS).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(TESTS.rglob("*.py"))
    }


def imported_modules(tree: ast.Module) -> set[str]:
    """The top-level names of what a module imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_no_module_of_the_tests_imports_a_test_module():
    importing = {
        path: sorted(name for name in imported_modules(tree) if name.startswith("test_"))
        for path, tree in modules().items()
    }
    assert {path: names for path, names in importing.items() if names} == {}


def test_the_shared_helpers_are_defined_in_one_place():
    places = defaultdict(list)
    for path, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in WRITTEN_ONCE:
                places[node.name].append(f"{path}:{node.lineno}")
    assert {name: where for name, where in places.items() if len(where) > 1} == {}


def test_the_checks_see_what_they_look_for():
    copied = ast.parse("from test_pages import open_page\n\ndef f():\n    import test_cli.helpers\n")
    assert imported_modules(copied) == {"test_pages", "test_cli"}
    assert "app_support.py" in modules() and "ingest/test_pipeline.py" in modules()
