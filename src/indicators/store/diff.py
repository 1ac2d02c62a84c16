"""What changed between two observation tables: rows added, removed, and values changed, by key."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.keys import fits_in_one_key, pack_codes
from indicators.store.contract import (
    OBSERVATION_COLUMNS,
    OBSERVATION_KEY,
    ObservationDiff,
)


def key_codes(*tables: pd.DataFrame) -> list[np.ndarray] | None:
    """One int64 per row of each table, equal for equal keys and ordered as the keys sort
    (column by column, as text); None when the combined codes would not fit in 64 bits.

    Comparing and sorting these integers is what a merge on five text columns spends its time on.
    """
    lengths = [len(table) for table in tables]
    columns, sizes = [], []
    for column in OBSERVATION_KEY:
        codes, uniques = pd.factorize(pd.concat([table[column] for table in tables], ignore_index=True), sort=True)
        if (codes < 0).any():
            return None
        columns.append(codes)
        sizes.append(len(uniques))
    if not fits_in_one_key(sizes):
        return None
    combined = pack_codes(columns, sizes)
    return np.split(combined, np.cumsum(lengths)[:-1])


def _in_key_order(rows: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    if len(codes) < 2 or bool((codes[1:] >= codes[:-1]).all()):
        return rows.reset_index(drop=True)  # already in order: no copy of a million rows
    return rows.iloc[np.argsort(codes, kind="stable")].reset_index(drop=True)


def sort_by_key(table: pd.DataFrame) -> pd.DataFrame:
    """The rows in key order (as `sort_values(OBSERVATION_KEY)`), with a fresh index."""
    codes = key_codes(table)
    if codes is None:
        return table.sort_values(OBSERVATION_KEY, ignore_index=True)
    return _in_key_order(table, codes[0])


def diff_observations(old: pd.DataFrame, new: pd.DataFrame) -> ObservationDiff:
    """Rows added, removed and changed from `old` to `new`, matched on OBSERVATION_KEY, in key order.

    A row counts as changed only when its value differs: a new source_id alone is not a change
    of the figures, but is reported beside a changed value.
    """
    if old.empty or new.empty:
        return _one_sided_diff(old, new)
    codes = key_codes(old, new)
    if codes is None:
        return diff_by_merge(old, new)
    old_codes, new_codes = codes
    old_keys, new_keys = pd.Index(old_codes), pd.Index(new_codes)
    if not (old_keys.is_unique and new_keys.is_unique):
        return diff_by_merge(old, new)
    old, new = old[OBSERVATION_COLUMNS], new[OBSERVATION_COLUMNS]
    # Position in `old` of each new row's key (−1: added), and the reverse (−1: removed).
    in_old = old_keys.get_indexer(new_codes)
    in_new = new_keys.get_indexer(old_codes)
    added, removed = in_old < 0, in_new < 0
    matched = np.flatnonzero(~added)
    before, after = old.iloc[in_old[matched]], new.iloc[matched]
    differs = before["value"].to_numpy() != after["value"].to_numpy()
    changed = (
        after[OBSERVATION_KEY]
        .iloc[differs]
        .reset_index(drop=True)
        .assign(
            value_old=before["value"].to_numpy()[differs],
            value_new=after["value"].to_numpy()[differs],
            source_id_old=before["source_id"].iloc[differs].to_numpy(),
            source_id_new=after["source_id"].iloc[differs].to_numpy(),
        )
    )
    return ObservationDiff(
        added=_in_key_order(new.loc[added], new_codes[added]).astype({"value": "int64"}),
        removed=_in_key_order(old.loc[removed], old_codes[removed]).astype({"value": "int64"}),
        changed=_in_key_order(changed, new_codes[matched][differs]).astype(
            {
                "value_old": "int64",
                "value_new": "int64",
                "source_id_old": old["source_id"].dtype,
                "source_id_new": new["source_id"].dtype,
            }
        ),
    )


def _one_sided_diff(old: pd.DataFrame, new: pd.DataFrame) -> ObservationDiff:
    """Everything added (old is empty) or everything removed (new is empty), in key order."""

    def whole(rows: pd.DataFrame) -> pd.DataFrame:
        codes = key_codes(rows)
        if codes is None or not pd.Index(codes[0]).is_unique:
            return diff_by_merge(rows.iloc[:0], rows).added
        return _in_key_order(rows[OBSERVATION_COLUMNS], codes[0]).astype({"value": "int64"})

    changed = (
        new[OBSERVATION_KEY]
        .iloc[:0]
        .assign(
            value_old=pd.Series(dtype="int64"),
            value_new=pd.Series(dtype="int64"),
            source_id_old=pd.Series(dtype=old["source_id"].dtype),
            source_id_new=pd.Series(dtype=new["source_id"].dtype),
        )
    )
    return ObservationDiff(added=whole(new), removed=whole(old), changed=changed)


def diff_counts(old: pd.DataFrame, new: pd.DataFrame) -> tuple[int, int, int]:
    """How many rows diff_observations would report added, changed and removed, without building them."""
    if old.empty or new.empty:
        return len(new), 0, len(old)
    codes = key_codes(old, new)
    if codes is None or not (pd.Index(codes[0]).is_unique and pd.Index(codes[1]).is_unique):
        delta = diff_observations(old, new)
        return len(delta.added), len(delta.changed), len(delta.removed)
    in_old = pd.Index(codes[0]).get_indexer(codes[1])
    matched = np.flatnonzero(in_old >= 0)
    changed = int((old["value"].to_numpy()[in_old[matched]] != new["value"].to_numpy()[matched]).sum())
    return len(new) - len(matched), changed, len(old) - len(matched)


def _one_side(rows: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """Rows of an outer merge present on one side only, back to the observation columns."""
    renamed = rows.rename(columns={f"value{suffix}": "value", f"source_id{suffix}": "source_id"})
    return renamed[OBSERVATION_COLUMNS].astype({"value": "int64"}).reset_index(drop=True)


def diff_by_merge(old: pd.DataFrame, new: pd.DataFrame) -> ObservationDiff:
    """diff_observations through an outer merge: for tables whose keys repeat (never stored)."""
    merged = old[OBSERVATION_COLUMNS].merge(
        new[OBSERVATION_COLUMNS], on=OBSERVATION_KEY, how="outer", suffixes=("_old", "_new"), indicator=True, sort=True
    )
    side = merged["_merge"]
    both = merged.loc[side == "both"]
    changed = both.loc[
        both["value_old"] != both["value_new"],
        [*OBSERVATION_KEY, "value_old", "value_new", "source_id_old", "source_id_new"],
    ]
    return ObservationDiff(
        added=_one_side(merged.loc[side == "right_only"], "_new"),
        removed=_one_side(merged.loc[side == "left_only"], "_old"),
        changed=changed.astype({"value_old": "int64", "value_new": "int64"}).reset_index(drop=True),
    )


def same_rows(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    """Whether two observation tables hold the same keys with the same values (sources aside)."""
    return diff_counts(old, new) == (0, 0, 0)
