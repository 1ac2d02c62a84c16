"""One comparison form for what people type, the same cell by cell and vectorised."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.text import comparable, comparable_values, file_name_part, fold_accents


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Tranche d'âge", "tranche d age"),
        ("TRANCHE_D’ÂGE ", "tranche d age"),
        ("N° Sécu.", "n secu"),
        ("Châtillon", "chatillon"),
        ("Boulogne-Billancourt", "boulogne billancourt"),
        ("", ""),
    ],
)
def test_case_accents_and_punctuation_are_set_aside(typed, expected):
    assert comparable(typed) == expected


@given(st.lists(st.text(max_size=12), max_size=20) | st.just(["İstanbul", "K", "ß", "ǅ", "ﬁ", "Ⅻ", "ΐ"]))
def test_the_vectorised_form_equals_the_cell_by_cell_one(cells):
    assert comparable_values(pd.Series(cells, dtype="str")).tolist() == [comparable(cell) for cell in cells]


def test_accents_fold_but_case_and_letters_stay():
    assert fold_accents("Léa Châtillon") == "Lea Chatillon"


def test_a_territory_name_makes_a_plain_file_name_part():
    assert file_name_part("Boucle Nord de Seine") == "boucle_nord_de_seine"
    assert file_name_part("Ville-d'Avray") == "ville_d_avray"
