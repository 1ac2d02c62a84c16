"""The fair comparisons are disclosures too (issue 25): a like-for-like total adds up some communes'
months, an interval or a class on a rate gives its count back. Counted with the visible cells of
the protected table, they must determine no hidden cell.

Stores of unequal coverage between years are drawn (`store_shapes.unequal_coverage_tables`); every
figure the trend tables, the overview's cards and the rankings state from the rows is written as
one more equation (the sum of the rows it adds up); the independent attacker of
`secret_attacker.py` then solves each indicator over all its years at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings

from indicators.choices import RankingChoice
from indicators.comparisons import like_for_like_by_period, shared_units
from indicators.disclosure import protected_benchmark, protected_comparisons, protected_ranking
from indicators.loading import DataTables
from indicators.observations import MONTHS_PER_PERIOD, index_observations, with_month
from indicators.secret.lattice import lattice
from indicators.secret.rules import period_changes
from indicators.secret.suppression import suppress_small_counts
from indicators.territories import communes, interco_of, intercos, members, scope_code
from secret_attacker import recovered_with_statements
from store_shapes import unequal_coverage_tables

K = 5


def unit_mask(dated: pd.DataFrame, code: str, first_month: pd.Timestamp, span: int) -> np.ndarray:
    """The rows of one unit: a commune's month, quarter or year (its splits added up)."""
    return (
        (dated["territory_code"] == code) & (dated["month"] == first_month) & (dated["months_spanned"] == span)
    ).to_numpy()


def units_masks(dated: pd.DataFrame, shared: pd.DataFrame, starts: tuple[pd.Timestamp, ...]) -> list[np.ndarray]:
    """One statement per window: the sum of the shared units' rows in it."""
    statements = []
    for start in starts:
        mask = np.zeros(len(dated), dtype=bool)
        for code, offset, span in zip(shared["territory_code"], shared["offset"], shared["span"]):
            mask |= unit_mask(dated, str(code), start + pd.DateOffset(months=int(offset)), int(span))
        statements.append(mask)
    return statements


def trend_statements(dated: pd.DataFrame, cells: pd.DataFrame, territories: pd.DataFrame) -> list[np.ndarray]:
    """The like-for-like totals each trend table states, for the département, each EPT and each
    commune, by month, quarter and year (`disclosure.period_changes`' rule, its shared units)."""
    statements = []
    places = [scope_code(), *intercos(territories)["territory_code"], *dated["territory_code"].unique()]
    for indicator_id in dated["indicator_id"].unique():
        for place in places:
            inside = members(territories, place)
            mine = dated["indicator_id"] == indicator_id
            if inside is not None:
                mine &= dated["territory_code"].isin(inside)
            expected = len(inside) if inside is not None else len(communes(territories))
            for frequency, months in MONTHS_PER_PERIOD.items():
                rows = dated.loc[mine & (dated["months_spanned"] <= months)]
                if rows.empty:
                    continue
                code = {"month": "M", "quarter": "Q", "year": "Y"}[frequency]
                starts = sorted(pd.DatetimeIndex(rows["month"].dt.to_period(code).dt.start_time.unique()))
                changes = period_changes(rows, starts, frequency, expected, cells, place)
                _, shared = like_for_like_by_period(rows, months, expected)
                for start, change in changes.items():
                    if change.test is None:
                        continue
                    units = shared.loc[pd.DatetimeIndex(shared["period"]) == start]
                    before = start - pd.DateOffset(years=1)
                    statements += [mine.to_numpy() & mask for mask in units_masks(dated, units, (start, before))]
    return statements


def card_statements(dated: pd.DataFrame, cells: pd.DataFrame, territories: pd.DataFrame) -> list[np.ndarray]:
    """The overview's cards: each window's total shown, and the like-for-like totals of a stated change."""
    statements = []
    indicator_ids = list(dated["indicator_id"].unique())
    shown = protected_comparisons(dated, cells, indicator_ids, communes_expected=len(communes(territories)))
    for indicator_id, card in shown.items():
        comparison = card.comparison
        span = MONTHS_PER_PERIOD[comparison.granularity]
        mine = ((dated["indicator_id"] == indicator_id) & (dated["months_spanned"] == span)).to_numpy()
        year = pd.DateOffset(years=1)
        windows = [(comparison.current_start, comparison.current_end)]
        windows.append((windows[0][0] - year, windows[0][1] - year))
        for window, visible in zip(windows, (card.current_shown, card.previous_shown)):
            if visible:
                statements.append(mine & dated["month"].between(*window).to_numpy())
        if card.change is not None and card.change.test is not None:
            rows = dated.loc[mine]
            shared = shared_units(rows, windows[0], windows[1])
            statements += [mine & mask for mask in units_masks(dated, shared, (windows[0][0], windows[1][0]))]
    return statements


def ranking_statements(dated: pd.DataFrame, cells: pd.DataFrame, territories: pd.DataFrame) -> list[np.ndarray]:
    """Territoires: each rate with its interval and class gives its count back, and so does the
    département's benchmark (whole years, everyone)."""
    index = index_observations(dated)
    statements = []
    for indicator_id in dated["indicator_id"].unique():
        years = sorted(set(dated.loc[dated["indicator_id"] == indicator_id, "month"].dt.year.astype(str)))
        for year in years:
            in_year = ((dated["indicator_id"] == indicator_id) & (dated["month"].dt.year == int(year))).to_numpy()
            for level in ("commune", "interco"):
                ranked, _, _ = protected_ranking(
                    index, territories, cells, RankingChoice(indicator_id, year, year, "none:ensemble", level=level)
                )
                rated = ranked.loc[ranked["rate_low"].notna()] if "rate_low" in ranked else ranked.iloc[0:0]
                assert not ranked.loc[ranked["suppressed"].astype(bool), "standing"].notna().any()
                for code in rated["territory_code"]:
                    inside = members(territories, str(code)) or [str(code)]
                    statements.append(in_year & dated["territory_code"].isin(inside).to_numpy())
            benchmark = protected_benchmark(
                index, territories, cells, RankingChoice(indicator_id, year, year, "none:ensemble")
            )
            if benchmark.shown:
                statements.append(in_year)
    return statements


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(observations=unequal_coverage_tables())
def test_the_fair_comparisons_give_no_hidden_cell_back(observations, tables: DataTables):
    territories = tables.territories
    hierarchy = interco_of(territories)
    dated = with_month(observations.reset_index(drop=True))
    cells = suppress_small_counts(lattice(observations, hierarchy), K)
    statements = [
        *trend_statements(dated, cells, territories),
        *card_statements(dated, cells, territories),
        *ranking_statements(dated, cells, territories),
    ]
    recovered = recovered_with_statements(observations.reset_index(drop=True), cells, hierarchy, statements)
    assert recovered.empty, recovered.head(10).to_string()


def test_the_audit_catches_a_stated_total_over_a_hidden_cell(tables: DataTables):
    """The check can fail: a like-for-like total over one commune's January (2, hidden), as a change
    stated without the secret's rule would give, is that hidden cell."""
    hierarchy = interco_of(tables.territories)
    first, second = sorted(hierarchy)[:2]
    observations = pd.DataFrame(
        {
            "indicator_id": "signalements_risque_prostitutionnel",
            "territory_code": [first, second, first, second],
            "period": ["2025-01", "2025-01", "2025-02", "2025-02"],
            "sex": "ensemble",
            "age_group": "ensemble",
            "value": [2, 30, 40, 50],
            "source_id": "S",
        }
    )
    cells = suppress_small_counts(lattice(observations, hierarchy), K)
    january = ((observations["period"] == "2025-01") & (observations["territory_code"] == first)).to_numpy()
    assert recovered_with_statements(observations, cells, hierarchy, []).empty
    recovered = recovered_with_statements(observations, cells, hierarchy, [january])
    assert ((recovered["territory_code"] == first) & (recovered["value"] == 2)).any(), recovered
