"""The observation store as files: one folder `versions/<NNNNNN>/` per version (Parquet + JSON),
and one folder `releases/<NNNNNN>/` per release of the statistical secret (the same way).

Writers serialise on an exclusive file lock (`filelock`, flock on POSIX) and publish a version by
renaming a fully written, fsynced temporary folder: a process killed mid-write leaves the
previous version intact, and readers never take the lock.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from cachetools import LRUCache
from filelock import FileLock

from indicators.store.contract import (
    OBSERVATION_DTYPES,
    ObservationStore,
    PendingCommit,
    ReleaseInfo,
    StaleParentError,
    VersionInfo,
    empty_observations,
    read_published,
    utc_timestamp,
    validated_observations,
)
from indicators.store.diff import diff_counts

VERSIONS_FOLDER = "versions"
RELEASES_FOLDER = "releases"
OBSERVATIONS_FILE = "observations.parquet"
CELLS_FILE = "cells.parquet"
META_FILE = "meta.json"
LOCK_FILE = ".lock"
_PUBLISHED_NAME = re.compile(r"^\d{6}$")
# Leading dot: never mistaken for a published version, whatever happens to it.
_STAGING_PREFIX = ".incoming-"
# Rows converted to Arrow at a time when a release is written: France's lattice holds millions of
# cells, and converting them at once doubles the memory the solve has just used.
SLICE_ROWS = 500_000


def _fsync_path(path: Path) -> None:
    """Flush a file or a directory entry to disk, so a rename never publishes half-written data."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_synced(path: Path, write: Callable[[BinaryIO], object]) -> None:
    with open(path, "wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())


class ParquetStore(ObservationStore):
    """Observation versions as folders of Parquet + JSON under `folder` (created on first commit).

    With `cached_versions` > 0 the store keeps the tables it last read in memory, shared by every
    caller (who must not modify them): a published version never changes, and a cached table is
    only reused while its file is the very same one (inode, size, modification time).
    """

    def __init__(self, folder: Path, cached_versions: int = 0) -> None:
        self.folder = Path(folder)
        self._versions_folder = self.folder / VERSIONS_FOLDER
        self._cached_versions = cached_versions
        self._cache: LRUCache[tuple[int, int, int, int], pd.DataFrame] = LRUCache(maxsize=max(cached_versions, 1))
        self._cache_lock = threading.Lock()

    def _published_numbers(self) -> list[int]:
        if not self._versions_folder.is_dir():
            return []
        names = (entry.name for entry in self._versions_folder.iterdir() if entry.is_dir())
        return sorted(int(name) for name in names if _PUBLISHED_NAME.match(name))

    def _version_folder(self, version: int) -> Path:
        return self._versions_folder / f"{version:06d}"

    def _read_info(self, version: int) -> VersionInfo:
        recorded = json.loads((self._version_folder(version) / META_FILE).read_text(encoding="utf-8"))
        known = {field.name for field in fields(VersionInfo)}
        return VersionInfo(**{name: value for name, value in recorded.items() if name in known})

    def versions(self) -> list[VersionInfo]:
        return [self._read_info(version) for version in self._published_numbers()]

    def latest_version(self) -> int:
        numbers = self._published_numbers()
        return numbers[-1] if numbers else 0

    def read(self, version: int | None = None) -> pd.DataFrame | None:
        """One version's table (the latest when `version` is None); None when there is none yet."""
        wanted = self.latest_version() if version is None else version
        if wanted < 0:
            raise ValueError(f"Numéro de version invalide : {wanted}")
        if wanted == 0:
            return None
        path = self._version_folder(wanted) / OBSERVATIONS_FILE
        if not path.is_file():
            raise LookupError(f"Version {wanted} introuvable dans {self._versions_folder}")
        if not self._cached_versions:
            return pd.read_parquet(path, engine="pyarrow").astype(OBSERVATION_DTYPES)
        stat = path.stat()
        key = (wanted, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        table = pd.read_parquet(path, engine="pyarrow").astype(OBSERVATION_DTYPES)
        with self._cache_lock:  # cachetools' caches are not thread-safe
            self._cache[key] = table
        return table

    def fingerprint(self) -> str:
        """Changes whenever a version is published; cheap enough to key a cache on every rerun."""
        latest = self.latest_version()
        if latest == 0:
            return "0"
        return f"{latest}:{self._read_info(latest).created_at}"

    def _release_numbers(self) -> list[int]:
        folder = self.folder / RELEASES_FOLDER
        if not folder.is_dir():
            return []
        return sorted(int(entry.name) for entry in folder.iterdir() if _PUBLISHED_NAME.match(entry.name))

    def releases(self) -> list[ReleaseInfo]:
        folder = self.folder / RELEASES_FOLDER
        return [
            ReleaseInfo(**json.loads((folder / f"{number:06d}" / META_FILE).read_text(encoding="utf-8")))
            for number in self._release_numbers()
        ]

    def read_release(self, release: int) -> pd.DataFrame:
        path = self.folder / RELEASES_FOLDER / f"{release:06d}" / CELLS_FILE
        if not path.is_file():
            raise LookupError(f"Publication {release} introuvable dans {self.folder / RELEASES_FOLDER}")
        return pd.read_parquet(path, engine="pyarrow")

    def record_release(self, version: int, k: int, rules: int, digest: str, cells: pd.DataFrame) -> ReleaseInfo:
        """Append a release, unless one for the same version, k, rules and observations is there
        already (another process solved it first): then that one is returned, and `cells` dropped."""
        with self._exclusive_lock():
            for info in self.releases():
                if info.matches(version, k, rules, digest):
                    return info
            numbers = self._release_numbers()
            info = ReleaseInfo(numbers[-1] + 1 if numbers else 1, version, k, rules, digest, utc_timestamp())
            folder = self.folder / RELEASES_FOLDER
            folder.mkdir(exist_ok=True)
            staging = folder / f"{_STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
            staging.mkdir()
            _write_synced(staging / CELLS_FILE, lambda handle: write_in_slices(cells, handle))
            _write_synced(
                staging / META_FILE,
                lambda handle: handle.write(json.dumps(asdict(info), ensure_ascii=False, indent=2).encode()),
            )
            _fsync_path(staging)
            os.rename(staging, folder / f"{info.release:06d}")
            _fsync_path(folder)
        return info

    @contextmanager
    def _exclusive_lock(self) -> Iterator[None]:
        """Blocks until no other process (or thread) writes; the kernel releases it if we die."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # A new FileLock per write: flock on its own open file, so threads of one process exclude each
        # other as processes do (one shared, thread-local lock object would not).
        with FileLock(self.folder / LOCK_FILE, thread_local=False):
            yield

    def _discard_unpublished(self) -> None:
        """Remove staging folders left by killed writers; safe only while holding the lock."""
        if not self._versions_folder.is_dir():
            return
        for entry in self._versions_folder.iterdir():
            if entry.name.startswith(_STAGING_PREFIX) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)

    def _publish(self, observations: pd.DataFrame, info: VersionInfo) -> None:
        """Write into a hidden folder, fsync everything, then rename it into place (atomic)."""
        if not self._versions_folder.is_dir():
            self._versions_folder.mkdir(parents=True)
            _fsync_path(self.folder)
        staging = self._versions_folder / f"{_STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
        staging.mkdir()
        with open(staging / OBSERVATIONS_FILE, "wb") as handle:
            observations.to_parquet(handle, engine="pyarrow", index=False)
            handle.flush()
            os.fsync(handle.fileno())
        with open(staging / META_FILE, "w", encoding="utf-8") as handle:
            json.dump(asdict(info), handle, ensure_ascii=False, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        _fsync_path(staging)
        # rename() refuses a non-empty target, so a published version can never be overwritten.
        os.rename(staging, self._version_folder(info.version))
        _fsync_path(self._versions_folder)

    def _commit_checked(self, pending: PendingCommit) -> VersionInfo:
        """`ObservationStore.commit`'s last step, under the folder's lock."""
        table, parent, baseline = pending.table, pending.parent, pending.baseline
        with self._exclusive_lock():
            latest = self.latest_version()  # re-read under the lock: the caller's view may be old
            if latest != parent:
                raise StaleParentError(expected=parent, actual=latest)
            self._discard_unpublished()
            previous = read_published(self, latest) if latest else _baseline_or_empty(baseline)
            added, changed, removed = diff_counts(previous, table)
            info = pending.version_after(latest, (added, changed, removed))
            self._publish(table, info)
        return info


def _baseline_or_empty(baseline: pd.DataFrame | None) -> pd.DataFrame:
    return empty_observations() if baseline is None else validated_observations(baseline)


def write_in_slices(frame: pd.DataFrame, handle: BinaryIO, rows: int = SLICE_ROWS) -> None:
    """`frame` as one Parquet file, converted to Arrow and written `rows` at a time (one row group
    each): the same file as `to_parquet` writes, without a second copy of the whole frame."""
    schema = pa.Schema.from_pandas(frame.head(0), preserve_index=False)
    with pq.ParquetWriter(handle, schema) as writer:
        for start in range(0, max(len(frame), 1), rows):
            writer.write_table(
                pa.Table.from_pandas(frame.iloc[start : start + rows], schema=schema, preserve_index=False)
            )
