"""The statistical secret across successive releases: a viewer who saved every public table
(before and after each import, correction or rollback) recovers no hidden cell of any of them.

The attacker (`tests/secret_attacker.py`) is written without the package's lattice or relations:
it knows which rows feed each cell and which rows did not change, and solves every release at
once in floating point. The package solves each release with the earlier ones as constraints
(`suppression.suppress_small_counts(..., earlier=...)`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.ingest.pipeline import merge_observations
from indicators.loading import DataTables
from indicators.secret.lattice import lattice
from indicators.secret.suppression import cell_identities, suppress_small_counts
from indicators.territories import interco_of
from secret_attacker import Release, blocks, recovered_cells

K = 5
SPLITS = {
    "none": [("ensemble", "ensemble")],
    "sex": [("F", "ensemble"), ("M", "ensemble")],
    "crossed": [(sex, age) for sex in ("F", "M") for age in ("11-14", "15-17")],
}


def releases_of(versions: list[pd.DataFrame], hierarchy: dict[str, str], with_history: bool = True) -> list[Release]:
    """Each version solved as the package does (with the earlier releases, or alone as before)."""
    solved: list[pd.DataFrame] = []
    for observations in versions:
        solved.append(suppress_small_counts(lattice(observations, hierarchy), K, solved if with_history else ()))
    return [Release(observations, cells) for observations, cells in zip(versions, solved)]


# --- The probe's scenario, on the shipped observations --------------------------------------------

CORRECTED = {
    "indicator_id": "consultations_sexologie",
    "territory_code": "92004",
    "period": "2025-06",
    "sex": "F",
    "age_group": "15-17",
}


@pytest.fixture(scope="module")
def corrected_history(tables: DataTables) -> tuple[list[pd.DataFrame], dict[str, str]]:
    """Version 1, a full file; version 2, one cell corrected from 2 to 7 (a small count grows past k)."""
    first = tables.field_observations
    cell = np.logical_and.reduce([first[column] == value for column, value in CORRECTED.items()])
    assert first.loc[cell, "value"].tolist() == [2]
    second = first.assign(value=first["value"].where(~cell, 7))
    return [first, second], interco_of(tables.territories)


def test_the_probes_differencing_attack_recovers_nothing_across_the_two_versions(corrected_history):
    versions, hierarchy = corrected_history
    releases = releases_of(versions, hierarchy)
    found = recovered_cells(releases, hierarchy, every_block=False)
    assert found.empty, found
    # The correction is not hidden for nothing: every cell it did not touch reads as before.
    before, after = (release.cells for release in releases)
    assert (before["suppressed"] == after["suppressed"]).all()


def test_the_same_attack_succeeds_when_each_version_is_solved_alone(corrected_history):
    """What the probe did: each version alone is safe, the two together are not."""
    versions, hierarchy = corrected_history
    releases = releases_of(versions, hierarchy, with_history=False)
    # Where the versions differ, each alone gives nothing back (elsewhere each is the first version
    # alone, which test_releases and test_hierarchy_secret attack whole).
    differing = blocks(releases, every_block=False)
    assert differing
    for release in releases:
        assert recovered_cells([release], hierarchy, within=differing).empty
    found = recovered_cells(releases, hierarchy, every_block=False)
    first_version = found.loc[found["release"] == 0]
    assert len(first_version) >= 10
    assert (first_version["recovered"].round() == first_version["value"]).all(), "the attack gives the true counts"
    # Among them, the ones the probe reported: 92009 in the second quarter of 2025 was 4.
    quarter = first_version.loc[
        (first_version["territory_code"] == "92009")
        & (first_version["level"] == "quarter")
        & (first_version["group"] == "ensemble")
    ]
    assert quarter["value"].tolist() == [4]


# --- Generated histories --------------------------------------------------------------------------


def base_store(seed: int, communes: int, intercos: int, months: int, split: str) -> tuple[pd.DataFrame, dict[str, str]]:
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2024-01-01", periods=months, freq="MS").strftime("%Y-%m")
    codes = [f"920{commune:02d}" for commune in range(communes)]
    rows = [
        ("a", code, period, sex, age, int(rng.poisson(rng.choice([0.6, 3, 12]))), "S")
        for code in codes
        for period in periods
        for sex, age in SPLITS[split]
    ]
    frame = pd.DataFrame(
        rows, columns=["indicator_id", "territory_code", "period", "sex", "age_group", "value", "source_id"]
    )
    hierarchy = {code: f"2000579{position % intercos}" for position, code in enumerate(codes)} if intercos else {}
    return frame, hierarchy


def corrected(frame: pd.DataFrame, step: tuple[str, int, int], history: list[pd.DataFrame]) -> pd.DataFrame:
    """One analyst's operation on the latest version, through the importer's own merge: corrections
    of one or several cells (any value, a small count growing past k, a count falling below it), a
    file bringing new months, a commune's detail replaced by its total or the other way round, or a
    rollback to an earlier version."""
    kind, seed, size = step
    rng = np.random.default_rng(seed)
    if kind == "rollback":
        return history[seed % len(history)]
    rows = frame.iloc[rng.choice(len(frame), size=min(size, len(frame)), replace=False)]
    values = rows["value"].to_numpy()
    if kind == "grow":
        imported = rows.assign(value=np.where(values < K, K + rng.integers(0, 6, len(rows)), values))
    elif kind == "shrink":
        imported = rows.assign(value=rng.integers(1, K, len(rows)))
    elif kind == "months":
        last = pd.Period(frame["period"].max(), freq="M")
        imported = rows.assign(
            period=[str(last + int(step)) for step in rng.integers(1, 3, len(rows))],
            value=rng.poisson(rng.choice([0.6, 3, 12], len(rows))),
        ).drop_duplicates(["indicator_id", "territory_code", "period", "sex", "age_group"])
    elif kind == "total":
        unit = ["indicator_id", "territory_code", "period"]
        imported = (
            frame.merge(rows[unit].drop_duplicates(), on=unit)
            .groupby(unit, as_index=False)["value"]
            .sum()
            .assign(sex="ensemble", age_group="ensemble", source_id="S")
        )
    else:
        imported = rows.assign(value=rng.integers(0, 15, len(rows)))
    return merge_observations(frame, imported)


steps = st.lists(
    st.tuples(
        st.sampled_from(["any", "grow", "shrink", "months", "total", "rollback"]),
        st.integers(0, 10_000),
        st.integers(1, 4),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    communes=st.integers(1, 6),
    intercos=st.integers(0, 3),
    months=st.integers(1, 14),
    split=st.sampled_from(list(SPLITS)),
    operations=steps,
)
def test_no_hidden_cell_of_any_release_is_recoverable_from_all_of_them(
    seed, communes, intercos, months, split, operations
):
    first, hierarchy = base_store(seed, communes, intercos, months, split)
    versions = [first]
    for step in operations:
        versions.append(corrected(versions[-1], step, versions))
    releases = releases_of(versions, hierarchy)
    for release in releases:
        values, hidden = release.cells["value"].to_numpy(), release.cells["suppressed"].to_numpy()
        assert hidden[(values >= 1) & (values < K)].all(), "every small count of every release is hidden"
    found = recovered_cells(releases, hierarchy)
    # A sum an earlier release gave (two hidden cells beside their shown total) that a reshaping
    # import made a cell of its own: no suppression of the later release can hide it (docs/SECRET.md).
    assert found.loc[~found["implied_before"].astype(bool)].empty, found


def test_a_cell_hidden_before_stays_hidden_while_its_rows_are_unchanged():
    first, hierarchy = base_store(11, 4, 2, 6, "sex")
    later = first.assign(value=first["value"].where(first.index != 0, first.loc[0, "value"] + 20))
    before, after = (release.cells for release in releases_of([first, later], hierarchy))
    was_hidden = pd.Series(before["suppressed"].to_numpy(), index=cell_identities(before))
    unchanged = np.isin(cell_identities(after), was_hidden.index)
    hidden_before = was_hidden.loc[cell_identities(after)[unchanged]].to_numpy()
    assert unchanged.sum() > len(after) / 2
    assert not (hidden_before & ~after.loc[unchanged, "suppressed"].to_numpy()).any()


def test_a_rollback_shows_nothing_its_version_hid_that_no_release_showed():
    first, hierarchy = base_store(5, 5, 2, 9, "crossed")
    second = corrected(first, ("shrink", 3, 3), [first])
    releases = releases_of([first, second, first], hierarchy)
    shown_ever = set()
    for release in releases[:2]:
        shown_ever |= set(cell_identities(release.cells)[~release.cells["suppressed"].to_numpy()])
    rolled_back = releases[2].cells
    newly_shown = ~rolled_back["suppressed"].to_numpy() & ~np.isin(cell_identities(rolled_back), list(shown_ever))
    assert not newly_shown.any()
    assert recovered_cells(releases, hierarchy).empty


def test_a_count_falling_below_k_hides_what_would_give_it_back():
    """A visible 20 corrected to 3: the commune's new count is hidden, and so is enough of what adds
    it up that the shown difference between the releases does not give it back."""
    frame = pd.DataFrame(
        {
            "indicator_id": "a",
            "territory_code": ["92001", "92002", "92003", "92004"],
            "period": "2024",
            "sex": "ensemble",
            "age_group": "ensemble",
            "value": [20, 40, 30, 50],
            "source_id": "S",
        }
    )
    hierarchy = {"92001": "200000001", "92002": "200000001", "92003": "200000002", "92004": "200000002"}
    later = frame.assign(value=[3, 40, 30, 50])
    releases = releases_of([frame, later], hierarchy)
    after = releases[1].cells.set_index("territory_code")["suppressed"]
    assert after["92001"] and (after["200000001"] or after["92"])
    assert recovered_cells(releases, hierarchy).empty
    alone = releases_of([frame, later], hierarchy, with_history=False)
    assert not recovered_cells(alone, hierarchy).empty, "without the history, 50 − 47 gives the 3 back"
