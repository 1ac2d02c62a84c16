"""The overview's field cards: periods named as summed, coverage said, changes like for like, chance
tested, the secret first (`cards.field_card` on `disclosure.protected_comparisons`)."""

import pandas as pd
import pytest

from indicators.cards import FieldCard, field_card
from indicators.disclosure import ShownComparison, protected_comparisons
from indicators.i18n import in_language
from indicators.observations import PeriodComparison, compare_with_year_before
from indicators.secret.lattice import lattice
from indicators.secret.suppression import suppress_small_counts

NNBSP = "\u202f"
COMMUNES = [f"920{number:02d}" for number in range(36)]


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


def cells_of(triples: list[tuple[str, str, int]]) -> pd.DataFrame:
    """Observations of indicator "a" from (commune, period, value)."""
    return pd.concat([rows("a", [period], [value], commune) for commune, period, value in triples], ignore_index=True)


def protected(observations: pd.DataFrame, communes: int = 36) -> ShownComparison:
    cells = suppress_small_counts(lattice(observations), 5)
    return protected_comparisons(observations, cells, ["a"], communes_expected=communes)["a"]


def card(observations: pd.DataFrame, unit: str = "signalements", communes: int = 36) -> FieldCard:
    return field_card(protected(observations, communes), unit)


# --- Chance -------------------------------------------------------------------------------------------


def test_a_fall_beyond_chance_points_down_and_says_so():
    shown = card(rows("a", ["2024", "2025"], [400, 300]), communes=1)
    assert shown.delta == f"\u221225{NNBSP}% en un an, baisse nette"
    assert (shown.delta_arrow, shown.delta_colour) == ("down", "orange")
    assert shown.period == "Signalements, 2025, comparé à la même période un an plus tôt."
    assert "p = < 0,001" in shown.test_note


def test_eight_then_ten_gets_no_arrow_and_no_colour():
    # The issue's « 10 ↑ +25 % en un an »: an exact test gives p ≈ 0.8, chance explains it.
    shown = card(rows("a", ["2024", "2025"], [8, 10]), communes=1)
    assert shown.value == "10"
    assert shown.delta == f"+25{NNBSP}% en un an, dans les marges du hasard"
    assert (shown.delta_arrow, shown.delta_colour) == ("off", "gray")
    assert "p = 0,815" in shown.test_note and "peut la produire" in shown.test_note


def test_twenty_then_sixty_is_a_clear_rise():
    shown = card(rows("a", ["2024", "2025"], [20, 60]), communes=1)
    assert shown.delta == f"+200{NNBSP}% en un an, hausse nette"
    assert (shown.delta_arrow, shown.delta_colour) == ("up", "blue")


def test_a_tiny_change_beyond_chance_is_written_with_a_decimal_not_as_zero():
    shown = card(rows("a", ["2024", "2025"], [1_000_000, 1_004_000]), communes=1)
    assert shown.delta == f"+0,4{NNBSP}% en un an, hausse nette" and shown.delta_arrow == "up"


def test_no_change_rounds_to_an_arrow():
    shown = card(rows("a", ["2024", "2025"], [1000, 1001]), communes=1)
    assert shown.delta == f"0{NNBSP}% en un an, dans les marges du hasard" and shown.delta_arrow == "off"


# --- Coverage and like for like ----------------------------------------------------------------------


def test_four_communes_then_thirty_six_compare_on_the_four_and_say_what_was_summed():
    """The probe: 2025 from 4 communes (monthly), then January–March 2026 from all 36. The card added
    4 communes × 9 months to 36 × 3 and compared it with 4 communes: « +3 238 % »."""
    before = [(commune, f"2025-{month:02d}", 20) for commune in COMMUNES[:4] for month in range(1, 13)]
    after = [
        (commune, f"2026-0{month}", 25 if position < 4 else 14)
        for position, commune in enumerate(COMMUNES)
        for month in (1, 2, 3)
    ]
    shown = card(cells_of(before + after))
    assert shown.value == f"2{NNBSP}364"  # what was summed, named as such below
    assert shown.period == (
        "Signalements, avril 2025 – mars 2026 ; de 3 à 12 mois sur 12 selon la commune ; "
        "comparé à la même période un an plus tôt à champ constant : 4 communes, 3 mois."
    )
    # 4 communes × January–March: 300 against 240.
    assert shown.delta == f"+25{NNBSP}% à champ constant, hausse nette" and shown.delta_arrow == "up"


def test_a_partial_field_is_said():
    # 10 communes of 36 reported, both years, for the whole year.
    observations = cells_of(
        [(commune, year, 30 + position) for position, commune in enumerate(COMMUNES[:10]) for year in ("2024", "2025")]
    )
    shown = card(observations)
    assert (
        shown.period
        == "Signalements, 2025 ; 10 communes sur 36 ont transmis ; comparé à la même période un an plus tôt."
    )
    assert shown.delta == f"0{NNBSP}% en un an, dans les marges du hasard"


def test_three_months_are_named_as_three_months():
    observations = rows("a", ["2026-01", "2026-02", "2026-03"], [10, 20, 30])
    comparison = compare_with_year_before(observations, "a")
    assert comparison.current_total == 60 and comparison.previous_total is None and comparison.compared is None
    shown = card(observations, communes=1)
    assert shown.value == "60" and shown.delta is None
    assert shown.period == "Signalements, janvier – mars 2026 ; pas de chiffre un an plus tôt pour comparer."


def test_months_missing_in_a_year_are_counted():
    observations = rows("a", ["2025-04", "2025-06", "2026-03"], [10, 20, 30])
    shown = card(observations, communes=1)
    assert shown.period.startswith("Signalements, avril 2025 – mars 2026 ; 3 mois sur 12 ;")
    assert "12 derniers mois" not in shown.period


def test_a_year_before_with_fewer_months_compares_on_the_months_both_have():
    # June 2023 – December 2024: 2024 against the seven months of 2023.
    observations = rows("a", pd.period_range("2023-06", "2024-12", freq="M").strftime("%Y-%m").tolist(), [40] * 19)
    shown = card(observations, communes=1)
    assert shown.value == "480"
    assert shown.delta == f"0{NNBSP}% à champ constant, dans les marges du hasard"
    assert shown.period.endswith("à champ constant : 1 commune, 7 mois.")


def test_two_years_with_nothing_in_common_state_no_change_and_say_why():
    observations = cells_of([("92001", "2025-01", 40), ("92002", "2026-01", 90)])
    shown = card(observations)
    assert shown.delta is None and shown.delta_arrow == "off"
    assert shown.period.endswith(
        "pas d'évolution sur un an : aucune commune n'a transmis les mêmes mois les deux années."
    )


def test_quarters_are_compared_whole():
    observations = rows("a", ["2024-Q1", "2024-Q2", "2025-Q1", "2025-Q2"], [100, 100, 150, 150])
    comparison = compare_with_year_before(observations, "a")
    assert (comparison.granularity, comparison.current_total, comparison.previous_total) == ("quarter", 300, 200)
    shown = card(observations, "jeunes", communes=1)
    assert shown.period.startswith("Jeunes, T1 – T2 2025, comparé") and shown.delta_arrow == "up"


def test_years_are_compared_whole():
    comparison = compare_with_year_before(rows("a", ["2023", "2024"], [40, 30]), "a")
    assert (comparison.granularity, comparison.current_total, comparison.previous_total) == ("year", 30, 40)
    assert card(rows("a", ["2023", "2024"], [40, 30]), "jeunes", communes=1).period.startswith("Jeunes, 2024, comparé")


# --- The secret first --------------------------------------------------------------------------------


def test_secret_card_shows_the_symbol():
    comparison = PeriodComparison("a", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"), 22, 30)
    shown = field_card(ShownComparison(comparison, False, True), "signalements")
    assert shown.value == "s" and shown.delta is None and "22" not in shown.period


def test_a_like_for_like_total_with_a_secret_cell_in_it_is_not_stated():
    # Antony's January 2025 (3) is secret, so is its partner; Issy-les-Moulineaux is new in 2026 and
    # Clamart left. The 2025 like-for-like total (Antony and Bagneux) would be a new sum of secret
    # cells. (Without Clamart, it would be the département's own January 2025 total: stated.)
    observations = cells_of(
        [
            ("92002", "2025-01", 3),
            ("92007", "2025-01", 30),
            ("92023", "2025-01", 25),
            ("92002", "2026-01", 20),
            ("92007", "2026-01", 30),
            ("92040", "2026-01", 40),
        ]
    )
    shown = protected(observations)
    assert shown.change is not None and shown.change.masked and shown.change.test is None
    assert not shown.change_shown
    figure = field_card(shown, "signalements")
    assert figure.delta is None and figure.test_note == ""
    assert figure.period.endswith("évolution sur un an non affichée : chiffres masqués (secret statistique).")


def test_the_whole_field_follows_the_territory_cells_even_with_secret_communes():
    # The same communes both years: the two January totals (33 and 50) are visible cells of the
    # département, though Antony's counts are secret: the change compares them as they are.
    observations = cells_of(
        [("92002", "2025-01", 3), ("92007", "2025-01", 30), ("92002", "2026-01", 20), ("92007", "2026-01", 30)]
    )
    shown = protected(observations)
    assert shown.current_shown and shown.previous_shown and shown.change_shown
    assert shown.comparison.change_percent == pytest.approx((50 - 33) / 33 * 100)


def test_indicators_without_rows_get_no_comparison():
    # Vue d'ensemble crashed (KeyError: nan) on an indicator the import did not bring.
    observations = rows("a", ["2026-01", "2026-02", "2026-03"], [10, 20, 30])
    cells = suppress_small_counts(lattice(observations), 5)
    comparisons = protected_comparisons(observations, cells, ["a", "b"])
    assert list(comparisons) == ["a"]


@pytest.mark.parametrize("value", [1, 4])
def test_small_latest_months_are_secret(value):
    observations = rows("a", ["2026-01", "2026-02"], [value, 30])
    assert not protected(observations, 1).current_shown


def test_a_window_that_is_a_quarter_follows_the_quarter_cell():
    # 5 + 6 + 4: the months 4 and 5 are hidden, the quarter (15) is a visible cell of its own.
    observations = rows("a", ["2026-01", "2026-02", "2026-03"], [5, 6, 4])
    comparison = protected(observations, 1)
    assert comparison.current_shown and field_card(comparison, "jeunes").value == "15"


def test_a_window_with_figures_of_another_granularity_never_gives_them_back():
    # Antony's quarters beside Bagneux's months: the card compares quarters (the latest figure's
    # granularity), and adds Antony's alone; the département's quarter adds Bagneux's small January
    # too. Both shown, their difference would be that January (2).
    observations = pd.concat(
        [rows("a", ["2025-Q1", "2026-Q1"], [40, 50], "92002"), rows("a", ["2025-01", "2026-01"], [30, 2], "92007")],
        ignore_index=True,
    )
    cells = suppress_small_counts(lattice(observations), 5)
    shown = protected_comparisons(observations, cells, ["a"], communes_expected=36)["a"]
    comparison = shown.comparison
    assert comparison.mixed and comparison.granularity == "quarter" and comparison.current_total == 50
    quarter = cells.loc[
        (cells["territory_code"] == "92")
        & (cells["level"] == "quarter")
        & (cells["dimension"] == "none")
        & (cells["period_start"] == pd.Timestamp("2026-01-01"))
    ]
    assert not (shown.current_shown and not quarter["suppressed"].iloc[0])


def test_a_card_in_english():
    with in_language("en"):
        clear = card(rows("a", ["2024", "2025"], [400, 300]), "reports", communes=1)
        chance = card(rows("a", ["2024", "2025"], [8, 10]), "reports", communes=1)
        secret = field_card(
            ShownComparison(
                PeriodComparison("a", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"), 22, 30), False, True
            ),
            "reports",
        )
    assert clear.delta == "\u221225% in a year, a clear fall"
    assert clear.period == "Reports, 2025, compared with the same period a year earlier."
    assert chance.delta == "+25% in a year, within the margins of chance"
    assert secret.value == "s" and "; s: value withheld for statistical confidentiality" in secret.period
