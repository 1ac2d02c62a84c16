"""The contract of the versioned observation store: its columns, versions and methods.

Every import by an analyst publishes a new, immutable version; the dashboard reads the latest;
the history lists versions with what each one added, changed and removed; a rollback publishes
a new version equal to an older one, so nothing is ever deleted. Beside the versions, the store
keeps every release: each protected lattice as it was first shown, which every later one must
take into account (`record_release` appends one unless the same one is there already).

`ObservationStore` is what the pages and the import flow rely on; `store.commits` has the
operations that work on any store. Two stores keep it:
`store.parquet.ParquetStore` (one folder per version) and `store.postgres.PostgresStore`
(several app servers on one database).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Protocol, TypedDict, Unpack, runtime_checkable

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


class VersionAbout(TypedDict, total=False):
    """What a commit says about the version it publishes, beyond its table, action and parent."""

    file_name: str | None  # uploaded file name, for imports
    sha256: str | None  # of the uploaded file bytes
    user: str | None
    note: str | None
    restored_from: int | None  # for rollbacks


@dataclass(frozen=True)
class PendingCommit:
    """A commit checked and about to be published: the validated table, its action, the version
    it was built on, the baseline its first version is compared with, and what it says."""

    table: pd.DataFrame
    action: str
    parent: int
    baseline: pd.DataFrame | None
    about: VersionAbout

    def version_after(self, latest: int, counts: tuple[int, int, int]) -> VersionInfo:
        """The version this commit publishes after `latest` (`next_version`)."""
        return next_version(latest, self.table, counts, self.action, self.parent, self.about)


def next_version(
    latest: int, table: pd.DataFrame, counts: tuple[int, int, int], action: str, parent: int, about: VersionAbout
) -> VersionInfo:
    """The version a commit publishes after `latest`: its table's size, what it added, changed and
    removed (`counts`), stamped now. Both stores publish it as it is."""
    added, changed, removed = counts
    restored_from = about.get("restored_from")
    return VersionInfo(
        version=latest + 1,
        created_at=utc_timestamp(),
        action=action,
        file_name=about.get("file_name"),
        sha256=about.get("sha256"),
        rows=len(table),
        rows_added=added,
        rows_changed=changed,
        rows_removed=removed,
        parent=int(parent),
        restored_from=None if restored_from is None else int(restored_from),
        user=about.get("user"),
        note=about.get("note"),
    )


@dataclass(frozen=True)
class ReleaseInfo:
    """One protected lattice as it was made public (`secret.releases`): which data version, under
    which k and rules, solved for which observations (`digest`), and when. Releases are numbered in
    the order they were made; each one was solved with every earlier one as a constraint."""

    release: int  # 1, 2, 3…
    version: int  # the data version it shows
    k: int
    rules: int  # suppression.SECRET_RULES_VERSION it was solved under
    digest: str  # secret.releases.protection_key of the observations and hierarchy
    created_at: str  # ISO 8601 UTC, seconds

    def matches(self, version: int, k: int, rules: int, digest: str) -> bool:
        return (self.version, self.k, self.rules, self.digest) == (version, k, rules, digest)


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
    """Versioned observation tables: what pages and the import flow need from a store. Both stores
    subclass it for `commit`, which checks the action and the table before their own step."""

    def versions(self) -> list[VersionInfo]: ...

    def latest_version(self) -> int: ...

    def read(self, version: int | None = None) -> pd.DataFrame | None: ...

    def commit(
        self,
        observations: pd.DataFrame,
        *,
        action: str,
        parent: int,
        baseline: pd.DataFrame | None = None,
        **about: Unpack[VersionAbout],
    ) -> VersionInfo:
        """Publish `observations` (the complete new table) as the next version.

        Raises StaleParentError when the latest version is no longer `parent`, so that a caller
        who merged on an older table re-merges instead of silently dropping someone's import.
        """
        if action not in ACTIONS:
            raise ValueError(f"Action inconnue : {action!r} (attendu : {', '.join(ACTIONS)})")
        return self._commit_checked(
            PendingCommit(validated_observations(observations), action, int(parent), baseline, about)
        )

    def _commit_checked(self, pending: PendingCommit) -> VersionInfo:
        """The commit's last step, under each store's own lock or transaction."""
        ...

    def fingerprint(self) -> str: ...

    def releases(self) -> list[ReleaseInfo]: ...

    def read_release(self, release: int) -> pd.DataFrame: ...

    def record_release(self, version: int, k: int, rules: int, digest: str, cells: pd.DataFrame) -> ReleaseInfo: ...


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
            f"{int(duplicated.sum())} ligne(s) en double sur la clé {', '.join(OBSERVATION_KEY)} (par exemple {first})"
        )
    return observations[OBSERVATION_COLUMNS].astype(OBSERVATION_DTYPES).reset_index(drop=True)


def utc_timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_published(store: ObservationStore, version: int) -> pd.DataFrame:
    """A published version's table (`version` > 0): a store returns None only for version 0."""
    table = store.read(version)
    if table is None:
        raise LookupError(f"Version {version} introuvable")
    return table
