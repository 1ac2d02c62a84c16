"""views/process.py: the server's code is imported and frozen once, before any viewer's data."""

from __future__ import annotations

import subprocess
import sys

from indicators.config import REPO_ROOT

PROBE = """
import gc, sys
from views.process import settle_imported_code
before = gc.get_freeze_count()
settle_imported_code()
frozen = gc.get_freeze_count()
settle_imported_code()  # a second page run changes nothing
late = [name for name in ('plotly.graph_objs._scatter', 'plotly.graph_objs._bar', 'pandas.io.formats.csvs',
                         'views.trend_sections')
        if name not in sys.modules]
print(before, frozen, gc.get_freeze_count(), len(gc.get_objects()), late)
"""


def test_settling_freezes_the_imported_code_once():
    shown = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    before, frozen, again, still_walked, late = shown.stdout.strip().split(" ", 4)
    # The libraries' objects leave the collector's walk, once; what pages import is already there.
    assert int(before) == 0 and int(frozen) > 100_000 and int(again) == int(frozen)
    assert int(still_walked) < int(frozen) / 10
    assert late == "[]"
