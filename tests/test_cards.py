import pandas as pd
import pytest

from indicators.cards import field_card
from indicators.disclosure import (
    ShownComparison,
    lattice,
    protected_comparisons,
)
from indicators.i18n import in_language
from indicators.observations import PeriodComparison, compare_with_year_before
from indicators.suppression import suppress_small_counts

NNBSP = "\u202f"


def rows(indicator: str, periods: list[str], values: list[int], territory: str = "92002") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": indicator,
            "territory_code": territory,
            "period": periods,
            "sex": "ensemble",
            "age_group": "ensemble",
            "value": values,
            "source_id": "IMPORT_000001",
        }
    )


def shown(comparison: PeriodComparison, current: bool = True, previous: bool = True) -> ShownComparison:
    return ShownComparison(comparison, current, previous)


def test_a_fall_points_down():
    comparison = PeriodComparison("a", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"), 98, 100)
    card = field_card(shown(comparison), "signalements")
    assert card.delta == f"\u22122{NNBSP}% en un an" and card.delta_arrow == "down"


def test_no_arrow_when_the_change_rounds_to_zero():
    comparison = PeriodComparison("a", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"), 1000, 1001)
    card = field_card(shown(comparison), "signalements")
    assert card.delta == f"0{NNBSP}% en un an" and card.delta_arrow == "off"


def test_three_months_are_named_as_three_months():
    observations = rows("a", ["2026-01", "2026-02", "2026-03"], [10, 20, 30])
    comparison = compare_with_year_before(observations, "a")
    assert comparison.current_total == 60 and comparison.previous_total is None
    card = field_card(shown(comparison), "signalements")
    assert card.value == "60" and card.delta is None
    assert card.period == "Signalements, janvier – mars 2026 ; pas de chiffre un an plus tôt pour comparer."


def test_quarters_are_compared_whole():
    observations = rows("a", ["2024-Q1", "2024-Q2", "2025-Q1", "2025-Q2"], [10, 10, 15, 15])
    comparison = compare_with_year_before(observations, "a")
    assert (comparison.granularity, comparison.current_total, comparison.previous_total) == ("quarter", 30, 20)
    card = field_card(shown(comparison), "jeunes")
    assert card.period.startswith("Jeunes, T1 – T2 2025, comparé") and card.delta_arrow == "up"


def test_years_are_compared_whole():
    comparison = compare_with_year_before(rows("a", ["2023", "2024"], [40, 30]), "a")
    assert (comparison.granularity, comparison.current_total, comparison.previous_total) == ("year", 30, 40)
    assert field_card(shown(comparison), "jeunes").period.startswith("Jeunes, 2024, comparé")


def test_secret_card_shows_the_symbol():
    comparison = PeriodComparison("a", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"), 22, 30)
    card = field_card(shown(comparison, current=False), "signalements")
    assert card.value == "s" and card.delta is None and "22" not in card.period


def test_indicators_without_rows_get_no_comparison():
    # Vue d'ensemble crashed (KeyError: nan) on an indicator the import did not bring.
    observations = rows("a", ["2026-01", "2026-02", "2026-03"], [10, 20, 30])
    cells = suppress_small_counts(lattice(observations), 5)
    comparisons = protected_comparisons(observations, cells, ["a", "b"])
    assert list(comparisons) == ["a"]


@pytest.mark.parametrize("value", [1, 4])
def test_small_latest_months_are_secret(value):
    observations = rows("a", ["2026-01", "2026-02"], [value, 30])
    cells = suppress_small_counts(lattice(observations), 5)
    assert not protected_comparisons(observations, cells, ["a"])["a"].current_shown


def test_a_window_that_is_a_quarter_follows_the_quarter_cell():
    # 5 + 6 + 4: the months 4 and 5 are hidden, the quarter (15) is a visible cell of its own.
    observations = rows("a", ["2026-01", "2026-02", "2026-03"], [5, 6, 4])
    cells = suppress_small_counts(lattice(observations), 5)
    comparison = protected_comparisons(observations, cells, ["a"])["a"]
    assert comparison.current_shown and field_card(comparison, "jeunes").value == "15"


def test_a_card_in_english():
    comparison = PeriodComparison("a", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"), 98, 100)
    with in_language("en"):
        card = field_card(shown(comparison), "reports")
        secret = field_card(shown(comparison, current=False), "reports")
    assert card.delta is not None and card.delta.endswith(" in a year")
    assert card.period.startswith("Reports, ") and card.period.endswith(
        ", compared with the same period a year earlier."
    )
    assert secret.value == "s" and secret.period.endswith("; s: value withheld for statistical confidentiality.")
