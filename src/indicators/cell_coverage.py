"""Which communes and months each published figure adds up: the coverage columns of the exports
and of each chart's table. Whether a commune sent a row is no secret (every commune's cell is a line
of the protected table), so these counts are published beside the values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.observations import with_month
from indicators.territories import communes, scope_code
from indicators.territories import interco_of as territory_interco

CELL_KEYS = ["indicator_id", "territory_code", "level", "period_start", "dimension", "group"]
LEVEL_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def split_units(dated: pd.DataFrame) -> pd.DataFrame:
    """Each row's place in the cells it adds up to: everyone, its sex, its age group (a row split
    neither way only to everyone), one row per commune, period and group."""
    units = dated[["indicator_id", "territory_code", "sex", "age_group", "month", "months_spanned"]]
    return (
        pd.concat(
            [
                units.assign(dimension="none", group="ensemble"),
                units.loc[units["sex"] != "ensemble"].assign(dimension="sex", group=lambda split: split["sex"]),
                # A callable, not the column: assigning a Series to an empty frame would take the Series' index.
                units.loc[units["age_group"] != "ensemble"].assign(
                    dimension="age_group", group=lambda split: split["age_group"]
                ),
            ]
        )
        .drop(columns=["sex", "age_group"])
        .drop_duplicates()
        .rename(columns={"territory_code": "commune"})
        .reset_index(drop=True)
    )


def months_of_units(units: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar month each unit covers (`covered`: months since year 0), with its span."""
    spans = units["months_spanned"].to_numpy()
    first = (units["month"].dt.year * 12 + units["month"].dt.month - 1).to_numpy()
    positions = np.repeat(np.arange(len(units)), spans)
    offsets = np.arange(len(positions)) - np.repeat(np.cumsum(spans) - spans, spans)
    return (
        units.drop(columns=["month"]).iloc[positions].reset_index(drop=True).assign(covered=first[positions] + offsets)
    )


def cell_coverage(rows: pd.DataFrame, territories: pd.DataFrame) -> pd.DataFrame:
    """Which communes and months each cell of the lattice adds up (keys as `secret.lattice.lattice`:
    indicator, territory, level, period_start, dimension, group): `communes` that sent a row for it
    out of `communes_expected` (1, the EPT's, the département's), `months` some row covers out of
    `months_expected` (1, 3, 12). Whether a commune sent a row is no secret: every commune cell is
    itself a line of the protected table."""
    dated = rows if "month" in rows else with_month(rows)
    monthly = months_of_units(split_units(dated))
    interco_of = territory_interco(territories)
    members = pd.Series(list(interco_of.values()), dtype="object").value_counts()
    department, communes_in = scope_code(), len(communes(territories))
    tiers = []
    for level, span in LEVEL_MONTHS.items():
        shown = monthly.loc[monthly["months_spanned"] <= span]
        at_level = shown.assign(level=level, period=shown["covered"] // span * span)
        tiers += [
            at_level.assign(territory_code=at_level["commune"], communes_expected=1),
            at_level.assign(territory_code=at_level["commune"].map(interco_of)).dropna(subset=["territory_code"]),
            at_level.assign(territory_code=department, communes_expected=communes_in),
        ]
    everything = pd.concat(tiers, ignore_index=True)
    keys = ["indicator_id", "territory_code", "level", "period", "dimension", "group"]
    covered = everything.groupby(keys, as_index=False, observed=True, sort=False).agg(
        communes=("commune", "nunique"), months=("covered", "nunique"), communes_expected=("communes_expected", "max")
    )
    expected = covered["communes_expected"].fillna(covered["territory_code"].map(members))
    starts = pd.to_datetime(
        pd.DataFrame({"year": covered["period"] // 12, "month": covered["period"] % 12 + 1, "day": 1})
    )
    return covered.assign(
        period_start=starts,
        communes_expected=expected.astype("int64"),
        months_expected=covered["level"].map(LEVEL_MONTHS).astype("int64"),
    )[[*CELL_KEYS, "communes", "communes_expected", "months", "months_expected"]]


def series_coverage(rows: pd.DataFrame, frequency: str, breakdown: str, communes_expected: int) -> pd.DataFrame:
    """`cell_coverage` for one territory's series (its rows: every commune it adds up) at one
    grouping and split: period_start, group, communes, communes_expected, months, months_expected."""
    dated = rows if "month" in rows else with_month(rows)
    span = LEVEL_MONTHS[frequency]
    units = split_units(dated)
    units = units.loc[(units["dimension"] == breakdown) & (units["months_spanned"] <= span)]
    monthly = months_of_units(units)
    covered = (
        monthly.assign(period=monthly["covered"] // span * span)
        .groupby(["period", "group"], as_index=False, observed=True)
        .agg(communes=("commune", "nunique"), months=("covered", "nunique"))
    )
    starts = pd.to_datetime(
        pd.DataFrame({"year": covered["period"] // 12, "month": covered["period"] % 12 + 1, "day": 1})
    )
    return covered.assign(period_start=starts, communes_expected=communes_expected, months_expected=span)[
        ["period_start", "group", "communes", "communes_expected", "months", "months_expected"]
    ]
