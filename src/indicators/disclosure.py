"""Statistical disclosure control: small counts about children are never shown, nor recomputable.

Every field-observation figure a viewer can see is a cell of one lattice: an indicator × a
territory (a commune or the département) × a period (month, quarter or year) × a group (a sex,
an age group, or everyone). Cells are tied by additive relations: sexes or age groups add up to
everyone, months to quarters and quarters to years, communes to the département.

1. Primary suppression: a count from 1 to k − 1 is hidden (shown as "< k"); zero may be shown.
2. Complementary suppression: in every relation (parent = sum of children), the number of hidden
   members must be 0 or at least 2, otherwise the hidden one is a subtraction away. While some
   relation has exactly one hidden member, the smallest other member is hidden too.

The result is one table of cells with a `suppressed` flag; pages, exports, images and the deck
all read their figures through it, so the rule lives in this one place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.formatting import format_number

DEPARTMENT = "92"
ALL = "ensemble"
MONTHS_PER = {"quarter": 3, "year": 12}


def suppressed_label(k: int) -> str:
    return f"< {k}"


def lattice(observations: pd.DataFrame) -> pd.DataFrame:
    """Every displayable cell: (indicator, territory, level, period_start, dimension, group, value)."""
    annual = observations["period"].str.len() == 4
    frame = observations.assign(
        month=pd.to_datetime(observations["period"].where(~annual, observations["period"] + "-01"), format="%Y-%m"))
    pieces = []
    for territory_level in ("commune", "departement"):
        base = frame if territory_level == "commune" else frame.assign(territory_code=DEPARTMENT)
        for level, code in (("month", "M"), ("quarter", "Q"), ("year", "Y")):
            # A yearly figure only exists as a year cell.
            rows = base if level == "year" else base.loc[~annual]
            timed = rows.assign(period_start=rows["month"].dt.to_period(code).dt.start_time)
            for dimension in ("sex", "age_group", "none"):
                group = timed[dimension] if dimension != "none" else pd.Series(ALL, index=timed.index)
                cells = (timed.assign(group=group)
                         .groupby(["indicator_id", "territory_code", "period_start", "group"], as_index=False, observed=True)["value"].sum())
                pieces.append(cells.assign(level=level, dimension=dimension))
    cells = pd.concat(pieces, ignore_index=True)
    # A dimension that an indicator does not split ("ensemble" only) is the same cell as the total.
    cells = cells.loc[~((cells["dimension"] != "none") & (cells["group"] == ALL))]
    return cells.reset_index(drop=True)


def relations(cells: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """(parent index, children indexes) arrays for each family of additive relations, as group ids.

    Returned as pairs (relation id per child row, relation id per parent row) so the iteration can
    count hidden members per relation with vectorised group-bys.
    """
    families = []
    index = cells.reset_index().rename(columns={"index": "row"})
    # Groups (sexes, age groups) add up to everyone, at the same territory and period.
    totals = index.loc[index["dimension"] == "none"]
    for dimension in ("sex", "age_group"):
        children = index.loc[index["dimension"] == dimension]
        families.append(link(children, totals, ["indicator_id", "territory_code", "level", "period_start"]))
    # Months add up to quarters, quarters to years (same territory and group).
    for child_level, parent_level, code in (("month", "quarter", "Q"), ("quarter", "year", "Y")):
        children = index.loc[index["level"] == child_level]
        children = children.assign(parent_start=children["period_start"].dt.to_period(code).dt.start_time)
        parents = index.loc[index["level"] == parent_level].rename(columns={"period_start": "parent_start"})
        families.append(link(children, parents, ["indicator_id", "territory_code", "dimension", "group", "parent_start"]))
    # Communes add up to the département (same period and group).
    communes = index.loc[index["territory_code"] != DEPARTMENT]
    department = index.loc[index["territory_code"] == DEPARTMENT]
    families.append(link(communes, department, ["indicator_id", "level", "period_start", "dimension", "group"]))
    return families


def link(children: pd.DataFrame, parents: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Relation members as (row, relation id) pairs: each parent and its children share one id."""
    joined = children[[*keys, "row"]].merge(parents[[*keys, "row"]], on=keys, suffixes=("", "_parent"))
    relation_ids = joined["row_parent"].to_numpy()
    members = np.concatenate([joined["row"].to_numpy(), np.unique(relation_ids)])
    ids = np.concatenate([relation_ids, np.unique(relation_ids)])
    return members, ids


def suppress_small_counts(cells: pd.DataFrame, k: int = 5, max_rounds: int = 50) -> pd.DataFrame:
    """The cells with a `suppressed` flag: primary (1 ≤ value < k) then complementary suppression."""
    values = cells["value"].to_numpy()
    hidden = (values >= 1) & (values < k)
    families = relations(cells)
    for _ in range(max_rounds):
        added = False
        for members, ids in families:
            member_hidden = hidden[members]
            hidden_per_relation = np.bincount(ids, weights=member_hidden, minlength=len(values))
            exposed = np.flatnonzero(hidden_per_relation == 1)
            if exposed.size == 0:
                continue
            # In each exposed relation, hide the smallest visible member (zeros carry no secret but
            # hiding one would not protect anything: prefer non-zero members, then anything).
            candidates = pd.DataFrame({"row": members, "relation": ids, "hidden": member_hidden, "value": values[members]})
            candidates = candidates.loc[candidates["relation"].isin(exposed) & ~candidates["hidden"]]
            candidates = candidates.assign(zero=candidates["value"] == 0).sort_values(["relation", "zero", "value"])
            chosen = candidates.drop_duplicates("relation")["row"].to_numpy()
            if chosen.size:
                hidden[chosen] = True
                added = True
        if not added:
            break
    return cells.assign(suppressed=hidden)


def masked_values(frame: pd.DataFrame, k: int, french: bool = False) -> pd.Series:
    """Text to show for each cell: the count (in French format for screens), or "< k" when suppressed."""
    counts = frame["value"].map(format_number) if french else frame["value"].astype("Int64").astype(str)
    return counts.where(~frame["suppressed"], suppressed_label(k))


def protect_series(series: pd.DataFrame, cells: pd.DataFrame, indicator_id: str, territory_code: str,
                   frequency: str, breakdown: str) -> pd.DataFrame:
    """Flag the points of a drawn series (period_start × group) that the lattice suppresses.

    A point that is not a lattice cell (it should not happen) is suppressed: unknown means hidden.
    """
    keys = cells.loc[(cells["indicator_id"] == indicator_id) & (cells["territory_code"] == territory_code)
                     & (cells["level"] == frequency) & (cells["dimension"] == breakdown),
                     ["period_start", "group", "suppressed"]]
    flagged = series.drop(columns=["suppressed"], errors="ignore").merge(keys, on=["period_start", "group"], how="left")
    return flagged.assign(suppressed=flagged["suppressed"].astype("boolean").fillna(True).astype(bool))


def protect_totals(totals: pd.DataFrame, cells: pd.DataFrame, indicator_id: str, dimension: str, group: str,
                   years: list[int]) -> pd.DataFrame:
    """Flag per-territory sums over whole years: shown only when every year cell in them is shown.

    A sum of visible cells reveals nothing new; a sum with a hidden cell could, minus the others.
    """
    year_cells = cells.loc[(cells["indicator_id"] == indicator_id) & (cells["level"] == "year")
                           & (cells["dimension"] == dimension) & (cells["group"] == group)
                           & cells["period_start"].dt.year.isin(years)]
    hidden = set(year_cells.loc[year_cells["suppressed"], "territory_code"])
    return totals.assign(suppressed=totals["territory_code"].isin(hidden))


def mask_column(frame: pd.DataFrame, column: str, k: int, french: bool = False) -> pd.DataFrame:
    """Copy for display or export: the column as text, "< k" in suppressed rows, no secret inside."""
    masked = masked_values(frame[[column, "suppressed"]].rename(columns={column: "value"}), k, french)
    return frame.assign(**{column: masked}).drop(columns="suppressed")


def window_visible(cells: pd.DataFrame, indicator_id: str, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    """Whether a département total over [start, end] (whole months) may be shown.

    A calendar year is a lattice cell: its own flag decides. Any other window is a sum of months,
    shown only when none of those months is secret (otherwise the window minus the others tells it).
    """
    mine = cells.loc[(cells["indicator_id"] == indicator_id) & (cells["territory_code"] == DEPARTMENT)
                     & (cells["dimension"] == "none")]
    if start.month == 1 and end.month == 12 and start.year == end.year:
        year = mine.loc[(mine["level"] == "year") & (mine["period_start"] == start), "suppressed"]
        return not year.empty and not bool(year.iloc[0])
    months = mine.loc[(mine["level"] == "month") & mine["period_start"].between(start, end), "suppressed"]
    return not months.any()


def public_cells(cells: pd.DataFrame, k: int) -> pd.DataFrame:
    """The whole protected lattice as a table anyone may download: secret values written "< k"."""
    readable = cells.assign(period_start=cells["period_start"].dt.strftime("%Y-%m"))[
        ["indicator_id", "territory_code", "level", "period_start", "dimension", "group", "value", "suppressed"]]
    return mask_column(readable, "value", k).rename(columns={"period_start": "period", "dimension": "split"})
