"""An outsider who saved every public release and solves them all at once, written without the
package's lattice or relations, to check the statistical secret across versions.

What the attacker is granted, the most a viewer could learn:
- every visible cell of every release (what the pages, CSV downloads and `export` showed);
- the structure of the data: which observation rows feed which cell (a row is an unknown),
  whether a commune reports by month, quarter or year, by sex, by age group or in total;
- which rows did not change from one release to the next (an unchanged row is one unknown
  shared by every release that holds it): a correction is often announced, and the visible
  ancestors of a corrected cell show it anyway.

Each visible cell is a linear equation on the row unknowns (the sum of its rows equals the value
shown). A hidden cell is recovered when its own sum lies in the span of the visible equations:
then every solution gives it the same value. Unknowns that a visible cell fixes alone are
peeled off exactly; the span of the rest is computed in floating point (a rank-revealing QR per
indicator and calendar year: no cell adds rows across them), independently of the package's modular
elimination on cell relations.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg

KEY = ["indicator_id", "territory_code", "level", "period_start", "dimension", "group"]
ENSEMBLE = "ensemble"
DEPARTMENT = "92"
TOLERANCE = 1e-7
# What a release shows: totals, and splits by sex or by age group (never crossed).
PUBLISHED_DIMENSIONS = ["none", "sex", "age_group"]


@dataclass(frozen=True)
class Release:
    """One public release: the rows behind it (their keys and which stayed unchanged are known to
    the attacker, their values only through `cells`) and its protected cells (`suppressed` flags)."""

    observations: pd.DataFrame
    cells: pd.DataFrame


def period_cells(period: str) -> list[tuple[str, pd.Timestamp]]:
    """The (level, period start) cells a stored period adds up into: a month into its month,
    quarter and year; a quarter into its quarter and year; a year into its year."""
    year = int(period[:4])
    if len(period) == 4:
        return [("year", pd.Timestamp(year, 1, 1))]
    if "Q" in period:
        first = (int(period[-1]) - 1) * 3 + 1
        return [("quarter", pd.Timestamp(year, first, 1)), ("year", pd.Timestamp(year, 1, 1))]
    month = int(period[5:7])
    quarter = (month - 1) // 3 * 3 + 1
    return [
        ("month", pd.Timestamp(year, month, 1)),
        ("quarter", pd.Timestamp(year, quarter, 1)),
        ("year", pd.Timestamp(year, 1, 1)),
    ]


def row_cells(row: Mapping[str, object], interco_of: Mapping[str, str]) -> Iterable[tuple[object, ...]]:
    """Every cell key one observation row is counted in."""
    territories = [row["territory_code"], DEPARTMENT]
    if row["territory_code"] in interco_of:
        territories.append(interco_of[row["territory_code"]])
    groups = [("none", ENSEMBLE)]
    if row["sex"] != ENSEMBLE:
        groups.append(("sex", row["sex"]))
    if row["age_group"] != ENSEMBLE:
        groups.append(("age_group", row["age_group"]))
    for territory in territories:
        for level, start in period_cells(row["period"]):
            for dimension, group in groups:
                yield (row["indicator_id"], territory, level, start, dimension, group)


def recovered_cells(
    releases: list[Release],
    interco_of: Mapping[str, str],
    every_block: bool = True,
    within: set[tuple[str, int]] | None = None,
) -> pd.DataFrame:
    """The hidden cells of any release that the releases together determine, with the value the
    attacker computes for each (`recovered`) beside the true one (`value`).

    With `every_block` False, only the (indicator, year) blocks where the releases differ (in rows
    or in what they hide) are solved: elsewhere every release is the same system as the first one
    alone, which the single-release tests solve (a QR per block costs seconds on the demo).
    `within`: only those blocks."""
    chosen = blocks(releases, every_block)
    found = [
        block_recovered(releases, interco_of, indicator_id, year)
        for indicator_id, year in sorted(chosen if within is None else chosen & within)
    ]
    columns = ["release", *KEY, "value", "recovered", "implied_before"]
    return (
        pd.concat([pd.DataFrame(columns=columns), *found], ignore_index=True)
        if found
        else pd.DataFrame(columns=columns)
    )


def blocks(releases: list[Release], every_block: bool) -> set[tuple[str, int]]:
    """(indicator, calendar year) pairs where some release hides a cell (and, unless `every_block`,
    where two releases differ)."""
    found: set[tuple[str, int]] = set()
    for release in releases:
        hidden = release.cells.loc[release.cells["suppressed"] & release.cells["dimension"].isin(PUBLISHED_DIMENSIONS)]
        found |= set(zip(hidden["indicator_id"], hidden["period_start"].dt.year))
    if every_block or len(releases) < 2:
        return found
    differ: set[tuple[str, int]] = set()
    for before, after in itertools.pairwise(releases):
        rows = pd.concat([before.observations, after.observations]).drop_duplicates(
            ["indicator_id", "territory_code", "period", "sex", "age_group", "value"], keep=False
        )
        differ |= set(zip(rows["indicator_id"], rows["period"].str[:4].astype(int)))
        flags = pd.concat([before.cells[[*KEY, "suppressed"]], after.cells[[*KEY, "suppressed"]]]).drop_duplicates(
            keep=False
        )
        differ |= set(zip(flags["indicator_id"], flags["period_start"].dt.year))
    return found & differ


def block_recovered(
    releases: list[Release], interco_of: Mapping[str, str], indicator_id: str, year: int
) -> pd.DataFrame:
    leaf_of: dict[tuple[object, ...], int] = {}  # (row key, value) -> unknown: unchanged rows are shared
    visible_rows: list[tuple[list[int], float]] = []
    visible_release: list[int] = []
    hidden: list[tuple[int, tuple[object, ...], list[int], int]] = []
    for position, release in enumerate(releases):
        rows = release.observations.loc[
            (release.observations["indicator_id"] == indicator_id)
            & (release.observations["period"].str[:4] == str(year))
        ]
        members: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for row in rows.to_dict("records"):
            leaf = leaf_of.setdefault(
                (row["territory_code"], row["period"], row["sex"], row["age_group"], int(row["value"])), len(leaf_of)
            )
            for key in row_cells(row, interco_of):
                members[key].append(leaf)
        cells = release.cells.loc[
            (release.cells["indicator_id"] == indicator_id)
            & (release.cells["period_start"].dt.year == year)
            & release.cells["dimension"].isin(PUBLISHED_DIMENSIONS)
        ]
        for cell in cells.itertuples(index=False):
            key = tuple(getattr(cell, column) for column in KEY)
            leaves = members.get(key, [])
            assert leaves or cell.value == 0, f"a cell with no row behind it: {key}"
            if cell.suppressed:
                hidden.append((position, key, leaves, int(cell.value)))
            else:
                visible_rows.append((leaves, float(cell.value)))
                visible_release.append(position)
    if not hidden:
        return pd.DataFrame()
    width = len(leaf_of)
    visible = np.zeros((len(visible_rows), width))
    values = np.array([value for _, value in visible_rows])
    for index, (leaves, _) in enumerate(visible_rows):
        np.add.at(visible[index], leaves, 1.0)
    targets = np.zeros((len(hidden), width))
    for index, (_, _, leaves, _) in enumerate(hidden):
        np.add.at(targets[index], leaves, 1.0)
    system = Span.of(visible, values)
    determined = system.contains(targets)
    earlier_systems: dict[int, Span] = {}  # the releases before each position, solved once

    def implied_before(target: np.ndarray, position: int) -> bool:
        """Whether the releases before `position` alone give this cell's sum: it adds up rows whose
        total they showed (as a sum of cells they kept hidden), so no suppression of this release
        could hide it; the import that made it a cell of its own did."""
        if position not in earlier_systems:
            earlier = np.array([release < position for release in visible_release], dtype=bool)
            earlier_systems[position] = Span.of(visible[earlier], values[earlier])
        return bool(earlier_systems[position].contains(target[None, :])[0])

    records = [
        {
            "release": position,
            **dict(zip(KEY, key)),
            "value": value,
            "recovered": system.value_of(targets[index]),
            "implied_before": position > 0 and implied_before(targets[index], position),
        }
        for index, (position, key, _, value) in enumerate(hidden)
        if determined[index]
    ]
    return pd.DataFrame(records)


@dataclass(frozen=True)
class Span:
    """What a system of visible equations (rows of `matrix` · unknowns = `values`) determines.

    Unknowns that some equation fixes alone (a cell of one row, once the unknowns already fixed
    are taken out) are peeled off first, exactly; the much smaller system left is solved in floating
    point, by a rank-revealing QR: a target is determined when its part on the unknowns left lies
    in the span of what is left of the equations."""

    known: np.ndarray  # bool per unknown: fixed by peeling
    known_values: np.ndarray
    basis: np.ndarray  # orthonormal basis of the span of the rest, over the unknowns not fixed
    solution: np.ndarray  # one solution over the unknowns not fixed

    @staticmethod
    def of(matrix: np.ndarray, values: np.ndarray) -> Span:
        width = matrix.shape[1]
        known = np.zeros(width, dtype=bool)
        known_values = np.zeros(width)
        left = values.astype(float).copy()
        while matrix.size:
            rest = matrix[:, ~known]
            single = np.flatnonzero(np.count_nonzero(rest, axis=1) == 1)
            if not single.size:
                break
            columns = np.flatnonzero(~known)[np.argmax(rest[single] != 0, axis=1)]
            columns, first = np.unique(columns, return_index=True)
            rows = single[first]
            known_values[columns] = left[rows] / matrix[rows, columns]
            known[columns] = True
            left = values - matrix[:, known] @ known_values[known]
        rest = matrix[:, ~known]
        involved = np.count_nonzero(rest, axis=1) > 0
        rest, left = rest[involved], left[involved]
        if rest.size:
            rest, unique_rows = np.unique(rest, axis=0, return_index=True)
            left = left[unique_rows]
            # Rank-revealing QR of the transpose (column pivoting): rest[order] = R.T @ Q.T, so the
            # first `rank` columns of Q span the equations; a few times cheaper than an SVD here.
            q, r, order = scipy.linalg.qr(rest.T, mode="economic", pivoting=True)
            diagonal = np.abs(np.diag(r))
            rank = int((diagonal > TOLERANCE * max(diagonal.max(initial=0.0), 1.0)).sum())
            basis = q[:, :rank].T
            # The system is consistent (true counts): the first `rank` pivoted equations fix the
            # coordinates of one solution in that span.
            coordinates = scipy.linalg.solve_triangular(r[:rank, :rank].T, left[order[:rank]], lower=True)
            solution = basis.T @ coordinates
        else:
            basis = np.zeros((0, int((~known).sum())))
            solution = np.zeros(int((~known).sum()))
        return Span(known, known_values, basis, solution)

    def contains(self, targets: np.ndarray) -> np.ndarray:
        rest = targets[:, ~self.known]
        residual = rest - (rest @ self.basis.T) @ self.basis
        return np.linalg.norm(residual, axis=1) < TOLERANCE * np.maximum(np.linalg.norm(targets, axis=1), 1.0)

    def value_of(self, target: np.ndarray) -> float:
        return float(target[self.known] @ self.known_values[self.known] + target[~self.known] @ self.solution)


def recovered_with_statements(
    observations: pd.DataFrame,
    cells: pd.DataFrame,
    interco_of: Mapping[str, str],
    statements: Iterable[np.ndarray],
) -> pd.DataFrame:
    """The hidden cells of one release that its visible cells and `statements` determine together.

    A statement is any other figure an output states from the rows (a like-for-like total, the count
    behind an interval or a class), given as a boolean mask over `observations`' rows: the sum of
    those rows is known. Every indicator is solved over all its years at once, since a statement
    may add up months of two calendar years."""
    statements = [np.asarray(mask, dtype=bool) for mask in statements]
    found = []
    positions = observations.reset_index(drop=True)
    for indicator_id in sorted(positions["indicator_id"].unique()):
        mine = np.flatnonzero((positions["indicator_id"] == indicator_id).to_numpy())
        local = {row: column for column, row in enumerate(mine)}
        members: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for row, record in zip(mine, positions.iloc[mine].to_dict("records")):
            for key in row_cells(record, interco_of):
                members[key].append(local[row])
        shown = cells.loc[(cells["indicator_id"] == indicator_id) & cells["dimension"].isin(PUBLISHED_DIMENSIONS)]
        equations, targets, hidden = [], [], []
        for cell in shown.itertuples(index=False):
            key = tuple(getattr(cell, column) for column in KEY)
            vector = np.zeros(len(mine))
            np.add.at(vector, members.get(key, []), 1.0)
            if cell.suppressed:
                targets.append(vector)
                hidden.append({**dict(zip(KEY, key)), "value": int(cell.value)})
            else:
                equations.append(vector)
        for mask in statements:
            inside = mask[mine]
            if inside.any():
                if mask.sum() != inside.sum():
                    raise ValueError("a statement adds up rows of two indicators")
                equations.append(inside.astype(float))
        if not targets:
            continue
        system = Span.of(np.array(equations).reshape(len(equations), len(mine)), np.zeros(len(equations)))
        determined = system.contains(np.array(targets))
        found += [record for record, known in zip(hidden, determined) if known]
    return pd.DataFrame(found, columns=[*KEY, "value"])
