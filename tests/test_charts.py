import pandas as pd
import plotly.graph_objects as go
import pytest

from indicators.charts import (
    PALETTE,
    count_axis,
    date_ticks,
    observation_figure,
    published_figure,
    ranking_figure,
)
from indicators.i18n import in_language
from indicators.labels import group_labels
from indicators.observations import aggregate_series
from indicators.published import published_series


def test_published_points_are_never_joined_by_a_line(tables):
    points = published_series(tables.published_estimates, tables.catalogue, "victimes_mineurs_proxenetisme")
    figure = published_figure(points, "victimes", {}, tables.key_dates)
    scatters = [trace for trace in figure.data if isinstance(trace, go.Scatter)]
    assert scatters and all(trace.mode == "markers" for trace in scatters)
    # One series per source, each with its own symbol: colour is never the only cue.
    assert len(scatters) == 3
    assert len({trace.marker.symbol for trace in scatters}) == 3


def test_ranges_are_drawn_from_low_to_high_without_midpoint(tables):
    points = published_series(
        tables.published_estimates, tables.catalogue, "estimation_mineurs_exploitation_sexuelle_monde"
    )
    figure = published_figure(points, "mineurs", {}, tables.key_dates)
    bars = [trace for trace in figure.data if isinstance(trace, go.Bar)]
    assert len(bars) == 1
    assert list(bars[0].base) == [2_000_000]
    assert list(bars[0].y) == [1_000_000]  # height = high - low: the bar ends at 3 000 000
    singles = [trace for trace in figure.data if isinstance(trace, go.Scatter)]
    assert list(singles[0].y) == [3_000_000]  # E6 is a single figure


def test_key_dates_inside_the_span_are_annotated(tables):
    points = published_series(tables.published_estimates, tables.catalogue, "victimes_mineurs_proxenetisme")
    figure = published_figure(points, "victimes", {}, tables.key_dates)
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert any("Plan national" in text and "15/11/2021" in text for text in texts)
    assert any("Semaine départementale" in text for text in texts)


def test_key_dates_outside_the_span_are_left_out(tables):
    series = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2024-01-01", "2025-01-01"]),
            "group": "ensemble",
            "value": [1, 2],
            "complete": True,
        }
    )
    figure = observation_figure(series, "jeunes", "year", tables.key_dates)
    assert not figure.layout.annotations


def test_partial_periods_are_hollow_markers(tables):
    observations = tables.field_observations
    rows = observations.loc[
        (observations["indicator_id"] == "jeunes_suivis_vaj") & (observations["period"] <= "2025-06")
    ]
    series = aggregate_series(rows, "year")
    figure = observation_figure(series, "jeunes", "year", tables.key_dates)
    symbols = list(figure.data[0].marker.symbol)
    assert symbols[-1].endswith("-open") and not symbols[0].endswith("-open")


def test_one_theme_with_french_separators(tables):
    ranked = pd.DataFrame({"name_fr": ["A", "B"], "value": [3, 1]})
    figure = ranking_figure(ranked, "signalements")
    assert figure.layout.separators == ", "
    assert figure.data[0].marker.color == PALETTE[0]
    assert list(figure.data[0].text) == ["3", "1"]


def test_date_ticks_are_french():
    ticks = date_ticks(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-01"))
    assert ticks["ticktext"][:2] == ["janv. 2024", "févr. 2024"]
    long_span = date_ticks(pd.Timestamp("2019-01-01"), pd.Timestamp("2025-12-01"))
    assert long_span["ticktext"] == [str(year) for year in range(2019, 2026)]


@pytest.mark.parametrize(("largest", "dtick"), [(0, 1), (3, 1), (9, 1), (10, None), (5_000_000, None)])
def test_count_axis_has_whole_distinct_ticks(largest, dtick):
    # Small counts gave y ticks reading "0 0 1 1 2 2 3".
    axis = count_axis(largest)
    assert axis.get("dtick") == dtick
    if dtick:
        assert axis["range"][0] == 0 and axis["range"][1] >= 1


@pytest.mark.parametrize(
    ("start", "end", "frequency", "first_labels"),
    [
        ("2022-01-01", "2025-01-01", "year", ["2022", "2023"]),
        ("2025-01-01", "2025-10-01", "quarter", ["T1 2025", "T2 2025"]),
        ("1990-01-01", "2025-01-01", "year", ["1990", "1993"]),
    ],
)
def test_date_ticks_follow_the_data_granularity(start, end, frequency, first_labels):
    ticks = date_ticks(pd.Timestamp(start), pd.Timestamp(end), frequency)
    assert ticks["ticktext"][:2] == first_labels
    assert len(ticks["ticktext"]) == len(set(ticks["ticktext"])) <= 13


def test_charts_in_english(tables):
    observations = tables.field_observations
    rows = observations.loc[observations["indicator_id"] == "jeunes_suivis_vaj"]
    with in_language("en"):
        ticks = date_ticks(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-01"))
        figure = observation_figure(
            aggregate_series(rows, "year"), "young people", "year", tables.key_dates, group_labels("none")
        )
        ranking = ranking_figure(pd.DataFrame({"name_fr": ["A"], "value": [3]}), "reports")
    assert ticks["ticktext"][:2] == ["Jan 2024", "Feb 2024"]
    assert figure.layout.separators == ranking.layout.separators == ".,"
    assert figure.data[0].hovertemplate == (
        "All<br>%{customdata[0]}: %{customdata[1]} young people%{customdata[2]}<extra></extra>"
    )
    assert "National plan against the prostitution of minors" in [
        annotation.text.split(" (")[0] for annotation in figure.layout.annotations
    ]
    # After the value, the bar's interval and standing when it has them (`customdata`, empty here).
    assert ranking.data[0].hovertemplate == "%{y}: %{text} reports%{customdata}<extra></extra>"
    assert list(ranking.data[0].customdata) == [""]
