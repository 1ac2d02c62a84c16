"""The statistics of fair comparisons, against published values and an independent exact computation.

Published values (carried over as numbers, with their source):
- DescTools (R), `PoissonCI(x = 15, n = 400, method = "exact")`: 0.0209884653319583 – 0.0618505471787146,
  as quoted in statsmodels' own tests (statsmodels/stats/tests/test_rates_poisson.py).
- epitools (R), `pois.exact` documentation: for x = 0, the exact 95 % upper limit is 3.689.
- Gu, Ng, Tang & Schucany (2008), « Testing the ratio of two Poisson rates », Biometrical Journal
  50(2), example 1 (60 events in 51 477.5 person-years against 30 in 54 308.7): one-sided exact
  conditional p-value 0.000428.
- The issue's own reading of 8 then 10: « p ≈ 0.8 », chance explains it.

Independent exact computation: binomial sums with `fractions.Fraction` (the conditional test) and
Poisson tails with `mpmath` at 50 digits (Garwood's limits), on a grid of small counts.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import mpmath
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.comparisons import (
    Coverage,
    change_test,
    coverage,
    funnel_limits,
    like_for_like,
    like_for_like_by_period,
    rate_interval,
    shared_units,
    standing,
)
from indicators.i18n import in_language
from indicators.observations import with_month

# --- Published values ------------------------------------------------------------------------------


def test_garwood_interval_matches_desctools():
    low, high = rate_interval(np.array([15.0]), np.array([400.0 * 10_000]))
    assert low[0] == pytest.approx(0.0209884653319583, rel=1e-10)
    assert high[0] == pytest.approx(0.0618505471787146, rel=1e-10)


def test_the_upper_limit_of_zero_matches_epitools():
    low, high = rate_interval(np.array([0.0]), np.array([10_000.0]))
    assert low[0] == 0 and round(high[0], 3) == 3.689


def test_the_conditional_test_matches_gu_and_others_example():
    two_sided = change_test(60, 30, 51_477.5, 54_308.7).p_value
    # The two-sided p-value (probabilities no larger than the observed one) lies between the
    # published one-sided value and twice it.
    assert 0.000428 < two_sided < 2 * 0.000428 + 5e-6


def test_eight_then_ten_is_within_chance():
    change = change_test(10, 8)
    assert change.p_value == pytest.approx(0.8, abs=0.02)
    assert not change.beyond_chance and change.direction == "flat" and change.percent == pytest.approx(25)


# --- Independent exact computation -----------------------------------------------------------------


def exact_conditional_p(current: int, previous: int, share: Fraction) -> float:
    """Two-sided: the probabilities of every split of the total no more likely than the one observed."""
    total = current + previous
    probabilities = [comb(total, k) * share**k * (1 - share) ** (total - k) for k in range(total + 1)]
    observed = probabilities[current]
    return float(sum(p for p in probabilities if p <= observed * Fraction(10_000_001, 10_000_000)))


@pytest.mark.parametrize("exposures", [(1, 1), (3, 12), (12, 9)])
def test_the_change_test_is_the_exact_conditional_binomial(exposures):
    current_exposure, previous_exposure = exposures
    share = Fraction(current_exposure, current_exposure + previous_exposure)
    for current in range(0, 51, 7):
        for previous in range(0, 51, 6):
            if current + previous == 0:
                continue
            tested = change_test(current, previous, current_exposure, previous_exposure)
            assert tested.p_value == pytest.approx(exact_conditional_p(current, previous, share), rel=1e-9, abs=1e-12)


def garwood(count: int, exposure: float, level: float = 0.95) -> tuple[float, float]:
    """The rates λ at which P(X ≥ count) and P(X ≤ count) are each half the tail: Poisson sums at 50 digits."""
    mpmath.mp.dps = 50
    tail = mpmath.mpf(1 - level) / 2

    def upper_tail(mean):
        return 1 - sum(mpmath.exp(-mean) * mean**k / mpmath.factorial(k) for k in range(count))

    def lower_tail(mean):
        return sum(mpmath.exp(-mean) * mean**k / mpmath.factorial(k) for k in range(count + 1))

    low = 0.0 if count == 0 else float(mpmath.findroot(lambda mean: upper_tail(mean) - tail, count + 0.5))
    high = float(mpmath.findroot(lambda mean: lower_tail(mean) - tail, count + 2.0))
    return low / exposure, high / exposure


@pytest.mark.parametrize("population", [1_000, 1_750, 25_000, 100_000])
def test_rate_intervals_are_garwoods_limits(population):
    counts = np.arange(0, 51, 5, dtype=np.float64)
    low, high = rate_interval(counts, np.full(len(counts), float(population)))
    for count, computed_low, computed_high in zip(counts.astype(int), low, high):
        expected_low, expected_high = garwood(count, population / 10_000)
        assert computed_low == pytest.approx(expected_low, rel=1e-8, abs=1e-12)
        assert computed_high == pytest.approx(expected_high, rel=1e-8)


def test_a_territory_is_set_apart_only_beyond_chance():
    """Marnes-la-Coquette's case: 55 reports among 1 750 inhabitants against a whole of 2 % per year
    (2 per 10 000): far above; 1 report among 1 750 is no different from 0.35 expected."""
    classes = standing(np.array([55.0, 1.0, 0.0, 28.0]), np.array([1_750.0, 1_750.0, 100_000.0, 100_000.0]), 2.0)
    assert classes.tolist() == ["above", "similar", "below", "similar"]
    mpmath.mp.dps = 30
    # Independently: the exact two-sided p-value of 28 against 20 expected is above 5 %, of 30 below.
    expected = mpmath.mpf(20)
    for count, similar in ((28, True), (30, False)):
        upper = 1 - sum(mpmath.exp(-expected) * expected**k / mpmath.factorial(k) for k in range(count))
        assert (2 * upper > 0.05) == similar
        assert standing(np.array([float(count)]), np.array([100_000.0]), 2.0)[0] == ("similar" if similar else "above")


def test_funnel_limits_narrow_as_populations_grow_and_hold_the_benchmark():
    populations = np.array([1_000.0, 10_000.0, 100_000.0])
    low95, high95 = funnel_limits(populations, 5.0, 0.95)
    low998, high998 = funnel_limits(populations, 5.0, 0.998)
    assert (np.diff(high95) < 0).all() and (low95 <= 5.0).all() and (high95 >= 5.0).all()
    assert (high998 >= high95).all() and (low998 <= low95).all()


# --- Coverage and like for like ----------------------------------------------------------------------


def rows(cells: list[tuple[str, str, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(cells, columns=["territory_code", "period", "value"])
    return with_month(frame.assign(indicator_id="a", sex="ensemble", age_group="ensemble"))


def test_coverage_says_what_a_partial_total_adds_up():
    covered = Coverage(communes=10, communes_expected=36, months=3, months_expected=12)
    with in_language("fr"):
        assert covered.describe() == "10 communes sur 36 ont transmis ; 3 mois sur 12"
    with in_language("en"):
        assert covered.describe() == "10 municipalities out of 36 reported; 3 months out of 12"
    assert Coverage(36, 36, 12, 12).describe() == "" and Coverage(36, 36, 12, 12).complete


def test_coverage_says_when_communes_cover_different_months():
    """4 communes for the twelve months, 32 for three: 36 communes and 12 months, not a complete total."""
    twelve = [(f"920{n:02d}", f"2025-{month:02d}", 4) for n in range(4) for month in range(1, 13)]
    three = [(f"920{n:02d}", f"2025-{month:02d}", 4) for n in range(4, 36) for month in (10, 11, 12)]
    covered = coverage(rows(twelve + three), 36, 12)
    assert (covered.communes, covered.months, covered.fewest_months) == (36, 12, 3) and not covered.complete
    with in_language("fr"):
        assert covered.describe() == "de 3 à 12 mois sur 12 selon la commune"
    with in_language("en"):
        assert covered.describe() == "3 to 12 months out of 12 depending on the municipality"
    assert coverage(rows(twelve), 36, 12).fewest_months is None


@st.composite
def field_rows(draw: st.DrawFn) -> pd.DataFrame:
    """A few communes over two or three years, each in its own granularity (never two that overlap),
    some periods missing, values from 0 to 30."""
    cells = []
    for commune in draw(st.lists(st.sampled_from(["92001", "92002", "92003", "92004"]), min_size=1, unique=True)):
        granularity = draw(st.sampled_from(["month", "quarter", "year"]))
        for year in (2024, 2025, 2026):
            steps = {"month": 12, "quarter": 4, "year": 1}[granularity]
            for step in draw(st.lists(st.integers(0, steps - 1), max_size=steps, unique=True)):
                period = {"month": f"{year}-{step + 1:02d}", "quarter": f"{year}-Q{step + 1}", "year": str(year)}
                cells.append((commune, period[granularity], draw(st.integers(0, 30))))
    return rows(cells or [("92001", "2025", 1)])


@settings(max_examples=150, deadline=None, derandomize=True)
@given(observations=field_rows(), months=st.sampled_from([1, 3, 12]))
def test_like_for_like_by_period_is_like_for_like_period_by_period(observations, months):
    shown = observations.loc[observations["months_spanned"] <= months]
    compared, shared = like_for_like_by_period(shown, months, 36)
    starts = set(shown["month"].dt.to_period({1: "M", 3: "Q", 12: "Y"}[months]).dt.start_time)
    year = pd.DateOffset(years=1)
    for start in starts:
        window = (start, start + pd.DateOffset(months=months - 1))
        earlier = (window[0] - year, window[1] - year)
        if not shown["month"].between(*earlier).any():
            assert start not in compared
            continue
        assert compared[start] == like_for_like(shown, window, earlier, 36), start
        units = shared.loc[shared["period"] == start, ["territory_code", "offset", "span"]]
        expected = shared_units(shown, window, earlier)
        assert sorted(map(tuple, units.to_numpy().tolist())) == sorted(map(tuple, expected.to_numpy().tolist()))


def test_shared_units_are_what_both_windows_cover():
    shared = shared_units(
        rows([("92001", "2025-01", 4), ("92001", "2026-01", 9), ("92002", "2026-01", 3), ("92003", "2025-Q1", 5)]),
        (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-01")),
        (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-01")),
    )
    assert shared.to_dict("records") == [{"territory_code": "92001", "offset": 0, "span": 1}]


def test_four_communes_then_thirty_six_compare_on_the_four_only():
    """The probe's « +3 238 % »: 2025 from 4 communes, then January–March 2026 from 36."""
    before = [(f"920{n:02d}", f"2025-0{month}", 4) for n in range(4) for month in (1, 2, 3)]
    after = [(f"920{n:02d}", f"2026-0{month}", 5 if n < 4 else 14) for n in range(36) for month in (1, 2, 3)]
    compared = like_for_like(
        rows(before + after),
        (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-01")),
        (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-01")),
        36,
    )
    assert (compared.current.communes, compared.previous.communes, compared.common.communes) == (36, 4, 4)
    assert (compared.current_common, compared.previous_common) == (60, 48)
    assert compared.test is not None and compared.test.percent == pytest.approx(25)
    assert not compared.same_field
    with in_language("fr"):
        assert compared.describe() == "à champ constant : 4 communes, 3 mois"


def test_two_windows_with_nothing_in_common_state_no_change():
    compared = like_for_like(
        rows([("92001", "2025-01", 4), ("92002", "2026-01", 9)]),
        (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-12-01")),
        (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01")),
        36,
    )
    assert compared.test is None and compared.describe() == ""


def test_quarters_and_years_are_units_of_their_own():
    compared = like_for_like(
        rows([("92001", "2025-Q1", 4), ("92001", "2026-Q1", 9), ("92002", "2026-01", 3)]),
        (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-01")),
        (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-01")),
        36,
    )
    assert (compared.current_common, compared.previous_common, compared.common.months) == (9, 4, 3)
