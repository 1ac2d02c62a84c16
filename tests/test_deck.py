import pandas as pd
import pytest

from indicators.config import DEFAULT_DATA_DIR, DEMO_LABEL_FR
from indicators.deck import presentation_style, protected_deck, read_deck
from indicators.loading import DataFileError


@pytest.fixture(scope="module")
def slides(tables):
    return protected_deck(tables, read_deck(DEFAULT_DATA_DIR), 5)


def test_default_deck_covers_the_key_figures(slides):
    assert len(slides) == 8
    assert [slide.number for slide in slides] == list(range(1, 9))
    ids = [slide.slide_id for slide in slides]
    assert ids[:4] == ["estimation_nationale", "victimes_proxenetisme", "affaires_police", "profil_age_sexe"]
    assert slides[0].headline.startswith("Mineurs en situation ou en risque de prostitution (estimation) : 7\u202f000 – 10\u202f000")


def test_demo_label_follows_the_data(slides):
    assert [slide.is_demo for slide in slides] == [False] * 4 + [True] * 4
    assert all("Données fictives" in slide.source for slide in slides if slide.is_demo)


def test_field_slide_headline_equals_the_data(slides, tables):
    observations = tables.field_observations
    reports = observations.loc[(observations["indicator_id"] == "signalements_risque_prostitutionnel")
                               & observations["period"].str.startswith("2025"), "value"].sum()
    assert f"{reports} signalements en 2025" in slides[4].headline.replace("\u202f", "")


def test_analysts_reorder_slides_in_the_csv(data_copy, tables):
    deck = pd.read_csv(data_copy / "deck.csv", dtype=str)
    deck["order"] = list(reversed(range(1, len(deck) + 1)))
    deck.to_csv(data_copy / "deck.csv", index=False)
    reordered = protected_deck(tables, read_deck(data_copy), 5)
    assert reordered[0].slide_id == "prevention_92" and reordered[-1].slide_id == "estimation_nationale"


def test_a_bad_deck_is_a_french_error(data_copy):
    path = data_copy / "deck.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",shares,", ",camembert,"), encoding="utf-8")
    with pytest.raises(DataFileError, match="deck.csv"):
        read_deck(data_copy)


def test_presentation_type_is_large(slides):
    styled = presentation_style(slides[4].figure, 500)
    assert styled.layout.xaxis.tickfont.size >= 18 and styled.layout.yaxis.tickfont.size >= 18
    assert styled.layout.font.color == "#000000"
    assert slides[4].figure.layout.font.size < styled.layout.font.size  # the app's figure is left untouched
    assert DEMO_LABEL_FR
