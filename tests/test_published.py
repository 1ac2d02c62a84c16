import pandas as pd

from indicators.i18n import in_language
from indicators.published import (
    HEADLINE_INDICATORS,
    headline,
    latest_figure,
    original_figures,
    period_midpoint,
    published_series,
)

NNBSP = "\u202f"


def test_period_midpoints():
    assert period_midpoint("2016") == pd.Timestamp("2016-07-01")
    assert period_midpoint("2021-11") == pd.Timestamp("2021-11-15")
    assert period_midpoint("2021-11-15") == pd.Timestamp("2021-11-15")
    assert period_midpoint("2016/2020") == pd.Timestamp("2020-07-01")


def test_restated_figures_are_not_new_points(tables):
    originals = original_figures(tables.published_estimates)
    national = originals.loc[originals["indicator_id"] == "estimation_mineurs_risque_ou_prostitution"]
    # E2 (national plan) and E3 (Hauts-de-Seine) repeat E1: one measurement, one point.
    assert national["figure_id"].tolist() == ["E1"]


def test_series_of_recorded_victims_keeps_each_point_and_its_source(tables):
    points = published_series(tables.published_estimates, tables.catalogue, "victimes_mineurs_proxenetisme")
    assert points["period"].tolist() == ["2016", "2019", "2020", "2021", "2024"]
    assert points["value"].tolist() == [116, 206, 400, 308, 435]
    assert points["source_id"].nunique() == 3


def test_estimate_range_stays_a_range(tables):
    points = published_series(tables.published_estimates, tables.catalogue, "estimation_mineurs_risque_ou_prostitution")
    point = points.iloc[0]
    assert point["is_range"] and pd.isna(point["value"])
    assert (point["value_low"], point["value_high"]) == (7000, 10000)
    assert point["figure_text"] == f"7{NNBSP}000 – 10{NNBSP}000"


def test_latest_figure_is_the_most_recent_one(tables):
    assert latest_figure(tables.published_estimates, "affaires_prostitution_mineurs")["value"] == 226


def test_headlines_read_as_published(tables):
    cards = {
        card.indicator_id: card
        for card in (
            headline(tables.published_estimates, tables.catalogue, indicator_id) for indicator_id in HEADLINE_INDICATORS
        )
    }
    assert cards["estimation_mineurs_risque_ou_prostitution"].text == f"7{NNBSP}000 – 10{NNBSP}000"
    assert cards["age_moyen_entree_prostitution"].text == "14 ans"
    assert cards["part_filles_14_17_victimes"].text == f"88{NNBSP}%"
    assert cards["victimes_mineurs_proxenetisme"].text == "435"
    assert cards["victimes_mineurs_proxenetisme"].period == "2024"
    assert all(card.source_id and card.caveat for card in cards.values())


def test_a_headline_in_english_takes_the_english_label_definition_and_caveat(tables):
    with in_language("en"):
        card = headline(tables.published_estimates, tables.catalogue, "victimes_mineurs_proxenetisme")
    entry = tables.catalogue.loc["victimes_mineurs_proxenetisme"]
    assert card.label == entry["label_en"] and card.label != entry["label_fr"]
    assert (card.definition, card.caveat) == (entry["definition_en"], entry["caveat_en"])
