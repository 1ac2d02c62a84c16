"""A change between two periods, from the rows to the words: like for like (`comparisons`), through
the secret (`disclosure.protected_change`, `period_changes`), in the words every output shares
(`changes`), and in chart titles (`findings.observation_finding`).

Small frames built here: 4 communes then 36, 8 then 10, 20 then 60, months missing a year before.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from indicators.changes import card_delta, change_columns, finding_clause, read_change
from indicators.comparisons import Coverage, LikeForLike
from indicators.findings import observation_finding
from indicators.i18n import in_language
from indicators.observations import aggregate_series, period_coverage, with_month
from indicators.secret.lattice import lattice
from indicators.secret.rules import (
    ProtectedChange,
    like_for_like_shown,
    period_changes,
    protected_change,
    units_shown,
    visible_keys,
)
from indicators.secret.suppression import suppress_small_counts

NNBSP = "\u202f"
COMMUNES = [f"920{number:02d}" for number in range(36)]
# Real communes of three EPTs, for frames that go through the lattice's hierarchy.
COMMUNES_OF_92 = ["92002", "92007", "92040", "92050", "92012", "92026"]


def dated(triples: list[tuple[str, str, int]]) -> pd.DataFrame:
    """Dated rows of indicator "a" from (commune, period, value)."""
    frame = pd.DataFrame(triples, columns=["territory_code", "period", "value"])
    return with_month(frame.assign(indicator_id="a", sex="ensemble", age_group="ensemble", source_id="IMPORT_000001"))


def secret_of(rows: pd.DataFrame) -> pd.DataFrame:
    return suppress_small_counts(lattice(rows.drop(columns=["month", "months_spanned"])), 5)


def four_then_thirty_six() -> pd.DataFrame:
    """2025 monthly from 4 communes, then January–March 2026 from all 36 (the issue's probe)."""
    before = [(commune, f"2025-{month:02d}", 40) for commune in COMMUNES[:4] for month in range(1, 13)]
    after = [
        (commune, f"2026-{month:02d}", 50 if position < 4 else 14)
        for position, commune in enumerate(COMMUNES)
        for month in (1, 2, 3)
    ]
    return dated(before + after)


# --- Independent like for like: sets of (commune, month) units, sums, a binomial test -----------------


def independent(rows: pd.DataFrame, start: pd.Timestamp, months: int) -> tuple[int, int, float, bool]:
    """The period from `start` (`months` long) and the same a year before, compared on the communes'
    months both have: (current, previous, two-sided p, same field), by plain Python and scipy."""

    def units(first: pd.Timestamp) -> dict[tuple[str, int, int], int]:
        found: dict[tuple[str, int, int], int] = {}
        for code, month, span, value in zip(
            rows["territory_code"], rows["month"], rows["months_spanned"], rows["value"]
        ):
            offset = (month.year - first.year) * 12 + month.month - first.month
            if 0 <= offset < months and span <= months:
                found[(code, offset, span)] = found.get((code, offset, span), 0) + int(value)
        return found

    now, before = units(start), units(start - pd.DateOffset(years=1))
    shared = now.keys() & before.keys()
    current, previous = sum(now[key] for key in shared), sum(before[key] for key in shared)
    p_value = binomtest(current, current + previous, 0.5).pvalue if current + previous else 1.0
    return current, previous, p_value, now.keys() == before.keys()


@pytest.mark.parametrize(
    ("start", "frequency"),
    [("2026-01-01", "quarter"), ("2026-03-01", "month"), ("2026-01-01", "month"), ("2026-01-01", "year")],
)
def test_period_changes_are_like_for_like_and_tested_as_computed_independently(start, frequency):
    rows = four_then_thirty_six()
    when = pd.Timestamp(start)
    changes = period_changes(rows, [when], frequency, 36, None)
    months = {"month": 1, "quarter": 3, "year": 12}[frequency]
    current, previous, p_value, same = independent(rows, when, months)
    change = changes[when]
    assert not change.masked and change.test is not None
    assert (change.test.current, change.test.previous) == (current, previous)
    assert change.test.p_value == pytest.approx(p_value, rel=1e-9)
    assert change.compared.same_field == same is False
    assert change.compared.common.communes == 4


def test_the_probe_reads_like_for_like_not_three_thousand_percent():
    # Tendances said « 534 signalements en mars 2026, +3 238 % par rapport à mars 2025 ».
    rows = four_then_thirty_six()
    series = aggregate_series(rows, "month")
    changes = period_changes(rows, list(series["period_start"]), "month", 36, None)
    title = observation_finding(series, "Signalements (Hauts-de-Seine)", "signalements", "month", changes=changes)
    assert title == (
        f"Signalements (Hauts-de-Seine) : 648 signalements en mars 2026 ; à champ constant (4 communes, 1 mois) : "
        f"+25{NNBSP}% par rapport à mars 2025 (hausse nette)"
    )
    assert "%" not in title.replace(f"+25{NNBSP}%", "")


@pytest.mark.parametrize(
    ("before", "after", "words", "arrow"),
    [
        (8, 10, "dans les marges du hasard", "off"),
        (20, 60, "hausse nette", "up"),
        (60, 20, "baisse nette", "down"),
        (400, 500, "hausse nette", "up"),
    ],
)
def test_chance_decides_the_arrow_and_the_words(before, after, words, arrow):
    rows = dated([("92002", "2024", before), ("92002", "2025", after)])
    [change] = period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 1, None).values()
    reading = read_change(change)
    assert reading is not None and reading.verdict == words and reading.arrow == arrow
    expected = binomtest(after, after + before, 0.5).pvalue
    assert reading.p_value == pytest.approx(expected, rel=1e-9)
    assert (expected < 0.05) == (arrow != "off")


def test_nothing_shared_states_no_change_and_says_why():
    rows = dated([("92001", "2025", 40), ("92002", "2026", 90)])
    [change] = period_changes(rows, [pd.Timestamp("2026-01-01")], "year", 36, None).values()
    reading = read_change(change)
    assert reading is not None and reading.change is None and card_delta(reading) is None
    assert finding_clause(reading, "2025") == (
        " ; pas d'évolution par rapport à 2025 : aucune commune n'a transmis les mêmes mois les deux années"
    )


def test_no_figure_a_year_before_says_nothing():
    rows = dated([("92001", "2025", 40)])
    assert period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 36, None) == {}
    assert read_change(None) is None and finding_clause(None, "2024") == ""


def test_zero_a_year_before_is_written_as_counts():
    rows = dated([("92001", "2024", 0), ("92001", "2025", 12)])
    [change] = period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 1, None).values()
    reading = read_change(change)
    assert reading is not None and reading.change == "12 contre 0" and reading.verdict == "hausse nette"
    assert reading.arrow == "up" and finding_clause(reading, "2024") == ", 12 contre 0 en 2024 (hausse nette)"


# --- The secret first ----------------------------------------------------------------------------------


def test_a_like_for_like_total_over_a_secret_commune_cell_is_masked():
    # Antony's 2024 (3) is secret, and so its partner; Bagneux is new in 2025 and Clamart left: the
    # 2024 like-for-like total (Antony and Issy) is a new sum of secret cells.
    rows = dated(
        [
            ("92002", "2024", 3),
            ("92040", "2024", 30),
            ("92023", "2024", 25),
            ("92002", "2025", 20),
            ("92040", "2025", 30),
            ("92007", "2025", 40),
        ]
    )
    cells = secret_of(rows)
    [change] = period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 36, cells).values()
    assert change.masked and change.test is None
    reading = read_change(change)
    assert reading is not None and reading.change is None and reading.p_value is None
    assert finding_clause(reading, "2024") == " ; évolution par rapport à 2024 non affichée (chiffres masqués)"
    # Not yet published (the import preview, for an analyst): no secret applies.
    [open_change] = period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 36, None).values()
    assert not open_change.masked and open_change.test is not None


def test_a_side_that_is_the_published_total_is_stated_over_secret_commune_cells():
    # Antony's 2024 (3) and its partner are secret, but 2024 holds nothing outside the field
    # compared: its like-for-like total is the département's 2024 total (33), already shown.
    rows = dated(
        [
            ("92002", "2024", 3),
            ("92040", "2024", 30),
            ("92002", "2025", 20),
            ("92040", "2025", 30),
            ("92007", "2025", 40),
        ]
    )
    cells = secret_of(rows)
    assert ("92002", "year", pd.Timestamp("2024-01-01")) not in visible_keys(cells)
    [change] = period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 36, cells).values()
    assert not change.masked and change.test is not None
    assert (change.test.current, change.test.previous) == (50, 33)


def test_the_whole_field_compares_the_territory_cells_when_they_show():
    # The same communes both years: the département's totals (33 and 50) are visible cells.
    rows = dated([("92002", "2024", 3), ("92040", "2024", 30), ("92002", "2025", 20), ("92040", "2025", 30)])
    cells = secret_of(rows)
    [change] = period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 36, cells).values()
    assert not change.masked and change.compared.same_field
    assert change.test is not None and (change.test.current, change.test.previous) == (50, 33)


def test_a_unit_that_is_no_cell_counts_as_hidden():
    rows = dated([("92002", "2025-01", 30)])
    visible = visible_keys(secret_of(rows))
    assert units_shown(visible, [("92002", 0, 1)], pd.Timestamp("2025-01-01"))
    assert not units_shown(visible, [("92007", 0, 1)], pd.Timestamp("2025-01-01"))


def test_a_side_that_is_its_territory_total_needs_no_commune_cell():
    """The rule, side by side: a window holding nothing outside the common field is stated as the
    territory's own total when that total shows, whatever its communes' cells; the other side, a
    new sum, only when each commune cell it adds up is visible."""
    # 92002 both years (3, then 4); 92040 only in 2025 (30): 2024 is whole, 2025 is not.
    compared = LikeForLike(34, 3, *(Coverage(1, 36, 12, 12),) * 3, 4, 3, None, current_only=1)
    assert compared.wholes == (False, True)
    starts = (pd.Timestamp("2025-01-01"), pd.Timestamp("2024-01-01"))
    shared = [("92002", 0, 12)]
    both_cells = {("92002", "year", start) for start in starts}
    assert like_for_like_shown(both_cells, compared, shared, starts, (False, False))
    only_before = {("92002", "year", starts[1])}
    assert like_for_like_shown(only_before, compared, shared, starts, (False, True)) is False
    assert like_for_like_shown(only_before | {("92002", "year", starts[0])}, compared, shared, starts, (False, True))
    # The whole side needs no cell when its total shows; the other side still does.
    assert like_for_like_shown({("92002", "year", starts[0])}, compared, shared, starts, (False, True))
    assert not like_for_like_shown({("92002", "year", starts[0])}, compared, shared, starts, (False, False))


# --- Words and tables ------------------------------------------------------------------------------------


def change_of(current: int, previous: int, same: bool = True) -> ProtectedChange:
    rows = dated([("92002", "2024", previous), ("92002", "2025", current)] + ([] if same else [("92007", "2025", 10)]))
    changes = period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 36, None)
    return changes[pd.Timestamp("2025-01-01")]


def test_the_field_is_said_only_when_it_is_smaller_than_the_periods():
    same, smaller = read_change(change_of(500, 400)), read_change(change_of(500, 400, same=False))
    assert same is not None and smaller is not None
    assert card_delta(same) == f"+25{NNBSP}% en un an, hausse nette"
    assert card_delta(smaller) == f"+25{NNBSP}% à champ constant, hausse nette"
    assert finding_clause(same, "2024") == f", +25{NNBSP}% par rapport à 2024 (hausse nette)"
    assert finding_clause(smaller, "2024") == (
        f" ; à champ constant (1 commune, 12 mois) : +25{NNBSP}% par rapport à 2024 (hausse nette)"
    )


def test_the_table_behind_a_chart_carries_the_change_its_field_and_p():
    starts = pd.Series(pd.to_datetime(["2024-01-01", "2025-01-01"]))
    columns = change_columns(starts, {pd.Timestamp("2025-01-01"): change_of(10, 8, same=False)})
    assert columns["change_text"].tolist() == ["", f"+25{NNBSP}%"]
    assert columns["field"].tolist() == ["", "1 commune, 12 mois"]
    assert columns["verdict"].tolist() == ["", "dans les marges du hasard"]
    assert columns["p_value"].iloc[1] == pytest.approx(binomtest(10, 18, 0.5).pvalue)
    assert columns["p_value_text"].tolist() == ["", "0,815"]
    assert columns["change_percent"].tolist()[1] == 25.0


def test_changes_in_english():
    with in_language("en"):
        clear = read_change(change_of(500, 400, same=False))
        chance = read_change(change_of(10, 8))
        assert clear is not None and chance is not None
        assert (
            finding_clause(clear, "2024")
            == "; like for like (1 municipality, 12 months): +25% compared with 2024 (a clear rise)"
        )
        assert card_delta(chance) == "+25% in a year, within the margins of chance"


def test_same_field_needs_the_same_units_not_only_the_same_counts():
    # One commune's months a year before, another's now, as many of each: the counts agree, the field does not.
    rows = dated([("92001", "2024", 40), ("92002", "2024", 40), ("92001", "2025", 50), ("92003", "2025", 40)])
    [change] = period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 36, None).values()
    compared: LikeForLike = change.compared
    assert (compared.current.communes, compared.previous.communes) == (2, 2)
    assert not compared.same_field and compared.common.communes == 1 and compared.unshared == 2


def test_a_title_says_what_its_total_adds_up():
    # 2025 from 4 communes of 36: the yearly total is theirs, and the title says so.
    rows = four_then_thirty_six()
    series = aggregate_series(rows.loc[rows["month"].dt.year == 2025], "year")
    covered = period_coverage(rows, [pd.Timestamp("2025-01-01")], "year", 36)
    title = observation_finding(series, "Signalements", "signalements", "year", coverage=covered)
    assert title == f"Signalements : 1{NNBSP}920 signalements en 2025 (4 communes sur 36 ont transmis)"
    # A partial year: its months are said once, by the period's own note.
    partial = aggregate_series(rows.loc[rows["month"].dt.year == 2026], "year")
    covered = period_coverage(rows, [pd.Timestamp("2026-01-01")], "year", 36)
    assert observation_finding(partial, "S", "signalements", "year", coverage=covered).endswith(
        "en 2026 (période incomplète : 3 mois sur 12)"
    )


def test_zero_both_years_is_said_plainly():
    rows = dated([("92001", "2024", 0), ("92001", "2025", 0)])
    [change] = period_changes(rows, [pd.Timestamp("2025-01-01")], "year", 1, None).values()
    reading = read_change(change)
    assert reading is not None and reading.arrow == "off" and reading.zero_both
    assert card_delta(reading) == "0 comme un an plus tôt"
    assert finding_clause(reading, "2024") == ", comme en 2024"


@st.composite
def small_fields(draw: st.DrawFn) -> pd.DataFrame:
    """A few communes over two years, each in its own granularity, small and larger counts (secret cells)."""
    cells = []
    for commune in draw(st.lists(st.sampled_from(COMMUNES_OF_92), min_size=1, max_size=4, unique=True)):
        granularity = draw(st.sampled_from(["month", "quarter", "year"]))
        steps = {"month": 12, "quarter": 4, "year": 1}[granularity]
        for year in (2024, 2025):
            for step in draw(st.lists(st.integers(0, steps - 1), min_size=1, max_size=min(steps, 4), unique=True)):
                period = {"month": f"{year}-{step + 1:02d}", "quarter": f"{year}-Q{step + 1}", "year": str(year)}
                cells.append((commune, period[granularity], draw(st.integers(0, 25))))
    return dated(cells)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(rows=small_fields(), frequency=st.sampled_from(["month", "quarter", "year"]))
def test_period_changes_follow_the_rule_of_protected_change(rows, frequency):
    """`period_changes` applies, for every period at once, the rule `protected_change` applies to one
    window: the same comparison, masked exactly when it is."""
    cells = secret_of(rows)
    months = {"month": 1, "quarter": 3, "year": 12}[frequency]
    shown = rows.loc[rows["months_spanned"] <= months]
    starts = sorted(set(shown["month"].dt.to_period({1: "M", 3: "Q", 12: "Y"}[months]).dt.start_time))
    changes = period_changes(rows, starts, frequency, 36, cells)
    visible = visible_keys(cells.loc[cells["indicator_id"] == "a"])
    year = pd.DateOffset(years=1)
    for start in starts:
        window = (start, start + pd.DateOffset(months=months - 1))
        totals = (("92", frequency, start) in visible, ("92", frequency, start - year) in visible)
        expected = protected_change(shown, (window, (window[0] - year, window[1] - year)), 36, visible, totals)
        assert changes.get(start) == expected, start
