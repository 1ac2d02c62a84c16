"""Pure transforms on the département's field observations (monthly, by commune, sex and age)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from indicators.comparisons import Coverage, LikeForLike, coverage, like_for_like, period_units, unit_coverages
from indicators.config import DEMO_SOURCE_ID
from indicators.i18n import _
from indicators.keys import pack_codes
from indicators.store.contract import empty_observations
from indicators.territories import scope_units, units_of

Frequency = Literal["month", "quarter", "year"]
Breakdown = Literal["none", "sex", "age_group", "territory_code"]

FREQUENCY_CODES: dict[str, str] = {"month": "MS", "quarter": "QS", "year": "YS"}
MONTHS_PER_PERIOD: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
TOTAL_GROUP = "ensemble"


@dataclass(frozen=True)
class PeriodComparison:
    """A total over the latest months against the same months one year before.

    `compared` is the two windows on the field both cover (the same communes and months, « à champ
    constant »): the only change ever stated. None when the year before has no figure of this
    granularity. `mixed`: figures of another granularity lie in the windows (left out of these
    totals, but in the département's cells of the lattice)."""

    indicator_id: str
    current_start: pd.Timestamp
    current_end: pd.Timestamp
    current_total: int
    previous_total: int | None
    granularity: Frequency = "month"  # of the figures compared
    compared: LikeForLike | None = None
    mixed: bool = False
    # What the current window's total adds up: communes and months, said when partial.
    covered: Coverage | None = None

    @property
    def change_percent(self) -> float | None:
        """The change like for like (never the raw totals': they may not cover the same communes
        or months); None without a shared field or with nothing in it a year before."""
        if self.compared is None or self.compared.test is None:
            return None
        return self.compared.test.percent


def with_month(observations: pd.DataFrame) -> pd.DataFrame:
    """Add `month` (first month of the period) and `months_spanned` (1 for a month, 3 for a
    quarter "2025-Q2", 12 for a year)."""
    # A few hundred distinct periods for up to a million rows: each one is parsed once.
    codes, distinct = pd.factorize(observations["period"])
    periods = pd.Series(distinct, dtype=object).astype(str)
    annual = (periods.str.len() == 4).to_numpy()
    quarterly = periods.str.contains("Q", regex=False).to_numpy()
    first_month = periods.where(~annual, periods + "-01")
    quarter_month = (periods.str[-1:].where(quarterly, "1").astype(int) - 1) * 3 + 1
    first_month = first_month.where(~quarterly, periods.str[:4] + "-" + quarter_month.astype(str).str.zfill(2))
    months = pd.to_datetime(first_month, format="%Y-%m")
    spanned = np.where(annual, 12, np.where(quarterly, 3, 1))
    return observations.assign(month=months.to_numpy()[codes], months_spanned=spanned[codes])


def is_demo(observations: pd.DataFrame) -> bool:
    """True when any row comes from the fictitious demo source: the label must then show."""
    return bool((observations["source_id"] == DEMO_SOURCE_ID).any())


def select_observations(
    observations: pd.DataFrame,
    indicator_id: str,
    territory_codes: list[str] | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Rows of one indicator, optionally restricted to territories and to a month range (inclusive)."""
    # Indicator and territory first: months are then worked out for the selected rows only.
    keep = observations["indicator_id"] == indicator_id
    if territory_codes:
        keep &= observations["territory_code"].isin(territory_codes)
    rows = observations.loc[keep]
    dated = rows if "month" in rows else with_month(rows)
    if start is None and end is None:
        return dated
    keep = pd.Series(True, index=dated.index)
    if start is not None:
        keep &= dated["month"] >= start
    if end is not None:
        keep &= dated["month"] <= end
    return dated.loc[keep]


def aggregate_series(
    observations: pd.DataFrame, frequency: Frequency = "month", breakdown: Breakdown = "none"
) -> pd.DataFrame:
    """Totals per period (and group): columns period_start, group, value, months_covered, complete.

    A period is complete when every one of its months is present in the data; a partial year
    must not be read as a fall.
    """
    dated = observations if "month" in observations else with_month(observations)
    if frequency != "year":
        # A figure is never spread over finer periods: a yearly one only shows per year, a
        # quarterly one per quarter or year (as in the lattice).
        dated = dated.loc[dated["months_spanned"] <= MONTHS_PER_PERIOD[frequency]]
    period_start = dated["month"].dt.to_period(FREQUENCY_CODES[frequency][0]).dt.start_time
    group = dated[breakdown] if breakdown != "none" else pd.Series(TOTAL_GROUP, index=dated.index)
    frame = dated.assign(period_start=period_start, group=group)
    totals = frame.groupby(["period_start", "group"], as_index=False, observed=True)[["value"]].sum()
    covered = (
        frame.drop_duplicates(["period_start", "group", "period"])
        .groupby(["period_start", "group"], as_index=False, observed=True)[["months_spanned"]]
        .sum()
        .rename(columns={"months_spanned": "months_covered"})
    )
    totals = totals.merge(covered, on=["period_start", "group"]).assign(
        months_covered=lambda frame: frame["months_covered"].clip(upper=MONTHS_PER_PERIOD[frequency])
    )
    return totals.assign(
        value=totals["value"].astype("int64"),
        complete=totals["months_covered"] == MONTHS_PER_PERIOD[frequency],
    ).sort_values(["period_start", "group"], ignore_index=True)


GRANULARITIES: dict[int, Frequency] = {1: "month", 3: "quarter", 12: "year"}
FREQUENCIES: tuple[Frequency, ...] = ("month", "quarter", "year")
BREAKDOWNS: tuple[Breakdown, ...] = ("none", "sex", "age_group", "territory_code")


Known = TypeVar("Known", bound=str)


def one_of(value: str, known: tuple[Known, ...], unknown: str) -> Known:
    """`value` (a page's or a file's text) as one of `known`; ValueError with the `unknown` message
    ({value}, {expected}) when it is none."""
    for choice in known:
        if value == choice:
            return choice
    raise ValueError(unknown.format(value=repr(value), expected=", ".join(known)))


def as_frequency(value: str) -> Frequency:
    """`value` as a frequency; ValueError when it is none."""
    return one_of(value, FREQUENCIES, _("Fréquence inconnue : {value} (attendu : {expected})"))


def as_breakdown(value: str) -> Breakdown:
    """`value` as a breakdown; ValueError when it is none."""
    return one_of(value, BREAKDOWNS, _("Ventilation inconnue : {value} (attendu : {expected})"))


def granularities(rows: pd.DataFrame) -> list[Frequency]:
    """The granularities the rows were given in, finest first ("month", "quarter", "year")."""
    dated = rows if "months_spanned" in rows else with_month(rows)
    present = set(dated["months_spanned"].unique().tolist())
    return [GRANULARITIES[span] for span in sorted(present)]


def frequency_choices(rows: pd.DataFrame) -> tuple[list[Frequency], Frequency | None]:
    """Groupings a chart of these rows may use (never finer than the finest data: nothing is
    spread into invented months), and the default: the coarsest granularity present, at which
    every row shows; monthly data over more than two years open by quarter (a readable line)."""
    present = granularities(rows)
    if not present:
        return [], None
    default = present[-1]
    dated = rows if "month" in rows else with_month(rows)
    if default == "month" and (dated["month"].max() - dated["month"].min()).days > 2 * 366:
        default = "quarter"
    return list(FREQUENCIES[FREQUENCIES.index(present[0]) :]), default


def coarser_granularities(rows: pd.DataFrame, frequency: str) -> list[str]:
    """Granularities of these rows too coarse to show at `frequency` (a chart by month leaves the
    quarterly and yearly figures out: the page must say so, never silently)."""
    return [
        granularity
        for granularity in granularities(rows)
        if FREQUENCIES.index(granularity) > FREQUENCIES.index(frequency)
    ]


def compare_with_year_before(
    observations: pd.DataFrame, indicator_id: str, months: int = 12, communes_expected: int | None = None
) -> PeriodComparison:
    """Total of the latest `months` months against the same months one year earlier.

    The window is counted in the granularity of the latest figure (months, quarters or a year):
    quarterly or yearly figures are compared whole, never spread into months. The window starts at
    its first period present, so three months of data read "janvier – mars", not a whole year, and
    are compared with the same three months a year before, on the communes and months both cover
    (`comparisons.like_for_like`; `communes_expected`: the territory's communes, by default those
    the observations name).
    """
    every = select_observations(observations, indicator_id)
    latest_span = int(every.loc[every["month"] == every["month"].max(), "months_spanned"].max())
    rows = every.loc[every["months_spanned"] == latest_span]
    window = max(months, latest_span)
    current_last = rows["month"].max()
    current_end = current_last + pd.DateOffset(months=latest_span - 1)
    window_start = current_end - pd.DateOffset(months=window - 1)
    current_start = rows.loc[rows["month"] >= window_start, "month"].min()
    previous_start, previous_end = current_start - pd.DateOffset(years=1), current_last - pd.DateOffset(years=1)
    current = rows.loc[rows["month"].between(current_start, current_last), "value"].sum()
    previous_rows = rows.loc[rows["month"].between(previous_start, previous_end)]
    wanted = rows.loc[rows["month"].between(current_start, current_last), "period"].nunique()
    covered = previous_rows["period"].nunique() >= wanted
    year = pd.DateOffset(years=1)
    windows = ((current_start, current_end), (current_start - year, current_end - year))
    expected = communes_expected or int(observations["territory_code"].nunique())
    others = every.loc[every["months_spanned"] != latest_span, "month"]
    return PeriodComparison(
        indicator_id=indicator_id,
        current_start=current_start,
        current_end=current_end,
        current_total=int(current),
        previous_total=int(previous_rows["value"].sum()) if covered else None,
        granularity=GRANULARITIES[latest_span],
        compared=like_for_like(rows, *windows, expected) if not previous_rows.empty else None,
        mixed=bool(any(others.between(*window).any() for window in windows)),
        covered=coverage(rows.loc[rows["month"].between(*windows[0])], expected, months_between(*windows[0])),
    )


def period_coverage(
    rows: pd.DataFrame, starts: list[pd.Timestamp], frequency: Frequency, communes_expected: int
) -> dict[pd.Timestamp, Coverage]:
    """What each period's total at `frequency` adds up (communes and months; rows of a coarser
    granularity are not in it): a chart's point of 4 communes among 36 must say so."""
    months = MONTHS_PER_PERIOD[frequency]
    rows = rows.loc[rows["months_spanned"] <= months]
    if rows.empty:
        return {}
    covered = unit_coverages(period_units(rows, months), communes_expected, months)
    return {pd.Timestamp(start): covered[pd.Timestamp(start)] for start in starts if pd.Timestamp(start) in covered}


def months_between(first: pd.Timestamp, last: pd.Timestamp) -> int:
    """Months from `first` to `last`, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def rank_with_secret_last(ranked: pd.DataFrame) -> pd.DataFrame:
    """Secret cells go to the end, by name: their place in the ranking would hint at their value."""
    return ranked.sort_values(["suppressed", "value", "name_fr"], ascending=[True, False, True], ignore_index=True)


def rank_territories(observations: pd.DataFrame, territories: pd.DataFrame, level: str = "commune") -> pd.DataFrame:
    """Total per commune (or per intercommunalité, département, région: `level`) over the selected rows,
    largest first, with its name.

    Only territories with rows are ranked: a commune the file says nothing about has no figure,
    which is not zero (`communes_without_data` names them). An EPT adds up the rows of its communes.
    """
    if level != "commune":
        places = scope_units(territories, level)[["territory_code", "name_fr"]]
        observations = observations.assign(
            territory_code=observations["territory_code"].map(units_of(territories, level))
        )
    else:
        places = territories.loc[territories["level"] == "commune", ["territory_code", "name_fr"]]
    totals = observations.groupby("territory_code", as_index=False, observed=True)["value"].sum()
    return (
        places.merge(totals, on="territory_code", how="inner")
        .assign(value=lambda frame: frame["value"].astype("int64"))
        .sort_values(["value", "name_fr"], ascending=[False, True], ignore_index=True)
    )


def communes_without_data(ranked: pd.DataFrame, territories: pd.DataFrame) -> list[str]:
    """Names of the communes absent from a ranking, in alphabetical order."""
    communes = territories.loc[territories["level"] == "commune"]
    return sorted(communes.loc[~communes["territory_code"].isin(ranked["territory_code"]), "name_fr"])


def available_breakdowns(observations: pd.DataFrame, indicator_id: str) -> list[Breakdown]:
    """Breakdowns that make sense for an indicator: only the splits its rows actually carry."""
    rows = observations.loc[observations["indicator_id"] == indicator_id]
    splits: list[Breakdown] = [column for column in ("sex", "age_group") if (rows[column] != TOTAL_GROUP).any()]
    return ["none", *splits]


# --- Overlapping rows: a total beside its own detail ------------------------------------------------
# A row covers cells of the sex × age grid: "F, 11-14" one cell, "F, ensemble" the three girls'
# cells, "ensemble, ensemble" all six; and months: one, a quarter's three or a year's twelve. Two
# rows of the same indicator and commune that share a cell in a month would count those children
# twice in every sum (a spreadsheet's subtotal rows do that, and so does a yearly total imported
# beside the monthly figures of that year).
SEX_CELLS: dict[str, int] = {"F": 0b01, "M": 0b10, TOTAL_GROUP: 0b11}
AGE_CELLS: dict[str, int] = {"11-14": 0b001, "15-17": 0b010, "18-25": 0b100, TOTAL_GROUP: 0b111}
GRID_CELLS = 6


def covered_cells(rows: pd.DataFrame) -> np.ndarray:
    """Each row's cells of the sex × age grid, as a 6-bit mask (girls' ages in the low bits)."""
    sexes = per_value(rows["sex"], SEX_CELLS)
    ages = per_value(rows["age_group"], AGE_CELLS)
    return np.where(sexes & 0b01, ages, 0) | np.where(sexes & 0b10, ages << 3, 0)


def per_value(column: pd.Series, table: dict[str, int]) -> np.ndarray:
    # A handful of distinct values for up to a million rows: each one is looked up once.
    codes, uniques = pd.factorize(column)
    return (
        np.array([table.get(str(value), 0) for value in uniques], dtype=np.int64)[codes]
        if len(codes)
        else np.zeros(0, np.int64)
    )


def month_units(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's months as (row position, month number) pairs: one for a monthly figure, three for
    a quarter, twelve for a year. A yearly figure and the months of that year cover the same time."""
    dated = with_month(rows[["period"]])
    spans = dated["months_spanned"].to_numpy(dtype=np.int64)
    first = dated["month"].dt.year.to_numpy(dtype=np.int64) * 12 + dated["month"].dt.month.to_numpy(dtype=np.int64) - 1
    owner = np.repeat(np.arange(len(rows)), spans)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(spans) - spans, spans)
    return owner, first[owner] + offset


def unit_slices(rows: pd.DataFrame, owner: np.ndarray, months: np.ndarray) -> np.ndarray:
    """One integer per (indicator, commune, month) of each unit: the units that must not overlap."""
    indicator, indicators = pd.factorize(rows["indicator_id"])
    territory, territories = pd.factorize(rows["territory_code"])
    first = months.min() if len(months) else 0
    span = int(months.max() - first + 1) if len(months) else 1
    # + 1: a missing code (−1) is a value of its own
    packed = pack_codes(
        [indicator[owner] + 1, territory[owner] + 1, months - first], [len(indicators) + 1, len(territories) + 1, span]
    )
    return pd.factorize(packed)[0]


def overlapping_totals(rows: pd.DataFrame) -> np.ndarray:
    """Which rows recount another row of the same indicator and commune: a total ("ensemble")
    sharing a cell with another row of the same period, or a quarter or a year sharing a cell with
    a row of a shorter period inside it. Two distinct monthly detail rows never share a cell."""
    owner, months = month_units(rows)
    spans = np.bincount(owner, minlength=len(rows))[owner]
    cells = covered_cells(rows)[owner]
    slices = unit_slices(rows, owner, months)
    same_span = pd.factorize(pack_codes([slices, spans], [slices.max() + 1 if len(slices) else 1, 13]))[0]
    is_total = ((rows["sex"] == TOTAL_GROUP).to_numpy() | (rows["age_group"] == TOTAL_GROUP).to_numpy())[owner]
    size = slices.max() + 1 if len(slices) else 0
    flagged_unit = np.zeros(len(owner), dtype=bool)
    for bit in range(GRID_CELLS):
        has = ((cells >> bit) & 1) == 1
        # A total beside its detail, in the same period.
        per_period = np.bincount(same_span[has], minlength=same_span.max() + 1 if len(same_span) else 0)
        flagged_unit |= has & is_total & (per_period[same_span] >= 2)
        if len(spans) == 0 or spans.min() == spans.max():
            continue  # one granularity only (the usual file): no period inside another
        # A longer period beside a shorter one inside it (a year beside its months).
        shortest = np.full(size, 13, dtype=np.int64)
        np.minimum.at(shortest, slices[has], spans[has])
        flagged_unit |= has & (spans > shortest[slices])
    return np.bincount(owner[flagged_unit], minlength=len(rows)) > 0


def overlapped_by(current: pd.DataFrame, incoming: pd.DataFrame) -> np.ndarray:
    """Which rows of `current` share a cell and a month with a row of `incoming` (same indicator
    and commune): an upsert replaces them, so a new detail supersedes an old total, new months an
    old yearly figure, and the other way round."""
    if current.empty or incoming.empty:
        return np.zeros(len(current), dtype=bool)
    columns = ["indicator_id", "territory_code", "period", "sex", "age_group"]
    both = pd.concat([current[columns], incoming[columns]], ignore_index=True)
    owner, months = month_units(both)
    slices = unit_slices(both, owner, months)
    cells = covered_cells(both)[owner]
    from_incoming = owner >= len(current)
    incoming_cover = np.zeros(slices.max() + 1, dtype=np.int64)
    np.bitwise_or.at(incoming_cover, slices[from_incoming], cells[from_incoming])
    hit = ~from_incoming & ((cells & incoming_cover[slices]) != 0)
    return np.bincount(owner[hit], minlength=len(both))[: len(current)] > 0


def year_bounds(first_year: str, last_year: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last month of a span of whole years ("2019", "2021" → 2019-01, 2021-12)."""
    return pd.Timestamp(f"{first_year}-01-01"), pd.Timestamp(f"{last_year}-12-01")


@dataclass(frozen=True)
class FieldIndex:
    """The observations cut once per data version for the pages: per indicator, its rows with
    their months, the years and communes it covers, the groupings its granularity allows, which
    splits it carries. Pages filter these small frames instead of scanning every row on every rerun."""

    by_indicator: dict[str, pd.DataFrame]
    years: list[str]
    breakdowns: dict[str, list[Breakdown]]
    is_demo: bool
    years_of: dict[str, list[str]] = field(default_factory=dict)
    communes_of: dict[str, list[str]] = field(default_factory=dict)
    frequencies_of: dict[str, tuple[list[Frequency], Frequency | None]] = field(default_factory=dict)

    def rows(
        self,
        indicator_id: str,
        territory_codes: list[str] | None = None,
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """As `select_observations`, on the indicator's own rows."""
        rows = self.by_indicator.get(indicator_id)
        if rows is None:
            return with_month(empty_observations())
        return select_observations(rows, indicator_id, territory_codes, start, end)

    @property
    def indicators(self) -> list[str]:
        """Indicators with at least one row."""
        return list(self.by_indicator)


def years_covered(dated: pd.DataFrame) -> list[str]:
    return sorted(set(pd.DatetimeIndex(dated["month"].unique()).year.astype(str)))


def index_observations(observations: pd.DataFrame) -> FieldIndex:
    dated = with_month(observations)
    by_indicator = {
        str(indicator_id): rows for indicator_id, rows in dated.groupby("indicator_id", sort=True, observed=True)
    }
    breakdowns = {indicator_id: available_breakdowns(rows, indicator_id) for indicator_id, rows in by_indicator.items()}
    return FieldIndex(
        by_indicator,
        years_covered(dated),
        breakdowns,
        is_demo(observations),
        years_of={indicator_id: years_covered(rows) for indicator_id, rows in by_indicator.items()},
        communes_of={
            indicator_id: sorted(rows["territory_code"].unique()) for indicator_id, rows in by_indicator.items()
        },
        frequencies_of={indicator_id: frequency_choices(rows) for indicator_id, rows in by_indicator.items()},
    )
