"""The boundaries of the territory served, read from data/france_contours.parquet (GeoParquet, built
by scripts/make_territories.py from IGN's Admin Express 2018): only the row groups of the scope are
read, and each geometry is handed on as GeoJSON for Plotly.

Communes created since 2018 are drawn as the union of their former communes (done when the file is
built); territories without a contour are listed in data/contour_gaps.csv.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import shapely

from indicators.config import DEFAULT_DATA_DIR, data_dir
from indicators.scope import PART_SEPARATOR

CONTOURS_FILE = "france_contours.parquet"
# The source a map's source line cites (data/sources.csv): IGN's Admin Express 2018, simplified.
CONTOUR_SOURCE_ID = "IGN_ADMIN_EXPRESS_CENTROIDES"

GeoJSON = dict[str, Any]


def contours_path(folder: Path | None = None) -> Path:
    """The contours of the data folder, or the repository's when the folder has none."""
    path = (folder or data_dir()) / CONTOURS_FILE
    return path if path.exists() else DEFAULT_DATA_DIR / CONTOURS_FILE


@lru_cache(maxsize=32)
def _contours(
    path: Path, modified: int, level: str, column: str, keys: tuple[str, ...], parts: bool = False
) -> tuple[tuple[str, str], ...]:
    filters = pc.field("level") == level
    if keys:
        filters &= pc.field(column).isin(list(keys))
    table = pq.read_table(path, columns=["territory_code", "departement_code", "geometry"], filters=filters)
    shapes = shapely.from_wkb(table["geometry"].to_pylist())
    codes = [str(code) for code in table["territory_code"].to_pylist()]
    if parts:
        departements = [str(code) for code in table["departement_code"].to_pylist()]
        codes = [f"{code}{PART_SEPARATOR}{departement}" for code, departement in zip(codes, departements)]
    # An intercommunalité across départements is filed once per département, as its part there.
    pieces: dict[str, list[Any]] = {}
    for code, shape in zip(codes, shapes):
        pieces.setdefault(code, []).append(shape)
    merged = {code: found[0] if len(found) == 1 else shapely.union_all(found) for code, found in pieces.items()}
    geojson = shapely.to_geojson(list(merged.values())).tolist() if merged else []
    return tuple(zip(merged, [str(geometry) for geometry in geojson]))


def departement_contours(departement: str, level: str, folder: Path | None = None) -> dict[str, GeoJSON]:
    """A département's contours of one level (`commune`, `epci`, `ept`, `departement`): code →
    GeoJSON geometry (WGS 84 longitude, latitude). Read once per file version."""
    return contours_of(level, [departement], folder)


def contours_of(
    level: str,
    departements: list[str] | None = None,
    folder: Path | None = None,
    regions: list[str] | None = None,
    parts: bool = False,
) -> dict[str, GeoJSON]:
    """Contours of one level (`commune`, `epci`, `ept`, `departement`, `region`) in these départements
    (or régions: their COG codes), every one of France when neither is given: code → GeoJSON
    geometry. An intercommunalité across the départements asked is drawn whole (its parts' union),
    or, with `parts`, as its part in each (code, PART_SEPARATOR, the département's code)."""
    path = contours_path(folder)
    column, keys = ("region_code", regions) if regions is not None else ("departement_code", departements)
    found = _contours(path, path.stat().st_mtime_ns, level, column, tuple(sorted(keys or ())), parts)
    return {code: json.loads(geometry) for code, geometry in found}


def representative_points(geometries: dict[str, GeoJSON]) -> dict[str, tuple[float, float]]:
    """A point inside each area (longitude, latitude): where a map writes its « s »."""
    shapes = [shapely.geometry.shape(geometry) for geometry in geometries.values()]
    if not shapes:
        return {}
    points = shapely.point_on_surface(shapes)
    return {code: (float(point.x), float(point.y)) for code, point in zip(geometries, points)}


def feature_collection(geometries: dict[str, GeoJSON]) -> GeoJSON:
    """A GeoJSON FeatureCollection whose features carry their code as `id` (Plotly's `locations`)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {}, "geometry": geometry}
            for code, geometry in geometries.items()
        ],
    }
