"""What a protected lattice lets an output state beyond its own cells, each rule once.

- A window of months (the overview's cards, a sheet's figures) shows its total only when the
  lattice's cells of that window are visible (`window_visible`), or its communes' cells are
  (`window_shown`).
- A like-for-like total adds up some communes' months: a new aggregate. `like_for_like_shown` is
  the one rule that says when a pair of them may be stated; the cards (`protected_change`), every
  chart's periods (`period_changes`) and the sheets (`sheet.change_statement`) all ask it.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import pandas as pd

from indicators.comparisons import (
    ChangeTest,
    LikeForLike,
    like_for_like,
    like_for_like_by_period,
    shared_units,
    window_units,
)
from indicators.observations import GRANULARITIES, MONTHS_PER_PERIOD, PeriodComparison
from indicators.secret.lattice import ALL
from indicators.territories import scope_code

# A total cell of the lattice (everyone) by its territory, level and period start; and the units a
# like-for-like total adds up: a commune's period by its offset in months from the window's start.
CellKey = tuple[str, str, pd.Timestamp]
VisibleKeys = AbstractSet[CellKey]
Window = tuple[pd.Timestamp, pd.Timestamp]
Unit = tuple[str, int, int]


def window_visible(
    cells: pd.DataFrame,
    indicator_id: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    granularity: str = "month",
    territory_code: str | None = None,
) -> bool:
    """Whether a territory's total (the département's by default) over [start, end] may be shown.

    A calendar year or quarter is a lattice cell: its own flag decides. Any other window is a sum of cells
    of the figures' granularity (months or quarters), shown only when none of them is secret
    (otherwise the window minus the others tells it).
    """
    territory_code = territory_code or scope_code()
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


def visible_keys(cells: pd.DataFrame) -> set[CellKey]:
    """The (territory, level, period start) of every visible total cell (everyone) of `cells`."""
    shown = cells.loc[(cells["dimension"] == "none") & (cells["group"] == ALL) & ~cells["suppressed"].astype(bool)]
    return set(zip(shown["territory_code"], shown["level"], pd.DatetimeIndex(shown["period_start"])))


def units_shown(visible: VisibleKeys, units: Iterable[Unit], start: pd.Timestamp) -> bool:
    """Whether every unit (territory_code, offset from `start` in months, span) is a visible cell.
    A unit that is no cell is taken as hidden: unknown means hidden."""
    return all(
        (str(code), GRANULARITIES[int(span)], start + pd.DateOffset(months=int(offset))) in visible
        for code, offset, span in units
    )


def like_for_like_shown(
    visible: VisibleKeys,
    compared: LikeForLike,
    shared: Iterable[Unit],
    starts: tuple[pd.Timestamp, pd.Timestamp],
    totals_shown: tuple[bool, bool],
) -> bool:
    """The rule: whether a like-for-like pair (current window, then the year before) may be stated.

    Each side is stated when it holds nothing outside the common field and the territory's own total
    of that window shows (`totals_shown`: it is that total), or when every commune cell it adds up
    (`shared`, from `starts`) is visible: a sum with a masked cell, minus the others, gives it back."""
    units = list(shared)
    return all(
        (whole and total_shown) or units_shown(visible, units, start)
        for whole, total_shown, start in zip(compared.wholes, totals_shown, starts)
    )


def protected_change(
    rows: pd.DataFrame,
    windows: tuple[Window, Window],
    communes_expected: int,
    visible: VisibleKeys | None,
    totals_shown: tuple[bool, bool],
) -> ProtectedChange | None:
    """The change between two windows (current, then previous) like for like, through the secret
    (`like_for_like_shown`). `visible` None: figures not yet published (the import preview, for an
    analyst), no secret applies. None when the earlier window has no figure."""
    current, previous = windows
    if not rows["month"].between(*previous).any():
        return None
    compared = like_for_like(rows, current, previous, communes_expected)
    if visible is None or compared.test is None:
        return ProtectedChange(compared, False)
    shared = shared_units(rows, current, previous)[["territory_code", "offset", "span"]].itertuples(index=False)
    shown = like_for_like_shown(visible, compared, shared, (current[0], previous[0]), totals_shown)
    return ProtectedChange(compared, not shown)


def period_changes(
    rows: pd.DataFrame,
    starts: list[pd.Timestamp],
    frequency: str,
    communes_expected: int,
    cells: pd.DataFrame | None,
    territory_code: str | None = None,
) -> dict[pd.Timestamp, ProtectedChange]:
    """Each period's change against the same period a year before, like for like and through the
    secret (`cells`: the protected lattice, None for figures not yet published): what a chart's
    title states of its latest period and its table of every period. Rows are the dated rows of one
    indicator that the chart adds up (the territory's communes); periods without figures a year
    before have no entry. The rule is `like_for_like_shown`'s, the territory's own cells of each
    period as its totals."""
    territory_code = territory_code or scope_code()
    months = MONTHS_PER_PERIOD[frequency]
    rows = rows.loc[rows["months_spanned"] <= months]
    if rows.empty:
        return {}
    compared, shared = like_for_like_by_period(rows, months, communes_expected)
    wanted = {pd.Timestamp(start) for start in starts}
    if cells is None:
        return {start: ProtectedChange(change, False) for start, change in compared.items() if start in wanted}
    visible = visible_keys(cells.loc[cells["indicator_id"] == rows["indicator_id"].iloc[0]])
    units_by_period: dict[pd.Timestamp, list[Unit]] = {}
    for period, code, offset, span in shared[["period", "territory_code", "offset", "span"]].itertuples(index=False):
        units_by_period.setdefault(pd.Timestamp(period), []).append((code, offset, span))
    year = pd.DateOffset(years=1)
    changes = {}
    for start in sorted(wanted.intersection(compared)):
        change = compared[start]
        starts_compared = (start, start - year)
        totals = tuple((territory_code, frequency, when) in visible for when in starts_compared)
        shown = like_for_like_shown(
            visible, change, units_by_period.get(start, []), starts_compared, (totals[0], totals[1])
        )
        changes[start] = ProtectedChange(change, change.test is not None and not shown)
    return changes


def window_shown(
    totals: pd.DataFrame, visible: VisibleKeys, rows: pd.DataFrame, comparison: PeriodComparison, window: Window
) -> bool:
    """Whether a window's total (the rows of the comparison's granularity in it) may show: by the
    département's cells (`window_visible`), or as a sum of its communes' visible cells. With figures
    of another granularity in the window, the département's cells add them and the window's total
    does not: only the communes' own cells may vouch for it then."""
    by_department = not comparison.mixed and window_visible(
        totals, comparison.indicator_id, *window, comparison.granularity
    )
    inside = window_units(rows.loc[rows["month"].between(*window)], window[0])
    units = inside[["territory_code", "offset", "span"]].itertuples(index=False)
    return by_department or units_shown(visible, units, window[0])
