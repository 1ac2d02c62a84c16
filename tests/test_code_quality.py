"""The code checks CI runs through the README's test command: ruff (lint and format) and mypy --strict.

Each check runs as its own process on the whole tree, configured in pyproject.toml, and the test
fails with the checker's own findings: a new long line, unsorted import or untyped function fails CI.
"""

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
