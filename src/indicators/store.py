"""Versioned store of the département's field observations (aggregated monthly counts).

Every import by an analyst publishes a new, immutable version; the dashboard reads the latest;
the history lists versions with what each one added, changed and removed; a rollback publishes
a new version equal to an older one, so nothing is ever deleted.

`ObservationStore` is the contract the pages and the import flow rely on; `ParquetStore` keeps
each version as a folder `versions/<NNNNNN>/` holding `observations.parquet` and `meta.json`.
A PostgreSQL store can later implement the same contract.

Writers serialise on an exclusive lock (`fcntl.flock`, so POSIX only) and publish a version by
renaming a fully written, fsynced temporary folder: a process killed mid-write leaves the
previous version intact, and readers never take the lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

import numpy as np
import pandas as pd

OBSERVATION_COLUMNS: Final[list[str]] = [
    "indicator_id",
    "territory_code",
    "period",
    "sex",
    "age_group",
    "value",
    "source_id",
]
OBSERVATION_KEY: Final[list[str]] = ["indicator_id", "territory_code", "period", "sex", "age_group"]
# Codes such as "2A004" or "2024" must stay text; counts are exact integers.
OBSERVATION_DTYPES: Final[dict[str, str]] = {
    **{column: "str" for column in OBSERVATION_COLUMNS if column != "value"},
    "value": "int64",
}
ACTIONS: Final[tuple[str, ...]] = ("import", "rollback")
MAX_COMMIT_ATTEMPTS: Final[int] = 20

VERSIONS_FOLDER = "versions"
OBSERVATIONS_FILE = "observations.parquet"
META_FILE = "meta.json"
LOCK_FILE = ".lock"
_PUBLISHED_NAME = re.compile(r"^\d{6}$")
# Leading dot: never mistaken for a published version, whatever happens to it.
_STAGING_PREFIX = ".incoming-"


@dataclass(frozen=True)
class VersionInfo:
    """What one published version is, where it came from and how it differs from its parent."""

    version: int  # 1, 2, 3… ; 0 means "no version: the shipped demo file" and is never stored
    created_at: str  # ISO 8601 UTC, seconds
    action: str  # "import" | "rollback"
    file_name: str | None  # uploaded file name, for imports
    sha256: str | None  # of the uploaded file bytes
    rows: int
    rows_added: int
    rows_changed: int
    rows_removed: int
    parent: int  # version it was built on (0: the demo baseline)
    restored_from: int | None  # for rollbacks
    user: str | None
    note: str | None


@dataclass(frozen=True)
class ObservationDiff:
    """Rows added, removed and changed (value only) between two observation tables."""

    added: pd.DataFrame  # OBSERVATION_COLUMNS
    removed: pd.DataFrame  # OBSERVATION_COLUMNS
    changed: pd.DataFrame  # KEY + value_old, value_new, source_id_old, source_id_new


class StaleParentError(RuntimeError):
    """Another version was published since the caller read its parent: re-merge and retry."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"La version de départ {expected} n'est plus la dernière (dernière : {actual}) ; "
            "refaire la fusion sur la version la plus récente."
        )
        self.expected = expected
        self.actual = actual


@runtime_checkable
class ObservationStore(Protocol):
    """Versioned observation tables: what pages and the import flow need from a store."""

    def versions(self) -> list[VersionInfo]: ...

    def latest_version(self) -> int: ...

    def read(self, version: int | None = None) -> pd.DataFrame | None: ...

    def commit(
        self,
        observations: pd.DataFrame,
        *,
        action: str,
        parent: int,
        file_name: str | None = None,
        sha256: str | None = None,
        user: str | None = None,
        note: str | None = None,
        restored_from: int | None = None,
        baseline: pd.DataFrame | None = None,
    ) -> VersionInfo: ...

    def fingerprint(self) -> str: ...


# --- Pure functions -------------------------------------------------------------------------


def empty_observations() -> pd.DataFrame:
    """A table with no rows and the observation columns and dtypes (what "nothing" diffs against)."""
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in OBSERVATION_DTYPES.items()})


def validated_observations(observations: pd.DataFrame) -> pd.DataFrame:
    """The table in canonical form (column order, dtypes, fresh index), or a French ValueError."""
    missing = [column for column in OBSERVATION_COLUMNS if column not in observations.columns]
    if missing:
        raise ValueError(f"Colonne(s) manquante(s) dans les observations : {', '.join(missing)}")
    unexpected = [str(column) for column in observations.columns if column not in OBSERVATION_COLUMNS]
    if unexpected:
        raise ValueError(f"Colonne(s) inattendue(s) dans les observations : {', '.join(unexpected)}")
    for column in OBSERVATION_COLUMNS:
        if observations[column].isna().any():
            raise ValueError(f"Valeurs manquantes dans la colonne « {column} » des observations")
    # Casting numbers to text (or floats to counts) would hide a reading error upstream.
    for column, dtype in OBSERVATION_DTYPES.items():
        expected_kind = pd.api.types.is_integer_dtype if dtype == "int64" else pd.api.types.is_string_dtype
        if not expected_kind(observations[column]):
            kind = "des entiers" if dtype == "int64" else "du texte"
            raise ValueError(f"La colonne « {column} » des observations doit contenir {kind}")
    duplicated = observations.duplicated(OBSERVATION_KEY)
    if duplicated.any():
        first = observations.loc[duplicated, OBSERVATION_KEY].iloc[0].tolist()
        raise ValueError(
            f"{int(duplicated.sum())} ligne(s) en double sur la clé {', '.join(OBSERVATION_KEY)} "
            f"(par exemple {first})"
        )
    return observations[OBSERVATION_COLUMNS].astype(OBSERVATION_DTYPES).reset_index(drop=True)


def key_codes(*tables: pd.DataFrame) -> list[np.ndarray] | None:
    """One int64 per row of each table, equal for equal keys and ordered as the keys sort
    (column by column, as text); None when the combined codes would not fit in 64 bits.

    Comparing and sorting these integers is what a merge on five text columns spends its time on.
    """
    lengths = [len(table) for table in tables]
    combined = np.zeros(sum(lengths), dtype=np.int64)
    capacity = 1
    for column in OBSERVATION_KEY:
        codes, uniques = pd.factorize(pd.concat([table[column] for table in tables], ignore_index=True), sort=True)
        capacity *= max(len(uniques), 1)
        if capacity >= 2**62 or (codes < 0).any():
            return None
        combined = combined * max(len(uniques), 1) + codes
    return np.split(combined, np.cumsum(lengths)[:-1])


def _in_key_order(rows: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    if len(codes) < 2 or bool((codes[1:] >= codes[:-1]).all()):
        return rows.reset_index(drop=True)  # already in order: no copy of a million rows
    return rows.iloc[np.argsort(codes, kind="stable")].reset_index(drop=True)


def sort_by_key(table: pd.DataFrame) -> pd.DataFrame:
    """The rows in key order (as `sort_values(OBSERVATION_KEY)`), with a fresh index."""
    codes = key_codes(table)
    if codes is None:
        return table.sort_values(OBSERVATION_KEY, ignore_index=True)
    return _in_key_order(table, codes[0])


def diff_observations(old: pd.DataFrame, new: pd.DataFrame) -> ObservationDiff:
    """Rows added, removed and changed from `old` to `new`, matched on OBSERVATION_KEY, in key order.

    A row counts as changed only when its value differs: a new source_id alone is not a change
    of the figures, but is reported beside a changed value.
    """
    if old.empty or new.empty:
        return _one_sided_diff(old, new)
    codes = key_codes(old, new)
    if codes is None:
        return diff_by_merge(old, new)
    old_codes, new_codes = codes
    old_keys, new_keys = pd.Index(old_codes), pd.Index(new_codes)
    if not (old_keys.is_unique and new_keys.is_unique):
        return diff_by_merge(old, new)
    old, new = old[OBSERVATION_COLUMNS], new[OBSERVATION_COLUMNS]
    # Position in `old` of each new row's key (−1: added), and the reverse (−1: removed).
    in_old = old_keys.get_indexer(new_codes)
    in_new = new_keys.get_indexer(old_codes)
    added, removed = in_old < 0, in_new < 0
    matched = np.flatnonzero(~added)
    before, after = old.iloc[in_old[matched]], new.iloc[matched]
    differs = before["value"].to_numpy() != after["value"].to_numpy()
    changed = after[OBSERVATION_KEY].iloc[differs].reset_index(drop=True).assign(
        value_old=before["value"].to_numpy()[differs], value_new=after["value"].to_numpy()[differs],
        source_id_old=before["source_id"].iloc[differs].to_numpy(), source_id_new=after["source_id"].iloc[differs].to_numpy(),
    )
    return ObservationDiff(
        added=_in_key_order(new.loc[added], new_codes[added]).astype({"value": "int64"}),
        removed=_in_key_order(old.loc[removed], old_codes[removed]).astype({"value": "int64"}),
        changed=_in_key_order(changed, new_codes[matched][differs]).astype(
            {"value_old": "int64", "value_new": "int64", "source_id_old": old["source_id"].dtype,
             "source_id_new": new["source_id"].dtype}),
    )


def _one_sided_diff(old: pd.DataFrame, new: pd.DataFrame) -> ObservationDiff:
    """Everything added (old is empty) or everything removed (new is empty), in key order."""
    def whole(rows: pd.DataFrame) -> pd.DataFrame:
        codes = key_codes(rows)
        if codes is None or not pd.Index(codes[0]).is_unique:
            return diff_by_merge(rows.iloc[:0], rows).added
        return _in_key_order(rows[OBSERVATION_COLUMNS], codes[0]).astype({"value": "int64"})

    changed = new[OBSERVATION_KEY].iloc[:0].assign(
        value_old=pd.Series(dtype="int64"), value_new=pd.Series(dtype="int64"),
        source_id_old=pd.Series(dtype=old["source_id"].dtype), source_id_new=pd.Series(dtype=new["source_id"].dtype))
    return ObservationDiff(added=whole(new), removed=whole(old), changed=changed)


def diff_counts(old: pd.DataFrame, new: pd.DataFrame) -> tuple[int, int, int]:
    """How many rows diff_observations would report added, changed and removed, without building them."""
    if old.empty or new.empty:
        return len(new), 0, len(old)
    codes = key_codes(old, new)
    if codes is None or not (pd.Index(codes[0]).is_unique and pd.Index(codes[1]).is_unique):
        delta = diff_observations(old, new)
        return len(delta.added), len(delta.changed), len(delta.removed)
    in_old = pd.Index(codes[0]).get_indexer(codes[1])
    matched = np.flatnonzero(in_old >= 0)
    changed = int((old["value"].to_numpy()[in_old[matched]] != new["value"].to_numpy()[matched]).sum())
    return len(new) - len(matched), changed, len(old) - len(matched)


def _one_side(rows: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """Rows of an outer merge present on one side only, back to the observation columns."""
    renamed = rows.rename(columns={f"value{suffix}": "value", f"source_id{suffix}": "source_id"})
    return renamed[OBSERVATION_COLUMNS].astype({"value": "int64"}).reset_index(drop=True)


def diff_by_merge(old: pd.DataFrame, new: pd.DataFrame) -> ObservationDiff:
    """diff_observations through an outer merge: for tables whose keys repeat (never stored)."""
    merged = old[OBSERVATION_COLUMNS].merge(
        new[OBSERVATION_COLUMNS], on=OBSERVATION_KEY, how="outer", suffixes=("_old", "_new"), indicator=True, sort=True
    )
    side = merged["_merge"]
    both = merged.loc[side == "both"]
    changed = both.loc[
        both["value_old"] != both["value_new"],
        [*OBSERVATION_KEY, "value_old", "value_new", "source_id_old", "source_id_new"],
    ]
    return ObservationDiff(
        added=_one_side(merged.loc[side == "right_only"], "_new"),
        removed=_one_side(merged.loc[side == "left_only"], "_old"),
        changed=changed.astype({"value_old": "int64", "value_new": "int64"}).reset_index(drop=True),
    )


def utc_timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- Parquet implementation -------------------------------------------------------------------


def _fsync_path(path: Path) -> None:
    """Flush a file or a directory entry to disk, so a rename never publishes half-written data."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class ParquetStore:
    """Observation versions as folders of Parquet + JSON under `folder` (created on first commit).

    With `cached_versions` > 0 the store keeps the tables it last read in memory, shared by every
    caller (who must not modify them): a published version never changes, and a cached table is
    only reused while its file is the very same one (inode, size, modification time).
    """

    def __init__(self, folder: Path, cached_versions: int = 0) -> None:
        self.folder = Path(folder)
        self._versions_folder = self.folder / VERSIONS_FOLDER
        self._cached_versions = cached_versions
        self._cache: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
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
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        table = pd.read_parquet(path, engine="pyarrow").astype(OBSERVATION_DTYPES)
        with self._cache_lock:
            self._cache[key] = table
            while len(self._cache) > self._cached_versions:
                self._cache.popitem(last=False)
        return table

    def fingerprint(self) -> str:
        """Changes whenever a version is published; cheap enough to key a cache on every rerun."""
        latest = self.latest_version()
        if latest == 0:
            return "0"
        return f"{latest}:{self._read_info(latest).created_at}"

    @contextmanager
    def _exclusive_lock(self) -> Iterator[None]:
        """Blocks until no other process (or thread) writes; the kernel releases it if we die."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / LOCK_FILE, "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

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

    def commit(
        self,
        observations: pd.DataFrame,
        *,
        action: str,
        parent: int,
        file_name: str | None = None,
        sha256: str | None = None,
        user: str | None = None,
        note: str | None = None,
        restored_from: int | None = None,
        baseline: pd.DataFrame | None = None,
    ) -> VersionInfo:
        """Publish `observations` (the complete new table) as the next version.

        Raises StaleParentError when the latest version is no longer `parent`, so that a caller
        who merged on an older table re-merges instead of silently dropping someone's import.
        """
        if action not in ACTIONS:
            raise ValueError(f"Action inconnue : {action!r} (attendu : {', '.join(ACTIONS)})")
        table = validated_observations(observations)
        with self._exclusive_lock():
            latest = self.latest_version()  # re-read under the lock: the caller's view may be old
            if latest != parent:
                raise StaleParentError(expected=parent, actual=latest)
            self._discard_unpublished()
            previous = self.read(latest) if latest else _baseline_or_empty(baseline)
            added, changed, removed = diff_counts(previous, table)
            info = VersionInfo(
                version=latest + 1,
                created_at=utc_timestamp(),
                action=action,
                file_name=file_name,
                sha256=sha256,
                rows=len(table),
                rows_added=added,
                rows_changed=changed,
                rows_removed=removed,
                parent=parent,
                restored_from=restored_from,
                user=user,
                note=note,
            )
            self._publish(table, info)
        return info


def _baseline_or_empty(baseline: pd.DataFrame | None) -> pd.DataFrame:
    return empty_observations() if baseline is None else validated_observations(baseline)


# --- Operations on any store -----------------------------------------------------------------


def same_rows(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    """Whether two observation tables hold the same keys with the same values (sources aside)."""
    return diff_counts(old, new) == (0, 0, 0)


def commit_with_retry(
    store: ObservationStore,
    build: Callable[[pd.DataFrame | None, int], pd.DataFrame],
    *,
    max_attempts: int = MAX_COMMIT_ATTEMPTS,
    **metadata: Any,
) -> VersionInfo:
    """Build the new table on the latest version and commit it, re-building if another lands first.

    `build(latest_table_or_None, latest_version)` returns the complete new table; it may be
    called several times, so it must not have side effects. `metadata` goes to `commit`.
    """
    info = _commit_on_latest(store, build, None, max_attempts, metadata)
    assert info is not None  # without a no-change test, every attempt that returns has committed
    return info


def commit_if_changed(
    store: ObservationStore,
    build: Callable[[pd.DataFrame | None, int], pd.DataFrame],
    *,
    unchanged_at_zero: bool,
    max_attempts: int = MAX_COMMIT_ATTEMPTS,
    **metadata: Any,
) -> VersionInfo | None:
    """commit_with_retry, except that a new table with the latest version's rows publishes nothing (None).

    Before any version exists the latest table is the shipped demo file, which the store does not
    hold: `unchanged_at_zero` says whether the new table equals it.
    """
    def unchanged(latest: pd.DataFrame | None, table: pd.DataFrame) -> bool:
        return unchanged_at_zero if latest is None else same_rows(latest, table)

    return _commit_on_latest(store, build, unchanged, max_attempts, metadata)


def _commit_on_latest(
    store: ObservationStore,
    build: Callable[[pd.DataFrame | None, int], pd.DataFrame],
    unchanged: Callable[[pd.DataFrame | None, pd.DataFrame], bool] | None,
    max_attempts: int,
    metadata: dict[str, Any],
) -> VersionInfo | None:
    if max_attempts < 1:
        raise ValueError("max_attempts doit valoir au moins 1")
    stale: StaleParentError | None = None
    for _ in range(max_attempts):
        parent = store.latest_version()
        current = store.read(parent) if parent else None
        table = build(current, parent)
        if unchanged is not None and unchanged(current, table):
            # Nothing to write if `parent` is still the latest: the store then holds these rows.
            latest = store.latest_version()
            if latest == parent:
                return None
            stale = StaleParentError(expected=parent, actual=latest)
            continue
        try:
            return store.commit(table, parent=parent, **metadata)
        except StaleParentError as error:
            stale = error
    assert stale is not None  # max_attempts >= 1 and every attempt that did not return was stale
    raise stale


def rollback(store: ObservationStore, version: int, *, baseline: pd.DataFrame, user: str | None = None) -> VersionInfo:
    """Publish a new version whose content equals `version` (the demo `baseline` for version 0)."""
    target = baseline if version == 0 else store.read(version)
    if target is None:
        raise LookupError(f"Version {version} introuvable")
    return commit_with_retry(
        store,
        lambda _current, _parent: target,
        action="rollback",
        restored_from=version,
        user=user,
        baseline=baseline,
    )
