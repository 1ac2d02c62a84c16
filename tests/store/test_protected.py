"""Each data version's protected lattice is solved once, kept in the data folder, and read back."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import indicators.store.protected as kept
from indicators.loading import DataTables
from indicators.store.protected import (
    KEPT_ON_DISK,
    PROTECTED_FOLDER,
    forget_in_memory,
    protected_cells,
    protection_key,
)
from indicators.suppression import solve_protected_cells


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

    def counted(tables: DataTables, k: int) -> pd.DataFrame:
        calls.append(k)
        return solve_protected_cells(tables, k)

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
    pd.testing.assert_frame_equal(again, solve_protected_cells(small, 5))


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
    pd.testing.assert_frame_equal(protected_cells(small, 5, tmp_path), solve_protected_cells(small, 5))
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
