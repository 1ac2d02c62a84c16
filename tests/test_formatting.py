from collections.abc import Callable

import pandas as pd
import pytest

from indicators.formatting import (
    change_direction,
    format_age,
    format_change,
    format_day,
    format_figure,
    format_month,
    format_number,
    format_period,
    format_publication_date,
    format_range,
    format_share,
    format_short_month,
    format_span,
    format_value,
    with_unit,
)
from indicators.i18n import in_language

NNBSP = "\u202f"  # Babel's French thousands separator and space before %


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(7000, 0, f"7{NNBSP}000"), (3_000_000, 0, f"3{NNBSP}000{NNBSP}000"), (12.5, 1, "12,5"), (435, 0, "435")],
)
def test_numbers_use_french_separators(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_missing_number_is_a_dash_not_nan():
    assert format_number(float("nan")) == "—"


def test_share_is_in_percent_points_with_a_space_before_the_sign():
    assert format_share(12.5, decimals=1) == f"12,5{NNBSP}%"
    assert format_share(88) == f"88{NNBSP}%"


@pytest.mark.parametrize(("value", "expected"), [(68, f"+68{NNBSP}%"), (-3.4, f"\u22123{NNBSP}%"), (0, f"0{NNBSP}%")])
def test_change_is_signed(value, expected):
    assert format_change(value) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (-0.2, 0, f"0{NNBSP}%"),
        (0.4, 0, f"0{NNBSP}%"),
        (-0.04, 1, f"0,0{NNBSP}%"),
        (-0.06, 1, f"\u22120,1{NNBSP}%"),
    ],
)
def test_a_change_that_rounds_to_nothing_has_no_sign(value, decimals, expected):
    assert format_change(value, decimals) == expected


def test_range_keeps_both_bounds():
    assert format_range(7000, 10000) == f"7{NNBSP}000 – 10{NNBSP}000"


@pytest.mark.parametrize(("years", "expected"), [(14, "14 ans"), (14.6667, "14 ans et 8 mois"), (14.99, "15 ans")])
def test_age_in_years_and_months(years, expected):
    assert format_age(years) == expected


def test_dates_are_day_month_year():
    assert format_day("2022-11-23") == "23/11/2022"


@pytest.mark.parametrize(
    ("period", "expected"),
    [("2021", "2021"), ("2021-11", "novembre 2021"), ("2021-11-15", "15/11/2021"), ("2016/2020", "de 2016 à 2020")],
)
def test_published_periods_in_words(period, expected):
    assert format_period(period) == expected


@pytest.mark.parametrize(("published", "expected"), [("2021-11", "novembre 2021"), (None, "sans date")])
def test_a_source_s_publication_date_or_none(published, expected):
    assert format_publication_date(published) == expected


@pytest.mark.parametrize(("month", "expected"), [("2025-01-01", "janv. 2025"), ("2025-03-01", "mars 2025")])
def test_a_short_month_for_date_axes(month, expected):
    assert format_short_month(pd.Timestamp(month)) == expected


@pytest.mark.parametrize(("frequency", "expected"), [("month", "mars 2024"), ("quarter", "T1 2024"), ("year", "2024")])
def test_aggregated_period_labels(frequency, expected):
    assert format_month(pd.Timestamp("2024-03-01"), frequency) == expected


def test_value_follows_the_kind_of_figure():
    assert format_value(88, "share") == f"88{NNBSP}%"
    assert format_value(14, "age") == "14 ans"
    assert format_value(161, "change") == f"+161{NNBSP}%"
    assert format_value(1542, "activity_count") == f"1{NNBSP}542"


@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [("lower_bound", "plus de 120"), ("approximate", "environ 120"), ("exact", "120"), ("derived", "120")],
)
def test_figure_says_more_than_or_about_when_the_source_does(qualifier, expected):
    row = pd.Series({"value": 120.0, "value_low": None, "value_high": None, "qualifier": qualifier})
    assert format_figure(row, "recorded_count") == expected


def test_figure_of_a_range_has_no_midpoint():
    row = pd.Series({"value": float("nan"), "value_low": 6000.0, "value_high": 10000.0, "qualifier": "exact"})
    assert format_figure(row, "estimate_range") == f"6{NNBSP}000 – 10{NNBSP}000"


@pytest.mark.parametrize(
    ("start", "end", "frequency", "expected"),
    [
        ("2026-03-01", "2026-03-01", "month", "mars 2026"),
        ("2026-01-01", "2026-03-01", "month", "janvier – mars 2026"),
        ("2025-11-01", "2026-02-01", "month", "novembre 2025 – février 2026"),
        ("2026-01-01", "2026-07-01", "quarter", "T1 – T3 2026"),
        ("2025-10-01", "2026-04-01", "quarter", "T4 2025 – T2 2026"),
        ("2024-01-01", "2025-01-01", "year", "2024 – 2025"),
        ("2025-01-01", "2025-01-01", "year", "2025"),
    ],
)
def test_spans_name_the_periods_covered(start, end, frequency, expected):
    assert format_span(pd.Timestamp(start), pd.Timestamp(end), frequency) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0, "jeunes", "0 jeune"),
        (1, "jeunes", "1 jeune"),
        (2, "jeunes", "2 jeunes"),
        (1, "professionnels", "1 professionnel"),
        (1500, "signalements", f"1{NNBSP}500 signalements"),
    ],
)
def test_units_are_singular_for_zero_and_one(value, unit, expected):
    assert with_unit(value, unit) == expected


@pytest.mark.parametrize(
    ("percent", "text", "arrow"),
    [
        (-2.0, "\u22122\u202f%", "down"),
        (68.0, "+68\u202f%", "up"),
        (-0.2, "0\u202f%", "off"),
        (0.0, "0\u202f%", "off"),
        (None, "—", "off"),
    ],
)
def test_change_arrow_follows_the_written_sign(percent, text, arrow):
    # "↑ −2 % en un an" was shown: Streamlit reads a typographic minus as a rise.
    assert format_change(percent) == text
    assert change_direction(percent) == arrow


# English (`?lang=en`): the same figures as an English reader writes them.
@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (lambda: format_number(7000), "7,000"),
        (lambda: format_number(12.5, decimals=1), "12.5"),
        (lambda: format_share(12.5, decimals=1), "12.5%"),
        (lambda: format_change(-3.5, decimals=1), "\u22123.5%"),
        (lambda: format_range(7000, 10000), "7,000\u201310,000"),
        (lambda: format_age(14), "14 years"),
        (lambda: format_age(14.6667), "14 years and 8 months"),
        (lambda: format_day("2022-11-23"), "23 Nov 2022"),
        (lambda: format_period("2021-11"), "November 2021"),
        (lambda: format_period("2016/2020"), "from 2016 to 2020"),
        (lambda: format_publication_date(float("nan")), "undated"),
        (lambda: format_short_month(pd.Timestamp("2025-03-01")), "Mar 2025"),
        (lambda: format_month(pd.Timestamp("2024-01-01"), "quarter"), "Q1 2024"),
        (lambda: format_span(pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-01")), "January \u2013 March 2026"),
        (lambda: with_unit(1, "young people"), "1 young person"),
        (lambda: with_unit(1, "minors"), "1 minor"),
        (lambda: with_unit(0, "minors"), "0 minors"),
    ],
)
def test_english_formats(write: Callable[[], str], expected: str) -> None:
    with in_language("en"):
        assert write() == expected


def test_the_language_of_one_block_does_not_leak_into_the_next() -> None:
    with in_language("en"):
        assert format_number(7000) == "7,000"
    assert format_number(7000) == "7\u202f000"
