"""The statistical secret over every level of a région's or France's scope at once: communes,
intercommunalités (some across two départements, some communes in none), départements, régions and
France, months to years, sexes to everyone.

The attacker's territory equations are written here from the definition (every territory's cell is
the sum of its communes' cells), not read from the package's relations; the period and group
relations are the package's, checked on their own in test_disclosure. A hidden cell is recoverable
when the system restricted to hidden cells fixes it (its unit vector lies in the row space).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.config import TERRITORY_VARIABLE
from indicators.demo_data import generate_demo_observations
from indicators.loading import scope_territory_table
from indicators.secret.equations import determined_cells
from indicators.secret.lattice import RELATION_FAMILIES, lattice, relations
from indicators.secret.suppression import suppress_small_counts
from indicators.territories import ancestors

K = 5
TERRITORY_KEYS = ["indicator_id", "level", "period_start", "dimension", "group"]


def scope_grid(seed: int, communes: int, months: int, split: bool, top: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts for `communes` communes, mostly small, and their ancestors: three départements in two
    régions, three intercommunalités, one of them across two départements, and communes in none."""
    rng = np.random.default_rng(seed)
    codes = [f"{10 + position % 3}{position:03d}" for position in range(communes)]
    departement = [code[:2] for code in codes]
    region = ["REG-1" if code in ("10", "11") else "REG-2" for code in departement]
    interco = [rng.choice(["I1", "I2", "ICROSS", None]) for _ in codes]
    # I1 lies in 10, I2 in 12; ICROSS across 10 and 11: move misplaced communes into ICROSS.
    interco = [
        "ICROSS" if (choice == "I1" and dep != "10") or (choice == "I2" and dep != "12") else choice
        for choice, dep in zip(interco, departement)
    ]
    interco = [None if choice == "ICROSS" and dep == "12" else choice for choice, dep in zip(interco, departement)]
    ancestors = pd.DataFrame(
        {"interco": interco, "departement": departement, "region": region, "pays": "FR"}, index=codes
    )
    if top == "region":
        keep = ancestors["region"] == "REG-1"
        ancestors = ancestors.loc[keep, ["interco", "departement", "region"]]
        codes = list(ancestors.index)
    periods = pd.date_range("2024-01-01", periods=months, freq="MS").strftime("%Y-%m")
    groups = [("F", "ensemble"), ("M", "ensemble")] if split else [("ensemble", "ensemble")]
    rows = [
        ("a", code, period, sex, age, int(rng.poisson(rng.choice([0.5, 3, 12]))), "S")
        for code in codes
        for period in periods
        for sex, age in groups
    ]
    frame = pd.DataFrame(
        rows, columns=["indicator_id", "territory_code", "period", "sex", "age_group", "value", "source_id"]
    )
    return frame, ancestors.astype("object")


def territory_equations(cells: pd.DataFrame, ancestors: pd.DataFrame) -> list[dict[int, float]]:
    """Every territory above the commune equals the sum of its communes (same indicator, period and
    group): one equation per such cell, as {row: coefficient}."""
    index = cells.reset_index(drop=True)
    communes = index.loc[index["territory_level"] == "commune"]
    commune_rows = {
        key: list(frame.index) for key, frame in communes.groupby([*TERRITORY_KEYS, "territory_code"], observed=True)
    }
    equations = []
    for row, cell in index.loc[index["territory_level"] != "commune"].iterrows():
        level = str(cell["territory_level"])
        members = ancestors.index[ancestors[level] == cell["territory_code"]]
        equation = {row: 1.0}
        for commune in members:
            for child in commune_rows.get((*(cell[key] for key in TERRITORY_KEYS), commune), []):
                equation[child] = -1.0
        equations.append(equation)
    return equations


def other_equations(cells: pd.DataFrame) -> list[dict[int, float]]:
    """The package's relations of periods, groups and stored rows (not the territories')."""
    territory = {name for name in RELATION_FAMILIES if "→ above" in name or "→ France" in name or "→ intercom" in name}
    equations = []
    for name, (members, ids) in zip(RELATION_FAMILIES, relations(cells)):
        if name in territory:
            continue
        for relation in np.unique(ids):
            rows = members[ids == relation]
            equations.append({int(row): 1.0 if row == relation else -1.0 for row in rows})
    return equations


def recoverable(cells: pd.DataFrame, ancestors: pd.DataFrame) -> list[int]:
    """Hidden rows every solution of the system leaves unchanged (floating point, SVD null space)."""
    hidden = np.flatnonzero(cells["suppressed"].to_numpy())
    if hidden.size == 0:
        return []
    column_of = {row: position for position, row in enumerate(hidden)}
    system = []
    for equation in [*territory_equations(cells, ancestors), *other_equations(cells)]:
        restricted = np.zeros(hidden.size)
        for row, coefficient in equation.items():
            if row in column_of:
                restricted[column_of[row]] += coefficient
        if restricted.any():
            system.append(restricted)
    if not system:
        return []
    _, singular, right = np.linalg.svd(np.array(system))
    rank = int((singular > 1e-9 * singular.max()).sum())
    null_space = right[rank:]
    if null_space.shape[0] == 0:
        return hidden.tolist()
    return [int(row) for row, free in zip(hidden, np.abs(null_space).max(axis=0)) if free < 1e-9]


@pytest.mark.parametrize("top", ["region", "pays"])
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), communes=st.integers(3, 9), months=st.integers(1, 7), split=st.booleans())
def test_no_hidden_cell_of_a_region_or_of_france_is_recoverable(top, seed, communes, months, split):
    frame, ancestors = scope_grid(seed, communes, months, split, top)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TERRITORY_VARIABLE, "REG-11" if top == "region" else "FR")
        ancestors.iloc[:, -1] = "REG-11" if top == "region" else "FR"
        cells = suppress_small_counts(lattice(frame, ancestors), K)
    values, hidden = cells["value"].to_numpy(), cells["suppressed"].to_numpy()
    assert hidden[(values >= 1) & (values < K)].all(), "every small count is hidden"
    assert set(cells["territory_level"].astype(str)) >= {"commune", "departement", top}
    found = recoverable(cells, ancestors)
    assert not found, cells.iloc[found][["territory_code", "territory_level", "level", "period_start", "value"]]


def test_each_territory_of_france_is_the_sum_of_its_communes(monkeypatch):
    """Every level's cell adds up its communes, an intercommunalité across two départements included."""
    monkeypatch.setenv(TERRITORY_VARIABLE, "FR")
    frame, ancestors = scope_grid(7, 12, 2, False, "pays")
    cells = lattice(frame, ancestors)
    totals = cells.loc[(cells["dimension"] == "none") & (cells["level"] == "month")]
    by_commune = frame.groupby(["territory_code", "period"])["value"].sum()
    for level in ("interco", "departement", "region", "pays"):
        expected = by_commune.groupby([by_commune.index.get_level_values(0).map(ancestors[level]), "period"]).sum()
        found = totals.loc[totals["territory_level"] == level]
        found = found.set_index(["territory_code", found["period_start"].dt.strftime("%Y-%m")])["value"]
        assert found.sort_index().to_dict() == expected.sort_index().to_dict(), level


def test_a_departement_with_an_intercommunalite_across_its_border_is_not_its_intercos_sum(monkeypatch):
    """The relation « intercommunalités → département » holds only where they cover it exactly."""
    monkeypatch.setenv(TERRITORY_VARIABLE, "FR")
    frame, ancestors = scope_grid(0, 9, 1, False, "pays")
    cells = lattice(frame, ancestors)
    _members, ids = relations(cells)[RELATION_FAMILIES.index("intercommunalités → above")]
    parents = set(cells.iloc[np.unique(ids)]["territory_code"])
    crossed = set(ancestors.loc[ancestors["interco"] == "ICROSS", "departement"])
    assert crossed == {"10", "11"}
    assert not parents & crossed
    chains = cells.loc[cells["territory_code"] == "ICROSS", "parent_code"].astype(str).unique()
    assert list(chains) == ["||REG-1|FR"], "its parent is the région holding both its départements"


@pytest.mark.parametrize(("setting", "departements"), [("REG-94", None), ("FR", ["2A", "2B", "971"]), ("92", None)])
def test_the_exact_audit_finds_nothing_recoverable_on_a_real_scope(monkeypatch, setting, departements):
    """Corse's 360 communes in their 2 départements and 19 intercommunalités; France's, on three
    départements' communes; the Hauts-de-Seine: the package's exact audit (modular elimination, the
    one checked against floating point above) finds no hidden cell the visible ones determine."""
    monkeypatch.setenv(TERRITORY_VARIABLE, setting)
    territories = scope_territory_table()
    communes = territories.loc[territories["level"] == "commune"]
    if departements is not None:
        communes = communes.loc[communes["parent_code"].isin(departements)]
    observations = generate_demo_observations(communes["territory_code"].tolist(), seed=27)
    observations = observations.loc[observations["period"] >= "2025-07"]
    cells = suppress_small_counts(lattice(observations, ancestors(territories)), K)
    levels = set(cells["territory_level"].astype(str))
    assert levels >= {"commune", "interco", "departement"}
    hidden = cells["suppressed"].to_numpy().copy()
    assert hidden.any()
    assert determined_cells(hidden, relations(cells)).size == 0


def test_a_release_recorded_before_chains_gives_the_same_relations():
    """Releases stored before régions (one parent code per cell: a commune's EPT, else the
    département) are read back into the same relations as today's chains."""
    frame = pd.DataFrame(
        {
            "indicator_id": "a",
            "territory_code": ["92001", "92002", "92003", "92004"],
            "period": "2024-03",
            "sex": "ensemble",
            "age_group": "ensemble",
            "value": [2, 40, 30, 50],
            "source_id": "S",
        }
    )
    cells = lattice(frame, {"92001": "200000001", "92002": "200000001", "92003": "200000002"})
    chains = cells["parent_code"].astype(str).str.split("|")
    legacy = [
        parts[0] if level == "commune" and parts[0] else ("92" if level != "departement" else None)
        for parts, level in zip(chains, cells["territory_level"].astype(str))
    ]
    old = cells.assign(parent_code=pd.Categorical(legacy))
    for today, before in zip(relations(cells), relations(old)):
        assert sorted(zip(*today)) == sorted(zip(*before))
