"""The scope's boundaries read from data/france_contours.parquet: its own row groups, as GeoJSON."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import shapely

from indicators.config import DEFAULT_DATA_DIR
from indicators.contours import CONTOURS_FILE, departement_contours, feature_collection


def test_a_departements_communes_and_intercommunalites_are_read_alone():
    communes = departement_contours("93", "commune")
    assert len(communes) == 39 and all(code.startswith("93") for code in communes)
    assert {geometry["type"] for geometry in communes.values()} <= {"Polygon", "MultiPolygon"}
    # Its four EPTs, and the Métropole du Grand Paris as an EPCI (the map keeps the scope's own).
    assert len(departement_contours("93", "ept")) == 4
    assert set(departement_contours("93", "epci")) == {"200054781"}
    # Boucle Nord de Seine is filed under the Hauts-de-Seine as its part there, without Argenteuil.
    boucle_nord = shapely.geometry.shape(departement_contours("92", "ept")["200057990"])
    argenteuil = shapely.geometry.shape(departement_contours("95", "commune")["95018"])
    assert shapely.intersection(boucle_nord, argenteuil).area < 1e-6


def test_the_geojson_is_the_stored_geometry():
    stored = pq.read_table(
        DEFAULT_DATA_DIR / CONTOURS_FILE, filters=[("territory_code", "=", "2A004"), ("level", "=", "commune")]
    )
    ajaccio = shapely.from_wkb(stored["geometry"][0].as_py())
    read = shapely.geometry.shape(departement_contours("2A", "commune")["2A004"])
    assert shapely.equals_exact(read, ajaccio, tolerance=1e-9)


def test_a_feature_collection_names_each_feature_by_its_code():
    collection = feature_collection(departement_contours("971", "commune"))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 32
    assert all(feature["id"].startswith("971") for feature in collection["features"])
    json.dumps(collection)  # plain JSON, as Plotly sends it
