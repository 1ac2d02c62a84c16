"""The lattice of every figure a viewer may see, and the additive relations that tie its cells.

A cell is an indicator × a territory (a commune, its EPT or the département) × a period (month,
quarter or year) × a group (a sex, an age group, or everyone). Sexes or age groups add up to
everyone, months to quarters and quarters to years, communes to their EPT and to the département
(`relations`). Which cells are hidden is decided in `secret.suppression`.

Every hidden cell is shown with one symbol, SECRET_SYMBOL ("s", as INSEE writes it), whatever
the reason it was hidden: "< k" would be false for a cell hidden only to protect another one, and
two labels would tell which cells are the small ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from indicators.i18n import N_
from indicators.keys import pack_codes, row_digests
from indicators.observations import (
    with_month,
)
from indicators.territories import (
    scope_code,
)

ALL = "ensemble"
TERRITORY_LEVELS = ["commune", "interco", "departement"]


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
    a row can be shown at (0 a month, 1 a quarter, 2 a year); `territory_interco` each commune's EPT as a
    position in `interco_codes` (-1: none, the commune adds up to the département only); `period_codes`
    per level each month's period and the periods' starts.
    """

    dated: pd.DataFrame
    indicator: np.ndarray
    indicators: pd.Index
    territory: np.ndarray
    territories: pd.Index
    interco_codes: pd.Index
    territory_interco: np.ndarray
    month: np.ndarray
    months: pd.DatetimeIndex
    span: np.ndarray
    values: np.ndarray
    period_codes: dict[str, tuple[np.ndarray, pd.Index]]
    parent_categories: pd.Index


def coded_observations(observations: pd.DataFrame, interco_of: Mapping[str, str]) -> CodedObservations:
    """The observations' indicators, territories and months factorised, their EPTs, spans and digests."""
    dated = with_month(observations)
    indicator, indicators = pd.factorize(dated["indicator_id"], sort=True)
    territory, territories = pd.factorize(dated["territory_code"], sort=True)
    interco_codes = pd.Index(sorted(set(interco_of.values())))
    territory_interco = interco_codes.get_indexer(pd.Index([interco_of.get(code) for code in territories])).astype(
        np.int64
    )
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
        interco_codes=interco_codes,
        territory_interco=territory_interco,
        month=month,
        months=months,
        span=span,
        values=values,
        period_codes={level: pd.factorize(starts[level], sort=True) for level in starts},
        parent_categories=pd.Index([scope_code(), *interco_codes]),
    )


def month_sums_per_territory_level(
    coded: CodedObservations, group: np.ndarray, groups: pd.Index
) -> dict[str, KeyedSums]:
    """Monthly sums of one dimension's groups per commune, per EPT (its communes) and for the
    département (every commune), with the sizes of their keys."""
    sizes = {
        "indicator": len(coded.indicators),
        "territory": len(coded.territories),
        "month": len(coded.months),
        "span": 3,
        "group": len(groups),
    }
    keys = {"indicator": coded.indicator, "territory": coded.territory, "month": coded.month, "span": coded.span}
    commune_months = _sum_by({**keys, "group": group}, sizes, coded.values)
    department_months = _sum_by({name: commune_months[0][name] for name in MONTH_KEYS}, sizes, commune_months[1])
    commune_interco = coded.territory_interco[commune_months[0]["territory"]]
    inside = commune_interco >= 0
    interco_sizes = {**sizes, "territory": max(len(coded.interco_codes), 1)}
    interco_months = _sum_by(
        {**{name: commune_months[0][name][inside] for name in MONTH_KEYS}, "territory": commune_interco[inside]},
        interco_sizes,
        commune_months[1][inside],
    )
    return {
        "commune": (commune_months, sizes),
        "interco": (interco_months, interco_sizes),
        "departement": (department_months, sizes),
    }


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
    level_keys = {"indicator": keys["indicator"][keep]}
    if territory_level != "departement":
        level_keys["territory"] = keys["territory"][keep]
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
    territory_codes: pd.Index | NDArray[np.object_]
    if territory_level == "commune":
        territory_codes = coded.territories.take(cells["territory"])
        interco_positions = coded.territory_interco[cells["territory"]]
        parent_codes = np.where(interco_positions >= 0, interco_positions + 1, 0)
    elif territory_level == "interco":
        territory_codes = coded.interco_codes.take(cells["territory"])
        parent_codes = np.zeros(len(cell_sums), dtype=np.int64)
    else:
        territory_codes = np.full(len(cell_sums), scope_code(), dtype=object)
        parent_codes = np.full(len(cell_sums), -1, dtype=np.int64)
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
            "parent_code": pd.Categorical.from_codes(parent_codes, categories=coded.parent_categories),
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


def lattice(observations: pd.DataFrame, interco_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every displayable cell: (indicator, territory, level, period_start, dimension, group, value),
    with the territory's level ("commune", "interco", "departement") and the territory it adds up to.

    Built from the commune cells as given: quarters and years are sums of months, a quarterly
    figure exists only as a quarter and in its year, a yearly figure only as a year cell; an EPT
    (given `interco_of`, commune → EPT) is a sum of its communes, the département a sum of communes.
    Keys are integer codes, so a million observations cost a few hash factorisations, not
    eighteen text group-bys.
    """
    coded = coded_observations(observations, dict(interco_of or {}))
    built: dict[tuple[str, str, str], pd.DataFrame] = {}
    for dimension in GROUP_DIMENSIONS:
        built.update(dimension_cells(coded, dimension))
    order = [
        (territory_level, level, dimension)
        for territory_level in TERRITORY_LEVELS
        for level in PERIOD_LEVELS
        for dimension in GROUP_DIMENSIONS
    ]
    rows = crossed_rows(coded.dated, coded.values, coded.territories, coded.territory_interco, coded.interco_codes)
    return pd.concat([*(built[piece] for piece in order), rows], ignore_index=True)


def crossed_rows(
    dated: pd.DataFrame, sums: np.ndarray, territories: pd.Index, territory_interco: np.ndarray, interco_codes: pd.Index
) -> pd.DataFrame:
    """The stored rows crossing sex and age, as cells never shown: `ROW_DIMENSION` where their commune's
    crossing for that period is partial (some sex × age combinations missing, or rows split one way
    only beside them), `FULL_CROSSING_ROW` where it is complete.

    Where every combination is present, sexes and age groups add up to everyone and nothing more can
    be said of one release; where some are missing, more can (with only girls of 11–14 and boys of
    15–17, the girls' count is the 11–14 count), and only the rows themselves say it. Across releases
    the rows of a complete crossing matter too, where some of them changed and others did not
    (`suppression` ties those)."""
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
    interco_positions = pd.Series(territory_interco, index=territories).reindex(chosen["territory_code"])
    parent_codes = np.where(interco_positions.to_numpy() >= 0, interco_positions.to_numpy() + 1, 0)
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
            "parent_code": pd.Categorical.from_codes(parent_codes, categories=pd.Index([scope_code(), *interco_codes])),
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
    """Communes add up to the département, EPTs to the département, communes to their EPT (same
    period and group)."""
    territory_level = cells["territory_level"].to_numpy()
    is_commune, is_interco = territory_level == "commune", territory_level == "interco"
    is_department = territory_level == "departement"
    across = ["indicator_id", "level", "period_start", "dimension", "group"]
    # A commune's EPT as a territory code: its parent's position among the territory values.
    no_territory = coded.sizes["territory_code"] - 1
    parent_of = pd.DataFrame(
        {"territory": coded.codes["territory_code"], "parent": cells["parent_code"].astype("object")}
    ).drop_duplicates("territory")
    parent_territory = np.full(coded.sizes["territory_code"], no_territory, dtype=np.int64)
    found = coded.values["territory_code"].get_indexer(pd.Index(parent_of["parent"]))
    parent_territory[parent_of["territory"].to_numpy()] = np.where(found >= 0, found, no_territory)
    return [
        link(rows[is_commune], rows[is_department], coded, across),
        link(rows[is_interco], rows[is_department], coded, across),
        link(
            rows[is_commune],
            rows[is_interco],
            coded,
            ["indicator_id", "territory_code", *across[1:]],
            child_maps={"territory_code": parent_territory},
        ),
    ]


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
    "communes → département",
    "EPT → département",
    "communes → EPT",
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
