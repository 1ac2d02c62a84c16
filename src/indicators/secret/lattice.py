"""The lattice of every figure a viewer may see, and the additive relations that tie its cells.

A cell is an indicator × a territory (a commune, its intercommunalité, its département, its région,
France, as far as the scope) × a period (month, quarter or year) × a group (a sex, an age group, or
everyone). Sexes or age groups add up to everyone, months to quarters and quarters to years,
communes to their intercommunalité and to their département, départements to their région, régions
to France (`relations`). Which cells are hidden is decided in `secret.suppression`.

Every hidden cell is shown with one symbol, SECRET_SYMBOL ("s", as INSEE writes it), whatever
the reason it was hidden: "< k" would be false for a cell hidden only to protect another one, and
two labels would tell which cells are the small ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd

from indicators.i18n import N_
from indicators.keys import pack_codes, row_digests
from indicators.observations import (
    with_month,
)
from indicators.territories import (
    scope_code,
)

ALL = "ensemble"
TERRITORY_LEVELS = ["commune", "interco", "departement", "region", "pays"]
# Where each territory of a cell lies: its code at every level above it, joined by CHAIN_SEPARATOR
# (empty where it has none, or lies across two), one category per distinct chain (`parent_code`).
UPPER_LEVELS = TERRITORY_LEVELS[1:]
CHAIN_SEPARATOR = "|"
# Each commune's territory at every level above it, as far as the scope (`territories.ancestors`);
# a mapping commune → intercommunalité stands for a département's scope.
Ancestors: TypeAlias = "Mapping[str, str] | pd.DataFrame"


SECRET_SYMBOL = "s"
SECRET_TEXT = N_("s (secret statistique)")  # shown with `_()`


def suppressed_label(k: int | None = None) -> str:
    """What a hidden cell shows, on every output: one symbol for every masked cell (k is not in it)."""
    return SECRET_SYMBOL


# What makes an observation row itself: its key and its value (not its source). Each cell carries
# the sums of its rows' digests (two 31-bit halves, `digest_low` and `digest_high`): equal in two
# releases exactly when the cell adds up the same rows with the same values, and equal to the sum
# of its children's exactly when a relation truly holds (`relations`).
ROW_IDENTITY = ["indicator_id", "territory_code", "period", "sex", "age_group", "value"]
HALF_MASK = 2**31 - 1
DIGEST_COLUMNS = ["digest_low", "digest_high"]
# A stored row that crosses sex and age, where its commune's crossing for that period is partial
# (some combinations missing, or beside rows split one way only): never shown, but the sexes' and
# age groups' cells are sums of such rows, and only they say which ones (`relations`).
ROW_DIMENSION = "row"
FULL_CROSSING_ROW = "row_of_full_crossing"
STORED_ROWS = (ROW_DIMENSION, FULL_CROSSING_ROW)
ROW_SEPARATOR = "·"


PERIOD_LEVELS = ("month", "quarter", "year")
GROUP_DIMENSIONS = ("sex", "age_group", "none")
# A monthly sum's keys other than its territory, in the order `_sum_by` packs them.
MONTH_KEYS = ("indicator", "month", "span", "group")

# Keys and sums per distinct key (`_sum_by`), with the size of each key column.
KeyedSums = tuple[tuple[dict[str, np.ndarray], np.ndarray], dict[str, int]]


@dataclass(frozen=True)
class CodedObservations:
    """The commune observations as integer codes, ready to be summed into cells.

    `values` holds per row the value and the two 31-bit halves of its digest; `span` the finest level
    a row can be shown at (0 a month, 1 a quarter, 2 a year); `unit_codes` per level above the commune
    its territories, `territory_unit` each commune's position among them (-1: none, as a commune in no
    intercommunalité); `unit_chain` per level (the communes' included) each territory's chain as a
    position in `chains`; `period_codes` per level each month's period and the periods' starts.
    """

    dated: pd.DataFrame
    indicator: np.ndarray
    indicators: pd.Index
    territory: np.ndarray
    territories: pd.Index
    unit_codes: dict[str, pd.Index]
    territory_unit: dict[str, np.ndarray]
    unit_chain: dict[str, np.ndarray]
    chains: pd.Index
    month: np.ndarray
    months: pd.DatetimeIndex
    span: np.ndarray
    values: np.ndarray
    period_codes: dict[str, tuple[np.ndarray, pd.Index]]

    @property
    def levels(self) -> list[str]:
        """The territory levels of the cells, finest first."""
        return ["commune", *self.unit_codes]


def ancestor_frame(ancestors: Ancestors | None, territories: pd.Index) -> pd.DataFrame:
    """Each observed commune's territory per level above it: `ancestors` as given, or, from a mapping
    commune → intercommunalité, its intercommunalité and the scope's département. A commune the
    ancestors do not know adds up to the scope only."""
    if isinstance(ancestors, pd.DataFrame):
        frame = ancestors.reindex(territories).astype("object")
    else:
        frame = pd.DataFrame({"interco": pd.Series(dict(ancestors or {}), dtype="object")}).reindex(territories)
        frame["departement"] = scope_code()
    frame.iloc[:, -1] = scope_code()
    return frame.astype("object")


def territory_chains(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Per level (the communes' and each above), each territory's chain: its codes at the levels
    above it, where all its communes agree on one (`CHAIN_SEPARATOR`-joined over UPPER_LEVELS)."""
    communes = frame.reindex(columns=UPPER_LEVELS)
    chains = {"commune": joined(communes)}
    for position, level in enumerate(UPPER_LEVELS):
        if level not in frame:
            continue
        above = UPPER_LEVELS[position + 1 :]
        grouped = communes.dropna(subset=[level]).groupby(level)
        agreed = pd.DataFrame(index=grouped.size().index)
        for column in UPPER_LEVELS:
            if column in above:
                single = grouped[column].nunique() == 1
                agreed[column] = grouped[column].first().where(single)
            else:
                agreed[column] = None
        chains[level] = joined(agreed)
    return chains


def joined(frame: pd.DataFrame) -> pd.Series:
    """Each row's codes joined by CHAIN_SEPARATOR, "" for a missing one."""
    filled = frame.astype(object).where(frame.notna(), "").astype(str)
    others: list[pd.Series] = [filled[column] for column in filled.columns[1:]]
    return filled.iloc[:, 0].str.cat(others, sep=CHAIN_SEPARATOR)  # type: ignore[arg-type]


def coded_observations(observations: pd.DataFrame, ancestors: Ancestors | None) -> CodedObservations:
    """The observations' indicators, territories and months factorised, their communes' territories at
    every level above, their spans and digests."""
    dated = with_month(observations)
    indicator, indicators = pd.factorize(dated["indicator_id"], sort=True)
    territory, territories = pd.factorize(dated["territory_code"], sort=True)
    frame = ancestor_frame(ancestors, pd.Index(territories))
    unit_codes = {level: pd.Index(sorted(frame[level].dropna().unique())) for level in frame.columns}
    territory_unit = {
        level: codes.get_indexer(pd.Index(frame[level])).astype(np.int64) for level, codes in unit_codes.items()
    }
    chain_of = territory_chains(frame)
    chains = pd.Index(sorted(set().union(*(set(found) for found in chain_of.values()))))
    unit_chain = {"commune": chains.get_indexer(pd.Index(chain_of["commune"].to_numpy())).astype(np.int64)}
    unit_chain |= {
        level: chains.get_indexer(pd.Index(chain_of[level].reindex(codes).fillna("").to_numpy())).astype(np.int64)
        for level, codes in unit_codes.items()
    }
    month, month_values = pd.factorize(dated["month"], sort=True)
    months = pd.DatetimeIndex(month_values)
    span = np.searchsorted([1, 3, 12], dated["months_spanned"].to_numpy()).astype(np.int64)
    # Summed per cell with the counts: two 31-bit halves of each row's digest (exact in float64 up to
    # 2²² rows a cell), which together say whether a cell adds up the same rows in another release.
    digests = row_digests([dated[column] for column in ROW_IDENTITY])
    values = np.column_stack(
        [
            dated["value"].to_numpy(dtype=np.float64),
            (digests & np.uint64(HALF_MASK)).astype(np.float64),
            ((digests >> np.uint64(32)) & np.uint64(HALF_MASK)).astype(np.float64),
        ]
    )
    starts = {
        "month": months,
        **{level: months.to_period(code).start_time for level, code in (("quarter", "Q"), ("year", "Y"))},
    }
    return CodedObservations(
        dated=dated,
        indicator=indicator,
        indicators=pd.Index(indicators),
        territory=territory,
        territories=pd.Index(territories),
        unit_codes=unit_codes,
        territory_unit=territory_unit,
        unit_chain=unit_chain,
        chains=chains,
        month=month,
        months=months,
        span=span,
        values=values,
        period_codes={level: pd.factorize(starts[level], sort=True) for level in starts},
    )


def month_sums_per_territory_level(
    coded: CodedObservations, group: np.ndarray, groups: pd.Index
) -> dict[str, KeyedSums]:
    """Monthly sums of one dimension's groups per commune and per territory of every level above
    (its communes), with the sizes of their keys."""
    sizes = {
        "indicator": len(coded.indicators),
        "territory": len(coded.territories),
        "month": len(coded.months),
        "span": 3,
        "group": len(groups),
    }
    keys = {"indicator": coded.indicator, "territory": coded.territory, "month": coded.month, "span": coded.span}
    commune_months = _sum_by({**keys, "group": group}, sizes, coded.values)
    built: dict[str, KeyedSums] = {"commune": (commune_months, sizes)}
    for level, codes in coded.unit_codes.items():
        unit = coded.territory_unit[level][commune_months[0]["territory"]]
        inside = unit >= 0
        level_sizes = {**sizes, "territory": max(len(codes), 1)}
        built[level] = (
            _sum_by(
                {**{name: commune_months[0][name][inside] for name in MONTH_KEYS}, "territory": unit[inside]},
                level_sizes,
                commune_months[1][inside],
            ),
            level_sizes,
        )
    return built


def period_keys(
    keys: dict[str, np.ndarray],
    territory_level: str,
    level: str,
    dimension: str,
    groups: pd.Index,
    period_of_month: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The keys of one level's cells (a month's period in place of the month) and which monthly sums
    go into them."""
    # A yearly figure only exists as a year cell, a quarterly one as a quarter or a year.
    keep = keys["span"] <= {"month": 0, "quarter": 1, "year": 2}[level]
    if dimension != "none" and ALL in groups:
        # A dimension that an indicator does not split ("ensemble") is the same cell as the total.
        keep &= keys["group"] != groups.get_loc(ALL)
    level_keys = {"indicator": keys["indicator"][keep], "territory": keys["territory"][keep]}
    level_keys["period"] = period_of_month[keys["month"][keep]]
    level_keys["group"] = keys["group"][keep]
    return level_keys, keep


def cell_frame(
    coded: CodedObservations,
    piece: tuple[str, str, str],
    groups: pd.Index,
    period_starts: pd.Index,
    cells: dict[str, np.ndarray],
    cell_sums: np.ndarray,
) -> pd.DataFrame:
    """One piece's cells (`piece`: territory level, period level, dimension) as lattice rows: codes
    back to territories, periods and groups, with each territory's parent."""
    territory_level, level, dimension = piece
    codes = coded.territories if territory_level == "commune" else coded.unit_codes[territory_level]
    territory_codes = codes.take(cells["territory"])
    parent_codes = coded.unit_chain[territory_level][cells["territory"]]
    return pd.DataFrame(
        {
            "indicator_id": pd.Series(coded.indicators.take(cells["indicator"]), dtype="str"),
            "territory_code": pd.Series(territory_codes, dtype="str"),
            "period_start": pd.DatetimeIndex(period_starts).take(cells["period"]),
            "group": pd.Series(groups.take(cells["group"]), dtype="str"),
            "value": cell_sums[:, 0],
            "level": level,
            "dimension": dimension,
            "territory_level": pd.Categorical.from_codes(
                np.full(len(cell_sums), TERRITORY_LEVELS.index(territory_level), dtype=np.int64),
                categories=pd.Index(TERRITORY_LEVELS),
            ),
            "parent_code": pd.Categorical.from_codes(parent_codes, categories=coded.chains),
            "digest_low": cell_sums[:, 1],
            "digest_high": cell_sums[:, 2],
        }
    )


def dimension_cells(coded: CodedObservations, dimension: str) -> dict[tuple[str, str, str], pd.DataFrame]:
    """One dimension's cells (its groups, or everyone for "none") at every territory and period level."""
    if dimension == "none":
        group, groups = np.zeros(len(coded.dated), dtype=np.int64), pd.Index([ALL])
    else:
        group, group_values = pd.factorize(coded.dated[dimension], sort=True)
        groups = pd.Index(group_values)
    built: dict[tuple[str, str, str], pd.DataFrame] = {}
    for territory_level, ((keys, sums), level_sizes) in month_sums_per_territory_level(coded, group, groups).items():
        for level in PERIOD_LEVELS:
            period_of_month, period_starts = coded.period_codes[level]
            level_keys, keep = period_keys(keys, territory_level, level, dimension, groups, period_of_month)
            cells, cell_sums = _sum_by(level_keys, {**level_sizes, "period": len(period_starts)}, sums[keep])
            piece = (territory_level, level, dimension)
            built[piece] = cell_frame(coded, piece, groups, period_starts, cells, cell_sums)
    return built


def lattice(observations: pd.DataFrame, ancestors: Ancestors | None = None) -> pd.DataFrame:
    """Every displayable cell: (indicator, territory, level, period_start, dimension, group, value),
    with the territory's level ("commune", "interco", "departement", "region", "pays") and the
    territories it adds up to (`parent_code`, its chain).

    Built from the commune cells as given: quarters and years are sums of months, a quarterly
    figure exists only as a quarter and in its year, a yearly figure only as a year cell; a
    territory above the commune (given `ancestors`, `territories.ancestors`, or a mapping commune →
    intercommunalité for a département) is a sum of its communes.
    Keys are integer codes, so a million observations cost a few hash factorisations, not
    eighteen text group-bys.
    """
    coded = coded_observations(observations, ancestors)
    built: dict[tuple[str, str, str], pd.DataFrame] = {}
    for dimension in GROUP_DIMENSIONS:
        built.update(dimension_cells(coded, dimension))
    order = [
        (territory_level, level, dimension)
        for territory_level in coded.levels
        for level in PERIOD_LEVELS
        for dimension in GROUP_DIMENSIONS
    ]
    rows = crossed_rows(coded)
    return pd.concat([*(built[piece] for piece in order), rows], ignore_index=True)


def crossed_rows(coded: CodedObservations) -> pd.DataFrame:
    """The stored rows crossing sex and age, as cells never shown: `ROW_DIMENSION` where their commune's
    crossing for that period is partial (some sex × age combinations missing, or rows split one way
    only beside them), `FULL_CROSSING_ROW` where it is complete.

    Where every combination is present, sexes and age groups add up to everyone and nothing more can
    be said of one release; where some are missing, more can (with only girls of 11–14 and boys of
    15–17, the girls' count is the 11–14 count), and only the rows themselves say it. Across releases
    the rows of a complete crossing matter too, where some of them changed and others did not
    (`suppression` ties those)."""
    dated, sums = coded.dated, coded.values
    crossed = ((dated["sex"] != ALL) & (dated["age_group"] != ALL)).to_numpy()
    unit = pd.MultiIndex.from_arrays([dated["indicator_id"], dated["territory_code"], dated["period"]])
    codes, _units = pd.factorize(unit)
    rows_per_unit = np.bincount(codes)
    crossed_per_unit = np.bincount(codes, weights=crossed).astype(np.int64)
    combos = pd.DataFrame({"unit": codes, "sex": dated["sex"].to_numpy(), "age": dated["age_group"].to_numpy()})
    combos = combos.loc[crossed]
    sexes = combos.groupby("unit")["sex"].nunique().reindex(range(len(rows_per_unit)), fill_value=0).to_numpy()
    ages = combos.groupby("unit")["age"].nunique().reindex(range(len(rows_per_unit)), fill_value=0).to_numpy()
    complete = (crossed_per_unit == rows_per_unit) & (crossed_per_unit == sexes * ages)
    picked = crossed
    chosen = dated.loc[picked]
    spanned = chosen["months_spanned"].to_numpy()
    months = pd.DatetimeIndex(chosen["month"])
    level = np.where(spanned == 12, "year", np.where(spanned == 3, "quarter", "month"))
    period_start = np.where(
        spanned == 12,
        months.to_period("Y").start_time,
        np.where(spanned == 3, months.to_period("Q").start_time, months),
    )
    parent_codes = coded.unit_chain["commune"][coded.territory[picked]]
    return pd.DataFrame(
        {
            "indicator_id": pd.Series(chosen["indicator_id"].to_numpy(), dtype="str"),
            "territory_code": pd.Series(chosen["territory_code"].to_numpy(), dtype="str"),
            "period_start": pd.DatetimeIndex(period_start).as_unit("us"),
            "group": pd.Series((chosen["sex"] + ROW_SEPARATOR + chosen["age_group"]).to_numpy(), dtype="str"),
            "value": np.rint(sums[picked, 0]).astype(np.int64),
            "level": level,
            "dimension": np.where(complete[codes[picked]], FULL_CROSSING_ROW, ROW_DIMENSION),
            "territory_level": pd.Categorical.from_codes(
                np.zeros(len(chosen), dtype=np.int64), categories=pd.Index(TERRITORY_LEVELS)
            ),
            "parent_code": pd.Categorical.from_codes(parent_codes, categories=coded.chains),
            "digest_low": np.rint(sums[picked, 1]).astype(np.int64),
            "digest_high": np.rint(sums[picked, 2]).astype(np.int64),
        }
    )


def _sum_by(
    keys: dict[str, np.ndarray], sizes: dict[str, int], values: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Sums of each column of `values` (rows × columns) per distinct combination of integer key
    columns (each in [0, size)).

    The columns are packed into one int64 (mixed radix, first column most significant), so the
    combinations come back in the order of the columns, as a sorted group-by would give them.
    """
    packed = pack_codes(list(keys.values()), [sizes[name] for name in keys])
    codes, uniques = pd.factorize(packed, sort=True)
    sums = np.column_stack(
        [np.bincount(codes, weights=values[:, column], minlength=len(uniques)) for column in range(values.shape[1])]
    )
    sums = np.rint(sums).astype(np.int64).reshape(len(uniques), values.shape[1])
    unpacked: dict[str, np.ndarray] = {}
    rest = np.asarray(uniques, dtype=np.int64)
    for name in reversed(list(keys)):
        rest, unpacked[name] = np.divmod(rest, sizes[name])
    return unpacked, sums


@dataclass(frozen=True)
class CellCodes:
    """The cells' key columns factorised: per column each cell's code, the values in code order, and
    the number of codes with room for "no such value" (a parent that does not exist)."""

    codes: dict[str, np.ndarray]
    values: dict[str, pd.Index]
    sizes: dict[str, int]

    def where(self, column: str, name: str) -> np.ndarray:
        """Which cells have `name` in `column` (none when no cell has it)."""
        names = list(self.values[column])
        codes = self.codes[column]
        return codes == names.index(name) if name in names else np.zeros(len(codes), dtype=bool)


CELL_KEYS = ("indicator_id", "territory_code", "level", "period_start", "dimension", "group")


def cell_codes(cells: pd.DataFrame) -> CellCodes:
    """The cells' keys (`CELL_KEYS`) as sorted integer codes."""
    codes, values, sizes = {}, {}, {}
    for column in CELL_KEYS:
        codes[column], found = pd.factorize(cells[column], sort=True)
        values[column] = pd.Index(found)
        sizes[column] = len(values[column]) + 1
    return CellCodes(codes, values, sizes)


def group_families(coded: CellCodes, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Groups (sexes, age groups) add up to everyone, at the same territory and period."""
    keys = ["indicator_id", "territory_code", "level", "period_start"]
    return [
        link(rows[coded.where("dimension", name)], rows[coded.where("dimension", "none")], coded, keys)
        for name in ("sex", "age_group")
    ]


def period_families(coded: CellCodes, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Months add up to quarters, quarters to years (same territory and group)."""
    period_starts = pd.DatetimeIndex(coded.values["period_start"])
    keys = ["indicator_id", "territory_code", "dimension", "group", "period_start"]
    families = []
    for child_level, parent_level, code in (("month", "quarter", "Q"), ("quarter", "year", "Y")):
        parent_start = period_starts.get_indexer(period_starts.to_period(code).start_time)
        parent_start = np.where(parent_start < 0, len(period_starts), parent_start)
        families.append(
            link(
                rows[coded.where("level", child_level)],
                rows[coded.where("level", parent_level)],
                coded,
                keys,
                child_maps={"period_start": parent_start},
            )
        )
    return families


def territory_families(coded: CellCodes, rows: np.ndarray, cells: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """Communes add up to their intercommunalité; communes, intercommunalités, départements and régions
    each to the nearest territory above them that holds all their communes (a commune to its
    département, an intercommunalité across two départements to its région…), same period and group.
    Relations that do not hold (a département with an intercommunalité across its border) are
    dropped by `holding`."""
    level_codes = pd.Categorical(cells["territory_level"], categories=TERRITORY_LEVELS).codes
    across = ["indicator_id", "level", "period_start", "dimension", "group"]
    keys = ["indicator_id", "territory_code", *across[1:]]
    interco_of = parent_territories(coded, cells, ("interco",))
    upper_of = parent_territories(coded, cells, ("departement", "region", "pays"))
    upper = rows[level_codes >= TERRITORY_LEVELS.index("departement")]
    families = [
        link(
            rows[level_codes == 0],
            rows[level_codes == 1],
            coded,
            keys,
            child_maps={"territory_code": interco_of},
        )
    ]
    for position in range(len(TERRITORY_LEVELS) - 1):
        families.append(
            link(rows[level_codes == position], upper, coded, keys, child_maps={"territory_code": upper_of})
        )
    return families


def parent_territories(coded: CellCodes, cells: pd.DataFrame, levels: tuple[str, ...]) -> np.ndarray:
    """Per territory code, the code of its nearest territory at one of `levels` (in order) as read in
    its chain (`parent_code`); "no such value" where it has none."""
    no_territory = coded.sizes["territory_code"] - 1
    chain = cells["parent_code"].cat
    parent_of = pd.DataFrame({"territory": coded.codes["territory_code"], "chain": chain.codes}).drop_duplicates(
        "territory"
    )
    parts = chain_parts(cells)
    wanted = [UPPER_LEVELS.index(level) for level in levels]
    nearest = [next((part[index] for index in wanted if len(part) > index and part[index]), "") for part in parts]
    chain_parent = coded.values["territory_code"].get_indexer(pd.Index(nearest))
    chain_parent = np.where(chain_parent >= 0, chain_parent, no_territory)
    parent_territory = np.full(coded.sizes["territory_code"], no_territory, dtype=np.int64)
    parent_territory[parent_of["territory"].to_numpy()] = chain_parent[parent_of["chain"].to_numpy()]
    return parent_territory


def chain_parts(cells: pd.DataFrame) -> list[list[str]]:
    """Each `parent_code` category as its codes per UPPER_LEVELS. A release recorded before chains
    (a département's scope) holds one code instead: a commune's intercommunalité, or the
    département for anything else."""
    categories = [str(category) for category in cells["parent_code"].cat.categories]
    if all(CHAIN_SEPARATOR in category for category in categories):
        return [category.split(CHAIN_SEPARATOR) for category in categories]
    interco_level = cells["territory_level"] == "interco"
    intercos = set(cells.loc[interco_level, "territory_code"].unique())
    tops = cells.loc[cells["territory_level"] == "departement", "territory_code"].unique()
    top = str(tops[0]) if len(tops) else ""
    return [[category if category in intercos else "", top, "", ""] for category in categories]


def crossing_families(coded: CellCodes, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stored rows crossing sex and age add up to their sex's cell and to their age group's cell."""
    dimensions = list(coded.values["dimension"])
    group_values = coded.values["group"]
    stored_rows = rows[coded.where("dimension", ROW_DIMENSION) | coded.where("dimension", FULL_CROSSING_ROW)]
    families = []
    for position, name in enumerate(("sex", "age_group")):
        own = [label.split(ROW_SEPARATOR)[position] if ROW_SEPARATOR in label else "" for label in group_values]
        group_map = group_values.get_indexer(pd.Index(own))
        group_map = np.where(group_map >= 0, group_map, coded.sizes["group"] - 1)
        dimension_map = np.full(coded.sizes["dimension"], coded.sizes["dimension"] - 1, dtype=np.int64)
        for stored in STORED_ROWS:
            if stored in dimensions and name in dimensions:
                dimension_map[dimensions.index(stored)] = dimensions.index(name)
        families.append(
            link(
                stored_rows,
                rows[coded.where("dimension", name)],
                coded,
                list(CELL_KEYS),
                child_maps={"dimension": dimension_map, "group": group_map},
            )
        )
    return families


def relations(cells: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """(parent index, children indexes) arrays for each family of additive relations, as group ids.

    Returned as pairs (relation id per child row, relation id per parent row) so the iteration can
    count hidden members per relation with vectorised group-bys. Only relations that hold are kept
    (`holding`): sexes add up to everyone only where every row has a sex, an EPT's months to its
    quarter only where its communes report monthly, EPTs to the département only where every
    commune has an EPT; elsewhere the same facts follow from the relations that do hold. Always the
    same families in the same order (`RELATION_FAMILIES`), empty where no relation of one exists.
    """
    coded = cell_codes(cells)
    rows = np.arange(len(cells))
    families = [
        *group_families(coded, rows),
        *period_families(coded, rows),
        *territory_families(coded, rows, cells),
        *crossing_families(coded, rows),
    ]
    return [holding(members, ids, cells) for members, ids in families]


# The families `relations` returns, in order.
RELATION_FAMILIES = [
    "sexes → everyone",
    "age groups → everyone",
    "months → quarter",
    "quarters → year",
    "communes → intercommunalité",
    "communes → above",
    "intercommunalités → above",
    "départements → above",
    "régions → France",
    "rows → sex",
    "rows → age group",
]


def holding(members: np.ndarray, ids: np.ndarray, cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The relations of one family that hold: the parent adds up exactly the rows of its children
    (the sums of their row digests agree, in both halves)."""
    if len(members) == 0:
        return members, ids
    child = members != ids
    holds = np.ones(len(cells), dtype=bool)
    for column in DIGEST_COLUMNS:
        digest = cells[column].to_numpy(dtype=np.int64)
        children_sum = np.zeros(len(cells), dtype=np.int64)
        np.add.at(children_sum, ids[child], digest[members[child]])
        holds &= children_sum == digest
    keep = holds[ids]
    return members[keep], ids[keep]


def link(
    children: np.ndarray,
    parents: np.ndarray,
    coded: CellCodes,
    keys: list[str],
    child_maps: dict[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Relation members as (row, relation id) pairs: each parent and its children share one id.

    `child_maps` maps, per key column, a child's code to its parent's (a month to its quarter's
    start, a commune to its EPT).
    """
    child_maps = child_maps or {}
    codes, sizes = coded.codes, coded.sizes

    def packed(rows: np.ndarray, is_child: bool) -> np.ndarray:
        columns = [
            child_maps[name][codes[name][rows]] if is_child and name in child_maps else codes[name][rows]
            for name in keys
        ]
        return pack_codes(columns, [sizes[name] for name in keys])

    parent_of = pd.Index(packed(parents, False)).get_indexer(packed(children, True))
    matched = parent_of >= 0
    relation_ids = parents[parent_of[matched]]
    members = np.concatenate([children[matched], np.unique(relation_ids)])
    ids = np.concatenate([relation_ids, np.unique(relation_ids)])
    return members, ids
