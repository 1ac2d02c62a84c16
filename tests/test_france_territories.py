"""data/france_territories.csv: every territory of France, built by scripts/make_territories.py.

Its own sums and memberships are checked always; the rebuild from the published source (the
découpage administratif of Etalab, kept beside the project in ../shared/reference/territoires/)
when that folder is at hand.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from indicators.config import DEFAULT_DATA_DIR

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_territories.py"
_spec = importlib.util.spec_from_file_location("make_territories", SCRIPT)
assert _spec is not None and _spec.loader is not None
make_territories = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_territories)

TABLE = DEFAULT_DATA_DIR / make_territories.FRANCE_TERRITORIES_FILE
GRAND_PARIS = "200054781"  # the Métropole du Grand Paris, the EPCI the EPTs divide


@pytest.fixture(scope="module")
def france() -> pd.DataFrame:
    return pd.read_csv(TABLE, dtype=str, keep_default_na=False, na_values=[""]).astype({"population": "Int64"})


def of_level(france: pd.DataFrame, level: str) -> pd.DataFrame:
    return france.loc[france["level"] == level]


def test_every_level_is_there_once_per_code(france):
    counts = france["level"].value_counts().to_dict()
    assert counts == {
        "pays": 1,
        "region": 26,
        "departement": 109,
        "epci": 1255,
        "ept": 11,
        "commune": 34969,
        "arrondissement": 45,
    }
    assert not france.duplicated(["level", "territory_code"]).any()
    # A code alone is not a key: the région 11 and the département 11 are two territories.
    assert {"region", "departement"} <= set(france.loc[france["territory_code"] == "11", "level"])


def test_each_commune_points_to_territories_that_exist_and_nest(france):
    communes = of_level(france, "commune")
    departements = of_level(france, "departement").set_index("territory_code")["region_code"]
    assert communes["departement_code"].isin(departements.index).all()
    assert communes["region_code"].isin(of_level(france, "region")["territory_code"]).all()
    # A commune's région is its département's.
    assert (communes["region_code"].to_numpy() == departements.loc[communes["departement_code"]].to_numpy()).all()
    in_epci = communes["epci_code"].dropna()
    assert in_epci.isin(of_level(france, "epci")["territory_code"]).all()
    in_ept = communes.loc[communes["ept_code"].notna()]
    assert in_ept["ept_code"].isin(of_level(france, "ept")["territory_code"]).all()
    # The EPTs divide the Métropole du Grand Paris; Paris is in it and in no EPT.
    assert (in_ept["epci_code"] == GRAND_PARIS).all()
    paris = communes.set_index("territory_code").loc["75056"]
    assert paris["epci_code"] == GRAND_PARIS and pd.isna(paris["ept_code"])
    # A commune in no EPCI (an island) is still a commune with its population.
    sein = communes.set_index("territory_code").loc["29083"]
    assert pd.isna(sein["epci_code"]) and sein["population"] > 0


def test_arrondissements_add_up_to_their_city(france):
    arrondissements = of_level(france, "arrondissement")
    cities = of_level(france, "commune").set_index("territory_code")["population"]
    sums = arrondissements.groupby("commune_code")["population"].sum()
    assert sorted(sums.index) == ["13055", "69123", "75056"]
    assert (sums == cities.loc[sums.index]).all(), pd.DataFrame(
        {"arrondissements": sums, "city": cities.loc[sums.index]}
    )


def test_the_hauts_de_seine_read_as_the_shipped_territories(france):
    """The département the app ships (data/territories.csv) and the France table agree: the same
    communes, EPTs and municipal populations."""
    shipped = pd.read_csv(DEFAULT_DATA_DIR / "territories.csv", dtype=str)
    shipped = shipped.loc[shipped["level"] == "commune"].set_index("territory_code")
    built = of_level(france, "commune").loc[lambda table: table["departement_code"] == "92"].set_index("territory_code")
    assert sorted(built.index) == sorted(shipped.index)
    assert (built["ept_code"] == shipped.loc[built.index, "ept_code"]).all()
    assert (built["population"].astype(int) == shipped.loc[built.index, "population"].astype(int)).all()
    assert (built["name"] == shipped.loc[built.index, "name_fr"]).all()


@pytest.fixture(scope="module")
def source() -> Path:
    if not (make_territories.DEFAULT_SOURCE / "communes.json").exists():
        pytest.skip(f"source absente : {make_territories.DEFAULT_SOURCE}")
    return Path(make_territories.DEFAULT_SOURCE)


def test_the_committed_table_is_the_build_of_the_source(source, tmp_path):
    rebuilt = tmp_path / "france.csv"
    make_territories.france_territories(source).to_csv(rebuilt, index=False, lineterminator="\n")
    assert rebuilt.read_bytes() == TABLE.read_bytes()


def test_intercommunalities_hold_the_members_the_source_gives_them(source, france):
    communes = of_level(france, "commune")
    for level, name in (("epci", "epci.json"), ("ept", "ept.json")):
        members = communes.groupby(f"{level}_code")["territory_code"].agg(set)
        for group in make_territories.read_json(source, name):
            assert members.get(group["code"], set()) == {member["code"] for member in group["membres"]}, group["nom"]


def test_populations_are_the_communes_own_of_one_year(source, france):
    """A group's population is the sum of its communes' (communes.json). epci.json carries its
    members' populations of another year (they differ for nine communes in ten), so they are not
    used; ept.json's are the same year as the communes', and its totals are those sums."""
    communes = of_level(france, "commune")
    sums = communes.groupby("ept_code")["population"].sum()
    for group in make_territories.read_json(source, "ept.json"):
        assert sums[group["code"]] == group["populationMunicipale"], group["nom"]
    listed = {
        commune["code"]: commune.get("population")
        for commune in make_territories.read_json(source, "communes.json")
        if commune["type"] == "commune-actuelle"
    }
    # Communes without a population (the uninhabited districts of the TAAF) stay without one.
    assert communes.set_index("territory_code")["population"].to_dict() == listed
