"""Statistical disclosure control: small counts about children are never shown, nor recomputable.

Every field-observation figure a viewer can see is a cell of one lattice: an indicator × a
territory (a commune, its EPT or the département) × a period (month, quarter or year) × a group
(a sex, an age group, or everyone). Cells are tied by additive relations: sexes or age groups add
up to everyone, months to quarters and quarters to years, communes to their EPT and to the
département. This module builds the lattice and its relations (`lattice`, `relations`) and reads
protected cells into what pages, exports and slides show; which cells are hidden, in one release
and across successive ones, is decided in `suppression`.

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

from indicators.cell_coverage import CELL_KEYS
from indicators.comparisons import (
    ChangeTest,
    LikeForLike,
    like_for_like,
    like_for_like_by_period,
    shared_units,
    window_units,
)
from indicators.exports import (
    COVERAGE_HEADERS_FR,
    LEVEL_CODES_FR,
    SERIES_COVERAGE_HEADERS_FR,
    SPLIT_CODES_FR,
    period_labels,
)
from indicators.formatting import format_month, format_number
from indicators.i18n import N_, _
from indicators.keys import pack_codes, row_digests
from indicators.observations import (
    GRANULARITIES,
    MONTHS_PER_PERIOD,
    FieldIndex,
    PeriodComparison,
    aggregate_series,
    as_breakdown,
    as_frequency,
    compare_with_year_before,
    is_demo,
    rank_territories,
    rank_with_secret_last,
    select_observations,
    with_month,
    year_bounds,
)
from indicators.territories import (
    DEPARTMENT,
    Benchmark,
    benchmark_of,
    counted_exposure,
    members,
    rates_with_intervals,
    standing_label,
    with_standing,
)

ALL = "ensemble"
TERRITORY_LEVELS = ["commune", "ept", "departement"]


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


def lattice(observations: pd.DataFrame, ept_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every displayable cell: (indicator, territory, level, period_start, dimension, group, value),
    with the territory's level ("commune", "ept", "departement") and the territory it adds up to.

    Built from the commune cells as given: quarters and years are sums of months, a quarterly
    figure exists only as a quarter and in its year, a yearly figure only as a year cell; an EPT
    (given `ept_of`, commune → EPT) is a sum of its communes, the département a sum of communes.
    Keys are integer codes, so a million observations cost a few hash factorisations, not
    eighteen text group-bys.
    """
    ept_of = dict(ept_of or {})
    dated = with_month(observations)
    indicator, indicators = pd.factorize(dated["indicator_id"], sort=True)
    territory, territories = pd.factorize(dated["territory_code"], sort=True)
    ept_codes = pd.Index(sorted(set(ept_of.values())))
    # Each commune's EPT as a position in ept_codes (-1: none, the commune adds up to the département only).
    territory_ept = ept_codes.get_indexer(pd.Index([ept_of.get(code) for code in territories])).astype(np.int64)
    month, months = pd.factorize(dated["month"], sort=True)
    months = pd.DatetimeIndex(months)
    # 0 for a month, 1 for a quarter, 2 for a year: the finest level a row can be shown at.
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
    period_codes = {level: pd.factorize(starts[level], sort=True) for level in starts}
    parent_categories = pd.Index([DEPARTMENT, *ept_codes])

    built: dict[tuple[str, str, str], pd.DataFrame] = {}
    for dimension in ("sex", "age_group", "none"):
        if dimension == "none":
            group, groups = np.zeros(len(dated), dtype=np.int64), pd.Index([ALL])
        else:
            group, groups = pd.factorize(dated[dimension], sort=True)
        sizes = {
            "indicator": len(indicators),
            "territory": len(territories),
            "month": len(months),
            "span": 3,
            "group": len(groups),
        }
        commune_months = _sum_by(
            {"indicator": indicator, "territory": territory, "month": month, "span": span, "group": group},
            sizes,
            values,
        )
        department_months = _sum_by(
            {name: commune_months[0][name] for name in ("indicator", "month", "span", "group")},
            sizes,
            commune_months[1],
        )
        commune_ept = territory_ept[commune_months[0]["territory"]]
        inside = commune_ept >= 0
        ept_sizes = {**sizes, "territory": max(len(ept_codes), 1)}
        ept_months = _sum_by(
            {
                **{name: commune_months[0][name][inside] for name in ("indicator", "month", "span", "group")},
                "territory": commune_ept[inside],
            },
            ept_sizes,
            commune_months[1][inside],
        )
        pieces = {
            "commune": (commune_months, sizes),
            "ept": (ept_months, ept_sizes),
            "departement": (department_months, sizes),
        }
        for territory_level, ((keys, sums), level_sizes) in pieces.items():
            for level in ("month", "quarter", "year"):
                # A yearly figure only exists as a year cell, a quarterly one as a quarter or a year.
                keep = keys["span"] <= {"month": 0, "quarter": 1, "year": 2}[level]
                if dimension != "none" and ALL in groups:
                    # A dimension that an indicator does not split ("ensemble") is the same cell as the total.
                    keep &= keys["group"] != groups.get_loc(ALL)
                period_of_month, period_starts = period_codes[level]
                level_keys = {"indicator": keys["indicator"][keep]}
                if territory_level != "departement":
                    level_keys["territory"] = keys["territory"][keep]
                level_keys["period"] = period_of_month[keys["month"][keep]]
                level_keys["group"] = keys["group"][keep]
                cells, cell_sums = _sum_by(level_keys, {**level_sizes, "period": len(period_starts)}, sums[keep])
                territory_codes: pd.Index | NDArray[np.object_]
                if territory_level == "commune":
                    territory_codes = territories.take(cells["territory"])
                    ept_positions = territory_ept[cells["territory"]]
                    parent_codes = np.where(ept_positions >= 0, ept_positions + 1, 0)
                elif territory_level == "ept":
                    territory_codes = ept_codes.take(cells["territory"])
                    parent_codes = np.zeros(len(cell_sums), dtype=np.int64)
                else:
                    territory_codes = np.full(len(cell_sums), DEPARTMENT, dtype=object)
                    parent_codes = np.full(len(cell_sums), -1, dtype=np.int64)
                built[(territory_level, level, dimension)] = pd.DataFrame(
                    {
                        "indicator_id": pd.Series(indicators.take(cells["indicator"]), dtype="str"),
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
                        "parent_code": pd.Categorical.from_codes(parent_codes, categories=parent_categories),
                        "digest_low": cell_sums[:, 1],
                        "digest_high": cell_sums[:, 2],
                    }
                )
    order = [
        (territory_level, level, dimension)
        for territory_level in TERRITORY_LEVELS
        for level in ("month", "quarter", "year")
        for dimension in ("sex", "age_group", "none")
    ]
    rows = crossed_rows(dated, values, territories, territory_ept, ept_codes)
    return pd.concat([*(built[piece] for piece in order), rows], ignore_index=True)


def crossed_rows(
    dated: pd.DataFrame, sums: np.ndarray, territories: pd.Index, territory_ept: np.ndarray, ept_codes: pd.Index
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
    ept_positions = pd.Series(territory_ept, index=territories).reindex(chosen["territory_code"])
    parent_codes = np.where(ept_positions.to_numpy() >= 0, ept_positions.to_numpy() + 1, 0)
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
            "parent_code": pd.Categorical.from_codes(parent_codes, categories=pd.Index([DEPARTMENT, *ept_codes])),
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


def relations(cells: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """(parent index, children indexes) arrays for each family of additive relations, as group ids.

    Returned as pairs (relation id per child row, relation id per parent row) so the iteration can
    count hidden members per relation with vectorised group-bys. Only relations that hold are kept
    (`holding`): sexes add up to everyone only where every row has a sex, an EPT's months to its
    quarter only where its communes report monthly, EPTs to the département only where every
    commune has an EPT; elsewhere the same facts follow from the relations that do hold. Always the
    same families in the same order (`RELATION_FAMILIES`), empty where no relation of one exists.
    """
    columns = ("indicator_id", "territory_code", "level", "period_start", "dimension", "group")
    codes, values, sizes = {}, {}, {}
    for column in columns:
        codes[column], values[column] = pd.factorize(cells[column], sort=True)
        sizes[column] = len(values[column]) + 1  # room for "no such value" (a parent that does not exist)
    period_starts = pd.DatetimeIndex(values["period_start"])
    level, levels = codes["level"], list(values["level"])
    dimension, dimensions = codes["dimension"], list(values["dimension"])
    rows = np.arange(len(cells))

    def level_is(name: str) -> np.ndarray:
        return level == levels.index(name) if name in levels else np.zeros(len(cells), dtype=bool)

    def dimension_is(name: str) -> np.ndarray:
        return dimension == dimensions.index(name) if name in dimensions else np.zeros(len(cells), dtype=bool)

    families = []
    # Groups (sexes, age groups) add up to everyone, at the same territory and period.
    keys = ["indicator_id", "territory_code", "level", "period_start"]
    for name in ("sex", "age_group"):
        families.append(link(rows[dimension_is(name)], rows[dimension_is("none")], codes, sizes, keys))
    # Months add up to quarters, quarters to years (same territory and group).
    for child_level, parent_level, code in (("month", "quarter", "Q"), ("quarter", "year", "Y")):
        parent_start = period_starts.get_indexer(period_starts.to_period(code).start_time)
        parent_start = np.where(parent_start < 0, len(period_starts), parent_start)
        keys = ["indicator_id", "territory_code", "dimension", "group", "period_start"]
        families.append(
            link(
                rows[level_is(child_level)],
                rows[level_is(parent_level)],
                codes,
                sizes,
                keys,
                child_maps={"period_start": parent_start},
            )
        )
    # Communes add up to their EPT and to the département, EPTs to the département (same period and group).
    territory_level = cells["territory_level"].to_numpy()
    is_commune, is_ept = territory_level == "commune", territory_level == "ept"
    is_department = territory_level == "departement"
    across = ["indicator_id", "level", "period_start", "dimension", "group"]
    families.append(link(rows[is_commune], rows[is_department], codes, sizes, across))
    families.append(link(rows[is_ept], rows[is_department], codes, sizes, across))
    # A commune's EPT as a territory code: its parent's position among the territory values.
    parent_of = pd.DataFrame({"territory": codes["territory_code"], "parent": cells["parent_code"].astype("object")})
    parent_of = parent_of.drop_duplicates("territory")
    parent_territory = np.full(sizes["territory_code"], sizes["territory_code"] - 1, dtype=np.int64)
    found = pd.Index(values["territory_code"]).get_indexer(parent_of["parent"])
    parent_territory[parent_of["territory"].to_numpy()] = np.where(found >= 0, found, sizes["territory_code"] - 1)
    families.append(
        link(
            rows[is_commune],
            rows[is_ept],
            codes,
            sizes,
            ["indicator_id", "territory_code", *across[1:]],
            child_maps={"territory_code": parent_territory},
        )
    )
    # Stored rows crossing sex and age add up to their sex's cell and to their age group's cell.
    everything = ["indicator_id", "territory_code", "level", "period_start", "dimension", "group"]
    group_values = pd.Index(values["group"])
    for position, name in enumerate(("sex", "age_group")):
        own = [label.split(ROW_SEPARATOR)[position] if ROW_SEPARATOR in label else "" for label in group_values]
        group_map = group_values.get_indexer(pd.Index(own))
        group_map = np.where(group_map >= 0, group_map, sizes["group"] - 1)
        dimension_map = np.full(sizes["dimension"], sizes["dimension"] - 1, dtype=np.int64)
        for stored in STORED_ROWS:
            if stored in dimensions and name in dimensions:
                dimension_map[dimensions.index(stored)] = dimensions.index(name)
        families.append(
            link(
                rows[dimension_is(ROW_DIMENSION) | dimension_is(FULL_CROSSING_ROW)],
                rows[dimension_is(name)],
                codes,
                sizes,
                everything,
                child_maps={"dimension": dimension_map, "group": group_map},
            )
        )
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
    codes: dict[str, np.ndarray],
    sizes: dict[str, int],
    keys: list[str],
    child_maps: dict[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Relation members as (row, relation id) pairs: each parent and its children share one id.

    `child_maps` maps, per key column, a child's code to its parent's (a month to its quarter's
    start, a commune to its EPT).
    """
    child_maps = child_maps or {}

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


def masked_values(frame: pd.DataFrame, k: int, french: bool = False) -> pd.Series:
    """Text to show for each cell: the count (in French format for screens), or the secret symbol when suppressed."""
    counts = frame["value"].map(format_number) if french else frame["value"].astype("Int64").astype(str)
    return counts.where(~frame["suppressed"], suppressed_label(k))


def protect_series(
    series: pd.DataFrame, cells: pd.DataFrame, indicator_id: str, territory_code: str, frequency: str, breakdown: str
) -> pd.DataFrame:
    """Flag the points of a drawn series (period_start × group) that the lattice suppresses.

    A point that is not a lattice cell (it should not happen) is suppressed: unknown means hidden.
    """
    keys = cells.loc[
        (cells["indicator_id"] == indicator_id)
        & (cells["territory_code"] == territory_code)
        & (cells["level"] == frequency)
        & (cells["dimension"] == breakdown),
        ["period_start", "group", "suppressed"],
    ]
    flagged = series.drop(columns=["suppressed"], errors="ignore").merge(keys, on=["period_start", "group"], how="left")
    return flagged.assign(suppressed=flagged["suppressed"].astype("boolean").fillna(True).astype(bool))


def protect_totals(
    totals: pd.DataFrame, cells: pd.DataFrame, indicator_id: str, dimension: str, group: str, years: list[int]
) -> pd.DataFrame:
    """Flag per-territory sums over whole years: shown only when every year cell in them is shown.

    A sum of visible cells reveals nothing new; a sum with a hidden cell could, minus the others.
    """
    year_cells = cells.loc[
        (cells["indicator_id"] == indicator_id)
        & (cells["level"] == "year")
        & (cells["dimension"] == dimension)
        & (cells["group"] == group)
        & cells["period_start"].dt.year.isin(years)
    ]
    hidden = set(year_cells.loc[year_cells["suppressed"], "territory_code"])
    return totals.assign(suppressed=totals["territory_code"].isin(hidden))


def with_rates(frame: pd.DataFrame, counted: pd.DataFrame) -> pd.DataFrame:
    """`frame` (territory_code, value, suppressed) with what its rates rest on (`counted`, from
    `territories.counted_exposure`: communes counted and expected, their population, the exposure)
    and each rate per 10 000 with its exact 95 % interval. A secret count has neither rate nor
    interval, and is never passed to them: with the population public, either gives the count back."""
    joined = frame.merge(counted, on="territory_code", how="left")
    visible = joined["value"].astype(float).where(~joined["suppressed"].astype(bool))
    return joined.assign(**rates_with_intervals(visible, joined["exposure"]))


def protected_trend(
    index: FieldIndex,
    territories: pd.DataFrame,
    cells: pd.DataFrame,
    indicator_id: str,
    territory_code: str,
    first_year: str,
    last_year: str,
    frequency: str,
    breakdown: str,
) -> tuple[pd.DataFrame, list[str], bool]:
    """One field series as the Tendances page draws it (the département, an EPT or one commune,
    whole years), secret applied; with the sources of its rows and whether they are the demo's."""
    rows = index.rows(indicator_id, members(territories, territory_code), *year_bounds(first_year, last_year))
    series = protect_series(
        aggregate_series(rows, as_frequency(frequency), as_breakdown(breakdown)),
        cells,
        indicator_id,
        territory_code,
        frequency,
        breakdown,
    )
    return series, rows["source_id"].unique().tolist(), is_demo(rows)


def public_rows(index: FieldIndex, indicator_id: str, first_year: str, last_year: str, public: str) -> pd.DataFrame:
    """The indicator's rows of whole years for one public ("none:", "sex:F", "age_group:15-17")."""
    rows = index.rows(indicator_id, None, *year_bounds(first_year, last_year))
    dimension, group = public.split(":")
    return rows.loc[rows[dimension] == group] if dimension != "none" else rows


def department_shown(cells: pd.DataFrame, indicator_id: str, public: str, years: list[int]) -> bool:
    """Whether the département's total of one public over whole years may be shown (every year cell is)."""
    dimension, group = public.split(":")
    department = pd.DataFrame({"territory_code": [DEPARTMENT]})
    return not bool(protect_totals(department, cells, indicator_id, dimension, group, years)["suppressed"].iloc[0])


def protected_benchmark(
    index: FieldIndex,
    territories: pd.DataFrame,
    cells: pd.DataFrame,
    indicator_id: str,
    first_year: str,
    last_year: str,
    public: str,
) -> Benchmark:
    """The whole a ranking compares its territories with: the communes counted, their total and
    exposure; not shown (no comparison) while the département's total is under the secret."""
    years = list(range(int(first_year), int(last_year) + 1))
    return benchmark_of(
        public_rows(index, indicator_id, first_year, last_year, public),
        territories,
        department_shown(cells, indicator_id, public, years),
        12 * len(years),
    )


def protected_ranking(
    index: FieldIndex,
    territories: pd.DataFrame,
    cells: pd.DataFrame,
    indicator_id: str,
    first_year: str,
    last_year: str,
    public: str,
    level: str = "commune",
) -> tuple[pd.DataFrame, list[str], bool]:
    """Communes (or EPTs) ranked for one indicator, whole years and public ("none:", "sex:F",
    "age_group:15-17"), secret applied (secret totals last), with the communes counted, their
    population, the rate per 10 000 and its interval (none where the count is secret) and the
    standing against the département (`protected_benchmark`; none for a secret count); with the
    sources of its rows and whether they are the demo's."""
    rows = public_rows(index, indicator_id, first_year, last_year, public)
    dimension, group = public.split(":")
    years = list(range(int(first_year), int(last_year) + 1))
    ranked = rank_with_secret_last(
        protect_totals(rank_territories(rows, territories, level), cells, indicator_id, dimension, group, years)
    )
    benchmark = benchmark_of(rows, territories, department_shown(cells, indicator_id, public, years), 12 * len(years))
    rated = with_rates(ranked, counted_exposure(rows, territories, level))
    return with_standing(rated, benchmark), rows["source_id"].unique().tolist(), is_demo(rows)


def mask_column(frame: pd.DataFrame, column: str, k: int, french: bool = False) -> pd.DataFrame:
    """Copy for display or export: the column as text, the secret symbol in suppressed rows, no secret inside."""
    masked = masked_values(frame[[column, "suppressed"]].rename(columns={column: "value"}), k, french)
    return frame.assign(**{column: masked}).drop(columns="suppressed")


def series_tables(
    series: pd.DataFrame,
    *,
    indicator: str,
    territory: str,
    unit: str,
    frequency: str,
    group_names: dict[str, str],
    k: int,
    coverage: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A protected trend series (`protect_series`) as the two tables behind its chart: the file to
    download (plain values, « s » where secret, one row per period and group) and the table on
    screen (formatted values), headers and words in the current language. Pages show these, never
    the series' own values. With `coverage` (the series' cells in `comparisons.cell_coverage`:
    period_start, group and its counts), the file says how many communes and months each point adds
    up out of how many."""
    extra = list(SERIES_COVERAGE_HEADERS_FR) if coverage is not None else []
    if coverage is not None:
        series = series.merge(coverage[["period_start", "group", *extra]], on=["period_start", "group"], how="left")
    base = series.assign(
        indicateur=indicator,
        territoire=territory,
        periode=[format_month(start, frequency) for start in series["period_start"]],
        groupe=series["group"].map(lambda group: group_names.get(group, group)),
        complete=series["complete"].map({True: _("oui"), False: _("non (partielle)")}),
    )[["indicateur", "territoire", "periode", "groupe", "value", "complete", *extra, "suppressed"]]
    download = mask_column(base, "value", k).rename(
        columns={
            "indicateur": _("indicateur"),
            "territoire": _("territoire"),
            "periode": _("periode"),
            "groupe": _("groupe"),
            "value": _("valeur"),
            "complete": _("periode_complete"),
            **{column: _(header) for column, header in SERIES_COVERAGE_HEADERS_FR.items()},
        }
    )
    shown = (
        mask_column(base, "value", k, french=True)
        .drop(columns=["indicateur", "territoire", *extra])
        .rename(
            columns={
                "periode": _("Période"),
                "groupe": _("Groupe"),
                "value": unit.capitalize(),
                "complete": _("Période complète"),
            }
        )
    )
    return download, shown


def window_visible(
    cells: pd.DataFrame,
    indicator_id: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    granularity: str = "month",
    territory_code: str = DEPARTMENT,
) -> bool:
    """Whether a territory's total (the département's by default) over [start, end] may be shown.

    A calendar year or quarter is a lattice cell: its own flag decides. Any other window is a sum of cells
    of the figures' granularity (months or quarters), shown only when none of them is secret
    (otherwise the window minus the others tells it).
    """
    mine = cells.loc[
        (cells["indicator_id"] == indicator_id)
        & (cells["territory_code"] == territory_code)
        & (cells["dimension"] == "none")
    ]
    # A window that is exactly a calendar year or quarter is a lattice cell: its own flag decides.
    for level, months in (("year", 12), ("quarter", 3)):
        if start.month % months == 1 % months and end == start + pd.DateOffset(months=months - 1):
            cell = mine.loc[(mine["level"] == level) & (mine["period_start"] == start), "suppressed"]
            return not cell.empty and not bool(cell.iloc[0])
    parts = mine.loc[(mine["level"] == granularity) & mine["period_start"].between(start, end), "suppressed"]
    return not parts.any()


@dataclass(frozen=True)
class ProtectedChange:
    """A change between two windows as it may be stated: `compared` on the field both cover (the
    same communes and months), and whether the secret hides a cell its totals add up (then neither
    the change nor its test is stated)."""

    compared: LikeForLike
    masked: bool

    @property
    def test(self) -> ChangeTest | None:
        """The test of the like-for-like change; None when there is no shared field or it is masked."""
        return None if self.masked else self.compared.test


Window = tuple[pd.Timestamp, pd.Timestamp]


def commune_cells(cells: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """One indicator's commune totals (everyone, every level), the cells like-for-like totals add up."""
    return cells.loc[
        (cells["indicator_id"] == indicator_id)
        & (cells["territory_level"] == "commune")
        & (cells["dimension"] == "none")
        & (cells["group"] == ALL)
    ]


def units_visible(communes: pd.DataFrame, units: pd.DataFrame, start: pd.Timestamp) -> bool:
    """Whether every unit (a commune's period: territory_code, offset from `start` in months, span)
    is a cell of the lattice that the secret shows (`communes`: from `commune_cells`). A unit that
    is no cell is taken as hidden: unknown means hidden."""
    if units.empty:
        return True
    starts = [start + pd.DateOffset(months=int(offset)) for offset in units["offset"]]
    wanted = pd.DataFrame(
        {
            "territory_code": units["territory_code"].to_numpy(),
            "level": [GRANULARITIES[int(span)] for span in units["span"]],
            "period_start": pd.DatetimeIndex(starts).as_unit("ns"),
        }
    )
    known = communes[["territory_code", "level", "period_start", "suppressed"]].assign(
        period_start=lambda frame: pd.DatetimeIndex(frame["period_start"]).as_unit("ns")
    )
    found = wanted.merge(known, on=["territory_code", "level", "period_start"], how="left")
    return not bool(found["suppressed"].astype("boolean").fillna(True).any())


def protected_change(
    rows: pd.DataFrame,
    windows: tuple[Window, Window],
    communes_expected: int,
    communes: pd.DataFrame | None,
    whole_visible: bool,
) -> ProtectedChange | None:
    """The change between two windows (current, then previous) like for like, through the secret.

    A like-for-like total is a new aggregate (a sum over some communes and months): it is stated only
    when every commune cell it adds up is visible (`communes`: `commune_cells`), or when the field is
    the whole of both windows and `whole_visible` (the territory's own cells of both windows are
    shown). `communes` None: figures not yet published (the import preview, for an analyst), no
    secret applies. None when the earlier window has no figure."""
    current, previous = windows
    if not rows["month"].between(*previous).any():
        return None
    compared = like_for_like(rows, current, previous, communes_expected)
    if communes is None or compared.test is None:
        return ProtectedChange(compared, False)
    if compared.same_field and whole_visible:
        return ProtectedChange(compared, False)
    shared = shared_units(rows, current, previous)
    visible = units_visible(communes, shared, current[0]) and units_visible(communes, shared, previous[0])
    return ProtectedChange(compared, not visible)


def period_cell_visible(cells: pd.DataFrame, territory_code: str, level: str, start: pd.Timestamp) -> bool:
    """Whether a territory's total (everyone) of one period is a visible cell (`cells`: one indicator's)."""
    cell = cells.loc[
        (cells["territory_code"] == territory_code)
        & (cells["level"] == level)
        & (cells["period_start"] == start)
        & (cells["dimension"] == "none"),
        "suppressed",
    ]
    return not cell.empty and not bool(cell.iloc[0])


def visible_keys(cells: pd.DataFrame) -> set[tuple[str, str, pd.Timestamp]]:
    """The (territory, level, period start) of every visible total cell (everyone) of `cells`."""
    shown = cells.loc[(cells["dimension"] == "none") & (cells["group"] == ALL) & ~cells["suppressed"].astype(bool)]
    return set(zip(shown["territory_code"], shown["level"], pd.DatetimeIndex(shown["period_start"])))


def period_changes(
    rows: pd.DataFrame,
    starts: list[pd.Timestamp],
    frequency: str,
    communes_expected: int,
    cells: pd.DataFrame | None,
    territory_code: str = DEPARTMENT,
) -> dict[pd.Timestamp, ProtectedChange]:
    """Each period's change against the same period a year before, like for like and through the
    secret (`cells`: the protected lattice, None for figures not yet published): what a chart's
    title states of its latest period and its table of every period. Rows are the dated rows of one
    indicator that the chart adds up (the territory's communes); periods without figures a year
    before have no entry.

    The rule is `protected_change`'s, for every period at once: stated when the field is the whole
    of both periods and the territory's two cells are visible, or when every commune cell the
    like-for-like totals add up is visible."""
    months = MONTHS_PER_PERIOD[frequency]
    rows = rows.loc[rows["months_spanned"] <= months]
    if rows.empty:
        return {}
    compared, shared = like_for_like_by_period(rows, months, communes_expected)
    wanted = {pd.Timestamp(start) for start in starts}
    if cells is None:
        return {start: ProtectedChange(change, False) for start, change in compared.items() if start in wanted}
    visible = visible_keys(cells.loc[cells["indicator_id"] == rows["indicator_id"].iloc[0]])
    year = pd.DateOffset(years=1)
    # Each shared unit as the commune cell it is in each period: a hidden (or unknown) one masks its period.
    first = pd.DatetimeIndex(shared["period"])
    month_number = first.year.to_numpy() * 12 + first.month.to_numpy() - 1 + shared["offset"].to_numpy()
    levels = shared["span"].map(GRANULARITIES).to_numpy()
    hidden: set[pd.Timestamp] = set()
    for back in (0, 12):
        number = month_number - back
        cell_starts = pd.to_datetime({"year": number // 12, "month": number % 12 + 1, "day": 1})
        for period, code, level, when in zip(first, shared["territory_code"], levels, cell_starts):
            if (code, level, when) not in visible:
                hidden.add(pd.Timestamp(period))
    changes = {}
    for start, change in compared.items():
        if start not in wanted:
            continue
        whole = change.same_field and all(
            (territory_code, frequency, when) in visible for when in (start, start - year)
        )
        masked = change.test is not None and not whole and start in hidden
        changes[start] = ProtectedChange(change, masked)
    return changes


@dataclass(frozen=True)
class ShownComparison:
    """The latest months against the year before, with what the statistical secret lets show:
    each window's total, and the like-for-like change (`change`, None without figures a year before)."""

    comparison: PeriodComparison
    current_shown: bool
    previous_shown: bool
    change: ProtectedChange | None = None

    @property
    def change_shown(self) -> bool:
        return self.change is not None and self.change.test is not None and self.comparison.change_percent is not None


def window_shown(
    totals: pd.DataFrame, communes: pd.DataFrame, rows: pd.DataFrame, comparison: PeriodComparison, window: Window
) -> bool:
    """Whether a window's total (the rows of the comparison's granularity in it) may show: by the
    département's cells (`window_visible`), or as a sum of its communes' visible cells. With figures
    of another granularity in the window, the département's cells add them and the window's total
    does not: only the communes' own cells may vouch for it then."""
    by_department = not comparison.mixed and window_visible(
        totals, comparison.indicator_id, *window, comparison.granularity
    )
    inside = rows.loc[rows["month"].between(*window)]
    return by_department or units_visible(communes, window_units(inside, window[0]), window[0])


def protected_comparisons(
    observations: pd.DataFrame,
    cells: pd.DataFrame,
    indicator_ids: list[str],
    months: int = 12,
    communes_expected: int | None = None,
) -> dict[str, ShownComparison]:
    """Each indicator's latest `months` against the same months a year before, each window shown
    only when the lattice lets it (see `window_visible`), the change like for like and only when
    every cell it adds up may show (`protected_change`). Indicators without any row are left out:
    nothing imported is not zero."""
    # The département's totals only: a few thousand cells instead of the whole lattice, filtered once.
    totals = cells.loc[(cells["territory_code"] == DEPARTMENT) & (cells["dimension"] == "none")]
    shown = {}
    present = set(observations["indicator_id"].unique())
    expected = communes_expected or int(observations["territory_code"].nunique())
    for indicator_id in (indicator for indicator in indicator_ids if indicator in present):
        comparison = compare_with_year_before(observations, indicator_id, months, expected)
        year = pd.DateOffset(years=1)
        current = (comparison.current_start, comparison.current_end)
        previous = (current[0] - year, current[1] - year)
        communes = commune_cells(cells, indicator_id)
        rows = select_observations(observations, indicator_id)
        rows = rows.loc[rows["months_spanned"] == MONTHS_PER_PERIOD[comparison.granularity]]
        visible = [window_shown(totals, communes, rows, comparison, window) for window in (current, previous)]
        change = (
            protected_change(rows, (current, previous), expected, communes, all(visible))
            if comparison.compared is not None
            else None
        )
        shown[indicator_id] = ShownComparison(comparison, visible[0], visible[1], change)
    return shown


def public_cells(cells: pd.DataFrame, k: int, coverage: pd.DataFrame | None = None) -> pd.DataFrame:
    """The whole protected lattice as a table anyone may download: secret values written with the
    secret symbol, periods as "2025-03", "T1 2025" or "2025" (exports.period_labels); headers in the
    current language. With `coverage` (`comparisons.cell_coverage`), each line also says how many
    communes and months it adds up out of how many (exports.COVERAGE_HEADERS_FR)."""
    columns = ["indicator_id", "territory_code", "level", "period_start", "dimension", "group", "value", "suppressed"]
    if coverage is not None:
        cells = cells.merge(coverage, on=CELL_KEYS, how="left", validate="one_to_one")
        columns += list(COVERAGE_HEADERS_FR)
    readable = cells.assign(
        period_start=period_labels(cells["period_start"], cells["level"]),
        level=cells["level"].map(LEVEL_CODES_FR),
        dimension=cells["dimension"].map(SPLIT_CODES_FR),
    )[columns]
    return mask_column(readable, "value", k).rename(
        columns={
            "indicator_id": _("indicateur"),
            "territory_code": _("territoire"),
            "level": _("niveau"),
            "period_start": _("période"),
            "dimension": _("répartition"),
            "group": _("groupe"),
            "value": _("valeur"),
            **{column: _(header) for column, header in COVERAGE_HEADERS_FR.items()},
        }
    )


def masked_ranking(ranked: pd.DataFrame, k: int, decimals: int, french: bool = False) -> pd.DataFrame:
    """A ranking by count or rate (`territories.by_measure`) as text to show or export: name, code,
    count, population (of the communes counted), rate, its 95 % interval and its standing against
    the département; for EPTs, the communes counted and expected. The secret symbol for a secret
    count and everything drawn from it, « – » (screens) or an empty cell (files) for what is not
    known (no population, no comparison)."""
    missing = "–" if french else ""
    secret = ranked["suppressed"].astype(bool).tolist()

    def rate_texts(column: str) -> list[str]:
        return [
            SECRET_SYMBOL
            if hidden
            else (missing if pd.isna(rate) else format_number(rate, decimals) if french else f"{rate:.{decimals}f}")
            for rate, hidden in zip(ranked[column], secret)
        ]

    people = ranked["population"].astype("Float64")
    table = pd.DataFrame(
        {
            "name_fr": ranked["name_fr"],
            "territory_code": ranked["territory_code"],
            "count": masked_values(ranked.assign(value=ranked["count"]), k, french),
            "population": [
                missing if pd.isna(value) else format_number(value) if french else str(int(value)) for value in people
            ],
            "rate": rate_texts("rate"),
            "rate_low": rate_texts("rate_low"),
            "rate_high": rate_texts("rate_high"),
            "standing": [
                SECRET_SYMBOL if hidden else (standing_label(value) or missing)
                for value, hidden in zip(ranked["standing"], secret)
            ],
        }
    )
    if (ranked["communes_expected"] > 1).any():
        table = table.assign(communes=ranked["communes"].astype("Int64"), communes_expected=ranked["communes_expected"])
    return table
