"""`python -m indicators` run as an analyst's script runs it: another process, on a given data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The command line's answer to `args` (its exit code, and its output as bytes), on `data_dir`."""
    env = {**os.environ, "INDICATORS_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "indicators", *args], env=env, capture_output=True, timeout=120)
