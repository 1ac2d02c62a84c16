"""Each data version's protected lattice is solved once, kept in the data folder, and read back."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest

import indicators.secret.releases as kept
from indicators.loading import DataTables
from indicators.secret.releases import (
    KEPT_ON_DISK,
    PROTECTED_FOLDER,
    forget_in_memory,
    protected_cells,
    protection_key,
)
from indicators.secret.suppression import solve_protected_cells
from indicators.territories import interco_of


@pytest.fixture()
def small(tables: DataTables) -> DataTables:
    """One year of the demo's observations in a few communes: a lattice solved in a fraction of a second."""
    observations = tables.field_observations
    communes = sorted(observations["territory_code"].unique())[:6]
    recent = observations.loc[
        (observations["period"].astype(str) >= "2025") & observations["territory_code"].isin(communes)
    ].reset_index(drop=True)
    return dataclasses.replace(tables, field_observations=recent)


@pytest.fixture(autouse=True)
def cold_memory():
    forget_in_memory()
    yield
    forget_in_memory()


@pytest.fixture()
def solves(monkeypatch) -> list[int]:
    """Counts the times the lattice is solved (rather than read from memory or disk)."""
    calls: list[int] = []

    def counted(tables: DataTables, k: int, earlier=()) -> pd.DataFrame:
        calls.append(k)
        return solve_protected_cells(tables, k, earlier)

    monkeypatch.setattr(kept, "solve_protected_cells", counted)
    return calls


def kept_files(folder: Path) -> list[Path]:
    return sorted((folder / PROTECTED_FOLDER).glob("*.parquet"))


def test_a_version_is_solved_once_then_read_back_from_the_data_folder(small, tmp_path, solves):
    first = protected_cells(small, 5, tmp_path)
    assert solves == [5] and len(kept_files(tmp_path)) == 1
    forget_in_memory()  # a new process: a restart, or the command line after the pages
    again = protected_cells(small, 5, tmp_path)
    assert solves == [5]
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(again, kept.shown_cells(solve_protected_cells(small, 5)))


def test_callers_get_their_own_copy(small, tmp_path):
    first = protected_cells(small, 5, tmp_path)
    first.loc[:, "suppressed"] = False
    assert protected_cells(small, 5, tmp_path)["suppressed"].any()


def test_other_observations_or_another_k_are_another_lattice(small, tmp_path, solves):
    protected_cells(small, 5, tmp_path)
    changed = small.field_observations.copy()
    changed.loc[0, "value"] = changed.loc[0, "value"] + 1
    other = dataclasses.replace(small, field_observations=changed)
    assert protection_key(other, 5) != protection_key(small, 5) != protection_key(small, 11)
    protected_cells(other, 5, tmp_path)
    protected_cells(small, 11, tmp_path)
    assert solves == [5, 5, 11] and len(kept_files(tmp_path)) == 3


def test_a_damaged_kept_lattice_is_solved_again(small, tmp_path, solves):
    protected_cells(small, 5, tmp_path)
    (file,) = kept_files(tmp_path)
    file.write_bytes(b"not parquet")
    forget_in_memory()
    pd.testing.assert_frame_equal(
        protected_cells(small, 5, tmp_path), kept.shown_cells(solve_protected_cells(small, 5))
    )
    assert solves == [5, 5]


def test_only_the_latest_lattices_stay_on_disk(small, tmp_path):
    for k in range(3, 4 + KEPT_ON_DISK):
        protected_cells(small, k, tmp_path)
    files = kept_files(tmp_path)
    assert len(files) == KEPT_ON_DISK
    assert (tmp_path / PROTECTED_FOLDER / f"{protection_key(small, 3 + KEPT_ON_DISK)}.parquet") in files


def test_a_read_only_data_folder_still_gets_its_lattice(small, tmp_path, monkeypatch):
    def refused(path: Path, cells: pd.DataFrame) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(kept, "_write", refused)
    assert protected_cells(small, 5, tmp_path)["suppressed"].any()
    assert kept_files(tmp_path) == []


def test_callers_asking_at_once_wait_for_one_solve(small, tmp_path, monkeypatch):
    import threading
    import time

    calls: list[int] = []

    def slow(tables: DataTables, k: int) -> pd.DataFrame:
        calls.append(k)
        time.sleep(0.3)  # long enough for the other callers to arrive while it solves
        return solve_protected_cells(tables, k)

    monkeypatch.setattr(kept, "solve_protected_cells", slow)
    results: list[pd.DataFrame] = []
    callers = [threading.Thread(target=lambda: results.append(protected_cells(small, 5, tmp_path))) for _ in range(4)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(timeout=60)
    assert calls == [5] and len(results) == 4
    for result in results[1:]:
        pd.testing.assert_frame_equal(result, results[0])


def test_a_version_is_prepared_in_the_background_for_later_viewers(data_copy, solves):
    import shutil

    from indicators.loading import load_tables

    shutil.rmtree(data_copy / PROTECTED_FOLDER, ignore_errors=True)  # the repository's own kept lattices
    kept.prepare_in_background(data_copy, 5).join(timeout=120)
    assert solves == [5] and len(kept_files(data_copy)) == 1
    forget_in_memory()  # the pages of another process, later
    cells = protected_cells(load_tables(data_copy), 5, data_copy)
    assert len(cells) > 0 and cells["suppressed"].any()
    assert solves == [5]


def test_a_failed_preparation_is_logged_not_raised(data_copy, expected_page_errors, caplog):
    import shutil

    shutil.rmtree(data_copy / PROTECTED_FOLDER, ignore_errors=True)
    (data_copy / "sources.csv").write_text("not;a;sources;table\n", encoding="utf-8")
    with caplog.at_level("ERROR", logger="indicators.errors"):
        kept.prepare_in_background(data_copy, 5).join(timeout=60)
    assert kept_files(data_copy) == []
    assert any("préparation du secret statistique" in record.getMessage() for record in caplog.records)


# --- Stored versions: releases ----------------------------------------------------------------------


def store_folder(data_copy: Path, versions: list[pd.DataFrame]) -> Path:
    """`data_copy` whose store holds `versions` in order (imports), nothing viewed yet."""
    from indicators.loading import observation_store

    shutil.rmtree(data_copy / PROTECTED_FOLDER, ignore_errors=True)  # the repository's own kept lattices
    store = observation_store(data_copy)
    for position, observations in enumerate(versions):
        store.commit(observations, action="import", parent=position, file_name=f"v{position + 1}.csv")
    return data_copy


def as_imported(observations: pd.DataFrame) -> pd.DataFrame:
    return observations.assign(source_id="IMPORT_000001")


def test_a_stored_version_is_a_release_recorded_once_and_read_back_by_another_process(small, data_copy, solves):
    from indicators.loading import load_tables, observation_store

    folder = store_folder(data_copy, [as_imported(small.field_observations)])
    first = protected_cells(load_tables(folder), 5, folder)
    releases = observation_store(folder).releases()
    assert [(info.release, info.version, info.k) for info in releases] == [(1, 1, 5)] and len(solves) == 1
    forget_in_memory()  # the command line, or a second replica
    pd.testing.assert_frame_equal(protected_cells(load_tables(folder), 5, folder), first)
    assert len(solves) == 1 and len(observation_store(folder).releases()) == 1
    assert not kept_files(folder), "a stored version's lattice lives in the store, not in protected/"


def test_each_release_is_solved_against_the_earlier_ones_and_a_rollback_is_one_too(small, data_copy, monkeypatch):
    from indicators.loading import load_tables, observation_store
    from indicators.store.commits import rollback

    histories: list[int] = []

    def counted(tables: DataTables, k: int, earlier=()) -> pd.DataFrame:
        histories.append(len(earlier))
        return solve_protected_cells(tables, k, earlier)

    monkeypatch.setattr(kept, "solve_protected_cells", counted)
    observations = as_imported(small.field_observations)
    folder = store_folder(data_copy, [observations])
    protected_cells(load_tables(folder), 5, folder)
    store = observation_store(folder)
    store.commit(
        observations.assign(value=observations["value"] + (observations.index == 3)), action="import", parent=1
    )
    protected_cells(load_tables(folder), 5, folder)
    rollback(store, 1, baseline=None, user="test")
    protected_cells(load_tables(folder), 5, folder)
    assert histories == [0, 1, 2]
    assert [info.version for info in store.releases()] == [1, 2, 3]


def test_versions_shown_before_releases_were_recorded_are_recorded_as_then_shown(small, data_copy, solves):
    """A store from before: its earlier versions were shown, each solved alone; the latest is solved
    against them."""
    from indicators.loading import load_tables, observation_store

    observations = as_imported(small.field_observations)
    corrected = observations.assign(value=observations["value"] + (observations.index == 0) * 5)
    folder = store_folder(data_copy, [observations, corrected])
    protected_cells(load_tables(folder), 5, folder)
    releases = observation_store(folder).releases()
    assert [(info.version, info.rules) for info in releases] == [(1, kept.FIRST_RULES), (2, kept.SECRET_RULES_VERSION)]
    first = observation_store(folder).read_release(1)
    pd.testing.assert_frame_equal(
        first, solve_protected_cells(dataclasses.replace(small, field_observations=observations), 5)
    )


def test_the_probes_scenario_through_the_store_leaves_nothing_to_recover(tables, data_copy):
    """The probe's history, as the app lives it: a full file imported and viewed (pages, CSV,
    `export`), then one cell corrected from 2 to 7 and viewed again."""
    from indicators.loading import load_tables, observation_store
    from secret_attacker import Release, recovered_cells

    first = as_imported(tables.field_observations)
    cell = (
        (first["indicator_id"] == "consultations_sexologie")
        & (first["territory_code"] == "92004")
        & (first["period"] == "2025-06")
        & (first["sex"] == "F")
        & (first["age_group"] == "15-17")
    )
    folder = store_folder(data_copy, [first])
    before = protected_cells(load_tables(folder), 5, folder)
    observation_store(folder).commit(first.assign(value=first["value"].where(~cell, 7)), action="import", parent=1)
    after = protected_cells(load_tables(folder), 5, folder)
    second = observation_store(folder).read(2)
    hierarchy = interco_of(tables.territories)
    found = recovered_cells([Release(first, before), Release(second, after)], hierarchy, every_block=False)
    assert found.empty, found
