"""Fair comparisons: what a total covers, changes computed like for like, chance tested, rates with
their intervals and compared with the whole (docs/METHODS.md).

Every function here is pure and works on figures a caller may show: the statistical secret comes
first, so a caller passes only visible cells (an interval, a test or a class computed from a masked
count would give it back). The statistics come from statsmodels (exact, conditional and Garwood
methods), checked in `tests/test_comparisons.py` against published values and an independent exact
computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.stats.rates as rates
from numpy.typing import NDArray

from indicators.formatting import format_number
from indicators.i18n import _, ngettext

# Two-sided 5 %: a change or a difference is said to be beyond chance below it.
LEVEL = 0.95
# Funnel-plot limits (Spiegelhalter 2005): 95 % (« alerte ») and 99.8 % (« alarme »).
FUNNEL_LEVELS = (0.95, 0.998)
PER = 10_000  # rates per 10 000 inhabitants

Direction = Literal["up", "down", "flat"]
Standing = Literal["above", "similar", "below"]


@dataclass(frozen=True)
class Coverage:
    """Which part of a territory and of a span a total adds up: communes that sent figures, and
    months their figures cover."""

    communes: int
    communes_expected: int
    months: int
    months_expected: int
    # When the communes counted do not cover the same months (4 communes for 12 months, 32 for 3):
    # the fewest months one of them covers. 36 communes and 12 months would otherwise read as complete.
    fewest_months: int | None = None

    @property
    def complete(self) -> bool:
        return (
            self.communes >= self.communes_expected
            and self.months >= self.months_expected
            and (self.fewest_months is None or self.fewest_months >= self.months_expected)
        )

    def describe(self) -> str:
        """« 10 communes sur 36 ont transmis ; 3 mois sur 12 » (« de 3 à 12 mois sur 12 selon la
        commune » when they differ), or nothing for a complete total."""
        parts = []
        if self.communes < self.communes_expected:
            parts.append(
                ngettext(
                    "{count} commune sur {total} a transmis",
                    "{count} communes sur {total} ont transmis",
                    self.communes,
                ).format(count=format_number(self.communes), total=format_number(self.communes_expected))
            )
        if self.fewest_months is not None and self.fewest_months < self.months:
            parts.append(
                _("de {fewest} à {count} mois sur {total} selon la commune").format(
                    fewest=self.fewest_months, count=self.months, total=self.months_expected
                )
            )
        elif self.months < self.months_expected:
            parts.append(
                ngettext("{count} mois sur {total}", "{count} mois sur {total}", self.months).format(
                    count=self.months, total=self.months_expected
                )
            )
        return _(" ; ").join(parts)


def months_covered(rows: pd.DataFrame) -> int:
    """Distinct calendar months the rows cover (a quarter counts three, a year twelve)."""
    if rows.empty:
        return 0
    spans = rows[["month", "months_spanned"]].drop_duplicates()
    # Months counted as integers (year × 12 + month): date offsets cost a call per month.
    first = (spans["month"].dt.year * 12 + spans["month"].dt.month).to_numpy(dtype=np.int64)
    spanned = spans["months_spanned"].to_numpy(dtype=np.int64)
    within = np.arange(spanned.sum()) - np.repeat(np.cumsum(spanned) - spanned, spanned)
    return int(np.unique(np.repeat(first, spanned) + within).size)


def fewest_months(rows: pd.DataFrame) -> int | None:
    """The fewest months one commune's rows cover, when the communes do not all cover as many
    (`Coverage.fewest_months`); None when they do. Within a commune, an indicator's periods never
    overlap (the importer refuses it), so its months are the sum of its distinct periods' spans."""
    if rows.empty:
        return None
    periods = rows[["territory_code", "month", "months_spanned"]].drop_duplicates()
    per_commune = periods.groupby("territory_code", observed=True)["months_spanned"].sum()
    fewest, most = int(per_commune.min()), int(per_commune.max())
    return fewest if fewest < most else None


def coverage(rows: pd.DataFrame, communes_expected: int, months_expected: int) -> Coverage:
    """The coverage of dated rows (`observations.with_month`) of one indicator over one span."""
    return Coverage(
        communes=int(rows["territory_code"].nunique()),
        communes_expected=communes_expected,
        months=months_covered(rows),
        months_expected=months_expected,
        fewest_months=fewest_months(rows),
    )


@dataclass(frozen=True)
class ChangeTest:
    """Two counts over equal exposures (or `exposure_ratio` apart) and whether chance explains the
    difference: an exact conditional test, two-sided (the counts as Poisson)."""

    current: int
    previous: int
    p_value: float
    exposure_ratio: float = 1.0

    @property
    def percent(self) -> float | None:
        if self.previous <= 0:
            return None
        return (self.current / self.exposure_ratio - self.previous) / self.previous * 100

    @property
    def beyond_chance(self) -> bool:
        return self.p_value < 1 - LEVEL

    @property
    def direction(self) -> Direction:
        """ "up" or "down" only for a change beyond chance: an arrow says a change is real."""
        if not self.beyond_chance:
            return "flat"
        return "up" if self.current / self.exposure_ratio > self.previous else "down"


def change_test(
    current: int, previous: int, current_exposure: float = 1.0, previous_exposure: float = 1.0
) -> ChangeTest:
    """Whether `current` differs from `previous` beyond chance (exact, conditional on their sum: the
    binomial test of Breslow & Day; `statsmodels.stats.rates.test_poisson_2indep`, "exact-cond")."""
    if current + previous == 0:
        p_value = 1.0
    else:
        with np.errstate(divide="ignore"):  # a ratio over zero previous events: the test stands
            tested = rates.test_poisson_2indep(
                int(current), current_exposure, int(previous), previous_exposure, method="exact-cond"
            )
        p_value = float(min(1.0, tested.pvalue))
    return ChangeTest(int(current), int(previous), p_value, current_exposure / previous_exposure)


@dataclass(frozen=True)
class LikeForLike:
    """Two windows compared on what both cover: the same communes and the same months of the
    period (« à champ constant »). `common` is that field; `test` is None when there is none."""

    current_total: int
    previous_total: int
    current: Coverage
    previous: Coverage
    common: Coverage
    current_common: int
    previous_common: int
    test: ChangeTest | None
    # Units (a commune's period) in one window and not in the other: counts of communes and months
    # can agree while the units differ (one commune's months a year before, another's now).
    current_only: int = 0
    previous_only: int = 0

    @property
    def unshared(self) -> int:
        return self.current_only + self.previous_only

    @property
    def wholes(self) -> tuple[bool, bool]:
        """Whether each window (current, then previous) holds nothing outside the common field: its
        like-for-like total is then its own total."""
        return self.current_only == 0, self.previous_only == 0

    @property
    def same_field(self) -> bool:
        """Both windows cover exactly the same communes and months: the totals compare as they are."""
        return self.unshared == 0 and self.common == self.current == self.previous

    def describe(self) -> str:
        """« à champ constant : 4 communes, 9 mois », or nothing when the field is the same."""
        if self.same_field or self.test is None:
            return ""
        return _("à champ constant : {communes}, {months}").format(
            communes=ngettext("{count} commune", "{count} communes", self.common.communes).format(
                count=self.common.communes
            ),
            months=ngettext("{count} mois", "{count} mois", self.common.months).format(count=self.common.months),
        )


def window_units(rows: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    """Each row's place in its window: commune, months since the window's start, span, value."""
    offset = (rows["month"].dt.year - start.year) * 12 + (rows["month"].dt.month - start.month)
    return pd.DataFrame(
        {
            "territory_code": rows["territory_code"].to_numpy(),
            "offset": offset.to_numpy(),
            "span": rows["months_spanned"].to_numpy(),
            "value": rows["value"].to_numpy(),
        }
    )


UNIT = ["territory_code", "offset", "span"]


def unit_sums(rows: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp]) -> pd.Series:
    """Each unit's total in a window (first months of its periods, inclusive): a commune's month,
    quarter or year, by its offset from the window's start and its span (splits added up)."""
    inside = rows.loc[rows["month"].between(*window)]
    return window_units(inside, window[0]).groupby(UNIT)["value"].sum()


def shared_units(
    rows: pd.DataFrame, current: tuple[pd.Timestamp, pd.Timestamp], previous: tuple[pd.Timestamp, pd.Timestamp]
) -> pd.DataFrame:
    """The units both windows cover (territory_code, offset, span): the cells a like-for-like total
    adds up in each window, which the statistical secret must let show before it is stated."""
    shared = unit_sums(rows, current).index.intersection(unit_sums(rows, previous).index)
    return shared.to_frame(index=False)


def like_for_like(
    rows: pd.DataFrame,
    current: tuple[pd.Timestamp, pd.Timestamp],
    previous: tuple[pd.Timestamp, pd.Timestamp],
    communes_expected: int,
) -> LikeForLike:
    """The totals of two windows (first months of their periods, inclusive) and their change on the
    field both cover. Rows are dated rows of one indicator (`observations.with_month`)."""
    months_expected = (current[1].year - current[0].year) * 12 + current[1].month - current[0].month + 1
    in_current = rows.loc[rows["month"].between(*current)]
    in_previous = rows.loc[rows["month"].between(*previous)]
    now, before = window_units(in_current, current[0]), window_units(in_previous, previous[0])
    unit = UNIT
    now_sums = now.groupby(unit)["value"].sum()
    before_sums = before.groupby(unit)["value"].sum()
    shared = now_sums.index.intersection(before_sums.index)
    common_rows = in_current.loc[pd.MultiIndex.from_frame(now[unit]).isin(shared)]
    common = coverage(common_rows, communes_expected, months_expected)
    current_common, previous_common = int(now_sums.loc[shared].sum()), int(before_sums.loc[shared].sum())
    return LikeForLike(
        current_total=int(now["value"].sum()),
        previous_total=int(before["value"].sum()),
        current=coverage(in_current, communes_expected, months_expected),
        previous=coverage(in_previous, communes_expected, months_expected),
        common=common,
        current_common=current_common,
        previous_common=previous_common,
        test=change_test(current_common, previous_common) if len(shared) else None,
        current_only=len(now_sums) - len(shared),
        previous_only=len(before_sums) - len(shared),
    )


PERIOD_CODES = {1: "M", 3: "Q", 12: "Y"}


def period_units(rows: pd.DataFrame, months: int) -> pd.DataFrame:
    """Each unit's total (period, territory_code, offset, span, value): a commune's month, quarter or
    year, in the calendar period `months` long that holds it (splits added up)."""
    period = rows["month"].dt.to_period(PERIOD_CODES[months]).dt.start_time
    offset = (rows["month"].dt.year - period.dt.year) * 12 + (rows["month"].dt.month - period.dt.month)
    return (
        pd.DataFrame(
            {
                "period": period.to_numpy(),
                "territory_code": rows["territory_code"].to_numpy(),
                "offset": offset.to_numpy(),
                "span": rows["months_spanned"].to_numpy(),
                "value": rows["value"].to_numpy(),
            }
        )
        .groupby(["period", *UNIT])["value"]
        .sum()
        .reset_index()
    )


def unit_coverages(units: pd.DataFrame, communes_expected: int, months: int) -> dict[pd.Timestamp, Coverage]:
    """`coverage` of each period's units (period, territory_code, offset, span) at once."""
    if units.empty:
        return {}
    months_of = units.loc[units.index.repeat(units["span"].to_numpy())]
    inside = months_of["offset"].to_numpy() + months_of.groupby(level=0).cumcount().to_numpy()
    union = months_of.assign(inside=inside).groupby("period")["inside"].nunique()
    communes = units.groupby("period")["territory_code"].nunique()
    per_commune = units.groupby(["period", "territory_code"])["span"].sum().groupby(level="period")
    fewest, most = per_commune.min(), per_commune.max()
    return {
        pd.Timestamp(period): Coverage(
            communes=int(communes[period]),
            communes_expected=communes_expected,
            months=int(union[period]),
            months_expected=months,
            fewest_months=int(fewest[period]) if fewest[period] < most[period] else None,
        )
        for period in communes.index
    }


def like_for_like_by_period(
    rows: pd.DataFrame, months: int, communes_expected: int
) -> tuple[dict[pd.Timestamp, LikeForLike], pd.DataFrame]:
    """`like_for_like` of every calendar period `months` long (a month, quarter or year) against the
    same period a year before, at once: a chart's table compares each of its periods, and one call
    per period costs a second on a few years of months. Periods without figures a year before are
    left out. Also returns the shared units (period, territory_code, offset, span), which the secret
    must let show. Rows: dated rows of one indicator, none longer than `months`
    (`tests/test_comparisons.py` checks that it equals `like_for_like` period by period)."""
    keys = ["period", *UNIT]
    units = period_units(rows, months)
    # The year before, keyed by the period it is compared with.
    earlier = units.assign(period=units["period"] + pd.DateOffset(years=1))
    earlier = earlier.loc[earlier["period"].isin(units["period"])]
    both = units.merge(earlier, on=keys, how="outer", suffixes=("", "_before"), indicator=True)
    both = both.loc[both["period"].isin(earlier["period"])].reset_index(drop=True)
    now = both.loc[both["_merge"] != "right_only"].reset_index(drop=True)
    before = both.loc[both["_merge"] != "left_only"].reset_index(drop=True)
    shared = both.loc[both["_merge"] == "both"].reset_index(drop=True)
    coverages = [unit_coverages(part, communes_expected, months) for part in (now, before, shared)]
    sums = {
        "current_total": now.groupby("period")["value"].sum(),
        "previous_total": before.groupby("period")["value_before"].sum(),
        "current_common": shared.groupby("period")["value"].sum(),
        "previous_common": shared.groupby("period")["value_before"].sum(),
    }
    counted = {
        name: part.groupby("period").size() for name, part in (("now", now), ("before", before), ("shared", shared))
    }
    empty = Coverage(0, communes_expected, 0, months)
    compared = {}
    for start in sorted(earlier["period"].unique()):
        key = pd.Timestamp(start)
        common_now, common_before = (int(sums[name].get(start, 0)) for name in ("current_common", "previous_common"))
        in_both = int(counted["shared"].get(start, 0))
        compared[key] = LikeForLike(
            current_total=int(sums["current_total"].get(start, 0)),
            previous_total=int(sums["previous_total"].get(start, 0)),
            current=coverages[0].get(key, empty),
            previous=coverages[1].get(key, empty),
            common=coverages[2].get(key, empty),
            current_common=common_now,
            previous_common=common_before,
            test=change_test(common_now, common_before) if in_both else None,
            current_only=int(counted["now"].get(start, 0)) - in_both,
            previous_only=int(counted["before"].get(start, 0)) - in_both,
        )
    return compared, shared[keys]


def rate_interval(
    counts: NDArray[np.float64] | pd.Series, populations: NDArray[np.float64] | pd.Series, level: float = LEVEL
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact (Garwood) interval of each rate per 10 000 inhabitants: `confint_poisson`, "exact-c".
    NaN where the population is unknown."""
    count = np.asarray(counts, dtype=np.float64)
    exposure = np.asarray(populations, dtype=np.float64) / PER
    low = np.full(count.shape, np.nan)
    high = np.full(count.shape, np.nan)
    known = np.isfinite(exposure) & (exposure > 0) & np.isfinite(count)
    if known.any():
        low[known], high[known] = rates.confint_poisson(
            count[known], exposure[known], method="exact-c", alpha=1 - level
        )
    return low, high


def standing(
    counts: NDArray[np.float64] | pd.Series,
    populations: NDArray[np.float64] | pd.Series,
    benchmark_rate: float,
    level: float = FUNNEL_LEVELS[0],
) -> NDArray[np.object_]:
    """Each territory against the whole's rate per 10 000: "above", "similar" or "below" — beyond the
    exact two-sided Poisson test at `level`, the funnel plot's limits (Spiegelhalter 2005). None
    where the population is unknown."""
    count = np.asarray(counts, dtype=np.float64)
    exposure = np.asarray(populations, dtype=np.float64) / PER
    result = np.full(count.shape, None, dtype=object)
    for index in np.flatnonzero(np.isfinite(exposure) & (exposure > 0) & np.isfinite(count)):
        tested = rates.test_poisson(int(count[index]), exposure[index], value=benchmark_rate, method="exact-c")
        if tested.pvalue >= 1 - level:
            result[index] = "similar"
        else:
            result[index] = "above" if count[index] / exposure[index] > benchmark_rate else "below"
    return result


def funnel_limits(
    populations: NDArray[np.float64] | pd.Series, benchmark_rate: float, level: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The funnel's limits (rates per 10 000) at each population: the rates a territory of that
    size shows, with the whole's rate, in `level` of cases (exact Poisson quantiles)."""
    from scipy import stats

    exposure = np.asarray(populations, dtype=np.float64) / PER
    expected = benchmark_rate * exposure
    tail = (1 - level) / 2
    low = stats.poisson.ppf(tail, expected) / exposure
    high = stats.poisson.ppf(1 - tail, expected) / exposure
    return low, high
