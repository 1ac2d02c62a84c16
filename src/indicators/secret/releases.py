"""The protected lattice of each data version, solved once and kept: every stored version's as a
release in the store, the others (the shipped demo, tables built in memory) in the data folder.

The exact secret audit (`suppression.suppress_small_counts`) is the one costly step of showing a
data version: about 75 s for a million stored rows on a 2-core machine, a few seconds for the
département's own data. A stored version, once shown, is a release: any viewer may have saved
it, so every later release is solved against it (docs/SECRET.md), and the store keeps each one as
it was first solved (`ObservationStore.record_release`): a restart, another replica or the
command line reads it back instead of solving it again, and never shows a different one.
Anything else is kept under a digest of its inputs (`protection_key`) in `<data folder>/protected/`:
a derived file, rebuilt if deleted, never a source of truth.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from cachetools import LRUCache

from indicators.config import database_url
from indicators.loading import DataTables, observation_store
from indicators.secret.lattice import STORED_ROWS
from indicators.secret.suppression import SECRET_RULES_VERSION, solve_protected_cells
from indicators.store.contract import ObservationStore, ReleaseInfo, read_published
from indicators.territories import ancestors

PROTECTED_FOLDER = "protected"
# Lattices kept on disk per data folder (a few MB each): the versions viewers may still be shown.
KEPT_ON_DISK = 4
# Lattices kept in memory per process (a handful of data versions, a few hundred MB at most).
KEPT_IN_MEMORY = 4
# The rules stored versions were shown under before releases were recorded (each version alone).
FIRST_RULES = 1

_IN_MEMORY: LRUCache[str, pd.DataFrame] = LRUCache(KEPT_IN_MEMORY)
_LOCK = threading.Lock()  # cachetools' caches are not thread-safe; two sessions may ask at once
# One lock per lattice being solved: a second caller (a page while the version is being prepared
# in the background) waits for the first instead of solving the same minute-long system again.
_SOLVING: dict[str, threading.Lock] = {}


def protection_key(tables: DataTables, k: int, rules: int = SECRET_RULES_VERSION) -> str:
    """A digest of everything a lattice depends on but earlier releases: the observations, the
    hierarchy, k, the rules."""
    observations = tables.field_observations
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(observations, index=False).to_numpy().tobytes())
    hierarchy = ancestors(tables.territories)
    digest.update(pd.util.hash_pandas_object(hierarchy.reset_index(), index=False).to_numpy().tobytes())
    digest.update(repr((k, rules)).encode())
    return digest.hexdigest()[:32]


def protected_path(folder: Path, key: str) -> Path:
    return folder / PROTECTED_FOLDER / f"{key}.parquet"


def shown_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The lattice as outputs read it: the stored rows it holds as unknowns (`disclosure.STORED_ROWS`)
    are never a figure to show."""
    return cells.loc[~cells["dimension"].isin(STORED_ROWS)].reset_index(drop=True)


def protected_cells(tables: DataTables, k: int, folder: Path | None = None) -> pd.DataFrame:
    """Every cell a page, export, image, slide or sheet may show, with its `suppressed` flag: a
    stored version's release (solved against every earlier release, once), or the lattice of other
    tables (solved alone, once, kept in `folder`). Each caller gets its own copy."""
    key = protection_key(tables, k)
    if tables.version and folder is not None:
        store = observation_store(folder)
        memory_key = f"{database_url() or folder}:{tables.version}:{key}"
        return shown_cells(_once(memory_key, lambda: _release(store, tables, k, key)))
    return shown_cells(_once(key, lambda: _kept_in_folder(key, tables, k, folder)))


def _once(memory_key: str, solve: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """`solve()`, once per process and key: from memory, else solved by the first caller while the
    others wait for it."""
    with _LOCK:
        cells = _IN_MEMORY.get(memory_key)
    if cells is None:
        with _LOCK:
            solving = _SOLVING.setdefault(memory_key, threading.Lock())
        with solving:
            with _LOCK:
                cells = _IN_MEMORY.get(memory_key)  # solved by another caller while this one waited
            if cells is None:
                cells = solve()
                with _LOCK:
                    _IN_MEMORY[memory_key] = cells
                    _SOLVING.pop(memory_key, None)
    # Copy-on-write (pandas 3): the caller's changes copy what they touch, never the kept lattice.
    return cells.copy(deep=False)


def _release(store: ObservationStore, tables: DataTables, k: int, key: str) -> pd.DataFrame:
    """This version's release: as recorded, or solved against every earlier one and recorded (if
    another process recorded it meanwhile, that one is read back: one release per lattice)."""
    releases = store.releases()
    found = next((info for info in releases if info.matches(tables.version, k, SECRET_RULES_VERSION, key)), None)
    if found is not None:
        return store.read_release(found.release)
    if not releases:
        releases = _record_earlier_versions(store, tables, k)
    earlier = [store.read_release(info.release) for info in releases]
    cells = solve_protected_cells(tables, k, earlier)
    recorded = store.record_release(tables.version, k, SECRET_RULES_VERSION, key, cells).release
    # Millions of cells at France's scale: the solved copies go before the recorded one is read.
    del cells, earlier
    # Read back as recorded: if another process recorded this lattice meanwhile, its release is the one shown.
    return store.read_release(recorded)


def _record_earlier_versions(store: ObservationStore, tables: DataTables, k: int) -> list[ReleaseInfo]:
    """A store whose versions were shown before releases were recorded: each earlier version is
    recorded as it was then shown, solved alone (FIRST_RULES), so that this one is solved against them."""
    recorded = []
    for version in range(1, tables.version):
        shown = replace(tables, field_observations=read_published(store, version), version=version)
        cells = solve_protected_cells(shown, k)
        recorded.append(store.record_release(version, k, FIRST_RULES, protection_key(shown, k, FIRST_RULES), cells))
    return recorded


def _read(path: Path) -> pd.DataFrame | None:
    try:
        return pq.read_table(path).to_pandas()
    except (OSError, pa.ArrowException):
        return None  # absent, or half-written by a process that died: solved again


def _write(path: Path, cells: pd.DataFrame) -> None:
    """Written beside its final name, then renamed: a reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    pq.write_table(pa.Table.from_pandas(cells, preserve_index=False), partial)
    os.replace(partial, path)
    kept = sorted(path.parent.glob("*.parquet"), key=lambda file: file.stat().st_mtime_ns, reverse=True)
    for old in kept[KEPT_ON_DISK:]:
        old.unlink(missing_ok=True)


def _kept_in_folder(key: str, tables: DataTables, k: int, folder: Path | None) -> pd.DataFrame:
    cells = _read(protected_path(folder, key)) if folder is not None else None
    if cells is None:
        cells = solve_protected_cells(tables, k)
        if folder is not None:
            with contextlib.suppress(OSError):  # a read-only data folder: kept in memory only
                _write(protected_path(folder, key), cells)
    return cells


def prepare_in_background(folder: Path, k: int) -> threading.Thread:
    """Solve and keep the latest data version's lattice in a background thread, right after an
    import or a rollback: the officials who open the pages later find it ready instead of waiting
    for the solve (a minute at a million rows). A page that asks meanwhile waits for this solve
    rather than starting its own. Errors are logged, never raised: the pages would solve it."""

    def prepare() -> None:
        from indicators.errors import log_unexpected_error
        from indicators.loading import load_tables

        try:
            protected_cells(load_tables(folder), k, folder)
        except Exception as error:
            log_unexpected_error(error, "préparation du secret statistique")

    thread = threading.Thread(target=prepare, name="indicators-prepare-secret", daemon=True)
    thread.start()
    return thread


def forget_in_memory() -> None:
    """Drop the lattices kept in memory (benchmarks: a cold start; tests)."""
    with _LOCK:
        _IN_MEMORY.clear()
