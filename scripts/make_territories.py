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
- `arrondissement`: the arrondissements municipaux of Paris, Lyon and Marseille, each with its city
  (`commune_code`): figures given for them are summed into their city.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.config import DEFAULT_DATA_DIR

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = PROJECT.parent / "shared" / "reference" / "territoires" / "decoupage_administratif_6.0.0"
FRANCE_TERRITORIES_FILE = "france_territories.csv"

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
        {"level": "region", "territory_code": region["code"], "name": region["nom"]}
        for region in read_json(source, "regions.json")
    ]
    rows += [
        {
            "level": "departement",
            "territory_code": departement["code"],
            "name": departement["nom"],
            "region_code": departement["region"],
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
    order = table["level"].map({level: position for position, level in enumerate(LEVEL_ORDER)})
    return table.assign(order=order).sort_values(["order", "territory_code"]).drop(columns="order")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="dossier decoupage_administratif_6.0.0")
    parser.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR / FRANCE_TERRITORIES_FILE, help="fichier écrit")
    args = parser.parse_args()
    table = france_territories(args.source)
    table.to_csv(args.out, index=False, lineterminator="\n")
    counts = table["level"].value_counts()
    print(
        f"{len(table)} territoires écrits dans {args.out} : "
        + ", ".join(f"{counts.get(level, 0)} {level}" for level in LEVEL_ORDER)
    )


if __name__ == "__main__":
    main()
