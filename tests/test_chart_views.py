"""What Tendances and Territoires show for one choice of filters, built in one go (chart_views)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from indicators.cell_coverage import series_coverage
from indicators.chart_views import field_trend_view, ranking_view
from indicators.choices import RankingChoice, TrendChoice
from indicators.disclosure import protected_benchmark, protected_ranking, protected_trend, series_tables
from indicators.i18n import in_language
from indicators.labels import group_labels
from indicators.loading import DataTables
from indicators.observations import index_observations, year_bounds
from indicators.provenance import source_line
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.secret.releases import protected_cells
from indicators.tilemap import tile_layout

K = 5
INDICATOR = "signalements_risque_prostitutionnel"


@pytest.fixture(scope="module")
def index(tables: DataTables):
    return index_observations(tables.field_observations)


@pytest.fixture(scope="module")
def cells(tables: DataTables) -> pd.DataFrame:
    return protected_cells(tables, K)


def trend(tables, index, cells, territory="92", first="2024", last="2025", frequency="month", breakdown="sex"):
    choice = TrendChoice(INDICATOR, first, last, territory=territory, frequency=frequency, breakdown=breakdown)
    protected = protected_trend(index, tables.territories, cells, choice)
    return protected, field_trend_view(tables, index, protected, K, choice, cells)


def test_a_trend_view_holds_the_protected_series_tables_and_its_provenance(tables, index, cells):
    (series, source_ids, demo), view = trend(tables, index, cells)
    assert view.chart is not None and view.chart.source.startswith(source_line(source_ids, tables.sources))
    assert view.empty is None and view.notes == () and view.chart is not None
    chart = view.chart
    table, shown = series_tables(
        series,
        indicator=str(tables.catalogue.at[INDICATOR, "label_fr"]),
        territory="Hauts-de-Seine",
        unit=str(tables.catalogue.at[INDICATOR, "unit_fr"]),
        frequency="month",
        group_names=group_labels("sex"),
        k=K,
        coverage=series_coverage(index.rows(INDICATOR, None, *year_bounds("2024", "2025")), "month", "sex", 36),
    )
    # The series' own columns, then each period's change (like for like, tested) behind them.
    pd.testing.assert_frame_equal(chart.data[table.columns], table)
    # Each point of the download says what it adds up: the demo's 36 communes, each month whole.
    assert set(table["communes_comptees"]) == set(table["communes_attendues"]) == {36}
    assert set(table["mois_couverts"]) == {1}
    pd.testing.assert_frame_equal(chart.display_data[shown.columns], shown)
    assert list(chart.display_data.columns[len(shown.columns) :]) == [
        "Communes ayant transmis",
        "Évolution sur un an (total)",
        "Champ comparé",
        "p (test exact)",
        "Lecture",
    ]
    assert chart.is_demo is demo is True
    assert "2024–2025" in chart.source and SECRET_SYMBOL in chart.source
    assert chart.file_name == f"{INDICATOR}_92_month.csv"
    # Every secret point of the series is masked in what is shown.
    assert (shown.astype(str) == SECRET_SYMBOL).any().any() == bool(series["suppressed"].any())


def test_a_trend_view_without_rows_says_so_instead_of_drawing(tables, index, cells):
    observations = tables.field_observations
    kept = observations.loc[
        ~((observations["indicator_id"] == INDICATOR) & (observations["territory_code"] == "92002"))
    ]
    sparse = dataclasses.replace(tables, field_observations=kept.reset_index(drop=True))
    sparse_index = index_observations(sparse.field_observations)
    _, view = trend(sparse, sparse_index, protected_cells(sparse, K), territory="92002")
    assert view.chart is None and view.empty is not None and "Antony" in view.empty


def ranking_view_2025(tables, index, protected, level: str, measure: str, cells=None):
    """The Territoires view of INDICATOR in 2025, everyone, as the page asks for it (compared with the
    département when `cells` are given)."""
    benchmark = (
        protected_benchmark(index, tables.territories, cells, RankingChoice(INDICATOR, "2025", "2025", "none:ensemble"))
        if cells is not None
        else None
    )
    return ranking_view(
        tables,
        index,
        protected,
        K,
        RankingChoice(INDICATOR, "2025", "2025", "none:ensemble", level=level, measure=measure),
        "Ensemble",
        tile_layout(tables.territories),
        benchmark,
    )


def test_a_ranking_view_draws_the_map_for_communes_and_names_unplaced_ones(tables, index, cells):
    territories = tables.territories
    unplaced = territories.loc[territories["territory_code"] == "92002"].assign(longitude=np.nan, latitude=np.nan)
    moved = dataclasses.replace(
        tables,
        territories=pd.concat([territories.loc[territories["territory_code"] != "92002"], unplaced], ignore_index=True),
    )
    protected = protected_ranking(
        index, moved.territories, cells, RankingChoice(INDICATOR, "2025", "2025", "none:ensemble")
    )
    view = ranking_view_2025(moved, index, protected, "commune", "count")
    assert view.tile_map is not None and view.tile_map.sentence in view.tile_map.captions[0]
    assert any("1 commune sans coordonnées ne figure pas sur la carte" in text for text in view.tile_map.captions)
    assert view.chart.finding.startswith("Classement des communes")
    assert len(view.chart.data) == len(protected[0])


def test_an_interco_ranking_view_has_no_map(tables, index, cells):
    protected = protected_ranking(
        index, tables.territories, cells, RankingChoice(INDICATOR, "2025", "2025", "none:ensemble", level="interco")
    )
    view = ranking_view_2025(tables, index, protected, "interco", "rate")
    assert view.tile_map is None and view.missing is None
    assert "taux_pour_10000_habitants" in view.chart.data.columns and view.chart.file_name.endswith(
        "_interco_rate_2025_2025.csv"
    )


def test_views_in_english_take_the_english_labels_and_sentences(tables, index, cells):
    protected = protected_ranking(
        index, tables.territories, cells, RankingChoice(INDICATOR, "2025", "2025", "none:ensemble", level="commune")
    )
    with in_language("en"):
        ranking = ranking_view_2025(tables, index, protected, "commune", "count", cells)
        (_series, _sources, _demo), trend_view = trend(tables, index, cells)
    label = str(tables.catalogue.at[INDICATOR, "label_en"])
    assert ranking.chart.finding == "Ranking of municipalities (count) in 2025"
    assert ranking.tile_map is not None and ranking.tile_map.finding.startswith(f"{label} in 2025: ")
    assert ranking.tile_map.sentence.startswith("Map of the 36 municipalities: ")
    assert ranking.tile_map.captions[0].endswith(" Clicking a municipality opens its fact sheet.")
    assert list(ranking.chart.display_data.columns[:2]) == ["Municipality", "Reports"]
    assert {"indicator", "period", "group"} <= set(ranking.chart.data.columns)
    assert ranking.chart.data["indicator"].iloc[0] == label and ranking.chart.data["period"].iloc[0] == "2025"
    assert trend_view.chart is not None and trend_view.chart.finding.startswith(f"{label} (Hauts-de-Seine): ")
    assert (
        "statistical confidentiality" in trend_view.chart.source and "; period 2024–2025; " in trend_view.chart.source
    )
    assert trend_view.chart.caveat == tables.catalogue.at[INDICATOR, "caveat_en"]
    assert list(trend_view.chart.display_data.columns) == [
        "Period",
        "Group",
        "Reports",
        "Complete period",
        "Municipalities that reported",
        "One-year change (total)",
        "Field compared",
        "p (exact test)",
        "Reading",
    ]


def test_a_ranking_view_compares_with_the_departement_and_offers_the_funnel(tables, index, cells):
    protected = protected_ranking(
        index, tables.territories, cells, RankingChoice(INDICATOR, "2025", "2025", "none:ensemble")
    )
    view = ranking_view_2025(tables, index, protected, "commune", "rate", cells)
    ranked = protected[0]
    named = ranked.loc[ranked["standing"].isin(["above", "below"]), "name_fr"]
    assert view.tile_map is not None and "au-delà du hasard" in view.tile_map.finding
    assert any(name in view.tile_map.finding for name in named)
    assert not any(name in view.tile_map.finding for name in ranked.loc[ranked["suppressed"], "name_fr"])
    assert view.notes[0].startswith("Taux du département en 2025 : ") and "IC 95" in view.notes[0]
    assert any("limite à 99,8" in note and "Parmi " in note for note in view.notes)
    assert view.funnel is not None and view.funnel_empty is None
    assert view.funnel.finding.startswith("Taux selon la population en 2025 : ")
    masked = int(ranked["suppressed"].sum())
    assert view.funnel_note is not None and view.funnel_note.startswith(f"{masked} communes masquées")
    table = view.chart.display_data.set_index("Commune")
    secret = ranked.loc[ranked["suppressed"], "name_fr"]
    columns = ["Taux pour 10 000 habitants", "IC 95 % bas", "IC 95 % haut", "Par rapport au département"]
    assert (table.loc[secret, columns] == SECRET_SYMBOL).all(axis=None)
    assert {"taux_ic95_bas", "taux_ic95_haut", "comparaison_departement", "taux_departement"} <= set(view.chart.data)


def test_without_a_benchmark_the_view_says_why_and_draws_no_funnel(tables, index, cells):
    protected = protected_ranking(
        index, tables.territories, cells, RankingChoice(INDICATOR, "2025", "2025", "none:ensemble")
    )
    view = ranking_view_2025(tables, index, protected, "commune", "rate")
    assert view.funnel is None and view.funnel_empty is not None
    assert view.tile_map is not None and "le plus élevé" not in view.tile_map.finding
