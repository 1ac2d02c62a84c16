import pandas as pd
import pytest

from indicators.observations import (
    aggregate_series,
    available_breakdowns,
    communes_without_data,
    compare_with_year_before,
    index_observations,
    is_demo,
    overlapped_by,
    overlapping_totals,
    rank_territories,
    select_observations,
)


def observations(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["indicator_id", "territory_code", "period", "sex", "age_group", "value", "source_id"]
    )


def monthly(
    indicator: str, start: str, values: list[int], territory: str = "92002", sex: str = "ensemble"
) -> list[tuple]:
    months = pd.date_range(start, periods=len(values), freq="MS").strftime("%Y-%m")
    return [(indicator, territory, month, sex, "ensemble", value, "SRC") for month, value in zip(months, values)]


def test_yearly_totals_sum_months_and_flag_partial_years():
    frame = observations(monthly("a", "2023-01", [1] * 12 + [2] * 3))
    series = aggregate_series(frame, "year")
    assert series["value"].tolist() == [12, 6]
    assert series["complete"].tolist() == [True, False]
    assert series["months_covered"].tolist() == [12, 3]


def test_quarters_start_on_their_first_month():
    frame = observations(monthly("a", "2024-01", [1, 2, 3, 4, 5, 6]))
    series = aggregate_series(frame, "quarter")
    assert series["period_start"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-01")]
    assert series["value"].tolist() == [6, 15]


def test_breakdown_by_sex_keeps_one_group_per_sex():
    frame = observations(monthly("a", "2024-01", [3, 4], sex="F") + monthly("a", "2024-01", [1, 0], sex="M"))
    series = aggregate_series(frame, "month", "sex")
    assert series.loc[series["group"] == "F", "value"].tolist() == [3, 4]
    assert series.loc[series["group"] == "M", "value"].tolist() == [1, 0]
    total = aggregate_series(frame, "month", "none")
    assert total["value"].tolist() == [4, 4]


def test_select_filters_indicator_territory_and_months():
    frame = observations(
        monthly("a", "2024-01", [1, 2, 3])
        + monthly("a", "2024-01", [5, 5, 5], territory="92004")
        + monthly("b", "2024-01", [9, 9, 9])
    )
    rows = select_observations(frame, "a", ["92004"], pd.Timestamp("2024-02-01"), pd.Timestamp("2024-03-01"))
    assert rows["value"].tolist() == [5, 5]


def test_comparison_uses_the_same_months_one_year_before():
    frame = observations(monthly("a", "2023-01", [1] * 12 + [2] * 12))
    comparison = compare_with_year_before(frame, "a")
    assert (comparison.current_total, comparison.previous_total) == (24, 12)
    assert comparison.change_percent == pytest.approx(100.0)
    assert comparison.current_start == pd.Timestamp("2024-01-01")


def test_comparison_with_an_incomplete_year_before_is_like_for_like():
    # June 2023 – December 2024: 2024 is compared with 2023 on the seven months both have.
    frame = observations(monthly("a", "2023-06", [1] * 7 + [2] * 12))
    comparison = compare_with_year_before(frame, "a")
    assert comparison.previous_total is None  # the raw total of the year before is not the same field
    assert comparison.compared is not None and not comparison.compared.same_field
    assert (comparison.compared.current_common, comparison.compared.previous_common) == (14, 7)
    assert comparison.compared.common.months == 7 and comparison.change_percent == pytest.approx(100.0)


def test_ranking_leaves_out_communes_without_data_and_names_them():
    territories = pd.DataFrame(
        {
            "territory_code": ["92", "92002", "92004", "92007"],
            "name_fr": ["Hauts-de-Seine", "Antony", "Asnières-sur-Seine", "Bagneux"],
            "level": ["departement", "commune", "commune", "commune"],
        }
    )
    frame = observations(monthly("a", "2024-01", [1, 1]) + monthly("a", "2024-01", [4, 4], territory="92007"))
    ranked = rank_territories(frame, territories)
    # A commune the file says nothing about has no figure: drawing it at 0 would be false.
    assert ranked["name_fr"].tolist() == ["Bagneux", "Antony"]
    assert ranked["value"].tolist() == [8, 2]
    assert communes_without_data(ranked, territories) == ["Asnières-sur-Seine"]


def test_breakdowns_offered_only_where_rows_are_split():
    frame = observations(monthly("a", "2024-01", [1], sex="F") + monthly("b", "2024-01", [1]))
    assert available_breakdowns(frame, "a") == ["none", "sex"]
    assert available_breakdowns(frame, "b") == ["none"]


def test_demo_rows_are_detected_by_their_source():
    assert is_demo(observations(monthly("a", "2024-01", [1])).assign(source_id="DEMO_FICTIVE"))
    assert not is_demo(observations(monthly("a", "2024-01", [1])))


def yearly(indicator: str, values: dict[str, int]) -> list[tuple]:
    return [(indicator, "92002", year, "ensemble", "ensemble", value, "SRC") for year, value in values.items()]


def test_yearly_figures_show_per_year_only():
    frame = observations(yearly("a", {"2023": 40, "2024": 50}))
    assert aggregate_series(frame, "year")["value"].tolist() == [40, 50]
    assert aggregate_series(frame, "year")["complete"].all()
    assert aggregate_series(frame, "month").empty


def test_yearly_figures_compare_whole_years():
    comparison = compare_with_year_before(observations(yearly("a", {"2023": 40, "2024": 50})), "a")
    assert (comparison.current_total, comparison.previous_total) == (50, 40)


def test_only_totals_that_share_a_cell_with_another_row_overlap():
    rows = pd.DataFrame(
        {
            "indicator_id": "a",
            "territory_code": "92050",
            "period": ["2026-01"] * 4 + ["2026-02"] * 2 + ["2026-03"] * 2,
            "sex": ["F", "F", "M", "M", "F", "M", "ensemble", "F"],
            "age_group": ["11-14", "ensemble", "15-17", "18-25", "ensemble", "ensemble", "18-25", "11-14"],
        }
    )
    # January: the girls' total lies on a girls' detail row (the boys' rows are apart).
    # February: the girls' and the boys' totals share no cell. March: 18–25 for all, girls 11–14: apart.
    assert overlapping_totals(rows).tolist() == [False, True, False, False, False, False, False, False]
    # Everyone 18–25 beside the boys' total: both totals are flagged, the detail row never is.
    crossing = rows.iloc[[5, 6]].assign(period="2026-04")
    assert overlapping_totals(crossing).tolist() == [True, True]


def test_the_demo_file_has_no_total_beside_its_detail(tables):
    assert not overlapping_totals(tables.field_observations).any()


def test_incoming_rows_replace_the_stored_rows_they_overlap():
    stored = pd.DataFrame(
        {
            "indicator_id": "a",
            "territory_code": ["92050", "92050", "92002"],
            "period": "2026-01",
            "sex": ["ensemble", "M", "F"],
            "age_group": ["ensemble", "11-14", "11-14"],
        }
    )
    incoming = pd.DataFrame(
        {
            "indicator_id": "a",
            "territory_code": ["92050", "92002"],
            "period": "2026-01",
            "sex": ["F", "M"],
            "age_group": ["ensemble", "11-14"],
        }
    )
    assert overlapped_by(stored, incoming).tolist() == [True, False, False]


def test_field_index_gives_the_same_rows_as_a_scan_of_every_row(tables):
    observations = tables.field_observations
    index = index_observations(observations)
    start, end = pd.Timestamp("2021-01-01"), pd.Timestamp("2022-12-01")
    for indicator_id in observations["indicator_id"].unique():
        for territories in (None, ["92050", "92002"]):
            expected = select_observations(observations, indicator_id, territories, start, end)
            pd.testing.assert_frame_equal(
                index.rows(indicator_id, territories, start, end).sort_index(), expected.sort_index()
            )
        assert index.breakdowns[indicator_id] == available_breakdowns(observations, indicator_id)
    assert index.years == sorted(observations["period"].str[:4].unique()) and index.is_demo
    assert index.rows("inconnu").empty


def test_a_year_beside_the_months_of_that_year_recounts_them():
    # Imported one after the other, a yearly total and monthly figures of the same year counted twice.
    frame = observations(
        [
            ("a", "92002", "2024", "ensemble", "ensemble", 40, "S"),
            ("a", "92002", "2024-03", "F", "ensemble", 3, "S"),
            ("a", "92002", "2025-03", "F", "ensemble", 3, "S"),
            ("a", "92004", "2024", "ensemble", "ensemble", 9, "S"),
            ("a", "92002", "2024-Q2", "M", "ensemble", 5, "S"),
        ]
    )
    assert overlapping_totals(frame).tolist() == [True, False, False, False, False]


def test_a_quarter_beside_its_months_and_months_beside_a_quarter():
    frame = observations(
        [
            ("a", "92002", "2025-Q1", "F", "ensemble", 10, "S"),
            ("a", "92002", "2025-02", "F", "11-14", 2, "S"),
            ("a", "92002", "2025-04", "F", "ensemble", 2, "S"),
        ]
    )
    assert overlapping_totals(frame).tolist() == [True, False, False]


def test_monthly_import_replaces_the_stored_yearly_figure_of_its_year():
    current = observations(
        [
            ("a", "92002", "2024", "ensemble", "ensemble", 40, "S"),
            ("a", "92002", "2023", "ensemble", "ensemble", 30, "S"),
            ("b", "92002", "2024", "ensemble", "ensemble", 7, "S"),
        ]
    )
    incoming = observations(monthly("a", "2024-01", [1, 2, 3]))
    assert overlapped_by(current, incoming).tolist() == [True, False, False]
    assert overlapped_by(incoming, current).tolist() == [True, True, True]
