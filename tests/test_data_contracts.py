"""Contracts between the data, the catalogue, the reference figures, the docs and the pages."""

from pathlib import Path

import pandas as pd
import pytest

from indicators.config import REPO_ROOT
from indicators.pages import PAGES, PRESENTATION
from indicators.schemas import TABLE_SCHEMAS

REFERENCE_IDS = [f"E{n}" for n in range(1, 8)] + [f"S{n}" for n in range(1, 11)] + [f"P{n}" for n in range(1, 9)]


@pytest.mark.parametrize("reference_id", REFERENCE_IDS)
def test_every_reference_figure_is_shipped(tables, reference_id):
    ids = tables.published_estimates["figure_id"]
    assert (ids.eq(reference_id) | ids.str.startswith(reference_id + "_")).any()


@pytest.mark.parametrize(
    ("figure_id", "value", "low", "high", "qualifier"),
    [
        ("E1", None, 7000, 10000, "exact"),
        ("E4", None, 6000, 10000, "exact"),
        ("E5", 14, None, None, "exact"),
        ("E7", None, 2_000_000, 3_000_000, "exact"),
        ("S1_2016", 116, None, None, "exact"),
        ("S1_2020", 400, None, None, "exact"),
        ("S2_2021", 308, None, None, "exact"),
        ("S3_2024", 435, None, None, "exact"),
        ("S4_2024", 659, None, None, "exact"),
        ("S7_2018", 120, None, None, "lower_bound"),
        ("S9_2022", 500, None, None, "approximate"),
        ("S10_2023", 79, None, None, "derived"),
        ("P1", 88, None, None, "exact"),
        ("P4", 14.6667, None, None, "exact"),
    ],
)
def test_figures_match_the_reference(tables, figure_id, value, low, high, qualifier):
    row = tables.published_estimates.set_index("figure_id").loc[figure_id]
    for column, expected in (("value", value), ("value_low", low), ("value_high", high)):
        assert pd.isna(row[column]) if expected is None else row[column] == pytest.approx(expected), column
    assert row["qualifier"] == qualifier


def test_magnitudes_without_a_primary_source_are_not_shipped(tables):
    figures = tables.published_estimates
    ranges = set(zip(figures["value_low"], figures["value_high"]))
    assert not ranges & {(5000, 8000), (10000, 30000), (15000, 20000)}
    assert not figures["value"].isin([20000]).any()


def test_every_published_indicator_has_figures_and_every_figure_an_indicator(tables):
    published = set(tables.indicators.loc[tables.indicators["domain"] == "published", "indicator_id"])
    assert published == set(tables.published_estimates["indicator_id"])


def test_restated_figures_point_to_an_existing_original(tables):
    figures = tables.published_estimates
    restated = figures["restates"].dropna()
    assert set(restated) <= set(figures.loc[figures["restates"].isna(), "figure_id"])


def test_recorded_counts_warn_that_they_are_not_the_number_of_victims(tables):
    recorded = tables.indicators.loc[tables.indicators["kind"] == "recorded_count"]
    assert recorded["caveat_fr"].str.contains("n'est pas le nombre", regex=False).all()


def test_observations_hold_aggregates_only(tables):
    # No column about a person: the field table has exactly its schema's aggregate columns.
    assert list(tables.field_observations.columns) == list(TABLE_SCHEMAS["field_observations"].to_schema().columns)


def test_data_readme_documents_every_column():
    readme = (REPO_ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for table, schema in TABLE_SCHEMAS.items():
        for column in schema.to_schema().columns:
            assert f"`{column}`" in readme, f"{table}.{column} n'est pas documentée dans data/README.md"


def test_every_page_has_an_apptest():
    pages = [entry.script for entry in (*PAGES, PRESENTATION)]  # the registry (indicators/pages.py)
    # test_pages.py, or a page's own module (test_sheet_page.py for views/sheet.py).
    page_tests = "".join(path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("test_*page*.py"))
    for page in pages:
        assert f'"{page}"' in page_tests or (page == "views/presentation.py" and "mode=presentation" in page_tests), (
            f"{page} n'a pas de test AppTest"
        )


def test_every_key_date_names_the_territory_it_applies_to(tables):
    dates = tables.key_dates.set_index("label_fr")["territory_code"]
    assert set(dates) <= set(tables.territories["territory_code"])
    assert dates["Plan national contre la prostitution des mineurs"] == "FR"
    assert dates["Semaine départementale de prévention (Hauts-de-Seine)"] == "92"
