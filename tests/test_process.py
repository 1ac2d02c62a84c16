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


def test_garbage_is_collected_at_most_every_few_seconds(monkeypatch):
    import gc

    import views.process as process

    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: collections.append(generation) or 0)
    monkeypatch.setattr(process, "_last_collection", [0.0])
    clock = [1000.0]
    monkeypatch.setattr(process.time, "monotonic", lambda: clock[0])
    assert process.collect_now_and_then(every_s=5.0)
    clock[0] += 1.0
    assert not process.collect_now_and_then(every_s=5.0)  # a second later: nothing
    clock[0] += 5.0
    assert process.collect_now_and_then(every_s=5.0)
    assert len(collections) == 2


def test_streamlit_no_longer_collects_after_every_run():
    import tomllib

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
    assert "collect_now_and_then()" in (REPO_ROOT / "dashboard.py").read_text(encoding="utf-8")
