"""data/france_territories.csv: every territory of France, built by scripts/make_territories.py.

Its own sums and memberships are checked always; the rebuild from the published source (the
découpage administratif of Etalab, kept beside the project in ../shared/reference/territoires/)
when that folder is at hand.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely

from indicators.config import DEFAULT_DATA_DIR

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_territories.py"
_spec = importlib.util.spec_from_file_location("make_territories", SCRIPT)
assert _spec is not None and _spec.loader is not None
make_territories = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_territories)

TABLE = DEFAULT_DATA_DIR / make_territories.FRANCE_TERRITORIES_FILE
CONTOURS = DEFAULT_DATA_DIR / make_territories.CONTOURS_FILE
GAPS = DEFAULT_DATA_DIR / make_territories.CONTOUR_GAPS_FILE
GRAND_PARIS = "200054781"  # the Métropole du Grand Paris, the EPCI the EPTs divide


@pytest.fixture(scope="module")
def france() -> pd.DataFrame:
    return pd.read_csv(TABLE, dtype=str, keep_default_na=False, na_values=[""]).astype({"population": "Int64"})


def of_level(france: pd.DataFrame, level: str) -> pd.DataFrame:
    return france.loc[france["level"] == level]


def contours_of(departement: str, level: str = "commune") -> dict[str, object]:
    """A département's contours of one level, read from its own row group (code → shapely geometry)."""
    table = pq.read_table(CONTOURS, filters=[("departement_code", "=", departement), ("level", "=", level)])
    return dict(zip(table["territory_code"].to_pylist(), shapely.from_wkb(table["geometry"].to_pylist())))


def test_every_commune_has_a_contour_or_is_a_stated_gap(france):
    gaps = pd.read_csv(GAPS, dtype=str)
    drawn = set(
        pq.read_table(CONTOURS, columns=["territory_code", "level"], filters=[("level", "=", "commune")])[
            "territory_code"
        ].to_pylist()
    )
    places = france.loc[france["level"].isin(["commune", "arrondissement"]), "territory_code"]
    assert set(places) == drawn | set(gaps["territory_code"]) and not drawn & set(gaps["territory_code"])
    # Overseas collectivities, restored communes and the arrondissements municipaux, each with why.
    assert gaps.groupby("level").size().to_dict() == {"arrondissement": 45, "commune": 101}
    assert gaps["reason"].notna().all()
    restored = gaps.loc[gaps["reason"].str.startswith("commune rétablie"), "territory_code"]
    assert sorted(restored) == ["14666", "15031", "15035", "15047", "15171", "85165", "85212"]


def test_a_communes_point_lies_in_its_contour(france):
    communes = of_level(france, "commune").set_index("territory_code")
    for departement in ("92", "2A", "971", "29"):
        for code, contour in contours_of(departement).items():
            point = shapely.Point(float(communes.at[code, "longitude"]), float(communes.at[code, "latitude"]))
            # 4 decimals of a degree: within 10 m of a point inside.
            assert shapely.dwithin(contour, point, 1e-4), code


def test_a_scope_reads_only_its_own_contours():
    """One row group per département (its communes and intercommunalités), one for the départements
    and régions: a scope's filter reads its own, and the file declares itself GeoParquet."""
    metadata = pq.ParquetFile(CONTOURS).metadata
    assert metadata.num_row_groups == 102  # 101 départements with contours and the national one
    geo = json.loads(pq.read_schema(CONTOURS).metadata[b"geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"
    seine_saint_denis = pq.read_table(CONTOURS, filters=[("departement_code", "=", "93")])
    levels = seine_saint_denis.group_by("level").aggregate([("territory_code", "count")]).to_pydict()
    assert dict(zip(levels["level"], levels["territory_code_count"])) == {
        "commune": 39,
        "ept": 4,
        "epci": 1,
        "departement": 1,
    }
    national = pq.read_table(CONTOURS, filters=[("level", "in", ["departement", "region"])])
    assert national.num_rows == 101 + 18


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


@pytest.fixture(scope="module")
def source() -> Path:
    if not (make_territories.DEFAULT_SOURCE / "communes.json").exists():
        pytest.skip(f"source absente : {make_territories.DEFAULT_SOURCE}")
    return Path(make_territories.DEFAULT_SOURCE)


def test_the_committed_tables_are_the_build_of_the_source(source, tmp_path, monkeypatch):
    """The script run again on the source gives the committed files: the two tables byte for byte,
    the contours geometry for geometry (Parquet's own metadata names the writer's version)."""
    monkeypatch.setattr("sys.argv", ["make_territories.py", "--out", str(tmp_path)])
    make_territories.main()
    for name in (make_territories.FRANCE_TERRITORIES_FILE, make_territories.CONTOUR_GAPS_FILE):
        assert (tmp_path / name).read_bytes() == (DEFAULT_DATA_DIR / name).read_bytes(), name
    rebuilt = pq.read_table(tmp_path / make_territories.CONTOURS_FILE)
    assert rebuilt.equals(pq.read_table(CONTOURS))


def test_a_commune_nouvelle_is_drawn_as_its_former_communes_together(source):
    """A commune created after 2018 has the union of its former communes' contours: the same area as
    theirs added up (they do not overlap), and every one of them inside it."""
    owners = make_territories.contour_owners(make_territories.read_json(source, "communes.json"))
    parts: dict[str, list[object]] = {}
    for code, geometry in make_territories.read_features(
        make_territories.DEFAULT_CONTOURS / "communes-14-calvados.geojson"
    ):
        parts.setdefault(owners[code], []).append(geometry)
    merged = {code: pieces for code, pieces in parts.items() if len(pieces) > 1}
    assert len(merged) >= 5  # communes nouvelles of the Calvados made after 2018
    drawn = contours_of("14")
    for code, pieces in merged.items():
        area = sum(shapely.area(piece) for piece in pieces)
        assert shapely.area(drawn[code]) == pytest.approx(area, rel=2e-3), code
        for piece in pieces:
            assert shapely.covers(shapely.buffer(drawn[code], 2e-5), piece), code


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
