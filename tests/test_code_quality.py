"""The code checks CI runs through the README's test command: ruff (lint and format) and mypy --strict.

Each check runs as its own process on the whole tree, configured in pyproject.toml, and the test
fails with the checker's own findings: a new long line, unsorted import or untyped function fails CI.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "views", "tests", "benchmarks", "scripts", "deploy", "dashboard.py", "server.py"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", *CHECKED), ("ruff", "format", "--check", *CHECKED)],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff_finds_nothing(command):
    result = run(*command)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing():
    # The files and the strict mode are in pyproject.toml ([tool.mypy]).
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


# A function longer than a screen hides its steps; these are long for a reason stated here.
LONG_FUNCTIONS_ALLOWED = {
    ("src/indicators/store/migrations/versions/0001_observation_store.py", "upgrade"): (
        "a migration is one DDL script, read top to bottom"
    ),
}
LONGEST_FUNCTION = 60
FUNCTION_SOURCES = ["src", "views", "dashboard.py", "server.py"]


def python_files(*places: str) -> list[Path]:
    files: list[Path] = []
    for place in places:
        path = REPO_ROOT / place
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def function_lengths(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None
    ]


def test_no_function_is_longer_than_sixty_lines():
    too_long = [
        f"{relative}:{name} ({length} lines)"
        for path in python_files(*FUNCTION_SOURCES)
        for relative in [path.relative_to(REPO_ROOT).as_posix()]
        for name, length in function_lengths(path)
        if length > LONGEST_FUNCTION and (relative, name) not in LONG_FUNCTIONS_ALLOWED
    ]
    assert not too_long, f"split these along their steps, or state why in LONG_FUNCTIONS_ALLOWED: {too_long}"


def test_every_long_function_allowed_is_still_long():
    # An allowance outliving its reason would let the function grow back unnoticed: remove it once split.
    lengths = {
        (path.relative_to(REPO_ROOT).as_posix(), name): length
        for path in python_files(*FUNCTION_SOURCES)
        for name, length in function_lengths(path)
    }
    no_longer_needed = [key for key in LONG_FUNCTIONS_ALLOWED if lengths.get(key, 0) <= LONGEST_FUNCTION]
    assert not no_longer_needed, f"remove these from LONG_FUNCTIONS_ALLOWED: {no_longer_needed}"
