"""The versioned observation store: roundtrips, history counts, rollbacks, concurrent and killed imports."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from store_rows import BASELINE, FIRST, SECOND, observations, upsert

from indicators.store.commits import commit_with_retry, rollback
from indicators.store.contract import (
    OBSERVATION_KEY,
    ObservationStore,
    StaleParentError,
)
from indicators.store.diff import diff_observations
from indicators.store.parquet import ParquetStore

SRC_DIR = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture()
def store(tmp_path: Path) -> ParquetStore:
    return ParquetStore(tmp_path / "store")


def test_diff_reports_added_removed_and_value_changes_exactly():
    diff = diff_observations(FIRST, SECOND)
    pd.testing.assert_frame_equal(diff.added, observations([("b", "2A004", "2024", "F", "15-17", 7, "S2")]))
    pd.testing.assert_frame_equal(diff.removed, observations([("a", "92004", "2024-01", "F", "11-14", 2, "S1")]))
    expected_changed = pd.DataFrame(
        [("a", "92002", "2024-01", "F", "11-14", 3, 5, "S1", "S2")],
        columns=[*OBSERVATION_KEY, "value_old", "value_new", "source_id_old", "source_id_new"],
    ).astype({"value_old": "int64", "value_new": "int64"})
    pd.testing.assert_frame_equal(diff.changed, expected_changed)


def test_diff_of_identical_tables_is_empty():
    diff = diff_observations(FIRST, FIRST.iloc[::-1])
    assert (len(diff.added), len(diff.removed), len(diff.changed)) == (0, 0, 0)


def test_empty_store_has_no_version_and_creates_nothing(store: ParquetStore):
    assert isinstance(store, ObservationStore)
    assert store.versions() == []
    assert store.latest_version() == 0
    assert store.read() is None and store.read(0) is None
    assert store.fingerprint() == "0"
    assert not store.folder.exists()


def test_roundtrip_keeps_values_and_dtypes(store: ParquetStore):
    table = observations(
        [
            ("a", "2A004", "2024", "F", "11-14", 2**40, "S1"),
            ("a", "92002", "2024-01", "M", "15-17", 0, "S1"),
        ]
    )
    store.commit(table, action="import", parent=0)
    read_back = store.read()
    pd.testing.assert_frame_equal(read_back, table)
    assert read_back["territory_code"].tolist() == ["2A004", "92002"]
    assert pd.api.types.is_string_dtype(read_back["period"])
    assert read_back["value"].dtype == "int64"


def test_versions_are_numbered_with_exact_counts(store: ParquetStore):
    first = store.commit(FIRST, action="import", parent=0, baseline=BASELINE, file_name="janvier.csv", sha256="ab12")
    second = store.commit(SECOND, action="import", parent=1, user="analyste", note="correction")
    third = store.commit(SECOND, action="import", parent=2)
    assert [info.version for info in store.versions()] == [1, 2, 3]
    assert store.versions() == [first, second, third]
    # Version 1 is compared with the demo baseline: 3 rows added, the demo row removed.
    assert (first.rows, first.rows_added, first.rows_changed, first.rows_removed) == (3, 3, 0, 1)
    assert (first.parent, first.file_name, first.sha256) == (0, "janvier.csv", "ab12")
    assert (second.rows, second.rows_added, second.rows_changed, second.rows_removed) == (3, 1, 1, 1)
    assert (second.user, second.note, second.parent) == ("analyste", "correction", 1)
    assert (third.rows_added, third.rows_changed, third.rows_removed) == (0, 0, 0)
    assert second.created_at.endswith("+00:00")
    pd.testing.assert_frame_equal(store.read(1), FIRST)
    pd.testing.assert_frame_equal(store.read(2), SECOND)


def test_fingerprint_changes_with_each_version(store: ParquetStore):
    seen = {store.fingerprint()}
    for parent, table in enumerate([FIRST, SECOND, FIRST]):
        store.commit(table, action="import", parent=parent)
        seen.add(store.fingerprint())
    assert len(seen) == 4


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
def test_invalid_tables_are_refused_before_anything_is_written(store: ParquetStore, table, message):
    with pytest.raises(ValueError, match=message):
        store.commit(table, action="import", parent=0)
    assert not store.folder.exists()


def test_unknown_action_is_refused(store: ParquetStore):
    with pytest.raises(ValueError, match="Action"):
        store.commit(FIRST, action="delete", parent=0)


def test_rollback_publishes_a_copy_and_leaves_history_untouched(store: ParquetStore):
    store.commit(FIRST, action="import", parent=0)
    store.commit(SECOND, action="import", parent=1)
    restored = rollback(store, 1, baseline=BASELINE, user="analyste")
    assert (restored.version, restored.action, restored.restored_from, restored.parent) == (3, "rollback", 1, 2)
    assert (restored.rows_added, restored.rows_changed, restored.rows_removed) == (1, 1, 1)
    pd.testing.assert_frame_equal(store.read(), FIRST)
    pd.testing.assert_frame_equal(store.read(1), FIRST)
    pd.testing.assert_frame_equal(store.read(2), SECOND)

    to_demo = rollback(store, 0, baseline=BASELINE)
    assert (to_demo.version, to_demo.restored_from) == (4, 0)
    pd.testing.assert_frame_equal(store.read(), BASELINE)


def test_rollback_to_an_unknown_version_fails(store: ParquetStore):
    store.commit(FIRST, action="import", parent=0)
    with pytest.raises(LookupError):
        rollback(store, 7, baseline=BASELINE)
    assert store.latest_version() == 1


@pytest.mark.parametrize("parent", [0, 5])
def test_commit_on_a_stale_parent_is_refused(store: ParquetStore, parent: int):
    store.commit(FIRST, action="import", parent=0)
    with pytest.raises(StaleParentError) as raised:
        store.commit(SECOND, action="import", parent=parent)
    assert (raised.value.expected, raised.value.actual) == (parent, 1)
    assert store.latest_version() == 1


def test_commit_with_retry_re_merges_after_a_concurrent_import(store: ParquetStore):
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
    assert (info.version, info.parent, info.rows_added) == (3, 2, 1)
    assert set(store.read()["indicator_id"]) == {"a", "c", "d"}


def import_own_rows(folder: str, analyst: int, barrier) -> None:
    """One analyst's import, started at the same moment as the others (runs in a child process)."""
    own = observations(
        [
            (f"analyst_{analyst}", "92002", f"2024-{month:02d}", "F", "11-14", month, f"S{analyst}")
            for month in (1, 2, 3)
        ]
    )
    store = ParquetStore(Path(folder))
    barrier.wait()
    commit_with_retry(store, lambda latest, _version: upsert(latest, own), action="import", file_name=f"{analyst}.csv")


def test_simultaneous_imports_all_land_in_order(store: ParquetStore):
    store.commit(FIRST, action="import", parent=0)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    analysts = [context.Process(target=import_own_rows, args=(str(store.folder), n, barrier)) for n in range(4)]
    for process in analysts:
        process.start()
    for process in analysts:
        process.join(timeout=60)
    assert [process.exitcode for process in analysts] == [0, 0, 0, 0]

    history = store.versions()
    assert [info.version for info in history] == [1, 2, 3, 4, 5]
    assert [info.parent for info in history] == [0, 1, 2, 3, 4]
    assert all(info.rows_added == 3 for info in history[1:])
    latest = store.read()
    assert len(latest) == len(FIRST) + 4 * 3
    assert set(latest["indicator_id"]) == {"a", *(f"analyst_{n}" for n in range(4))}
    assert not latest.duplicated(OBSERVATION_KEY).any()


KILLED_IMPORT = """
import os, sys
from pathlib import Path
import pandas as pd
from indicators.store.parquet import ParquetStore

def die_before_publishing(*args, **kwargs):
    os._exit(9)

os.rename = die_before_publishing
store = ParquetStore(Path(sys.argv[1]))
store.commit(pd.read_parquet(sys.argv[2]), action="import", parent=1)
"""


def test_import_killed_before_publishing_leaves_previous_version_intact(store: ParquetStore, tmp_path: Path):
    store.commit(FIRST, action="import", parent=0)
    incoming = tmp_path / "incoming.parquet"
    SECOND.to_parquet(incoming, index=False)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC_DIR), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.run(
        [sys.executable, "-c", KILLED_IMPORT, str(store.folder), str(incoming)],
        env=environment,
        capture_output=True,
        timeout=60,
    )
    assert child.returncode == 9, child.stderr.decode()

    leftovers = [entry for entry in (store.folder / "versions").iterdir() if entry.name.startswith(".")]
    assert len(leftovers) == 1
    assert {entry.name for entry in leftovers[0].iterdir()} == {"observations.parquet", "meta.json"}
    assert store.latest_version() == 1
    assert [info.version for info in store.versions()] == [1]
    pd.testing.assert_frame_equal(store.read(), FIRST)

    following = store.commit(SECOND, action="import", parent=1)
    assert following.version == 2
    pd.testing.assert_frame_equal(store.read(), SECOND)
    assert not leftovers[0].exists()


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


def table_from(rows: dict[tuple, tuple]) -> pd.DataFrame:
    return observations([(*key, value, source) for key, (value, source) in rows.items()])


class StoreHistory(RuleBasedStateMachine):
    """Any sequence of imports and rollbacks keeps versions consecutive and every version as committed."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.store = ParquetStore(Path(self.folder.name) / "store")
        self.committed: dict[int, pd.DataFrame] = {0: BASELINE}

    @rule(rows=ROWS)
    def import_table(self, rows: dict[tuple, tuple]) -> None:
        table = table_from(rows)
        info = commit_with_retry(self.store, lambda _latest, _version: table, action="import", baseline=BASELINE)
        self.committed[info.version] = table

    @precondition(lambda machine: len(machine.committed) > 1)
    @rule(data=st.data())
    def roll_back(self, data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(sorted(self.committed)))
        info = rollback(self.store, target, baseline=BASELINE)
        self.committed[info.version] = self.committed[target]

    @invariant()
    def versions_are_consecutive_and_unchanged(self) -> None:
        history = self.store.versions()
        assert [info.version for info in history] == list(range(1, len(self.committed)))
        for info in history:
            pd.testing.assert_frame_equal(self.store.read(info.version), self.committed[info.version])
            diff = diff_observations(self.committed[info.parent], self.committed[info.version])
            assert (info.rows_added, info.rows_changed, info.rows_removed) == (
                len(diff.added),
                len(diff.changed),
                len(diff.removed),
            )

    def teardown(self) -> None:
        self.folder.cleanup()


# No example database: the test must not leave a .hypothesis folder in the repository.
StoreHistory.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_histories_keep_every_version = StoreHistory.TestCase


# --- The fast diff (integer keys) gives what an outer merge gives ----------------------------

KEYS = st.tuples(
    st.sampled_from(["a", "b", "B", "é", "z_1"]),
    st.sampled_from(["92002", "2A004", "92050"]),
    st.sampled_from(["2024", "2024-01", "2023-12"]),
    st.sampled_from(["F", "M", "ensemble"]),
    st.sampled_from(["11-14", "ensemble"]),
)


def table_strategy(sources: list[str]):
    rows = st.lists(
        st.tuples(KEYS, st.integers(0, 3), st.sampled_from(sources)), max_size=25, unique_by=lambda row: row[0]
    )
    return rows.map(lambda rows: observations([(*key, value, source) for key, value, source in rows]))


@settings(max_examples=150, deadline=None, database=None)
@given(old=table_strategy(["S1", "S2"]), new=table_strategy(["S1", "S3"]), shuffle=st.randoms(use_true_random=False))
def test_fast_diff_equals_the_outer_merge(old, new, shuffle):
    from indicators.store.diff import diff_by_merge, diff_counts

    old.index = shuffle.sample(range(1_000), len(old))  # any index: rows are matched on their keys
    fast, merged = diff_observations(old, new), diff_by_merge(old, new)
    for part in ("added", "removed", "changed"):
        pd.testing.assert_frame_equal(getattr(fast, part), getattr(merged, part))
    assert diff_counts(old, new) == (len(merged.added), len(merged.changed), len(merged.removed))


def test_cached_reads_share_a_version_and_notice_a_replaced_file(tmp_path: Path):
    store = ParquetStore(tmp_path / "store", cached_versions=1)
    store.commit(FIRST, action="import", parent=0)
    assert store.read(1) is store.read(1)
    store.commit(SECOND, action="import", parent=1)
    pd.testing.assert_frame_equal(store.read(2), SECOND)
    assert len(store._cache) == 1  # bounded: the older table was let go
    # A store folder rebuilt by hand has a new file under the same number: it is read again.
    path = tmp_path / "store" / "versions" / "000002" / "observations.parquet"
    replaced = SECOND.assign(value=SECOND["value"] + 1)
    path.unlink()
    replaced.to_parquet(path, index=False)
    pd.testing.assert_frame_equal(store.read(2), replaced)
