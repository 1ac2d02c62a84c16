"""The territory served (INDICATORS_TERRITORY) and its table, built from the France table."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.config import DEFAULT_DATA_DIR
from indicators.i18n import in_language
from indicators.loading import DataFileError, load_tables, scope_territory_table
from indicators.scope import ScopeError, current_scope, france_territories, resolve_scope
from indicators.territories import partial_note, partial_notes, populations
from store_shapes import write_store


def table_for(monkeypatch: pytest.MonkeyPatch, setting: str | None) -> pd.DataFrame:
    if setting is None:
        monkeypatch.delenv("INDICATORS_TERRITORY", raising=False)
    else:
        monkeypatch.setenv("INDICATORS_TERRITORY", setting)
    return scope_territory_table(DEFAULT_DATA_DIR)


def test_unset_the_scope_is_the_hauts_de_seine_with_its_four_epts(monkeypatch):
    territories = table_for(monkeypatch, None)
    scope = current_scope()
    assert (scope.code, scope.name, scope.communes) == ("92", "Hauts-de-Seine", 36)
    communes = territories.loc[territories["level"] == "commune"]
    assert len(communes) == 36 and communes["parent_code"].eq("92").all()
    assert communes["population"].notna().all() and communes["longitude"].notna().all()
    sizes = communes.groupby("interco_code").size().to_dict()
    assert sizes == {"200057966": 11, "200057974": 8, "200057982": 11, "200057990": 6}
    intercos = territories.loc[territories["level"] == "interco"].set_index("territory_code")
    assert set(intercos["kind"]) == {"EPT"}
    # Boucle Nord de Seine also holds Argenteuil: its note says what its figures here leave out.
    assert intercos["outside_count"].to_dict() == {"200057966": 0, "200057974": 0, "200057982": 0, "200057990": 1}
    assert partial_note(territories, "200057990") == (
        "Boucle Nord de Seine compte aussi Argenteuil (Val-d'Oise) : ses chiffres ici ne couvrent que "
        "ses 6 communes des Hauts-de-Seine."
    )
    assert partial_note(territories, "200057966") is None and len(partial_notes(territories)) == 1
    # The whole is the sum of its communes, as every figure of the pages.
    assert populations(territories)["92"] == communes["population"].sum()


@pytest.mark.parametrize(
    ("setting", "name", "of_name", "communes", "kinds"),
    [
        ("93", "Seine-Saint-Denis", "de la Seine-Saint-Denis", 39, {"EPT"}),
        ("2a", "Corse-du-Sud", "de la Corse-du-Sud", 124, {"CA", "CC"}),
        ("971", "Guadeloupe", "de la Guadeloupe", 32, {"CA", "CC"}),
        ("01", "Ain", "de l'Ain", 391, None),  # COG 2026
    ],
)
def test_a_departement_of_france_is_a_scope_with_its_communes_and_intercommunalities(
    monkeypatch, setting, name, of_name, communes, kinds
):
    territories = table_for(monkeypatch, setting)
    scope = current_scope()
    assert (scope.name, scope.of_name, scope.communes) == (name, of_name, communes)
    mine = territories.loc[territories["level"] == "commune"]
    assert len(mine) == communes and mine["parent_code"].eq(scope.code).all()
    france = france_territories()
    expected = france.loc[(france["level"] == "commune") & (france["departement_code"] == scope.code)]
    assert sorted(mine["territory_code"]) == sorted(expected["territory_code"])
    assert mine["population"].sum() == expected["population"].sum()
    groups = territories.loc[territories["level"] == "interco"]
    # Every commune in an intercommunalité of the table, or in none (an island).
    assert set(mine["interco_code"].dropna()) == set(groups["territory_code"])
    if kinds is not None:
        assert set(groups["kind"]) == kinds
    with in_language("en"):
        assert scope.of_name == name


def test_an_intercommunalite_across_the_border_is_noted_with_its_departements(monkeypatch):
    """An EPCI of the Ain that reaches into another département names it; more than three communes
    outside are counted, not listed."""
    territories = table_for(monkeypatch, "01")
    groups = territories.loc[territories["level"] == "interco"]
    straddling = groups.loc[groups["outside_count"] > 0]
    assert len(straddling) >= 1
    for code, count in zip(straddling["territory_code"], straddling["outside_count"]):
        note = partial_note(territories, code)
        assert note is not None and " compte aussi " in note and "de l'Ain." in note
        if count > 3:
            assert f"{count} communes hors du territoire (" in note


def test_a_commune_in_no_intercommunalite_is_still_a_commune_of_its_scope(monkeypatch):
    territories = table_for(monkeypatch, "29").set_index("territory_code")
    sein = territories.loc["29083"]
    assert sein["level"] == "commune" and pd.isna(sein["interco_code"]) and sein["population"] > 0


@pytest.mark.parametrize("setting", ["99", "REG-99", "750", "92050", "EUROPE"])
def test_a_setting_that_names_no_territory_is_refused_in_french(setting):
    with pytest.raises(ScopeError, match=f"INDICATORS_TERRITORY={setting} : ce n'est ni le code d'un département"):
        resolve_scope(setting, france_territories())


@pytest.mark.parametrize(
    ("setting", "level", "code", "name", "communes"),
    [
        ("11", "departement", "11", "Aude", None),
        ("DEP-93", "departement", "93", "Seine-Saint-Denis", 39),
        ("REG-11", "region", "REG-11", "Île-de-France", 1266),
        ("reg-94", "region", "REG-94", "Corse", None),
        ("FR", "pays", "FR", "France", None),
        ("France", "pays", "FR", "France", None),
    ],
)
def test_a_bare_code_is_a_departement_and_a_region_is_written_reg(setting, level, code, name, communes):
    """Région and département codes overlap (11 is the Aude and Île-de-France): a bare code is the
    département's, as INSEE's local-data API writes them a région is REG-11."""
    france = france_territories()
    scope = resolve_scope(setting, france)
    assert (scope.level, scope.code, scope.name) == (level, code, name)
    if communes is not None:
        assert scope.communes == communes
    if level == "pays":
        assert scope.communes == int((france["level"] == "commune").sum())


def test_a_regions_table_holds_its_departements_and_intercommunalites_across_them(monkeypatch):
    territories = table_for(monkeypatch, "REG-11").set_index("territory_code")
    departements = territories.loc[territories["level"] == "departement"]
    assert sorted(departements.index) == ["75", "77", "78", "91", "92", "93", "94", "95"]
    assert set(departements["parent_code"]) == {"REG-11"}
    assert territories.at["REG-11", "parent_code"] == "FR"
    communes = territories.loc[territories["level"] == "commune"]
    assert len(communes) == 1266 and set(communes["parent_code"]) == set(departements.index)
    # Boucle Nord de Seine holds Argenteuil: inside Île-de-France, across two départements, it is
    # shown as its part in each, each part noting the other.
    assert "200057990" not in territories.index
    part_92, part_95 = territories.loc["200057990@92"], territories.loc["200057990@95"]
    assert (part_92["parent_code"], part_95["parent_code"]) == ("92", "95")
    assert part_92["name_fr"] == "Boucle Nord de Seine (Hauts-de-Seine)"
    assert (part_92["outside_count"], part_92["outside_names"]) == (1, "Argenteuil (Val-d'Oise)")
    assert communes.loc["95018", "interco_code"] == "200057990@95"
    assert territories.at["200057966", "parent_code"] == "92"


def test_france_holds_every_commune_and_regions_apart_from_departements(monkeypatch):
    territories = table_for(monkeypatch, "FR").set_index("territory_code")
    assert territories.at["11", "name_fr"] == "Aude" and territories.at["11", "parent_code"] == "REG-76"
    assert territories.at["REG-11", "name_fr"] == "Île-de-France" and territories.at["REG-11", "level"] == "region"
    assert (territories["level"] == "commune").sum() == (france_territories()["level"] == "commune").sum()
    beyond = territories.loc[territories["outside_count"].fillna(0) > 0]
    assert len(beyond) and beyond.index.str.contains("@").all(), "nothing lies outside France but other parts"


def test_loading_refuses_an_unknown_setting_without_a_traceback(monkeypatch):
    monkeypatch.setenv("INDICATORS_TERRITORY", "99")
    with pytest.raises(DataFileError, match="Rien n'a été changé"):
        load_tables(DEFAULT_DATA_DIR)


def test_a_store_of_another_territory_is_refused_and_left_as_it_is(tmp_path, monkeypatch):
    """Imports made for the Hauts-de-Seine, then the setting changed to the Seine-Saint-Denis: the
    start refuses, names the setting, and the store is not touched."""
    monkeypatch.delenv("INDICATORS_TERRITORY", raising=False)
    observations = load_tables(DEFAULT_DATA_DIR).field_observations.head(50)
    folder = write_store(tmp_path / "data", observations)
    before = sorted((path.name, path.stat().st_size) for path in (folder / "store").rglob("*") if path.is_file())
    monkeypatch.setenv("INDICATORS_TERRITORY", "93")
    with pytest.raises(DataFileError) as refused:
        load_tables(folder)
    message = str(refused.value)
    assert "hors du territoire configuré (Seine-Saint-Denis, 39 communes)" in message
    assert "Rien n'a été changé" in message and "INDICATORS_TERRITORY" in message
    after = sorted((path.name, path.stat().st_size) for path in (folder / "store").rglob("*") if path.is_file())
    assert after == before


def test_another_scope_shows_fictitious_demo_data_for_its_own_communes(monkeypatch):
    monkeypatch.setenv("INDICATORS_TERRITORY", "93")
    data = load_tables(DEFAULT_DATA_DIR)
    communes = set(data.territories.loc[data.territories["level"] == "commune", "territory_code"])
    assert set(data.field_observations["territory_code"]) == communes
    assert data.field_observations["source_id"].eq("DEMO_FICTIVE").all()
