import pandas as pd

from indicators.key_dates import enclosing_territories, key_dates_for

NATIONAL_PLAN = "Plan national contre la prostitution des mineurs"
PREVENTION_WEEK = "Semaine départementale de prévention (Hauts-de-Seine)"


def labels(tables, territory_code):
    return list(key_dates_for(tables.key_dates, territory_code, tables.territories)["label_fr"])


def test_a_commune_lies_in_its_departement_in_france_in_the_world(tables):
    assert enclosing_territories("92002", tables.territories) == ["92002", "92", "FR", "WLD"]
    assert enclosing_territories("FR", tables.territories) == ["FR", "WLD"]
    assert enclosing_territories("inconnu", tables.territories) == ["inconnu"]


def test_the_local_week_never_shows_on_a_national_series(tables):
    assert labels(tables, "FR") == [NATIONAL_PLAN]
    assert labels(tables, "WLD") == []


def test_national_and_local_dates_show_on_local_series(tables):
    assert labels(tables, "92") == [NATIONAL_PLAN, PREVENTION_WEEK]
    assert labels(tables, "92002") == [NATIONAL_PLAN, PREVENTION_WEEK]


def test_another_departement_gets_the_national_dates_only(tables):
    assert "93" in set(tables.territories["territory_code"])
    assert labels(tables, "93") == [NATIONAL_PLAN]


def test_cycles_in_the_territory_table_end():
    looping = pd.DataFrame({"territory_code": ["A", "B"], "parent_code": ["B", "A"]})
    assert enclosing_territories("A", looping) == ["A", "B"]
