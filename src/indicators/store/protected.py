"""The protected lattice of each data version, solved once and kept: in memory for the process,
on disk for every later process (a restart, another replica's data folder, the command line).

The exact secret audit (`disclosure.suppress_small_counts`) is the one costly step of showing a
data version: about 75 s for a million stored rows on a 2-core machine, a few seconds for the
département's own data. It depends only on the observations, the commune → EPT hierarchy, k and
the rules themselves, so its result is stored under a digest of those (`protection_key`) in
`<data folder>/protected/`: a derived file, rebuilt if deleted, never a source of truth.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from cachetools import LRUCache

from indicators.disclosure import SECRET_RULES_VERSION, solve_protected_cells
from indicators.loading import DataTables
from indicators.territories import ept_of

PROTECTED_FOLDER = "protected"
# Lattices kept on disk per data folder (a few MB each): the versions viewers may still be shown.
KEPT_ON_DISK = 4
# Lattices kept in memory per process (a handful of data versions, a few hundred MB at most).
KEPT_IN_MEMORY = 4

_IN_MEMORY: LRUCache[str, pd.DataFrame] = LRUCache(KEPT_IN_MEMORY)
_LOCK = threading.Lock()  # cachetools' caches are not thread-safe; two sessions may ask at once
# One lock per lattice being solved: a second caller (a page while the version is being prepared
# in the background) waits for the first instead of solving the same minute-long system again.
_SOLVING: dict[str, threading.Lock] = {}


def protection_key(tables: DataTables, k: int) -> str:
    """A digest of everything the lattice depends on: the observations, the hierarchy, k, the rules."""
    observations = tables.field_observations
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(observations, index=False).to_numpy().tobytes())
    digest.update(repr((sorted(ept_of(tables.territories).items()), k, SECRET_RULES_VERSION)).encode())
    return digest.hexdigest()[:32]


def protected_path(folder: Path, key: str) -> Path:
    return folder / PROTECTED_FOLDER / f"{key}.parquet"


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


def protected_cells(tables: DataTables, k: int, folder: Path | None = None) -> pd.DataFrame:
    """`disclosure.solve_protected_cells`, solved once per data version: from memory, else from
    `folder`'s kept lattices, else solved (and kept there). Each caller gets its own copy."""
    key = protection_key(tables, k)
    with _LOCK:
        cells = _IN_MEMORY.get(key)
    return (cells if cells is not None else _solve_once(key, tables, k, folder)).copy()


def _solve_once(key: str, tables: DataTables, k: int, folder: Path | None) -> pd.DataFrame:
    with _LOCK:
        solving = _SOLVING.setdefault(key, threading.Lock())
    with solving:
        with _LOCK:
            cells = _IN_MEMORY.get(key)  # solved by another caller while this one waited
        if cells is None and folder is not None:
            cells = _read(protected_path(folder, key))
        if cells is None:
            cells = solve_protected_cells(tables, k)
            if folder is not None:
                with contextlib.suppress(OSError):  # a read-only data folder: kept in memory only
                    _write(protected_path(folder, key), cells)
        with _LOCK:
            _IN_MEMORY[key] = cells
            _SOLVING.pop(key, None)
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
