"""The statistical secret across the three territory levels (commune → EPT → département).

An attacker knows every visible cell and every additive relation (groups to everyone, months to
quarters to years, communes to their EPT and to the département, EPTs to the département). A
hidden cell is recoverable when the relations, restricted to the hidden cells, determine it: its
unit vector lies in the row space of that system. These tests solve that system exactly on
generated stores, so they catch any sum or difference, however long, not only one subtraction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.secret.equations import determined_cells
from indicators.secret.lattice import lattice, relations
from indicators.secret.suppression import suppress_small_counts

K = 5


def hierarchical_grid(
    seed: int, communes: int, intercos: int, months: int, split: bool
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Counts for `communes` communes spread over `intercos` EPTs (0: none), mostly small, with zeros."""
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2024-01-01", periods=months, freq="MS").strftime("%Y-%m")
    groups = [("F", "ensemble"), ("M", "ensemble")] if split else [("ensemble", "ensemble")]
    codes = [f"920{commune:02d}" for commune in range(communes)]
    rows = [
        ("a", code, period, sex, age, int(rng.poisson(rng.choice([0.5, 3, 12]))), "S")
        for code in codes
        for period in periods
        for sex, age in groups
    ]
    frame = pd.DataFrame(
        rows, columns=["indicator_id", "territory_code", "period", "sex", "age_group", "value", "source_id"]
    )
    hierarchy = {code: f"2000579{position % intercos}" for position, code in enumerate(codes)} if intercos else {}
    return frame, hierarchy


def recoverable(cells: pd.DataFrame) -> list[int]:
    """Rows of hidden cells that the visible cells and the relations determine exactly, found in
    floating point (a null space by SVD), independently of the package's own modular elimination:
    a hidden cell is determined when every solution of the system leaves it unchanged."""
    hidden = np.flatnonzero(cells["suppressed"].to_numpy())
    if hidden.size == 0:
        return []
    column_of = {row: position for position, row in enumerate(hidden)}
    equations = []
    for members, ids in relations(cells):
        for relation in np.unique(ids):
            rows = members[ids == relation]
            equation = np.zeros(hidden.size)
            for row in rows:
                if row in column_of:
                    # The parent (the relation's own id) counts +1, each child −1.
                    equation[column_of[row]] += 1.0 if row == relation else -1.0
            if equation.any():
                equations.append(equation)
    if not equations:
        return []  # hidden cells in no relation: nothing ties them to anything visible
    system = np.array(equations)
    _, singular, right = np.linalg.svd(system)
    rank = int((singular > 1e-9 * singular.max()).sum())
    null_space = right[rank:]
    if null_space.shape[0] == 0:
        return hidden.tolist()
    return [int(row) for row, free in zip(hidden, np.abs(null_space).max(axis=0)) if free < 1e-9]


@settings(max_examples=120, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    communes=st.integers(1, 7),
    intercos=st.integers(0, 3),
    months=st.integers(1, 15),
    split=st.booleans(),
)
def test_no_hidden_cell_is_recoverable_by_any_sum_or_difference(seed, communes, intercos, months, split):
    """Communes, EPTs and the département, months, quarters and years, sexes and everyone: every
    relation solved at once, by an attacker who knows every visible cell."""
    frame, hierarchy = hierarchical_grid(seed, communes, intercos, months, split)
    cells = suppress_small_counts(lattice(frame, hierarchy), K)
    values, hidden = cells["value"].to_numpy(), cells["suppressed"].to_numpy()
    assert hidden[(values >= 1) & (values < K)].all(), "every small count is hidden"
    found = recoverable(cells)
    assert not found, cells.iloc[found][
        ["territory_code", "territory_level", "level", "period_start", "group", "value"]
    ]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    communes=st.integers(1, 6),
    intercos=st.integers(0, 3),
    months=st.integers(1, 12),
    split=st.booleans(),
)
def test_the_packages_modular_solver_finds_what_floating_point_finds(seed, communes, intercos, months, split):
    """With complementary suppression left out (small counts hidden alone), both solvers name the
    same determined cells: the package's exact audit neither misses one nor invents one."""
    frame, hierarchy = hierarchical_grid(seed, communes, intercos, months, split)
    cells = lattice(frame, hierarchy)
    primary_only = cells.assign(suppressed=cells["value"].between(1, K - 1))
    package = determined_cells(primary_only["suppressed"].to_numpy().copy(), relations(primary_only)).tolist()
    assert package == recoverable(primary_only)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), communes=st.integers(2, 12), intercos=st.integers(1, 4), months=st.integers(1, 15))
def test_every_relation_of_the_hierarchy_has_zero_or_two_hidden_members(seed, communes, intercos, months):
    frame, hierarchy = hierarchical_grid(seed, communes, intercos, months, split=True)
    cells = suppress_small_counts(lattice(frame, hierarchy), K)
    hidden = cells["suppressed"].to_numpy()
    for members, ids in relations(cells):
        per_relation = np.bincount(ids, weights=hidden[members], minlength=len(cells))
        assert not (per_relation == 1).any(), "a hidden cell would be a subtraction away"


def test_an_interco_is_never_the_difference_of_the_departement_and_the_other_epts():
    """One small EPT (a single commune at 2) among large ones: hiding it alone would give it away."""
    frame = pd.DataFrame(
        {
            "indicator_id": "a",
            "territory_code": ["92001", "92002", "92003", "92004"],
            "period": "2024",
            "sex": "ensemble",
            "age_group": "ensemble",
            "value": [2, 40, 30, 50],
            "source_id": "S",
        }
    )
    hierarchy = {"92001": "200000001", "92002": "200000002", "92003": "200000002", "92004": "200000003"}
    cells = suppress_small_counts(lattice(frame, hierarchy), K)
    hidden = cells.loc[cells["suppressed"]]
    assert "92001" in set(hidden["territory_code"]) and "200000001" in set(hidden["territory_code"])
    # The EPT and its commune are the same number: another EPT must be hidden with it.
    assert (hidden["territory_level"] == "interco").sum() >= 2
    assert not recoverable(cells)


def test_the_audit_finds_a_count_hidden_without_its_complement():
    """The audit has teeth: with small counts hidden alone (no complementary suppression), the
    département minus the visible communes gives the hidden one back, and the audit says so."""
    frame = pd.DataFrame(
        {
            "indicator_id": "a",
            "territory_code": ["92001", "92002", "92003"],
            "period": "2024",
            "sex": "ensemble",
            "age_group": "ensemble",
            "value": [2, 40, 30],
            "source_id": "S",
        }
    )
    cells = lattice(frame, {"92001": "200000001", "92002": "200000001", "92003": "200000002"})
    primary_only = cells.assign(suppressed=cells["value"].between(1, K - 1))
    found = primary_only.iloc[recoverable(primary_only)]
    assert "92001" in set(found["territory_code"])
