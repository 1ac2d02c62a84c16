"""Once per server process: the code every page runs, imported and set aside from the garbage
collector before any viewer's data exist.

A full garbage collection walks every container object alive, and the libraries alone
(Streamlit, pandas, pyarrow, plotly, pandera) hold about 140 000 of them: 0.07–0.17 s per page
view on this machine, 41 % of the server's CPU with 20 viewers (docs/PERFORMANCE.md).
`gc.freeze()` moves what is alive now to a generation the collector never walks; reference
counting still frees those objects, and only code and module state are alive at this point.

Streamlit would also collect after every script run (`runner.postScriptGC`); the shared views
of a large data version still made that a quarter of the server's CPU with 20 viewers. It is off
(.streamlit/config.toml): each run calls `collect_now_and_then`, which collects at most once every
few seconds, so cyclic garbage is still reclaimed within seconds, not after each of 160 page views.
"""

from __future__ import annotations

import gc
import threading
import time

from indicators.config import data_dir, small_count_threshold
from indicators.secret.releases import prepare_in_background

_settled = threading.Event()
_lock = threading.Lock()
# Seconds between two full collections at most (a full collection costs 10–40 ms here).
COLLECT_EVERY_S = 5.0
_last_collection = [time.monotonic()]
_collection_lock = threading.Lock()


def collect_now_and_then(every_s: float = COLLECT_EVERY_S) -> bool:
    """A full garbage collection if none ran in the last `every_s` seconds (True when this call
    collected); cheap otherwise. Called at the end of every script run."""
    now = time.monotonic()
    if now - _last_collection[0] < every_s or not _collection_lock.acquire(blocking=False):
        return False
    try:
        _last_collection[0] = now
        gc.collect()
        return True
    finally:
        _collection_lock.release()


def settle_imported_code() -> None:
    """Import what the pages import, then freeze it (once; later calls return at once)."""
    if _settled.is_set():
        return
    with _lock:
        if _settled.is_set():
            return
        # Every module the pages import, so that the first viewer's page does not import it
        # after the freeze (it would then be walked by every collection).
        import pandas as pd
        import plotly.graph_objects as go
        import plotly.io

        import indicators.ingest.templates  # noqa: F401
        import views.access
        import views.cached
        import views.components
        import views.import_sections
        import views.trend_sections  # noqa: F401
        from indicators.charts import base_layout
        from indicators.exports import to_french_csv

        # Plotly imports a trace type's classes (and its dataframe layer) when a figure first uses
        # them, pandas its CSV writer: a throwaway figure and CSV bring them in now.
        points = pd.Series([0, 1])
        figure = go.Figure([go.Scatter(x=points, y=points), go.Bar(x=points, y=points)], layout=base_layout("nombre"))
        plotly.io.to_json(figure)
        to_french_csv(pd.DataFrame({"a": [1]}))
        gc.collect()
        gc.freeze()
        _settled.set()


def prepare_new_version() -> None:
    """After an import or a rollback, in the served app: the new version's statistical secret solved
    in a background thread, so that officials opening a page later do not wait. Not under AppTest
    (no runtime): tests stay sequential."""
    from streamlit import runtime

    if runtime.exists():
        prepare_in_background(data_dir(), small_count_threshold())
