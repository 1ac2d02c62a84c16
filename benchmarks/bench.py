"""`python -m indicators bench`: how fast the import and the pages are at 10 000 to 1 000 000 rows.

For each size it writes a realistic field-observation CSV as a French office export would
(`;`, UTF-8 with BOM, French headers, a space between thousands, "12,0" in some rows, dates
DD/MM/YYYY in some rows and YYYY-MM in others), then measures on that one file:

- the floor: `pyarrow.csv.read_csv` and a plain `pandas.read_csv` of the file alone;
- the project's full import (`analyse_upload` + `commit_import` into a fresh data folder),
  in a child process that also reports its peak memory (`ru_maxrss`);
- what any import must add to the floor at the least: the file's checksum and one Parquet
  write of the stored rows, straight from Arrow;
- with those rows stored, each page through Streamlit's AppTest: first render on a cold
  cache, rerun after a filter change, and the size of every chart's figure JSON.

Targets and the latest figures are in docs/PERFORMANCE.md. Nothing is written under data/:
every run works in a temporary folder (or `--workdir`).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, cast, final

import numpy as np
import pandas as pd

from indicators.config import DEFAULT_DATA_DIR, DEMO_FIELD_FILE, REPO_ROOT, TERRITORY_VARIABLE
from indicators.loading import STORE_FOLDER, TABLE_FILES, scope_territory_table
from indicators.pages import PAGES as REGISTERED
from indicators.territories import scope_code

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

    from indicators.store.contract import VersionInfo

DEFAULT_ROWS = (10_000, 100_000, 1_000_000)
SEED = 20240315

SEXES = ("F", "M")
AGE_GROUPS = ("11-14", "15-17", "18-25")
# An empty sex or age cell is the whole group ("ensemble"), as analysts leave it in their exports.
EVERYONE = ""
LAST_MONTH = pd.Timestamp("2025-12-01")
# The importer refuses periods before 1990: beyond the months since then, more communes come in.
FIRST_ACCEPTED_MONTH = pd.Timestamp("1990-01-01")
ROLL_UP_PREFIX = "00"  # fictitious commune codes of a regional roll-up, in the benchmark's copy only
HEADER = ("Indicateur", "Code commune", "Période", "Sexe", "Tranche d'âge", "Valeur")

# What `--json` prints for one size (several sizes: a list of these objects, in --rows order).
RESULT_KEYS: tuple[str, ...] = (
    "rows",
    "file_mb",
    "import_s",
    "pyarrow_s",
    "pandas_s",
    "import_ratio",
    "checksum_s",
    "parquet_write_s",
    "storage_floor_ratio",
    "import_over_storage_floor",
    "peak_rss_mb",
    "baseline_rss_mb",
    "secret_solve_s",
    "secret_read_s",
    "secret_baseline_rss_mb",
    "secret_peak_rss_mb",
    "secret_history_s",
    "page_cold_ms",
    "page_warm_ms",
    "plain_page_cold_ms",
    "plain_page_warm_ms",
    "page_cold_ratio",
    "page_warm_ratio",
    "max_chart_bytes",
    "chart_bytes",
    "targets_met",
    "machine",
)

# Every registered page but the import page (nothing to render before a file is chosen), in
# navigation order, named for its script (views/deck_page.py: "deck").
PAGES: dict[str, str] = {
    Path(page.script).stem.removesuffix("_page"): page.script for page in REGISTERED if page.address != "importer"
}
PLAIN_PAGE = Path(__file__).with_name("plain_page.py")
# Targets at a million rows (issue 16): seconds, or a ratio where said.
TARGETS = {"import_over_storage_floor": 2.0, "peak_rss_mb": 1000, "page_cold_ms": 1500, "page_warm_ms": 150}


# --- Generating the files ----------------------------------------------------------------------


def communes(data_folder: Path = DEFAULT_DATA_DIR) -> list[str]:
    territories = scope_territory_table(data_folder)
    return territories.loc[territories["level"] == "commune", "territory_code"].tolist()


@cache
def field_indicators(data_folder: Path = DEFAULT_DATA_DIR) -> tuple[list[str], list[str]]:
    """The catalogue's field indicators, in its order: those the demo file splits by sex and age,
    then those it counts for everyone."""
    catalogue = pd.read_csv(data_folder / TABLE_FILES["indicators"], usecols=["indicator_id", "domain"])
    field = [str(indicator) for indicator in catalogue.loc[catalogue["domain"] == "field", "indicator_id"]]
    demo = pd.read_csv(data_folder / DEMO_FIELD_FILE, usecols=["indicator_id", "sex"], dtype=str)
    split = set(demo.loc[demo["sex"] != "ensemble", "indicator_id"])
    return [indicator for indicator in field if indicator in split], [
        indicator for indicator in field if indicator not in split
    ]


def keys_per_commune_month() -> pd.DataFrame:
    """(indicator, sex, age) of one commune-month: the six sex × age cells, or everyone.

    Each commune-month is a partition: the detail rows, or one "ensemble" row, never a total beside
    its detail (the importer refuses that: sums would count twice)."""
    split_indicators, unsplit_indicators = field_indicators()
    split = pd.MultiIndex.from_product(
        [split_indicators, SEXES, AGE_GROUPS], names=["indicator_id", "sex", "age_group"]
    )
    return pd.concat(
        [
            split.to_frame(index=False),
            pd.DataFrame({"indicator_id": unsplit_indicators, "sex": EVERYONE, "age_group": EVERYONE}),
        ],
        ignore_index=True,
    )


def months_available() -> int:
    return len(pd.date_range(FIRST_ACCEPTED_MONTH, LAST_MONTH, freq="MS"))


def roll_up_communes(rows: int, data_folder: Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """Fictitious communes needed, beyond the département's, to hold `rows` keys since 1990.

    A million rows are more than 36 communes hold in 36 years of months: they are then a
    regional roll-up, as the issue describes it, with communes named "fictive" and coded 00NNN.
    """
    shipped = len(communes(data_folder))
    needed = -(-rows // (len(keys_per_commune_month()) * months_available()))
    numbers = range(1, max(needed - shipped, 0) + 1)
    return pd.DataFrame(
        {
            "territory_code": [f"{ROLL_UP_PREFIX}{number:03d}" for number in numbers],
            "name_fr": [f"Commune fictive {number} (banc d'essai)" for number in numbers],
            "name_en": [f"Fictitious commune {number} (benchmark)" for number in numbers],
            "level": "commune",
            "parent_code": scope_code(),
            "source_id": "DEMO_FICTIVE",
        }
    )


def bench_months(rows: int, keys_per_month: int) -> pd.DatetimeIndex:
    """Enough months for `rows` unique keys, going back from LAST_MONTH, never before 1990."""
    count = -(-rows // keys_per_month)
    first = max(LAST_MONTH - pd.DateOffset(months=count - 1), FIRST_ACCEPTED_MONTH)
    return pd.date_range(first, periods=count, freq="MS")


def generate_observations(rows: int, territory_codes: list[str], seed: int = SEED) -> pd.DataFrame:
    """`rows` unique (indicator, commune, month, sex, age) keys, latest months first, with counts.

    Columns: indicator_id, territory_code, month (Timestamp), sex, age_group ("" = ensemble), value.
    """
    per_commune = keys_per_commune_month()
    combos = per_commune.merge(pd.DataFrame({"territory_code": territory_codes}), how="cross")[
        ["indicator_id", "territory_code", "sex", "age_group"]
    ]
    months = bench_months(rows, len(combos))
    if months[0] + pd.DateOffset(months=len(months) - 1) > LAST_MONTH:
        raise ValueError(f"{rows} lignes ne tiennent pas dans {len(territory_codes)} communes depuis 1990")
    # The latest months are filled first: the earliest one is the only partial month.
    month_order = months[::-1]
    position = np.arange(rows)
    keys = combos.iloc[position % len(combos)].reset_index(drop=True)
    keys = keys.assign(month=month_order[position // len(combos)])
    generator = np.random.default_rng(seed)
    # Whole-group rows count more; prevention sessions reach hundreds or thousands of pupils.
    scale = np.where(keys["sex"].eq(EVERYONE) & keys["age_group"].eq(EVERYONE), 6.0, 1.5)
    prevention = keys["indicator_id"].eq("participants_prevention")
    # The November prevention week brings thousands of pupils: "1 234" appears in the files.
    scale = np.where(prevention, scale * np.where(keys["month"].dt.month.eq(11), 400, 120), scale)
    values = generator.poisson(scale)
    return keys.assign(value=values.astype("int64")).sort_values(
        ["month", "indicator_id", "territory_code", "sex", "age_group"], ignore_index=True
    )[["indicator_id", "territory_code", "month", "sex", "age_group", "value"]]


def french_cells(observations: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The observations as an analyst's spreadsheet writes them: text cells, French forms mixed."""
    generator = np.random.default_rng(seed + 1)
    size = len(observations)
    day_first = generator.random(size) < 0.1
    periods = np.where(
        day_first, observations["month"].dt.strftime("01/%m/%Y"), observations["month"].dt.strftime("%Y-%m")
    )
    value = observations["value"]
    plain = value.astype(str)
    # "1 234": a space between thousands; "12,0": a decimal comma in a whole count.
    thousands = (value // 1000).astype(str) + " " + (value % 1000).astype(str).str.zfill(3)
    text = plain.where(value < 1000, thousands)
    decimal = generator.random(size) < 0.03
    text = text.where(~decimal | (value >= 1000), plain + ",0")
    return pd.DataFrame(
        {
            HEADER[0]: observations["indicator_id"],
            HEADER[1]: observations["territory_code"],
            HEADER[2]: periods,
            HEADER[3]: observations["sex"],
            HEADER[4]: observations["age_group"],
            HEADER[5]: text,
        }
    )


def write_bench_csv(path: Path, rows: int, seed: int = SEED, data_folder: Path = DEFAULT_DATA_DIR) -> Path:
    """A French CSV of `rows` field observations (UTF-8 with BOM, `;`), written at `path`.

    Its communes are the département's, then the roll-up's (`fresh_data_folder(…, rows)` lists them).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    territory_codes = communes(data_folder) + roll_up_communes(rows, data_folder)["territory_code"].tolist()
    cells = french_cells(generate_observations(rows, territory_codes, seed), seed)
    table = pa.Table.from_pandas(cells.astype(str), preserve_index=False)
    with open(path, "wb") as handle:
        handle.write(("\ufeff" + ";".join(HEADER) + "\n").encode("utf-8"))
        # No cell holds ";", a quote or a line break: nothing needs quoting.
        pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, delimiter=";", quoting_style="none"))
    return path


# --- Measuring ---------------------------------------------------------------------------------


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def floor_seconds(path: Path, repeats: int) -> tuple[float, float]:
    """Median seconds of pyarrow.csv.read_csv and of a plain pandas.read_csv of the file alone."""
    import pyarrow.csv as pacsv

    def read_with_pyarrow() -> object:
        return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=";"))

    def read_with_pandas() -> object:
        return pd.read_csv(path, sep=";", decimal=",")

    read_with_pyarrow(), read_with_pandas()  # first calls start thread pools and fill the page cache
    return median_seconds(read_with_pyarrow, repeats), median_seconds(read_with_pandas, repeats)


def storage_seconds(path: Path, stored: Path, repeats: int) -> tuple[float, float]:
    """Median seconds of the two things any import must do beside reading, at their cheapest:
    the file's SHA-256 (the history names each import's file by it) and writing the stored rows
    once more as Parquet, straight from Arrow, flushed to disk (a version that may be lost is no
    version). Together with the floor they bound from below what a full import can cost."""
    import hashlib

    import pyarrow.parquet as pq

    content, table = path.read_bytes(), pq.read_table(stored)

    def checksum() -> object:
        return hashlib.sha256(content).hexdigest()

    def write() -> None:
        with tempfile.NamedTemporaryFile(dir=stored.parent.parent, suffix=".parquet") as handle:
            pq.write_table(table, handle)
            handle.flush()
            os.fsync(handle.fileno())

    checksum()
    write()
    return median_seconds(checksum, repeats), median_seconds(write, repeats)


def fresh_data_folder(target: Path, rows: int = 0) -> Path:
    """A copy of the shipped tables with no store (the first import replaces the demo data), and
    the roll-up's fictitious communes when `rows` need more than the département's."""
    # Only the shipped tables: no store, no audit log, no kept lattice of the repository's own runs.
    shutil.copytree(DEFAULT_DATA_DIR, target, ignore=shutil.ignore_patterns(STORE_FOLDER, "audit", "protected"))
    extra = roll_up_communes(rows)
    if not extra.empty:
        territories = target / "territories.csv"
        extra.to_csv(territories, mode="a", header=False, index=False, lineterminator="\r\n")
    return target


def rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


T = TypeVar("T")


@final
class ImportTiming(TypedDict):
    """One full import: its seconds, the rows then stored, this process's peak memory before and after."""

    import_s: float
    rows_stored: int
    baseline_rss_mb: float
    peak_rss_mb: float


@final
class ChildFailure(TypedDict):
    """What the import's child process sends instead when the import fails."""

    error: str


def import_file(path: Path, data_folder: Path) -> ImportTiming:
    """The full import as the CLI does it (read, refuse personal data, validate, store a version), timed."""
    from indicators.ingest.pipeline import analyse_upload, commit_import
    from indicators.loading import load_tables, observation_store
    from indicators.observations import is_demo

    tables = load_tables(data_folder)
    communes_table = tables.territories.loc[tables.territories["level"] == "commune"]

    def run(content: bytes, folder: Path) -> VersionInfo | None:
        report = analyse_upload(
            content,
            path.name,
            tables.indicators,
            communes_table,
            tables.field_observations,
            is_demo(tables.field_observations),
        )
        if not report.acceptable("all_or_nothing"):
            raise RuntimeError(f"import refusé : {report.refusal or report.errors[:3]}")
        return commit_import(report, observation_store(folder), "all_or_nothing", user=None, audit_folder=folder)

    # A first small import pays the one-off costs (lazy imports, regex caches) a server paid long ago.
    with open(path, "rb") as handle, tempfile.TemporaryDirectory() as scratch:
        run(b"".join(handle.readline() for _ in range(50)), Path(scratch))
    baseline = rss_mb()
    start = time.perf_counter()
    info = run(path.read_bytes(), data_folder)
    assert info is not None  # a fresh data folder holds none of these rows: the import writes a version
    return {
        "import_s": time.perf_counter() - start,
        "rows_stored": info.rows,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": rss_mb(),
    }


def _in_child(function: Callable[..., Any], arguments: tuple[Any, ...], connection: Connection[Any, Any]) -> None:
    try:
        connection.send(function(*arguments))
    except Exception as error:
        connection.send({"error": f"{type(error).__name__}: {error}"})
    finally:
        connection.close()


def in_child(function: Callable[..., T], *arguments: Any, timeout_s: float = 900) -> T:
    """`function(*arguments)` in a fresh child process (its result pickled back), so that ru_maxrss is
    its own peak; an exception in the child is raised here as a RuntimeError."""
    context = child_processes()
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_in_child, args=(function, arguments, sending))
    process.start()
    sending.close()
    try:
        if not receiving.poll(timeout_s):
            raise TimeoutError(f"{function.__name__} : pas de réponse en {timeout_s:.0f} s")
        result: Any = receiving.recv()  # T, or a ChildFailure
    finally:
        process.join(timeout=60)
        if process.is_alive():
            process.kill()
    if isinstance(result, dict) and "error" in result:
        raise RuntimeError(result["error"])
    return cast(T, result)


def child_processes() -> ForkServerContext:
    """Children forked from a small server process started now, before this process grows:
    Linux carries a process's peak memory (ru_maxrss) over fork and exec, so a child started
    from a process that has read a million rows would report that process's peak, not its own."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["benchmarks.bench", "indicators.ingest.pipeline"])
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return context


def import_in_child(path: Path, data_folder: Path, timeout_s: float = 900) -> ImportTiming:
    """import_file in a fresh child process, so that ru_maxrss is the import's own peak."""
    return in_child(import_file, path, data_folder, timeout_s=timeout_s)


# Filter changes for the warm rerun: (widget kind, key, values to alternate); the first the page shows.
WARM_CHANGES: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "trends": [("button_group", "regroupement", ("year", "quarter"))],
    "territories": [("selectbox", "public", ("sex:F", "sex:M"))],
    "plain": [("selectbox", "choix", ("deux", "un"))],
}


def change_filter(app: AppTest, page: str, turn: int) -> None:
    """Change one filter of the page (another value on every turn); nothing on pages without one."""
    for kind, key, values in WARM_CHANGES.get(page, []):
        try:
            widget = getattr(app, kind)(key=key)
        except KeyError:
            continue
        widget.set_value(values[turn % len(values)])
        return


def chart_bytes(app: AppTest) -> list[int]:
    """Size of each chart's figure JSON, as sent to the browser."""
    return [len(chart.proto.spec) for chart in app.get("plotly_chart")]


def run_page(app: AppTest) -> float:
    start = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - start
    if app.exception or app.error:
        # An error message is a failed page too (the error boundary writes it instead of a traceback).
        raise RuntimeError(
            "; ".join([*(exception.message for exception in app.exception), *(e.value for e in app.error)])
        )
    return elapsed


def signed_in(app: AppTest) -> AppTest:
    """An analyst's session, for the history page (the hash is never checked once signed in)."""
    app.secrets["analysts"] = {"password_hash": "bench: signed in through the session state"}
    app.session_state["analyst_signed_in"] = True
    return app


def plain_page_timings(repeats: int) -> tuple[float, float]:
    """The yardstick page's first render and rerun after a choice (median ms)."""
    from streamlit.testing.v1 import AppTest

    cold_runs: list[float] = []
    warm_runs: list[float] = []
    for _ in range(repeats):
        app = AppTest.from_file(str(PLAIN_PAGE), default_timeout=60)
        cold_runs.append(run_page(app))
        for turn in range(repeats):
            change_filter(app, "plain", turn)
            warm_runs.append(run_page(app))
    return statistics.median(cold_runs) * 1000, statistics.median(warm_runs) * 1000


def secret_seconds(data_folder: Path) -> tuple[float, float]:
    """Seconds to solve the stored version's protected lattice (its first view: the version becomes a
    release, recorded in the store), then to read it back (every later cold start, any replica)."""
    timing = secret_timing(data_folder)
    return timing["secret_solve_s"], timing["secret_read_s"]


def secret_timing(data_folder: Path) -> dict[str, float]:
    """`secret_seconds`, with the process's peak memory before the solve (the data loaded) and after it:
    run in a child (`in_child`), the peak is the solve's own, as in a server's background thread."""
    from indicators.config import small_count_threshold
    from indicators.loading import load_tables
    from indicators.secret.releases import forget_in_memory, protected_cells

    k = small_count_threshold()
    tables = load_tables(data_folder)
    forget_in_memory()
    baseline = rss_mb()
    start = time.perf_counter()
    protected_cells(tables, k, data_folder)
    solve_s = time.perf_counter() - start
    peak = rss_mb()
    forget_in_memory()
    start = time.perf_counter()
    protected_cells(tables, k, data_folder)
    return {
        "secret_solve_s": solve_s,
        "secret_read_s": time.perf_counter() - start,
        "secret_baseline_rss_mb": baseline,
        "secret_peak_rss_mb": peak,
    }


def history_seconds(data_folder: Path, versions: int, cells_corrected: int = 10, seed: int = SEED) -> list[float]:
    """Seconds to solve each later release of the stored data: `versions` − 1 corrections of a few cells
    each, every one solved against all the releases before it (the cost of history: versions × rows)."""
    from indicators.config import small_count_threshold
    from indicators.loading import load_tables, observation_store
    from indicators.secret.releases import forget_in_memory, protected_cells

    k = small_count_threshold()
    store = observation_store(data_folder)
    rng = np.random.default_rng(seed)
    seconds = []
    for number in range(2, versions + 1):
        latest = store.read()
        assert latest is not None
        corrected = rng.choice(len(latest), size=min(cells_corrected, len(latest)), replace=False)
        values = latest["value"].to_numpy().copy()
        values[corrected] = rng.integers(0, 12, len(corrected))
        store.commit(
            latest.assign(value=values), action="import", parent=store.latest_version(), file_name=f"v{number}.csv"
        )
        tables = load_tables(data_folder)
        forget_in_memory()
        start = time.perf_counter()
        protected_cells(tables, k, data_folder)
        seconds.append(time.perf_counter() - start)
    return seconds


def page_timings(data_folder: Path, repeats: int, pages: dict[str, str] = PAGES) -> dict[str, Any]:
    """Per page: first render on a cold cache and rerun after a filter change (median ms), chart sizes.

    Cold: every Streamlit cache and the lattices kept in memory are cleared, as in a server just
    started on a published version (the version's lattice, solved at its first view, is read back
    from the data folder)."""
    import streamlit as st
    from streamlit import logger
    from streamlit.testing.v1 import AppTest

    from indicators.secret.releases import forget_in_memory

    logger.set_log_level("error")  # AppTest outside a server warns on every run
    previous = os.environ.get("INDICATORS_DATA_DIR")
    os.environ["INDICATORS_DATA_DIR"] = str(data_folder)
    cold: dict[str, float] = {}
    warm: dict[str, float] = {}
    sizes: dict[str, int] = {}
    try:
        for page, script in pages.items():
            cold_runs: list[float] = []
            warm_runs: list[float] = []
            seen = [0]
            for _ in range(repeats):
                st.cache_data.clear()
                st.cache_resource.clear()
                forget_in_memory()
                app = signed_in(AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=600))
                if script != PAGES["overview"]:
                    run_page(app)  # the app opens on the overview; the measured page is the next one
                    app.switch_page(script)
                    st.cache_data.clear()
                    st.cache_resource.clear()
                forget_in_memory()
                cold_runs.append(run_page(app))
                seen += chart_bytes(app)
                for turn in range(repeats):
                    change_filter(app, page, turn)
                    warm_runs.append(run_page(app))
                    seen += chart_bytes(app)
            cold[page] = round(statistics.median(cold_runs) * 1000)
            warm[page] = round(statistics.median(warm_runs) * 1000)
            sizes[page] = max(seen)
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        if previous is None:
            os.environ.pop("INDICATORS_DATA_DIR", None)
        else:
            os.environ["INDICATORS_DATA_DIR"] = previous
    plain_cold, plain_warm = plain_page_timings(repeats)
    return {
        "page_cold_ms": cold,
        "page_warm_ms": warm,
        "plain_page_cold_ms": round(plain_cold, 1),
        "plain_page_warm_ms": round(plain_warm, 1),
        "page_cold_ratio": {page: round(ms / plain_cold, 1) for page, ms in cold.items()},
        "page_warm_ratio": {page: round(ms / plain_warm, 1) for page, ms in warm.items()},
        "chart_bytes": sizes,
        "max_chart_bytes": max(sizes.values()),
    }


def machine() -> dict[str, Any]:
    """Where the figures come from: cores, CPU model, memory, versions."""
    import pyarrow
    import streamlit

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total_kib = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    return {
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": model,
        "memory_gib": round(total_kib / 1024**2, 1),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "pyarrow": pyarrow.__version__,
        "streamlit": streamlit.__version__,
    }


def bench_rows(rows: int, workdir: Path, repeats: int, pages: bool = True, versions: int = 1) -> dict[str, Any]:
    """Every measure for one size, on one generated file."""
    path = write_bench_csv(workdir / f"observations_{rows}.csv", rows)
    pyarrow_s, pandas_s = floor_seconds(path, repeats)
    imports = []
    for attempt in range(repeats):
        folder = fresh_data_folder(workdir / f"data_{rows}_{attempt}", rows)
        imports.append(import_in_child(path, folder))
        if attempt < repeats - 1:
            shutil.rmtree(folder)
    floor = min(pyarrow_s, pandas_s)
    import_s = statistics.median(result["import_s"] for result in imports)
    checksum_s, parquet_write_s = storage_seconds(
        path, next(folder.glob(f"{STORE_FOLDER}/versions/*/observations.parquet")), repeats
    )
    result: dict[str, Any] = {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "import_s": round(import_s, 4),
        "pyarrow_s": round(pyarrow_s, 5),
        "pandas_s": round(pandas_s, 5),
        "import_ratio": round(import_s / floor, 1),
        "checksum_s": round(checksum_s, 5),
        "parquet_write_s": round(parquet_write_s, 5),
        "storage_floor_ratio": round((floor + checksum_s + parquet_write_s) / floor, 1),
        "import_over_storage_floor": round(import_s / (floor + checksum_s + parquet_write_s), 1),
        "peak_rss_mb": round(max(result["peak_rss_mb"] for result in imports)),
        "baseline_rss_mb": round(max(result["baseline_rss_mb"] for result in imports)),
    }
    if pages:
        secret = in_child(secret_timing, folder, timeout_s=3600)
        result |= {key: round(value, 3) if key.endswith("_s") else round(value) for key, value in secret.items()}
        result |= page_timings(folder, repeats)
    if versions > 1:
        if not pages:
            secret_seconds(folder)  # the first release
        result["secret_history_s"] = [round(seconds, 3) for seconds in history_seconds(folder, versions)]
    result["targets_met"] = targets_met(result)
    return result


def targets_met(result: dict[str, Any]) -> dict[str, bool]:
    """Each target of TARGETS against this size's figures (they are set for a million rows)."""
    met = {
        "import_over_storage_floor": result["import_over_storage_floor"] <= TARGETS["import_over_storage_floor"],
        "peak_rss_mb": result["peak_rss_mb"] <= TARGETS["peak_rss_mb"],
    }
    if "page_cold_ms" in result:
        met["page_cold_ms"] = max(result["page_cold_ms"].values()) <= TARGETS["page_cold_ms"]
        met["page_warm_ms"] = max(result["page_warm_ms"].values()) <= TARGETS["page_warm_ms"]
    return met


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(prog="python -m indicators bench", description=__doc__.splitlines()[0])
    command.add_argument("--rows", type=int, nargs="+", default=list(DEFAULT_ROWS), help="tailles à mesurer (lignes)")
    command.add_argument("--repeats", type=int, default=3, help="mesures par chiffre (médiane), au moins 1")
    command.add_argument("--json", action="store_true", help="un objet JSON (une liste pour plusieurs tailles)")
    command.add_argument(
        "--workdir", type=Path, help="dossier de travail conservé (par défaut un dossier temporaire effacé)"
    )
    command.add_argument("--no-pages", action="store_true", help="sans les mesures de pages")
    command.add_argument(
        "--territory",
        help="territoire servi pendant la mesure (INDICATORS_TERRITORY : 92, REG-11, FR…), le réglage sinon",
    )
    command.add_argument(
        "--versions",
        type=int,
        default=3,
        help="publications successives dont le secret est résolu (corrections de quelques cellules), au moins 1",
    )
    return command


def describe(result: dict[str, Any]) -> str:
    lines = [
        (
            f"{result['rows']:>9,} lignes ({result['file_mb']} Mo) : import {result['import_s']} s, "
            f"pyarrow {result['pyarrow_s']} s, pandas {result['pandas_s']} s, ratio {result['import_ratio']} "
            f"(lecture + empreinte + écriture Parquet seules : {result['storage_floor_ratio']}), "
            f"mémoire max {result['peak_rss_mb']} Mo ; import / plancher de stockage "
            f"{result['import_over_storage_floor']}"
        )
    ]
    if "secret_solve_s" in result:
        lines.append(
            f"    secret : résolu en {result['secret_solve_s']} s (première vue d'une version), "
            f"relu en {result['secret_read_s']} s, mémoire max {result['secret_peak_rss_mb']} Mo "
            f"(avant : {result['secret_baseline_rss_mb']} Mo) ; page témoin : froid {result['plain_page_cold_ms']} ms, "
            f"relance {result['plain_page_warm_ms']} ms"
        )
    if "secret_history_s" in result:
        lines.append(
            "    secret des versions suivantes (chacune contre toutes les précédentes) : "
            + ", ".join(f"{seconds} s" for seconds in result["secret_history_s"])
        )
    if "page_cold_ms" in result:
        for page in result["page_cold_ms"]:
            lines.append(
                f"    {page:<12} froid {result['page_cold_ms'][page]:>6} ms ({result['page_cold_ratio'][page]} ×)"
                f"   relance {result['page_warm_ms'][page]:>5} ms ({result['page_warm_ratio'][page]} ×)"
                f"   graphique max {result['chart_bytes'][page]:>7} octets"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if args.territory:
        # Read by every step and by the page-measuring child processes, which inherit it.
        os.environ[TERRITORY_VARIABLE] = args.territory
    if args.repeats < 1 or args.versions < 1 or any(rows < 1 for rows in args.rows):
        print("--repeats, --versions et --rows doivent être au moins 1", file=sys.stderr)
        return 2
    child_processes()  # while this process is still small
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="indicators-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        results = [
            bench_rows(rows, workdir, args.repeats, pages=not args.no_pages, versions=args.versions)
            for rows in args.rows
        ]
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    results = [{**result, "machine": machine()} for result in results]
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False, indent=2))
    else:
        print("\n".join(describe(result) for result in results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
