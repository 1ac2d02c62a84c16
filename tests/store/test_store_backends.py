"""The same store behaviours against both stores: ParquetStore in a folder, PostgresStore on a fresh
database of a throwaway PostgreSQL cluster (tests/postgres_support.py; DATABASE_URL_TEST, when set,
names a server to use instead, whose role may create databases). Without PostgreSQL they fail.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool
from store_rows import BASELINE, FIRST, SECOND, observations, upsert

from indicators.loading import observation_store
from indicators.secret.lattice import lattice
from indicators.secret.suppression import suppress_small_counts
from indicators.store import audit
from indicators.store.commits import commit_if_changed, commit_with_retry, rollback
from indicators.store.contract import (
    OBSERVATION_DTYPES,
    OBSERVATION_KEY,
    ObservationStore,
    StaleParentError,
)
from indicators.store.diff import diff_observations
from indicators.store.parquet import ParquetStore
from indicators.store.postgres import (
    PostgresStore,
    dispose_engine,
    metadata,
    normalised_url,
    read_audit,
    record_audit,
    upgrade_database,
)
from postgres_support import (
    create_database,
    drop_database,
    libpq_url,
    throwaway_cluster,
)

SRC_DIR = Path(__file__).resolve().parents[1] / "src"
HEAD_REVISION = "0002"


# --- Servers, databases and the two stores ----------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[tuple[str, str]]:
    """(server URL, name of a database migrated to head to copy): DATABASE_URL_TEST or a throwaway cluster."""
    configured = os.environ.get("DATABASE_URL_TEST", "").strip()
    with nullcontext_url(configured) if configured else throwaway_cluster() as server:
        template = f"indicators_template_{uuid.uuid4().hex[:8]}"
        assert upgrade_database(create_database(server, template)) == HEAD_REVISION
        try:
            yield server, template
        finally:
            drop_database(server, template)


@contextmanager
def nullcontext_url(url: str) -> Iterator[str]:
    yield url


@contextmanager
def fresh_database(server: tuple[str, str], migrated: bool = True) -> Iterator[str]:
    """A new database (already migrated, or empty), dropped afterwards."""
    server_url, template = server
    name = f"indicators_test_{uuid.uuid4().hex[:12]}"
    url = create_database(server_url, name, template if migrated else "template1")
    try:
        yield url
    finally:
        dispose_engine(url)
        drop_database(server_url, name)


@pytest.fixture()
def database_url(postgres_server) -> Iterator[str]:
    with fresh_database(postgres_server) as url:
        yield url


@pytest.fixture(params=["parquet", "postgres"])
def store(request, tmp_path: Path) -> ObservationStore:
    if request.param == "parquet":
        return ParquetStore(tmp_path / "store")
    return PostgresStore(request.getfixturevalue("database_url"))


def store_address(store: ObservationStore) -> tuple[str, str]:
    """What another process needs to open the same store."""
    return ("parquet", str(store.folder)) if isinstance(store, ParquetStore) else ("postgres", store.url)


def open_store(address: tuple[str, str]) -> ObservationStore:
    kind, where = address
    return ParquetStore(Path(where)) if kind == "parquet" else PostgresStore(where)


# --- One contract, two stores -------------------------------------------------------------------


def test_empty_store_has_no_version(store: ObservationStore):
    assert isinstance(store, ObservationStore)
    assert (store.versions(), store.latest_version(), store.fingerprint()) == ([], 0, "0")
    assert store.read() is None and store.read(0) is None


def test_roundtrip_keeps_values_dtypes_and_row_order(store: ObservationStore):
    # Text that CSV and COPY must carry untouched: codes with letters and zeros, separators, quotes,
    # a line break, an empty text (not a missing one), accents; a count beyond 32 bits.
    table = observations(
        [
            ("z", "92002", "2024-01", "M", "15-17", 0, "S1"),
            ("a", "2A004", "2024", "F", "11-14", 2**40, "S1"),
            ("a", "02004", "mars 2024", "", 'moins de 11 ans, "estimé"\nligne 2', 3, "Sé;1"),
        ]
    )
    store.commit(table, action="import", parent=0)
    for read_back in (store.read(), store.read(1)):
        pd.testing.assert_frame_equal(read_back, table)
        assert read_back.dtypes.astype(str).to_dict() == {column: str(table[column].dtype) for column in table}
    assert store.read()["territory_code"].tolist() == ["92002", "2A004", "02004"]


def test_an_empty_table_is_a_version(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    emptied = store.commit(FIRST.iloc[0:0], action="import", parent=1)
    assert (emptied.rows, emptied.rows_added, emptied.rows_removed) == (0, 0, 3)
    pd.testing.assert_frame_equal(store.read(), FIRST.iloc[0:0].reset_index(drop=True))


def test_versions_are_numbered_with_exact_counts(store: ObservationStore):
    first = store.commit(FIRST, action="import", parent=0, baseline=BASELINE, file_name="janvier.csv", sha256="ab12")
    second = store.commit(SECOND, action="import", parent=1, user="analyste", note="correction")
    third = store.commit(SECOND, action="import", parent=2)
    assert store.versions() == [first, second, third]
    assert [info.version for info in store.versions()] == [1, 2, 3]
    # Version 1 is compared with the demo baseline: 3 rows added, the demo row removed.
    assert (first.rows, first.rows_added, first.rows_changed, first.rows_removed) == (3, 3, 0, 1)
    assert (first.parent, first.file_name, first.sha256, first.user) == (0, "janvier.csv", "ab12", None)
    assert (second.rows, second.rows_added, second.rows_changed, second.rows_removed) == (3, 1, 1, 1)
    assert (second.user, second.note, second.parent) == ("analyste", "correction", 1)
    assert (third.rows_added, third.rows_changed, third.rows_removed) == (0, 0, 0)
    assert second.created_at.endswith("+00:00")
    pd.testing.assert_frame_equal(store.read(1), FIRST)
    pd.testing.assert_frame_equal(store.read(2), SECOND)


def test_diff_between_stored_versions(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    store.commit(SECOND, action="import", parent=1)
    diff = diff_observations(store.read(1), store.read(2))
    pd.testing.assert_frame_equal(diff.added, observations([("b", "2A004", "2024", "F", "15-17", 7, "S2")]))
    pd.testing.assert_frame_equal(diff.removed, observations([("a", "92004", "2024-01", "F", "11-14", 2, "S1")]))
    changed = diff.changed[["value_old", "value_new", "source_id_old", "source_id_new"]]
    assert changed.values.tolist() == [[3, 5, "S1", "S2"]]


def test_fingerprint_changes_with_each_version(store: ObservationStore):
    seen = {store.fingerprint()}
    for parent, table in enumerate([FIRST, SECOND, FIRST]):
        store.commit(table, action="import", parent=parent)
        seen.add(store.fingerprint())
    assert len(seen) == 4


def test_unknown_or_negative_versions_are_refused(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    with pytest.raises(LookupError):
        store.read(2)
    with pytest.raises(ValueError):
        store.read(-1)


def test_version_numbers_taken_from_a_table_are_accepted(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    version = pd.Series([1]).iloc[0]  # a numpy integer, as a page picking from a table has
    pd.testing.assert_frame_equal(store.read(version), FIRST)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (FIRST.drop(columns="source_id"), "source_id"),
        (FIRST.assign(extra=1), "extra"),
        (pd.concat([FIRST, FIRST.head(1)]), "double"),
        (FIRST.assign(territory_code=[92002, 92002, 92004]), "territory_code"),
        (FIRST.assign(value=[1.5, 2.0, 3.0]), "value"),
    ],
)
def test_invalid_tables_are_refused_before_anything_is_written(store: ObservationStore, table, message):
    with pytest.raises(ValueError, match=message):
        store.commit(table, action="import", parent=0)
    assert store.latest_version() == 0


def test_unknown_action_is_refused(store: ObservationStore):
    with pytest.raises(ValueError, match="Action"):
        store.commit(FIRST, action="delete", parent=0)
    assert store.latest_version() == 0


def test_rollback_publishes_a_copy_and_leaves_history_untouched(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    store.commit(SECOND, action="import", parent=1)
    restored = rollback(store, 1, baseline=BASELINE, user="analyste")
    assert (restored.version, restored.action, restored.restored_from, restored.parent) == (3, "rollback", 1, 2)
    assert (restored.rows_added, restored.rows_changed, restored.rows_removed, restored.user) == (1, 1, 1, "analyste")
    pd.testing.assert_frame_equal(store.read(), FIRST)
    pd.testing.assert_frame_equal(store.read(1), FIRST)
    pd.testing.assert_frame_equal(store.read(2), SECOND)

    to_demo = rollback(store, 0, baseline=BASELINE)
    assert (to_demo.version, to_demo.restored_from) == (4, 0)
    pd.testing.assert_frame_equal(store.read(), BASELINE)
    with pytest.raises(LookupError):
        rollback(store, 7, baseline=BASELINE)
    assert store.versions()[-1] == to_demo


@pytest.mark.parametrize("parent", [0, 5])
def test_commit_on_a_stale_parent_is_refused(store: ObservationStore, parent: int):
    store.commit(FIRST, action="import", parent=0)
    with pytest.raises(StaleParentError) as raised:
        store.commit(SECOND, action="import", parent=parent)
    assert (raised.value.expected, raised.value.actual) == (parent, 1)
    assert store.latest_version() == 1
    pd.testing.assert_frame_equal(store.read(), FIRST)


def test_commit_with_retry_re_merges_after_a_concurrent_import(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    theirs = observations([("c", "92002", "2024-02", "F", "11-14", 9, "S3")])
    ours = observations([("d", "92002", "2024-02", "F", "11-14", 8, "S4")])
    calls: list[int] = []

    def merge_ours(latest: pd.DataFrame | None, version: int) -> pd.DataFrame:
        calls.append(version)
        if len(calls) == 1:  # someone else publishes while we merge
            store.commit(upsert(latest, theirs), action="import", parent=version)
        return upsert(latest, ours)

    info = commit_with_retry(store, merge_ours, action="import", file_name="ours.csv")
    assert calls == [1, 2]
    assert (info.version, info.parent, info.rows_added, info.file_name) == (3, 2, 1, "ours.csv")
    assert set(store.read()["indicator_id"]) == {"a", "c", "d"}


def test_commit_if_changed_publishes_nothing_for_the_latest_rows(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    # The same keys and values under a new source are the same figures: nothing to publish.
    same = FIRST.assign(source_id="S9")
    assert (
        commit_if_changed(
            store,
            lambda latest, _version: upsert(latest, same),
            unchanged_at_zero=False,
            action="import",
            file_name="again.csv",
        )
        is None
    )
    assert store.latest_version() == 1
    pd.testing.assert_frame_equal(store.read(), FIRST)
    info = commit_if_changed(
        store,
        lambda latest, _version: upsert(latest, SECOND.iloc[:1]),
        unchanged_at_zero=False,
        action="import",
        file_name="new.csv",
    )
    assert (info.version, info.rows_changed) == (2, 1)


def test_commit_if_changed_before_any_version_follows_the_callers_comparison_with_the_demo(store: ObservationStore):
    assert commit_if_changed(store, lambda _latest, _version: BASELINE, unchanged_at_zero=True, action="import") is None
    assert store.latest_version() == 0
    info = commit_if_changed(
        store, lambda _latest, _version: FIRST, unchanged_at_zero=False, action="import", baseline=BASELINE
    )
    assert info.version == 1


def test_commit_if_changed_writes_when_another_version_lands_after_the_comparison(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    calls: list[int] = []

    def ours(latest: pd.DataFrame | None, version: int) -> pd.DataFrame:
        calls.append(version)
        if len(calls) == 1:  # equal to version 1, but version 2 is published before we conclude
            store.commit(SECOND, action="import", parent=version)
        return upsert(latest, FIRST)

    info = commit_if_changed(store, ours, unchanged_at_zero=False, action="import", file_name="ours.csv")
    assert calls == [1, 2] and info.version == 3
    assert set(store.read()["source_id"]) == {"S1", "S2"}


def test_a_large_version_commits_in_seconds(store: ObservationStore):
    rows = 100_000
    counts = np.random.default_rng(8).integers(0, 100, rows)
    large = pd.DataFrame(
        {
            "indicator_id": "victimes",
            "territory_code": [f"92{n % 36:03d}" for n in range(rows)],
            "period": [f"{2000 + n // 432}-{n // 36 % 12 + 1:02d}" for n in range(rows)],
            "sex": "F",
            "age_group": "11-14",
            "value": counts,
            "source_id": "S1",
        }
    ).astype(OBSERVATION_DTYPES)
    corrected = large.assign(value=counts + (np.arange(rows) % 10 == 0))
    for parent, table in enumerate([large, corrected]):
        started = time.perf_counter()
        info = store.commit(table, action="import", parent=parent)
        assert time.perf_counter() - started < 10
    assert (info.rows, info.rows_added, info.rows_changed, info.rows_removed) == (rows, 0, rows // 10, 0)
    pd.testing.assert_frame_equal(store.read(1), large)


def released_cells(value: int) -> pd.DataFrame:
    """A small protected lattice, as `store.protected` records one."""
    cells = suppress_small_counts(lattice(FIRST.assign(value=FIRST["value"] + value)), 5)
    assert len(cells) > 10
    return cells


def test_releases_are_recorded_in_order_and_read_back_exactly(store: ObservationStore):
    assert store.releases() == []
    store.commit(FIRST, action="import", parent=0)
    store.commit(SECOND, action="import", parent=1)
    first, second = released_cells(0), released_cells(3)
    one = store.record_release(1, 5, 2, "digest-1", first)
    two = store.record_release(2, 5, 2, "digest-2", second)
    assert [(info.release, info.version, info.k, info.rules, info.digest) for info in store.releases()] == [
        (1, 1, 5, 2, "digest-1"),
        (2, 2, 5, 2, "digest-2"),
    ]
    assert store.releases() == [one, two] and one.created_at.endswith("+00:00")
    pd.testing.assert_frame_equal(store.read_release(1), first)
    pd.testing.assert_frame_equal(store.read_release(2), second)
    with pytest.raises(LookupError):
        store.read_release(3)


def test_the_same_lattice_is_recorded_once(store: ObservationStore):
    """Two processes solving one version: the second finds the first's release, and gets it back."""
    store.commit(FIRST, action="import", parent=0)
    first = store.record_release(1, 5, 2, "digest", released_cells(0))
    again = store.record_release(1, 5, 2, "digest", released_cells(7))
    assert again == first and len(store.releases()) == 1
    pd.testing.assert_frame_equal(store.read_release(1), released_cells(0))
    other_k = store.record_release(1, 11, 2, "digest", released_cells(0))
    assert other_k.release == 2


def record_one_release(address: tuple[str, str], rank: int, barrier) -> None:
    store = open_store(address)
    store.releases()
    barrier.wait()
    store.record_release(1, 5, 2, "digest", released_cells(rank))


def test_replicas_recording_one_release_at_once_keep_one(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    assert run_together(record_one_release, [(store_address(store), rank) for rank in range(3)]) == [0, 0, 0]
    assert [info.release for info in store.releases()] == [1]


# --- Several processes at once ------------------------------------------------------------------


def import_own_rows(address: tuple[str, str], analyst: int, barrier) -> None:
    """One analyst's import, started at the same moment as the others (runs in a child process)."""
    own = observations(
        [
            (f"analyst_{analyst}", "92002", f"2024-{month:02d}", "F", "11-14", month, f"S{analyst}")
            for month in (1, 2, 3)
        ]
    )
    store = open_store(address)
    store.latest_version()  # connected (and the schema checked) before the start
    barrier.wait()
    commit_with_retry(store, lambda latest, _version: upsert(latest, own), action="import", file_name=f"{analyst}.csv")


def commit_once_on_version_one(address: tuple[str, str], analyst: int, barrier, outcomes) -> None:
    """A commit without retry, on a parent that only the first to commit will find current."""
    store = open_store(address)
    store.latest_version()
    barrier.wait()
    try:
        store.commit(SECOND.assign(value=analyst), action="import", parent=1)
        outcomes.put("published")
    except StaleParentError as error:
        outcomes.put(f"stale {error.expected}->{error.actual}")


def run_together(target, argument_lists: list[tuple]) -> list[int | None]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(argument_lists))
    # Each target takes (address, rank, barrier, *rest).
    processes = [
        context.Process(target=target, args=(*arguments[:2], barrier, *arguments[2:])) for arguments in argument_lists
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=90)
    return [process.exitcode for process in processes]


# The Parquet twin of this test is in store/test_store_contract.py: here, four replicas on one PostgreSQL.
def test_simultaneous_imports_all_land_in_order(database_url: str):
    store = PostgresStore(database_url)
    store.commit(FIRST, action="import", parent=0)
    fingerprint = store.fingerprint()
    exit_codes = run_together(import_own_rows, [(store_address(store), analyst) for analyst in range(4)])
    assert exit_codes == [0, 0, 0, 0]

    history = store.versions()
    assert [info.version for info in history] == [1, 2, 3, 4, 5]
    assert [info.parent for info in history] == [0, 1, 2, 3, 4]
    assert sorted(info.file_name for info in history[1:]) == [f"{analyst}.csv" for analyst in range(4)]
    assert all((info.rows_added, info.rows_changed, info.rows_removed) == (3, 0, 0) for info in history[1:])
    latest = store.read()
    assert len(latest) == len(FIRST) + 4 * 3
    assert set(latest["indicator_id"]) == {"a", *(f"analyst_{n}" for n in range(4))}
    assert not latest.duplicated(OBSERVATION_KEY).any()
    assert store.fingerprint() != fingerprint


def test_of_two_commits_on_the_same_parent_exactly_one_lands(store: ObservationStore):
    store.commit(FIRST, action="import", parent=0)
    outcomes = multiprocessing.get_context("spawn").Queue()
    exit_codes = run_together(commit_once_on_version_one, [(store_address(store), n, outcomes) for n in (1, 2)])
    assert exit_codes == [0, 0]
    assert sorted(outcomes.get(timeout=5) for _ in range(2)) == ["published", "stale 1->2"]
    assert [info.version for info in store.versions()] == [1, 2]


# --- PostgreSQL only ------------------------------------------------------------------------------


def test_schema_is_created_on_first_use_of_an_empty_database(postgres_server):
    with fresh_database(postgres_server, migrated=False) as url:
        store = PostgresStore(url)
        assert store.latest_version() == 0
        store.commit(FIRST, action="import", parent=0)
        assert upgrade_database(url) == HEAD_REVISION  # nothing left to do
        with psycopg.connect(libpq_url(url)) as connection:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]


def upgrade_when_told(address: tuple[str, str], _rank: int, barrier) -> None:
    barrier.wait()
    assert upgrade_database(address[1]) == HEAD_REVISION


def test_replicas_starting_together_migrate_once(postgres_server):
    with fresh_database(postgres_server, migrated=False) as url:
        assert run_together(upgrade_when_told, [(("postgres", url), rank) for rank in range(3)]) == [0, 0, 0]
        assert PostgresStore(url).versions() == []


def test_migrations_create_exactly_the_tables_the_store_queries(database_url: str):
    engine = create_engine(normalised_url(database_url), poolclass=NullPool)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE observations SET value = value + 1",
        "DELETE FROM observation_versions",
        "UPDATE audit_log SET who = 'quelqu''un d''autre'",
        "TRUNCATE observations, observation_versions, audit_log, secret_releases",
        "UPDATE secret_releases SET k = 2",
        "DELETE FROM secret_releases",
    ],
)
def test_published_rows_and_audit_entries_cannot_be_changed(database_url: str, statement: str):
    store = PostgresStore(database_url)
    store.commit(FIRST, action="import", parent=0)
    store.record_release(1, 5, 2, "digest", released_cells(0))
    record_audit(database_url, "import", "analyste", version=1)
    with (
        psycopg.connect(libpq_url(database_url)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="ajouts"),
    ):
        connection.execute(statement)
    pd.testing.assert_frame_equal(PostgresStore(database_url).read(), FIRST)
    assert len(read_audit(database_url)) == 1
    assert [info.k for info in store.releases()] == [5]


KILLED_COMMIT = """
import os, sys
import pandas as pd
import indicators.store.postgres as store_postgres

def die_before_committing(*args, **kwargs):
    os._exit(9)

store_postgres._counts_since = die_before_committing  # called once the rows are copied
store_postgres.PostgresStore(sys.argv[1]).commit(pd.read_parquet(sys.argv[2]), action="import", parent=1)
"""


def test_import_killed_before_committing_leaves_previous_version_and_lock_free(database_url: str, tmp_path: Path):
    store = PostgresStore(database_url)
    store.commit(FIRST, action="import", parent=0)
    incoming = tmp_path / "incoming.parquet"
    SECOND.to_parquet(incoming, index=False)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC_DIR), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.run(
        [sys.executable, "-c", KILLED_COMMIT, database_url, str(incoming)],
        env=environment,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == 9, child.stderr.decode()

    assert [info.version for info in store.versions()] == [1]
    pd.testing.assert_frame_equal(store.read(), FIRST)
    assert store.commit(SECOND, action="import", parent=1).version == 2  # the lock died with the child
    with psycopg.connect(libpq_url(database_url)) as connection:
        assert connection.execute("SELECT version, count(*) FROM observations GROUP BY 1 ORDER BY 1").fetchall() == [
            (1, 3),
            (2, 3),
        ]


def test_cached_versions_are_shared_and_only_while_asked(database_url: str):
    PostgresStore(database_url).commit(FIRST, action="import", parent=0)
    cached, uncached = PostgresStore(database_url, cached_versions=2), PostgresStore(database_url)
    assert cached.read() is cached.read(1)
    assert uncached.read() is not uncached.read()


def test_audit_entries_read_back_as_the_file_log_does(database_url: str, tmp_path: Path):
    for record in (
        lambda *args, **details: audit.record(tmp_path, *args, **details),
        lambda *args, **details: record_audit(database_url, *args, **details),
    ):
        record("import", "analyste@example.fr", file_name="février.csv", sha256="ab12", version=3)
        record("connexion", None, result="échec")
    from_file, from_database = audit.read_entries(tmp_path), read_audit(database_url)
    assert [{**entry, "time": None} for entry in from_database] == [{**entry, "time": None} for entry in from_file]
    assert from_database[1]["who"] == "inconnu"
    assert all(entry["time"].endswith("+00:00") and len(entry["time"]) == 25 for entry in from_database)


def test_one_address_s_sign_ins_read_back_as_the_file_log_does(database_url: str, tmp_path: Path, monkeypatch):
    """The sign-in throttle reads one client address's recent attempts: the same from the database as from the file."""
    long_ago, now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC), datetime.now(UTC)
    attempts = [
        ("203.0.113.66", "échec", long_ago),
        ("203.0.113.66", "échec", now),
        ("198.51.100.20", "réussie", now),
        ("203.0.113.66", "refusée (trop d'essais)", now),
    ]
    found = []
    for url in (None, database_url):
        if url:
            monkeypatch.setenv("DATABASE_URL", url)
        for address, result, moment in attempts:
            audit.record_sign_in(tmp_path, None, result, client_address=address, method="mot de passe", at=moment)
        audit.record(tmp_path, "import", "analyste", client_address="203.0.113.66")  # not a sign-in
        found.append(audit.sign_ins_from(tmp_path, "203.0.113.66", now - timedelta(hours=1)))
    from_file, from_database = found
    assert [entry["result"] for entry in from_database] == ["échec", "refusée (trop d'essais)"]
    assert [{**entry, "time": None} for entry in from_database] == [{**entry, "time": None} for entry in from_file]
    assert [entry["time"] for entry in from_database] == [entry["time"] for entry in from_file]


# --- Choosing the store ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (None, None),
        ("  ", None),
        ("postgresql://app:s%40cret@db:5432/indicateurs", "postgresql+psycopg://app:s%40cret@db:5432/indicateurs"),
        ("postgres://app@db/indicateurs", "postgresql+psycopg://app@db/indicateurs"),
        ("postgresql+psycopg://app@db/indicateurs", "postgresql+psycopg://app@db/indicateurs"),
    ],
)
def test_database_url_chooses_the_store(monkeypatch, tmp_path: Path, configured: str | None, expected: str | None):
    if configured is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", configured)
    chosen = observation_store(tmp_path, cached_versions=2)
    if expected is None:
        assert isinstance(chosen, ParquetStore) and chosen.folder == tmp_path / "store"
    else:
        assert isinstance(chosen, PostgresStore) and chosen.url == expected
        assert "s%40cret" not in repr(chosen)


def test_without_database_url_the_server_never_imports_sqlalchemy(tmp_path: Path):
    # The Parquet store's servers keep SQLAlchemy, Alembic and psycopg out of memory (and out of
    # every garbage collection): a fresh interpreter opens the store and reads the audit log.
    code = (
        "import sys; from pathlib import Path; from indicators.loading import observation_store; "
        "from indicators.store import audit; "
        f"store = observation_store(Path({str(tmp_path)!r})); audit.read_entries(Path({str(tmp_path)!r})); "
        "print(type(store).__name__, sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules))"
    )
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    assert shown.stdout.split() == ["ParquetStore", "[]"]


def test_a_database_url_of_another_kind_is_refused(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("DATABASE_URL", "mysql://app@db/indicateurs")
    with pytest.raises(ValueError, match="postgresql://"):
        observation_store(tmp_path)


# --- Random histories: both stores agree ------------------------------------------------------------

ROWS = st.dictionaries(
    keys=st.tuples(
        st.sampled_from(["a", "b"]),
        st.sampled_from(["92002", "2A004"]),
        st.sampled_from(["2024-01", "2024"]),
        st.sampled_from(["F", "M"]),
        st.just("11-14"),
    ),
    values=st.tuples(st.integers(0, 5), st.sampled_from(["S1", "S2"])),
    max_size=6,
)
OPERATIONS = st.lists(
    st.one_of(st.tuples(st.just("import"), ROWS), st.tuples(st.just("rollback"), st.integers(0, 5))),
    min_size=1,
    max_size=6,
)


def table_from(rows: dict[tuple, tuple]) -> pd.DataFrame:
    return observations([(*key, value, source) for key, (value, source) in rows.items()])


def apply(store: ObservationStore, operation: tuple) -> None:
    kind, argument = operation
    if kind == "import":
        commit_with_retry(store, lambda _latest, _version: table_from(argument), action="import", baseline=BASELINE)
    elif argument <= store.latest_version():
        rollback(store, argument, baseline=BASELINE)


# No example database: the test must not leave a .hypothesis folder in the repository.
@settings(max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_random_histories_are_the_same_in_both_stores(postgres_server, tmp_path_factory, operations):
    with fresh_database(postgres_server) as url:
        stores = [ParquetStore(tmp_path_factory.mktemp("history") / "store"), PostgresStore(url)]
        for operation in operations:
            for store in stores:
                apply(store, operation)
        parquet, postgres = ([replace(info, created_at="") for info in store.versions()] for store in stores)
        assert parquet == postgres
        for info in parquet:
            pd.testing.assert_frame_equal(stores[0].read(info.version), stores[1].read(info.version))
