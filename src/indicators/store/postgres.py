"""The observation store and the audit log in PostgreSQL, for deployments with several app servers.

`PostgresStore` keeps the `ObservationStore` contract of `ParquetStore` exactly: immutable,
consecutively numbered versions, each holding its complete table; `StaleParentError` when the
latest version is no longer the caller's parent, so `commit_with_retry` and `rollback` work
unchanged. A commit is one transaction that first takes a transaction-level advisory lock
(`pg_advisory_xact_lock`): two replicas importing at once are serialised, and the second one
re-merges on the first one's version instead of overwriting it.

The schema is created and migrated by Alembic (scripts in `indicators/store/migrations`): on a store's
first use in a process, or by `upgrade_database(url)`. Rows of the three tables can only be
added: a trigger refuses UPDATE, DELETE and TRUNCATE.

`loading.observation_store` chooses the store: PostgreSQL when DATABASE_URL is set, else Parquet.
"""

from __future__ import annotations

import hashlib
import io
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, cast

import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from cachetools import LRUCache
from psycopg import sql
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKeyConstraint,
    Identity,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from indicators.config import DATABASE_URL_VARIABLE
from indicators.store.contract import (
    OBSERVATION_COLUMNS,
    OBSERVATION_DTYPES,
    OBSERVATION_KEY,
    ObservationStore,
    PendingCommit,
    ReleaseInfo,
    StaleParentError,
    VersionInfo,
    empty_observations,
    utc_timestamp,
    validated_observations,
)
from indicators.store.diff import diff_counts

MIGRATIONS_FOLDER: Final[Path] = Path(__file__).resolve().parent / "migrations"
DRIVER: Final[str] = "postgresql+psycopg"
_ACCEPTED_SCHEMES: Final[frozenset[str]] = frozenset({"postgres", "postgresql", DRIVER})


def _lock_key(name: str) -> int:
    """A fixed signed 64-bit advisory-lock key derived from a name (the same in every process)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


COMMIT_LOCK_KEY: Final[int] = _lock_key("indicators.observation_versions.commit")
RELEASE_LOCK_KEY: Final[int] = _lock_key("indicators.secret_releases.record")
MIGRATION_LOCK_KEY: Final[int] = _lock_key("indicators.schema.migration")

# --- Tables (the migrations create them; queries are built from these definitions) ----------

metadata = MetaData()

versions_table = Table(
    "observation_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("action", Text, nullable=False),
    Column("file_name", Text),
    Column("sha256", Text),
    Column("rows", Integer, nullable=False),
    Column("rows_added", Integer, nullable=False),
    Column("rows_changed", Integer, nullable=False),
    Column("rows_removed", Integer, nullable=False),
    Column("parent", Integer, nullable=False),
    Column("restored_from", Integer),
    Column("user_name", Text),
    Column("note", Text),
    CheckConstraint("version >= 1", name="version_positive"),
    # Versions are consecutive: each one is built on the one before (StaleParentError otherwise).
    CheckConstraint("parent = version - 1", name="parent_is_previous_version"),
    CheckConstraint("action IN ('import', 'rollback')", name="known_action"),
    CheckConstraint("restored_from >= 0 AND restored_from < version", name="restored_from_earlier_version"),
)

observations_table = Table(
    "observations",
    metadata,
    Column("version", Integer, nullable=False),
    # Row order as committed, so a version reads back exactly as it was written.
    Column("position", Integer, nullable=False),
    *(Column(name, Text, nullable=False) for name in OBSERVATION_KEY),
    Column("value", BigInteger, nullable=False),
    Column("source_id", Text, nullable=False),
    PrimaryKeyConstraint("version", *OBSERVATION_KEY, name="observations_pkey"),
    # Deferred: a commit copies the rows first, counts the differences, then records the version.
    ForeignKeyConstraint(
        ["version"],
        ["observation_versions.version"],
        name="observations_version_fkey",
        deferrable=True,
        initially="DEFERRED",
    ),
)

audit_table = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("action", Text, nullable=False),
    Column("who", Text, nullable=False),
    Column("details", JSONB, nullable=False),
)

releases_table = Table(
    "secret_releases",
    metadata,
    Column("release", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("k", Integer, nullable=False),
    Column("rules", Integer, nullable=False),
    Column("digest", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("cells", LargeBinary, nullable=False),
    CheckConstraint("release >= 1", name="release_positive"),
    ForeignKeyConstraint(["version"], ["observation_versions.version"], name="secret_releases_version_fkey"),
    UniqueConstraint("version", "k", "rules", "digest", name="one_release_per_lattice"),
)

_COPY_COLUMNS: Final[list[str]] = ["version", "position", *OBSERVATION_COLUMNS]
_ROW_TYPES: Final[dict[str, pa.DataType]] = {
    column: pa.int64() if OBSERVATION_DTYPES[column] == "int64" else pa.string() for column in OBSERVATION_COLUMNS
}

# --- Connections ------------------------------------------------------------------------------


def normalised_url(url: str | URL) -> URL:
    """The URL with SQLAlchemy's psycopg 3 driver (postgres:// and postgresql:// are accepted)."""
    parsed = make_url(url)
    if parsed.drivername not in _ACCEPTED_SCHEMES:
        raise ValueError(f"{DATABASE_URL_VARIABLE} doit commencer par postgresql:// (reçu : {parsed.drivername}://)")
    return parsed.set(drivername=DRIVER)


# One connection pool per database and process, as SQLAlchemy intends: stores are created on every
# rerun, and a pool per store would open connections faster than they are closed.
_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _url_key(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _engine(url: URL) -> Engine:
    """This process's pool for `url`, on a schema migrated to the latest revision (once)."""
    key = _url_key(url)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
            try:
                with engine.begin() as connection:
                    _upgrade(connection)
            except BaseException:
                engine.dispose()
                raise
            _ENGINES[key] = engine
        return _ENGINES[key]


def dispose_engine(url: str | URL) -> None:
    """Close this process's pooled connections to `url` (before dropping its database, say)."""
    with _ENGINES_LOCK:
        engine = _ENGINES.pop(_url_key(normalised_url(url)), None)
    if engine is not None:
        engine.dispose()


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER))
    config.set_main_option("path_separator", "os")
    # Handed over rather than written into the config: a '%' in a password would break its parser.
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> str | None:
    command.upgrade(_alembic_config(connection), "head")
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(url: str) -> str | None:
    """Create or migrate the schema to the latest revision; returns that revision.

    Safe to run from several replicas at once: the migrations wait on an advisory lock.
    """
    engine = create_engine(normalised_url(url), poolclass=NullPool)
    try:
        with engine.begin() as connection:
            return _upgrade(connection)
    finally:
        engine.dispose()


# --- Observation store ------------------------------------------------------------------------


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _version_info(row: Any) -> VersionInfo:
    return VersionInfo(
        version=row.version,
        created_at=_iso_utc(row.created_at),
        action=row.action,
        file_name=row.file_name,
        sha256=row.sha256,
        rows=row.rows,
        rows_added=row.rows_added,
        rows_changed=row.rows_changed,
        rows_removed=row.rows_removed,
        parent=row.parent,
        restored_from=row.restored_from,
        user=row.user_name,
        note=row.note,
    )


def _version_row(info: VersionInfo) -> dict[str, Any]:
    row = {name: value for name, value in vars(info).items() if name != "user"}
    return {**row, "user_name": info.user, "created_at": datetime.fromisoformat(info.created_at)}


def _as_csv(table: pd.DataFrame, version: int) -> bytes:
    """The rows as CSV for COPY, every text quoted so that an empty text never reads as NULL."""
    rows = pa.Table.from_pandas(
        table.assign(version=version, position=range(len(table)))[_COPY_COLUMNS],
        schema=pa.schema([("version", pa.int32()), ("position", pa.int32()), *_ROW_TYPES.items()]),
        preserve_index=False,
    )
    sink = io.BytesIO()
    pa_csv.write_csv(rows, sink, pa_csv.WriteOptions(include_header=False, quoting_style="needed"))
    return sink.getvalue()


def _from_csv(data: bytes) -> pd.DataFrame:
    if not data:
        return empty_observations()[OBSERVATION_COLUMNS]
    rows = pa_csv.read_csv(
        io.BytesIO(data),
        read_options=pa_csv.ReadOptions(column_names=OBSERVATION_COLUMNS),
        convert_options=pa_csv.ConvertOptions(
            column_types=_ROW_TYPES, strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    return rows.to_pandas().astype(OBSERVATION_DTYPES)


def _driver(connection: Connection) -> psycopg.Connection[Any]:
    # The engine's URLs are all postgresql+psycopg (normalised_url): the DBAPI connection is psycopg's.
    return cast("psycopg.Connection[Any]", connection.connection.driver_connection)


def _copy_in(connection: Connection, table: pd.DataFrame, version: int) -> None:
    statement = sql.SQL("COPY observations ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.SQL(", ").join(sql.Identifier(column) for column in _COPY_COLUMNS)
    )
    with _driver(connection).cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(_as_csv(table, version))


def _copy_out(connection: Connection, version: int) -> pd.DataFrame:
    query = "COPY (SELECT {} FROM observations WHERE version = {} ORDER BY position) TO STDOUT WITH (FORMAT csv)"
    statement = sql.SQL(query).format(
        sql.SQL(", ").join(sql.Identifier(column) for column in OBSERVATION_COLUMNS), sql.Literal(version)
    )
    buffer = bytearray()
    with _driver(connection).cursor() as cursor, cursor.copy(statement) as copy:
        for block in copy:
            buffer += block
    return _from_csv(bytes(buffer))


# Same definition as store.diff_counts, computed where the rows are (a FULL JOIN on the key).
_DIFF_COUNTS = text(
    f"""
    SELECT count(*) FILTER (WHERE before.version IS NULL) AS added,
           count(*) FILTER (WHERE before.value <> after.value) AS changed,
           count(*) FILTER (WHERE after.version IS NULL) AS removed
    FROM (SELECT * FROM observations WHERE version = :old) AS before
    FULL JOIN (SELECT * FROM observations WHERE version = :new) AS after
    USING ({", ".join(OBSERVATION_KEY)})
    """
)


def _counts_since(
    connection: Connection, latest: int, table: pd.DataFrame, baseline: pd.DataFrame | None
) -> tuple[int, int, int]:
    """Rows added, changed and removed by the version being written (number `latest` + 1)
    since the latest one, or since the demo baseline (or nothing) when there is none."""
    if latest:
        counts = connection.execute(_DIFF_COUNTS, {"old": latest, "new": latest + 1}).one()
        return counts.added, counts.changed, counts.removed
    previous = empty_observations() if baseline is None else validated_observations(baseline)
    return diff_counts(previous, table)


class PostgresStore(ObservationStore):
    """Observation versions in PostgreSQL at `url`; the same contract and behaviour as ParquetStore.

    With `cached_versions` > 0 the store keeps the tables it last read in memory, shared by every
    caller (who must not modify them); a cached table is reused only for the very same version
    (number and creation time), which the database never changes.
    """

    def __init__(self, url: str, cached_versions: int = 0) -> None:
        self._url = normalised_url(url)
        self._cached_versions = cached_versions
        self._cache: LRUCache[tuple[int, datetime], pd.DataFrame] = LRUCache(maxsize=max(cached_versions, 1))
        self._cache_lock = threading.Lock()

    @property
    def url(self) -> str:
        """The SQLAlchemy URL, password included (for another process to open the same store)."""
        return _url_key(self._url)

    def __repr__(self) -> str:
        return f"PostgresStore({self._url.render_as_string(hide_password=True)!r})"

    def versions(self) -> list[VersionInfo]:
        with _engine(self._url).connect() as connection:
            rows = connection.execute(select(versions_table).order_by(versions_table.c.version))
            return [_version_info(row) for row in rows]

    def _latest_row(self, connection: Connection) -> Any:
        query = select(versions_table.c.version, versions_table.c.created_at)
        return connection.execute(query.order_by(versions_table.c.version.desc()).limit(1)).first()

    def latest_version(self) -> int:
        with _engine(self._url).connect() as connection:
            latest = self._latest_row(connection)
        return latest.version if latest else 0

    def fingerprint(self) -> str:
        """Changes whenever a version is published: one indexed query, cheap enough for every rerun."""
        with _engine(self._url).connect() as connection:
            latest = self._latest_row(connection)
        return f"{latest.version}:{_iso_utc(latest.created_at)}" if latest else "0"

    def read(self, version: int | None = None) -> pd.DataFrame | None:
        """One version's table (the latest when `version` is None); None when there is none yet."""
        version = None if version is None else int(version)  # psycopg adapts no numpy integer
        if version is not None and version < 0:
            raise ValueError(f"Numéro de version invalide : {version}")
        if version == 0:
            return None
        with _engine(self._url).connect() as connection:
            if version is None:
                found = self._latest_row(connection)
                if found is None:
                    return None
            else:
                query = select(versions_table.c.version, versions_table.c.created_at)
                found = connection.execute(query.where(versions_table.c.version == version)).first()
                if found is None:
                    raise LookupError(f"Version {version} introuvable dans la base PostgreSQL")
            key = (found.version, found.created_at)
            cached = self._cached(key)
            if cached is not None:
                return cached
            table = _copy_out(connection, found.version)
        self._remember(key, table)
        return table

    def _cached(self, key: tuple[int, datetime]) -> pd.DataFrame | None:
        with self._cache_lock:  # cachetools' caches are not thread-safe
            return self._cache.get(key)

    def _remember(self, key: tuple[int, datetime], table: pd.DataFrame) -> None:
        if not self._cached_versions:
            return
        with self._cache_lock:
            self._cache[key] = table

    def _commit_checked(self, pending: PendingCommit) -> VersionInfo:
        """`ObservationStore.commit`'s last step, in one transaction."""
        table, parent, baseline = pending.table, pending.parent, pending.baseline
        with _engine(self._url).begin() as connection:
            # Held until commit or rollback: the next writer then sees this version as the latest.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": COMMIT_LOCK_KEY})
            latest = connection.execute(select(func.coalesce(func.max(versions_table.c.version), 0))).scalar_one()
            if latest != parent:
                raise StaleParentError(expected=parent, actual=latest)
            _copy_in(connection, table, latest + 1)
            added, changed, removed = _counts_since(connection, latest, table, baseline)
            info = pending.version_after(latest, (added, changed, removed))
            connection.execute(insert(versions_table).values(_version_row(info)))
        return info

    def releases(self) -> list[ReleaseInfo]:
        query = select(*(column for column in releases_table.c if column.name != "cells"))
        with _engine(self._url).connect() as connection:
            rows = connection.execute(query.order_by(releases_table.c.release))
            return [_release_info(row) for row in rows]

    def read_release(self, release: int) -> pd.DataFrame:
        query = select(releases_table.c.cells).where(releases_table.c.release == int(release))
        with _engine(self._url).connect() as connection:
            cells = connection.execute(query).scalar_one_or_none()
        if cells is None:
            raise LookupError(f"Publication {release} introuvable dans la base PostgreSQL")
        return pd.read_parquet(io.BytesIO(cells), engine="pyarrow")

    def record_release(self, version: int, k: int, rules: int, digest: str, cells: pd.DataFrame) -> ReleaseInfo:
        """Append a release in one transaction, unless one for the same version, k, rules and
        observations is there already (another replica solved it first): then that one is returned."""
        payload = io.BytesIO()
        cells.to_parquet(payload, engine="pyarrow", index=False)
        with _engine(self._url).begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RELEASE_LOCK_KEY})
            existing = connection.execute(
                select(*(column for column in releases_table.c if column.name != "cells")).where(
                    releases_table.c.version == int(version),
                    releases_table.c.k == int(k),
                    releases_table.c.rules == int(rules),
                    releases_table.c.digest == digest,
                )
            ).first()
            if existing is not None:
                return _release_info(existing)
            latest = connection.execute(select(func.coalesce(func.max(releases_table.c.release), 0))).scalar_one()
            info = ReleaseInfo(latest + 1, int(version), int(k), int(rules), digest, utc_timestamp())
            connection.execute(
                insert(releases_table).values(
                    **{**vars(info), "created_at": datetime.fromisoformat(info.created_at)}, cells=payload.getvalue()
                )
            )
        return info


def _release_info(row: Any) -> ReleaseInfo:
    return ReleaseInfo(
        release=row.release,
        version=row.version,
        k=row.k,
        rules=row.rules,
        digest=row.digest,
        created_at=_iso_utc(row.created_at),
    )


# --- Audit log ----------------------------------------------------------------------------------


def record_audit(url: str, action: str, who: str | None, at: datetime | None = None, **details: object) -> None:
    """Append one entry, as audit.record does to its file (committed before returning)."""
    with _engine(normalised_url(url)).begin() as connection:
        connection.execute(
            insert(audit_table).values(
                recorded_at=(at or datetime.now(UTC)).replace(microsecond=0),
                action=action,
                who=who or "inconnu",
                details=details,
            )
        )


def read_sign_ins(url: str, client_address: str, since: datetime) -> list[dict[str, Any]]:
    """audit.sign_ins_from in the database: one client address's sign-in attempts since `since`, oldest first."""
    query = (
        select(audit_table)
        .where(
            audit_table.c.action == "connexion",
            audit_table.c.recorded_at >= since,
            audit_table.c.details["client_address"].astext == client_address,
        )
        .order_by(audit_table.c.id)
    )
    with _engine(normalised_url(url)).connect() as connection:
        return [
            {"time": _iso_utc(row.recorded_at), "action": row.action, "who": row.who, **row.details}
            for row in connection.execute(query)
        ]


def read_audit(url: str) -> list[dict[str, Any]]:
    """Every entry, oldest first, shaped as audit.read_entries returns them."""
    with _engine(normalised_url(url)).connect() as connection:
        rows = connection.execute(select(audit_table).order_by(audit_table.c.id))
        return [
            {"time": _iso_utc(row.recorded_at), "action": row.action, "who": row.who, **row.details} for row in rows
        ]
