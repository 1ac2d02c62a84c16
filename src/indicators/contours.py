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

import pyarrow.parquet as pq
import shapely

from indicators.config import DEFAULT_DATA_DIR, data_dir

CONTOURS_FILE = "france_contours.parquet"
# The source a map's source line cites (data/sources.csv): IGN's Admin Express 2018, simplified.
CONTOUR_SOURCE_ID = "IGN_ADMIN_EXPRESS_CENTROIDES"

GeoJSON = dict[str, Any]


def contours_path(folder: Path | None = None) -> Path:
    """The contours of the data folder, or the repository's when the folder has none."""
    path = (folder or data_dir()) / CONTOURS_FILE
    return path if path.exists() else DEFAULT_DATA_DIR / CONTOURS_FILE


@lru_cache(maxsize=16)
def _contours(path: Path, modified: int, departement: str, level: str) -> tuple[tuple[str, str], ...]:
    table = pq.read_table(
        path,
        columns=["territory_code", "geometry"],
        filters=[("departement_code", "=", departement), ("level", "=", level)],
    )
    shapes = shapely.from_wkb(table["geometry"].to_pylist())
    codes = [str(code) for code in table["territory_code"].to_pylist()]
    return tuple(zip(codes, [str(geometry) for geometry in shapely.to_geojson(shapes).tolist()]))


def departement_contours(departement: str, level: str, folder: Path | None = None) -> dict[str, GeoJSON]:
    """A département's contours of one level (`commune`, `epci`, `ept`, `departement`): code →
    GeoJSON geometry (WGS 84 longitude, latitude). Read once per file version."""
    path = contours_path(folder)
    found = _contours(path, path.stat().st_mtime_ns, departement, level)
    return {code: json.loads(geometry) for code, geometry in found}


def feature_collection(geometries: dict[str, GeoJSON]) -> GeoJSON:
    """A GeoJSON FeatureCollection whose features carry their code as `id` (Plotly's `locations`)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {}, "geometry": geometry}
            for code, geometry in geometries.items()
        ],
    }
