"""Build data/france_territories.csv, every territory of France, from the published reference.

Usage: python scripts/make_territories.py [--source FOLDER] [--out FILE]

The source is the découpage administratif of Etalab, version 6.0.0 (INSEE's Code officiel
géographique, découpage 2026, with the municipal populations it carries), as kept in
`../shared/reference/territoires/decoupage_administratif_6.0.0/` (its README says what each file
is). Nothing is typed by hand: run again on the same source, the file comes out byte for byte the
same (tests/test_france_territories.py checks the committed one against the source when it is at
hand, and its own sums and memberships always).

One row per territory; a territory is known by its level and its code together (the région 11,
Île-de-France, and the département 11, Aude, share a code):
- `pays`: France;
- `region`, `departement`: as the COG lists them (collectivités d'outre-mer included);
- `epci`: the EPCI à fiscalité propre (CC, CA, CU, métropoles), `ept`: the établissements publics
  territoriaux of the Métropole du Grand Paris;
- `commune`: every current commune, with its département, région, EPCI and EPT (empty when it has
  none: Paris is in no EPT, a few islands are in no EPCI), and its municipal population;
- `liaison` of a région or département: the COG's type of name (0 no article, « de Paris »;
  1 « d'Eure-et-Loir »; 2 « du Nord »; 3 « de la Somme »; 4 « des Hauts-de-Seine »; 5 « de l'Ain »;
  6 « des … » after « aux »), which the app's sentences follow;
- `arrondissement`: the arrondissements municipaux of Paris, Lyon and Marseille, each with its city
  (`commune_code`): figures given for them are summed into their city.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indicators.config import DEFAULT_DATA_DIR

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = PROJECT.parent / "shared" / "reference" / "territoires" / "decoupage_administratif_6.0.0"
FRANCE_TERRITORIES_FILE = "france_territories.csv"
DEFAULT_CONTOURS = PROJECT.parent / "shared" / "reference" / "territoires" / "contours_communes_2018"
CONTOURS_FILE = "france_contours.parquet"
CONTOUR_GAPS_FILE = "contour_gaps.csv"

COLUMNS = [
    "level",
    "territory_code",
    "name",
    "kind",
    "region_code",
    "departement_code",
    "epci_code",
    "ept_code",
    "commune_code",
    "population",
    "liaison",
]
LEVEL_ORDER = ["pays", "region", "departement", "epci", "ept", "commune", "arrondissement"]


def read_json(source: Path, name: str) -> list[dict[str, Any]]:
    with open(source / name, encoding="utf-8") as handle:
        entries: list[dict[str, Any]] = json.load(handle)
    return entries


def membership(groups: list[dict[str, Any]]) -> dict[str, str]:
    """Each member commune's group code (an EPCI's or an EPT's); a commune is in one at most."""
    found: dict[str, str] = {}
    for group in groups:
        for member in group["membres"]:
            if member["code"] in found:
                raise ValueError(
                    f"commune {member['code']} dans deux groupes : {found[member['code']]}, {group['code']}"
                )
            found[member["code"]] = group["code"]
    return found


def france_territories(source: Path) -> pd.DataFrame:
    """Every territory of France as one table (see the module's docstring)."""
    communes = read_json(source, "communes.json")
    epcis, epts = read_json(source, "epci.json"), read_json(source, "ept.json")
    epci_of, ept_of = membership(epcis), membership(epts)
    rows: list[dict[str, Any]] = [{"level": "pays", "territory_code": "FR", "name": "France"}]
    rows += [
        {"level": "region", "territory_code": region["code"], "name": region["nom"], "liaison": region["typeLiaison"]}
        for region in read_json(source, "regions.json")
    ]
    rows += [
        {
            "level": "departement",
            "territory_code": departement["code"],
            "name": departement["nom"],
            "region_code": departement["region"],
            "liaison": departement["typeLiaison"],
        }
        for departement in read_json(source, "departements.json")
    ]
    rows += [
        {"level": level, "territory_code": group["code"], "name": group["nom"], "kind": group["type"]}
        for level, groups in (("epci", epcis), ("ept", epts))
        for group in groups
    ]
    for commune in communes:
        if commune["type"] not in ("commune-actuelle", "arrondissement-municipal"):
            continue  # former communes (déléguées, associées) hold no figure of their own
        current = commune["type"] == "commune-actuelle"
        city = commune["code"] if current else commune["commune"]
        rows.append(
            {
                "level": "commune" if current else "arrondissement",
                "territory_code": commune["code"],
                "name": commune["nom"],
                "region_code": commune["region"],
                "departement_code": commune["departement"],
                "epci_code": epci_of.get(city),
                "ept_code": ept_of.get(city),
                "commune_code": None if current else city,
                "population": commune.get("population"),
            }
        )
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    table["population"] = table["population"].astype("Int64")
    table["liaison"] = table["liaison"].astype("Int64")
    order = table["level"].map({level: position for position, level in enumerate(LEVEL_ORDER)})
    return table.assign(order=order).sort_values(["order", "territory_code"]).drop(columns="order")


# --- Contours -----------------------------------------------------------------------------------

# Coordinates are kept at the source's precision (5 decimals of a degree, about a metre).
GRID = 1e-5


def contour_owners(communes: list[dict[str, Any]]) -> dict[str, str]:
    """Which current commune each code of 2018 belongs to today: itself, or the commune nouvelle that
    absorbed it (its `chefLieu` as a commune déléguée or associée, or a commune's `anciensCodes`)."""
    owners: dict[str, str] = {}
    for commune in communes:
        if commune["type"] == "commune-actuelle":
            for former in commune.get("anciensCodes", []):
                owners.setdefault(former, commune["code"])
    for commune in communes:
        if commune["type"] in ("commune-deleguee", "commune-associee"):
            owners[commune["code"]] = commune["chefLieu"]
    for commune in communes:
        if commune["type"] == "commune-actuelle":
            owners[commune["code"]] = commune["code"]  # a code still in use is its own
    return owners


def read_features(path: Path) -> list[tuple[str, Any]]:
    """(code, shapely geometry) of each feature of a GeoJSON file."""
    import shapely

    with open(path, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return [(feature["properties"]["code"], shapely.geometry.shape(feature["geometry"])) for feature in features]


def tidy(geometry: Any) -> Any:
    """A valid (multi)polygon on the source's grid: unions of neighbours leave no sliver between them."""
    import shapely

    return shapely.set_precision(shapely.make_valid(geometry), GRID)


def commune_contours(contours: Path, communes: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each current commune's contour: the union of the 2018 contours it owns today
    (`contour_owners`), and the 2018 codes nothing owns (code → file name)."""
    import shapely

    owners = contour_owners(communes)
    parts: dict[str, list[Any]] = {}
    orphans: dict[str, str] = {}
    for path in sorted(contours.glob("communes-*.geojson")):
        for code, geometry in read_features(path):
            if code in owners:
                parts.setdefault(owners[code], []).append(geometry)
            else:
                orphans[code] = path.name
    return {code: tidy(shapely.union_all(pieces)) for code, pieces in sorted(parts.items())}, orphans


def contour_table(source: Path, contours: Path, table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Contours of the communes, intercommunalités (unions of their communes), départements and
    régions, as WKB, with the département and région each belongs to (what a scope filters on)."""
    import shapely

    communes = read_json(source, "communes.json")
    by_commune, orphans = commune_contours(contours, communes)
    rows: list[dict[str, Any]] = []
    current = table.loc[table["level"] == "commune"].set_index("territory_code")
    for code, geometry in by_commune.items():
        place = current.loc[code]
        rows.append(
            {
                "level": "commune",
                "territory_code": code,
                "departement_code": place["departement_code"],
                "region_code": place["region_code"],
                "geometry": geometry,
            }
        )
    for level in ("epci", "ept"):
        members = current.dropna(subset=[f"{level}_code"])
        # A group over two départements (Boucle Nord de Seine, with Argenteuil) is filed under each
        # as its part there: a département's map outlines what its figures cover.
        for (group_code, departement), group in members.groupby([f"{level}_code", "departement_code"]):
            drawn = [by_commune[member] for member in group.index if member in by_commune]
            if drawn:
                rows.append(
                    {
                        "level": level,
                        "territory_code": str(group_code),
                        "departement_code": departement,
                        "region_code": group["region_code"].iloc[0],
                        "geometry": tidy(shapely.union_all(drawn)),
                    }
                )
    departements = table.loc[table["level"] == "departement"].set_index("territory_code")["region_code"]
    for level, name in (
        ("departement", "contours_departements_2018.geojson"),
        ("region", "contours_regions_2018.geojson"),
    ):
        published = dict(read_features(contours.parent / name))
        # The national files are metropolitan; an overseas département or région is the union of its communes.
        for place_code, group in current.groupby(f"{level}_code"):
            code = str(place_code)
            drawn = [by_commune[member] for member in group.index if member in by_commune]
            geometry = published.get(code) or (shapely.union_all(drawn) if drawn else None)
            if geometry is None:
                continue
            rows.append(
                {
                    "level": level,
                    "territory_code": code,
                    "departement_code": code if level == "departement" else None,
                    "region_code": departements[code] if level == "departement" else code,
                    "geometry": tidy(geometry),
                }
            )
    frame = pd.DataFrame(rows)
    order = frame["level"].map({level: position for position, level in enumerate(LEVEL_ORDER)})
    frame = frame.assign(order=order).sort_values(["departement_code", "order", "territory_code"], na_position="last")
    return frame.drop(columns="order").reset_index(drop=True), orphans


def representative_points(contours: pd.DataFrame) -> pd.DataFrame:
    """A point of each commune (longitude, latitude, 4 decimals, about 10 m): where its tile or label
    goes. Its centroid, or when the centroid falls outside it (a crescent), a point inside it."""
    import shapely

    mine = contours.loc[contours["level"] == "commune"]
    shapes = mine["geometry"].to_numpy()
    centroids = shapely.centroid(shapes)
    points = np.where(shapely.contains(shapes, centroids), centroids, shapely.point_on_surface(shapes))
    return pd.DataFrame(
        {"longitude": np.round(shapely.get_x(points), 4), "latitude": np.round(shapely.get_y(points), 4)},
        index=pd.Index(mine["territory_code"], name="territory_code"),
    )


GAP_REASONS = {
    "outre-mer": "collectivité d'outre-mer : pas de contour dans la source",
    "restored": "commune rétablie après 2018 : son territoire est dans le contour d'une autre commune de 2018",
    "arrondissement": "arrondissement municipal : la source ne donne que le contour de la ville",
}


def contour_gaps(table: pd.DataFrame, contours: pd.DataFrame) -> pd.DataFrame:
    """The territories holding figures that have no contour, each with why."""
    drawn = set(contours.loc[contours["level"] == "commune", "territory_code"])
    places = table.loc[table["level"].isin(["commune", "arrondissement"])]
    missing = places.loc[~places["territory_code"].isin(drawn)]
    departements = set(table.loc[table["level"] == "departement", "territory_code"])
    overseas_collectivities = {code for code in departements if len(code) == 3 and code >= "975"}
    reason = np.where(
        missing["level"] == "arrondissement",
        GAP_REASONS["arrondissement"],
        np.where(
            missing["departement_code"].isin(overseas_collectivities), GAP_REASONS["outre-mer"], GAP_REASONS["restored"]
        ),
    )
    return pd.DataFrame(
        {
            "level": missing["level"].to_numpy(),
            "territory_code": missing["territory_code"].to_numpy(),
            "name": missing["name"].to_numpy(),
            "departement_code": missing["departement_code"].to_numpy(),
            "reason": reason,
        }
    )


def write_geoparquet(contours: pd.DataFrame, out: Path) -> None:
    """GeoParquet 1.1 (WKB, longitude/latitude WGS 84), zstd, one row group per département (its
    communes and intercommunalités) and a last one for the départements and régions: a scope reads
    only its own row groups (`territory_maps.read_contours`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    local = contours.loc[contours["level"].isin(["commune", "epci", "ept"])]
    national = contours.loc[contours["level"].isin(["departement", "region"])]
    geometry_types = sorted(set(shapely.get_type_id(contours["geometry"].to_numpy()).tolist()))
    geo = {
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": [{3: "Polygon", 6: "MultiPolygon"}[kind] for kind in geometry_types],
                "bbox": [float(value) for value in shapely.total_bounds(contours["geometry"].to_numpy())],
            }
        },
    }

    def arrow(frame: pd.DataFrame) -> pa.Table:
        return pa.table(
            {
                "level": pa.array(frame["level"], pa.string()),
                "territory_code": pa.array(frame["territory_code"], pa.string()),
                "departement_code": pa.array(frame["departement_code"], pa.string()),
                "region_code": pa.array(frame["region_code"], pa.string()),
                "geometry": pa.array(shapely.to_wkb(frame["geometry"].to_numpy(), output_dimension=2), pa.binary()),
            }
        )

    schema = arrow(contours.iloc[:0]).schema.with_metadata({"geo": json.dumps(geo)})
    with pq.ParquetWriter(out, schema, compression="zstd", compression_level=19) as writer:
        for _departement, rows in local.groupby("departement_code", sort=True):
            writer.write_table(arrow(rows).cast(schema))
        writer.write_table(arrow(national).cast(schema))


def with_points(table: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """The France table with each commune's representative point (empty for the others)."""
    return table.join(points, on="territory_code").assign(
        longitude=lambda frame: frame["longitude"].where(frame["level"] == "commune"),
        latitude=lambda frame: frame["latitude"].where(frame["level"] == "commune"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="dossier decoupage_administratif_6.0.0")
    parser.add_argument("--contours", type=Path, default=DEFAULT_CONTOURS, help="dossier contours_communes_2018")
    parser.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR, help="dossier où écrire les tables")
    args = parser.parse_args()
    table = france_territories(args.source)
    contours, orphans = contour_table(args.source, args.contours, table)
    if orphans:
        raise SystemExit(f"contours de 2018 sans commune actuelle : {orphans}")
    table = with_points(table, representative_points(contours))
    table.to_csv(args.out / FRANCE_TERRITORIES_FILE, index=False, lineterminator="\n")
    gaps = contour_gaps(table, contours)
    gaps.to_csv(args.out / CONTOUR_GAPS_FILE, index=False, lineterminator="\n")
    write_geoparquet(contours, args.out / CONTOURS_FILE)
    counts = table["level"].value_counts()
    print(
        f"{len(table)} territoires écrits dans {args.out / FRANCE_TERRITORIES_FILE} : "
        + ", ".join(f"{counts.get(level, 0)} {level}" for level in LEVEL_ORDER)
    )
    print(f"{len(contours)} contours écrits dans {args.out / CONTOURS_FILE}")
    print(f"{len(gaps)} territoires sans contour listés dans {args.out / CONTOUR_GAPS_FILE}")


if __name__ == "__main__":
    main()
