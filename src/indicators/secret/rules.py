"""What a protected lattice lets an output state beyond its own cells, each rule once.

- A window of months (the overview's cards, a sheet's figures) shows its total only when the
  lattice's cells of that window are visible (`window_visible`), or its communes' cells are
  (`window_shown`).
- A like-for-like total adds up some communes' months: a new aggregate, stated only when every
  commune cell it adds up is visible, or when it is the territory's own visible total
  (`protected_change`, `period_changes`, `units_visible`).
"""

from __future__ import annotations

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
from indicators.observations import (
    GRANULARITIES,
    MONTHS_PER_PERIOD,
    PeriodComparison,
)
from indicators.secret.lattice import ALL
from indicators.territories import (
    DEPARTMENT,
)


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


def field_units(rows: pd.DataFrame, window: Window) -> pd.MultiIndex:
    """The units (commune, month offset, span) of the window's rows, as `comparisons.like_for_like` pairs them."""
    units = window_units(rows.loc[rows["month"].between(*window)], window[0])
    return pd.MultiIndex.from_frame(units[["territory_code", "offset", "span"]]).unique()


def common_field_visible(
    visible: frozenset[tuple[str, str, pd.Timestamp]] | set[tuple[str, str, pd.Timestamp]],
    rows: pd.DataFrame,
    windows: tuple[Window, Window],
    shown: tuple[bool, bool],
) -> bool:
    """Whether the two like-for-like totals of a sheet may show (current window, then the year
    before). Each is the territory's own window total when its window holds nothing outside the
    common field (shown as that total is, `shown`), else a new sum of commune cells: shown only when
    every one of them is visible (`visible`: the lattice keys of the visible total cells), since a
    sum with a masked cell, minus the others, gives it back. Side by side, this is
    `protected_change`'s rule, which asks both sides at once."""
    units = [field_units(rows, side) for side in windows]
    shared = units[0].intersection(units[1])
    for side, side_units, whole_shown in zip(windows, units, shown):
        if len(side_units) == len(shared):
            if not whole_shown:
                return False
            continue
        keys = (
            (str(code), GRANULARITIES[int(span)], side[0] + pd.DateOffset(months=int(offset)))
            for code, offset, span in shared
        )
        if not all(key in visible for key in keys):
            return False
    return True
