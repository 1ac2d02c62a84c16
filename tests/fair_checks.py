"""What a page states of a change, checked against a comparison recomputed here (issue 25).

The field both periods cover is recomputed from the rows with plain Python sets (a commune's month,
quarter or year, by its place in the period), the test with scipy's binomial test (the conditional
test of two Poisson counts), the secret with the lattice solved for the store: none of the package's
like-for-like, test or wording code. Used by the pages' tests on generated stores
(`test_pages_any_store.py`, `test_pages_fair_comparisons.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd
from scipy.stats import binomtest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from indicators.config import DEFAULT_DATA_DIR
from indicators.formatting import format_change, format_month, format_number
from indicators.i18n import _, current_language
from indicators.loading import load_tables
from indicators.observations import MONTHS_PER_PERIOD, compare_with_year_before, with_month
from indicators.secret.lattice import lattice
from indicators.secret.suppression import suppress_small_counts
from indicators.territories import interco_of

# What only a window of twelve months may be called.
TWELVE_MONTHS = re.compile(r"12 derniers mois|derniers 12 mois|last 12 months", re.IGNORECASE)
LEVELS = {1: "month", 3: "quarter", 12: "year"}


@dataclass(frozen=True)
class Fair:
    """A change recomputed: totals on the shared field, its p-value, whether the field is each period whole."""

    current: int
    previous: int
    p_value: float
    same_field: bool
    shared: frozenset[tuple[str, int, int]]
    # Whether each period (current, then the year before) holds nothing outside the shared field.
    wholes: tuple[bool, bool] = (True, True)

    @property
    def beyond_chance(self) -> bool:
        return self.p_value < 0.05

    def written(self) -> str:
        """The change as a page must write it."""
        if self.previous == 0:
            return _("{current} contre {previous}").format(current=format_number(self.current), previous="0")
        percent = (self.current - self.previous) / self.previous * 100
        decimals = 1 if self.beyond_chance and 0 < abs(percent) < 1 else 0
        return format_change(percent, decimals)


def units(rows: pd.DataFrame, start: pd.Timestamp, months: int, spans: set[int]) -> dict[tuple[str, int, int], int]:
    """Each commune's period inside [start, start + months): its total, keyed by (commune, offset, span)."""
    found: dict[tuple[str, int, int], int] = {}
    for code, month, span, value in zip(rows["territory_code"], rows["month"], rows["months_spanned"], rows["value"]):
        offset = (month.year - start.year) * 12 + month.month - start.month
        if 0 <= offset < months and int(span) in spans:
            key = (str(code), offset, int(span))
            found[key] = found.get(key, 0) + int(value)
    return found


def recompute(rows: pd.DataFrame, start: pd.Timestamp, months: int, spans: set[int]) -> Fair | None:
    """The period from `start` against the same a year before; None when the year before has nothing."""
    now = units(rows, start, months, spans)
    before = units(rows, start - pd.DateOffset(years=1), months, spans)
    if not before:
        return None
    shared = now.keys() & before.keys()
    current, previous = sum(now[key] for key in shared), sum(before[key] for key in shared)
    p_value = binomtest(current, current + previous, 0.5).pvalue if current + previous else 1.0
    wholes = (now.keys() == shared, before.keys() == shared)
    return Fair(current, previous, float(p_value), now.keys() == before.keys(), frozenset(shared), wholes)


@cache
def shipped_hierarchy() -> tuple[tuple[str, str], ...]:
    """Each commune's EPT, as data/territories.csv ships it (the hierarchy every generated store uses)."""
    return tuple(sorted(interco_of(load_tables(DEFAULT_DATA_DIR).territories).items()))


# The solved lattices of the stores being checked, by a digest of their rows: a store's cards and
# its trend ask for the same indicator's lattice, and each solve is an exact audit.
_SOLVED: dict[tuple[int, str], pd.DataFrame] = {}


def solved(observations: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The indicator's lattice with its secret, as the app solves it (communes into their EPTs)."""
    rows = observations.loc[observations["indicator_id"] == indicator_id]
    key = (int(pd.util.hash_pandas_object(rows, index=False).sum()), indicator_id)
    if key not in _SOLVED:
        if len(_SOLVED) > 8:
            _SOLVED.clear()
        _SOLVED[key] = suppress_small_counts(lattice(rows, dict(shipped_hierarchy())), 5)
    return _SOLVED[key].copy()


def cells_visible(cells: pd.DataFrame, keys: list[tuple[str, str, pd.Timestamp]]) -> bool:
    """Whether each (territory, level, period start) is a visible total cell of the lattice."""
    shown = cells.loc[(cells["dimension"] == "none") & ~cells["suppressed"]]
    visible = set(zip(shown["territory_code"], shown["level"], pd.DatetimeIndex(shown["period_start"])))
    return all((code, level, pd.Timestamp(start)) in visible for code, level, start in keys)


def shared_cells(fair: Fair, start: pd.Timestamp) -> list[tuple[str, str, pd.Timestamp]]:
    return [(code, LEVELS[span], start + pd.DateOffset(months=offset)) for code, offset, span in sorted(fair.shared)]


def like_for_like_words() -> str:
    return "like for like" if current_language() == "en" else "à champ constant"


def check_stated(text: str, fair: Fair | None, where: str) -> None:
    """A stated change (`text` holds one) is the like-for-like one, says « à champ constant » when
    the field is not each period whole, and « net » words only beyond chance."""
    assert fair is not None and fair.shared, (where, "évolution sans champ commun", text)
    if fair.current == fair.previous == 0:  # nothing either year: « 0 comme un an plus tôt », no verdict
        assert (like_for_like_words() in text) == (not fair.same_field), (where, fair, text)
        assert not any(words in text for words in (_("hausse nette"), _("baisse nette"))), (where, text)
        return
    assert fair.written() in text, (where, fair.written(), text)
    assert (like_for_like_words() in text) == (not fair.same_field), (where, fair, text)
    clear = [_("hausse nette"), _("baisse nette")]
    if fair.beyond_chance:
        assert any(words in text for words in clear), (where, fair.p_value, text)
    else:
        assert _("dans les marges du hasard") in text and not any(words in text for words in clear), (where, text)


def check_cards(app: AppTest, observations: pd.DataFrame, catalogue: pd.DataFrame) -> None:
    """Each field card: no « 12 derniers mois »; a change only like for like, with an arrow only beyond
    chance, and only when every cell its totals add up is visible."""
    field = catalogue.loc[catalogue["domain"] == "field"]
    by_label = {metric.label: metric for metric in app.metric}
    for caption in app.caption:
        assert not TWELVE_MONTHS.search(caption.value), caption.value
    dated = with_month(observations)
    for indicator_id, label in zip(field["indicator_id"], field[f"label_{current_language()}"]):
        if indicator_id not in set(observations["indicator_id"]):
            continue
        metric = by_label[label]
        assert not TWELVE_MONTHS.search(metric.delta or ""), metric.delta
        if not metric.delta:
            continue
        comparison = compare_with_year_before(observations, indicator_id, communes_expected=36)
        span = MONTHS_PER_PERIOD[comparison.granularity]
        months = (comparison.current_end.year - comparison.current_start.year) * 12 + (
            comparison.current_end.month - comparison.current_start.month + 1
        )
        rows = dated.loc[dated["indicator_id"] == indicator_id]
        fair = recompute(rows, comparison.current_start, months, {span})
        check_stated(metric.delta, fair, indicator_id)
        assert fair is not None
        direction = MetricProto.MetricDirection.Name(metric.proto.direction)
        expected = "NONE"
        # An arrow on a change beyond chance, unless it reads as none (« 0 % »): −0,4 % keeps it.
        if fair.beyond_chance and any(digit in fair.written() for digit in "123456789"):
            expected = "UP" if fair.current > fair.previous else "DOWN"
        assert direction == expected, (indicator_id, metric.delta, direction, fair)
        # The secret first, side by side: each period's like-for-like total is its département's
        # visible window total (nothing outside the shared field), or a sum of visible commune cells.
        cells = solved(observations, indicator_id)
        starts = (comparison.current_start, comparison.current_start - pd.DateOffset(years=1))
        sides_public = [
            (whole and window_visible_here(cells, rows, start, months, span))
            or cells_visible(cells, shared_cells(fair, start))
            for start, whole in zip(starts, fair.wholes)
        ]
        assert all(sides_public), (indicator_id, "évolution sur des cellules masquées", metric.delta)


def window_visible_here(cells: pd.DataFrame, rows: pd.DataFrame, start: pd.Timestamp, months: int, span: int) -> bool:
    """Whether the département's total of a window of figures `span` months long is public: no figure
    of another granularity in it (the département's cells would add it), and the window a visible
    calendar quarter or year, or a sum of visible cells of its granularity."""
    inside = rows.loc[(rows["month"] >= start) & (rows["month"] < start + pd.DateOffset(months=months))]
    if (inside["months_spanned"] != span).any():
        return False
    calendar = months in (3, 12) and start.month % months == 1 % months
    if calendar and cells_visible(cells, [("92", LEVELS[months], start)]):
        return True
    # The window's total is the sum of the periods that have figures (a month without any adds
    # nothing and is no cell): each of them a visible cell.
    parts = [("92", LEVELS[span], month) for month in sorted(set(inside["month"]))]
    return cells_visible(cells, parts)


def check_trend(app: AppTest, observations: pd.DataFrame, indicator_id: str, frequency: str) -> None:
    """The Tendances chart of the département: every change in the table behind it, and the one in
    its title, recomputed like for like; « net » only beyond chance; no « 12 derniers mois »."""
    title = app.header[0].value
    assert not TWELVE_MONTHS.search(title), title
    period, change, field, reading = _("Période"), _("Évolution sur un an (total)"), _("Champ comparé"), _("Lecture")
    table = next((frame.value for frame in app.dataframe if change in frame.value.columns), None)
    if table is None:
        return
    months = MONTHS_PER_PERIOD[frequency]
    dated = with_month(observations)
    rows = dated.loc[dated["indicator_id"] == indicator_id]
    starts = {
        format_month(start, frequency): start
        for start in pd.DatetimeIndex(rows["month"]).to_period({1: "M", 3: "Q", 12: "Y"}[months]).start_time
    }
    spans = {span for span in (1, 3, 12) if span <= months}
    cells = solved(observations, indicator_id)
    stated = {}
    for label, written, compared, words in zip(table[period], table[change], table[field], table[reading]):
        if not written:
            continue
        start = starts[label]
        fair = recompute(rows, start, months, spans)
        check_stated(f"{written} {words} {'' if compared == _('identique') else like_for_like_words()}", fair, label)
        assert fair is not None
        sides_public = [
            (whole and cells_visible(cells, [("92", frequency, when)]))
            or cells_visible(cells, shared_cells(fair, when))
            for when, whole in zip((start, start - pd.DateOffset(years=1)), fair.wholes)
        ]
        assert all(sides_public), (label, "évolution sur des cellules masquées", written)
        stated[label] = fair
    # The title states its latest period first (« … en T1 2026, +25 % par rapport à T1 2025 »).
    found = [label for label in stated if f" {label}" in title]
    if re.search(r"[+−]\d|\d contre 0|\d against 0", title) and found:
        named = min(found, key=lambda label: title.index(f" {label}"))
        check_stated(title, stated[named], f"titre {named}")
