"""Protected cells read into what pages, exports, slides and sheets show: series and their tables,
rankings with their rates and classes, the overview's comparisons, the public table anyone may
download. Which cells exist, which are hidden and what may be stated beyond them is the secret's
own package (`indicators.secret`, docs/SECRET.md); nothing here decides it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.cell_coverage import CELL_KEYS
from indicators.choices import Choice, RankingChoice, TrendChoice
from indicators.exports import (
    COVERAGE_HEADERS_FR,
    LEVEL_CODES_FR,
    SERIES_COVERAGE_HEADERS_FR,
    SPLIT_CODES_FR,
    period_labels,
)
from indicators.formatting import format_month, format_number
from indicators.i18n import _
from indicators.observations import (
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
    year_bounds,
)
from indicators.secret.lattice import SECRET_SYMBOL, suppressed_label
from indicators.secret.rules import ProtectedChange, protected_change, visible_keys, window_shown
from indicators.territories import (
    Benchmark,
    benchmark_of,
    counted_exposure,
    members,
    rates_with_intervals,
    scope_code,
    standing_label,
    with_standing,
)


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
    index: FieldIndex, territories: pd.DataFrame, cells: pd.DataFrame, choice: TrendChoice
) -> tuple[pd.DataFrame, list[str], bool]:
    """One field series as the Tendances page draws it (the département, an EPT or one commune,
    whole years), secret applied; with the sources of its rows and whether they are the demo's."""
    indicator_id, territory_code = choice.indicator_id, choice.territory
    rows = index.rows(indicator_id, members(territories, territory_code), *year_bounds(*choice.years))
    grouped = aggregate_series(rows, as_frequency(choice.frequency), as_breakdown(choice.breakdown))
    series = protect_series(grouped, cells, indicator_id, territory_code, choice.frequency, choice.breakdown)
    return series, rows["source_id"].unique().tolist(), is_demo(rows)


def public_rows(index: FieldIndex, indicator_id: str, first_year: str, last_year: str, public: str) -> pd.DataFrame:
    """The indicator's rows of whole years for one public ("none:", "sex:F", "age_group:15-17")."""
    rows = index.rows(indicator_id, None, *year_bounds(first_year, last_year))
    dimension, group = public.split(":")
    return rows.loc[rows[dimension] == group] if dimension != "none" else rows


def department_shown(cells: pd.DataFrame, indicator_id: str, public: str, years: list[int]) -> bool:
    """Whether the département's total of one public over whole years may be shown (every year cell is)."""
    dimension, group = public.split(":")
    department = pd.DataFrame({"territory_code": [scope_code()]})
    return not bool(protect_totals(department, cells, indicator_id, dimension, group, years)["suppressed"].iloc[0])


def whole_years(choice: Choice) -> list[int]:
    """The calendar years a choice spans."""
    return list(range(int(choice.first_year), int(choice.last_year) + 1))


def protected_benchmark(
    index: FieldIndex, territories: pd.DataFrame, cells: pd.DataFrame, choice: RankingChoice
) -> Benchmark:
    """The whole a ranking compares its territories with: the communes counted, their total and
    exposure; not shown (no comparison) while the département's total is under the secret. The
    level and the measure of `choice` play no part."""
    years = whole_years(choice)
    return benchmark_of(
        public_rows(index, choice.indicator_id, *choice.years, choice.public),
        territories,
        department_shown(cells, choice.indicator_id, choice.public, years),
        12 * len(years),
    )


def protected_ranking(
    index: FieldIndex, territories: pd.DataFrame, cells: pd.DataFrame, choice: RankingChoice
) -> tuple[pd.DataFrame, list[str], bool]:
    """Communes (or EPTs, `choice.level`) ranked for one indicator, whole years and public ("none:",
    "sex:F", "age_group:15-17"), secret applied (secret totals last), with the communes counted, their
    population, the rate per 10 000 and its interval (none where the count is secret) and the
    standing against the département (`protected_benchmark`; none for a secret count); with the
    sources of its rows and whether they are the demo's. The measure plays no part."""
    rows = public_rows(index, choice.indicator_id, *choice.years, choice.public)
    dimension, group = choice.public.split(":")
    by_level = rank_territories(rows, territories, choice.level)
    protected = protect_totals(by_level, cells, choice.indicator_id, dimension, group, whole_years(choice))
    rated = with_rates(rank_with_secret_last(protected), counted_exposure(rows, territories, choice.level))
    benchmark = protected_benchmark(index, territories, cells, choice)
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
    totals = cells.loc[(cells["territory_code"] == scope_code()) & (cells["dimension"] == "none")]
    shown = {}
    present = set(observations["indicator_id"].unique())
    expected = communes_expected or int(observations["territory_code"].nunique())
    for indicator_id in (indicator for indicator in indicator_ids if indicator in present):
        comparison = compare_with_year_before(observations, indicator_id, months, expected)
        year = pd.DateOffset(years=1)
        current = (comparison.current_start, comparison.current_end)
        previous = (current[0] - year, current[1] - year)
        keys = visible_keys(cells.loc[cells["indicator_id"] == indicator_id])
        rows = select_observations(observations, indicator_id)
        rows = rows.loc[rows["months_spanned"] == MONTHS_PER_PERIOD[comparison.granularity]]
        visible = [window_shown(totals, keys, rows, comparison, window) for window in (current, previous)]
        change = (
            protected_change(rows, (current, previous), expected, keys, (visible[0], visible[1]))
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
