"""The territory the dashboard serves, chosen at setup: `INDICATORS_TERRITORY`, a département's code
(`92`, the default; `93`, `2A`, `971`…).

Its territories (its communes with their populations and points, their intercommunalités, the
département itself) are read from `data/france_territories.csv`, France's reference built from the
published sources (`scripts/make_territories.py`), never typed by hand. An intercommunalité is the
commune's établissement public territorial inside the Métropole du Grand Paris, its EPCI à fiscalité
propre elsewhere; one that also holds communes outside the scope is counted here for its communes
inside only, and says so (`outside_count`, `outside_names`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.config import DEFAULT_DATA_DIR, TERRITORY_VARIABLE, data_dir, default_territory
from indicators.i18n import _, current_language, ngettext

FRANCE_TERRITORIES_FILE = "france_territories.csv"
# The rows of the scope's table take their provenance from these sources (data/sources.csv).
COMMUNE_SOURCE = "INSEE_COG"
POPULATION_SOURCE = "INSEE_POPULATIONS_LEGALES"
INTERCO_SOURCE = "ETALAB_DECOUPAGE_ADMINISTRATIF"
POINT_SOURCE = "IGN_ADMIN_EXPRESS_CENTROIDES"
# How many communes outside the scope an intercommunalité's note names one by one.
OUTSIDE_NAMED = 3
# « de » before a name, by the COG's type of name (`liaison`).
OF_FORMS = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'"}


class ScopeError(ValueError):
    """A territory setting that names no territory this dashboard can serve (French message)."""


@dataclass(frozen=True)
class Scope:
    """The territory served: its level, code, name, the COG's type of its name and its communes."""

    level: str
    code: str
    name: str
    liaison: int
    communes: int

    @property
    def of_name(self) -> str:
        """The name after « de », with its article in French (« des Hauts-de-Seine », « de la
        Seine-Saint-Denis », « de l'Ain »); the name alone in English."""
        if current_language() != "fr":
            return self.name
        return OF_FORMS.get(self.liaison, "de ") + self.name

    def described(self) -> str:
        """ "Seine-Saint-Denis, 39 communes": what a message names the scope by."""
        return ngettext("{name}, {count} commune", "{name}, {count} communes", self.communes).format(
            name=self.name, count=self.communes
        )


def territory_setting() -> str:
    """$INDICATORS_TERRITORY, trimmed and upper-cased (`2a` is `2A`); the default when unset."""
    configured = os.environ.get(TERRITORY_VARIABLE, "").strip().upper()
    return configured or default_territory()


@lru_cache(maxsize=4)
def _france(path: Path, modified: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]).astype(
        {"population": "Int64", "liaison": "Int64", "longitude": "float64", "latitude": "float64"}
    )


def france_territories(folder: Path | None = None) -> pd.DataFrame:
    """Every territory of France (data/france_territories.csv), read once per file version."""
    path = (folder or data_dir()) / FRANCE_TERRITORIES_FILE
    if not path.exists():
        path = DEFAULT_DATA_DIR / FRANCE_TERRITORIES_FILE
    return _france(path, path.stat().st_mtime_ns)


def resolve_scope(setting: str, france: pd.DataFrame) -> Scope:
    """The département a setting names; ScopeError with a French message for anything else."""
    departements = france.loc[france["level"] == "departement"].set_index("territory_code")
    communes = france.loc[france["level"] == "commune"]
    if setting not in departements.index:
        raise ScopeError(
            _(
                "{variable}={setting} : ce n'est pas le code d'un département (92, 93, 2A, 971…). Rien n'a été changé."
            ).format(variable=TERRITORY_VARIABLE, setting=setting)
        )
    row = departements.loc[setting]
    count = int((communes["departement_code"] == setting).sum())
    if count == 0:
        raise ScopeError(
            _("{variable}={setting} : {name} n'a aucune commune dans le Code officiel géographique.").format(
                variable=TERRITORY_VARIABLE, setting=setting, name=row["name"]
            )
        )
    liaison = pd.to_numeric(pd.Series([row["liaison"]]), errors="coerce").fillna(0).astype(int).iloc[0]
    return Scope("departement", setting, str(row["name"]), int(liaison), count)


@lru_cache(maxsize=8)
def _scope(setting: str, path: Path, modified: int) -> Scope:
    return resolve_scope(setting, _france(path, modified))


def current_scope(folder: Path | None = None) -> Scope:
    """The scope $INDICATORS_TERRITORY names (the Hauts-de-Seine when unset)."""
    path = (folder or data_dir()) / FRANCE_TERRITORIES_FILE
    if not path.exists():
        path = DEFAULT_DATA_DIR / FRANCE_TERRITORIES_FILE
    return _scope(territory_setting(), path, path.stat().st_mtime_ns)


def scope_territories(france: pd.DataFrame, scope: Scope, shipped: pd.DataFrame) -> pd.DataFrame:
    """The territories table of a scope (`schemas.TerritorySchema`): the shipped rows (the world,
    France, the départements published figures are about), the scope itself, its intercommunalités
    and its communes, each with its sources."""
    communes = france.loc[(france["level"] == "commune") & (france["departement_code"] == scope.code)]
    interco_of = communes["ept_code"].fillna(communes["epci_code"])
    # The shipped rows stay, but for what the France table gives: a data folder may add communes of
    # its own to the scope (the bench's fictitious roll-up, `benchmarks/bench.py`).
    kept = shipped.loc[(shipped["level"] != "interco") & ~shipped["territory_code"].isin(communes["territory_code"])]
    added = kept.loc[kept["level"] == "commune"]
    rows: list[pd.DataFrame] = [kept.loc[kept["level"] != "commune"]]
    if scope.code not in set(kept["territory_code"]):
        rows.append(
            pd.DataFrame(
                {
                    "territory_code": [scope.code],
                    "name_fr": [scope.name],
                    "name_en": [scope.name],
                    "level": [scope.level],
                    "parent_code": ["FR"],
                    "source_id": [COMMUNE_SOURCE],
                }
            )
        )
    rows.append(interco_rows(france, interco_of, scope))
    rows.append(
        pd.DataFrame(
            {
                "territory_code": communes["territory_code"].to_numpy(),
                "name_fr": communes["name"].to_numpy(),
                "name_en": communes["name"].to_numpy(),
                "level": "commune",
                "parent_code": scope.code,
                "source_id": COMMUNE_SOURCE,
                "population": communes["population"].to_numpy(),
                "population_source_id": POPULATION_SOURCE,
                "interco_code": interco_of.to_numpy(),
                "longitude": communes["longitude"].to_numpy(),
                "latitude": communes["latitude"].to_numpy(),
                "point_source_id": communes["longitude"].notna().map({True: POINT_SOURCE, False: None}).to_numpy(),
            }
        ).sort_values("territory_code")
    )
    rows.append(added)
    table = pd.concat(rows, ignore_index=True)
    return table.astype({"population": "Int64", "outside_count": "Int64"})


def interco_rows(france: pd.DataFrame, interco_of: pd.Series, scope: Scope) -> pd.DataFrame:
    """The scope's intercommunalités (`interco_of`: its communes' EPT or EPCI) as rows of its table,
    each with its form and what it holds outside the scope."""
    groups = france.loc[france["level"].isin(["epci", "ept"])].drop_duplicates("territory_code")
    groups = groups.set_index("territory_code")
    all_members = france.loc[france["level"] == "commune"].assign(
        interco=lambda frame: frame["ept_code"].fillna(frame["epci_code"])
    )
    intercos = sorted(interco_of.dropna().unique())
    outside = [outside_members(all_members, code, scope.code, france) for code in intercos]
    return pd.DataFrame(
        {
            "territory_code": intercos,
            "name_fr": [groups.at[code, "name"] for code in intercos],
            "name_en": [groups.at[code, "name"] for code in intercos],
            "level": "interco",
            "parent_code": scope.code,
            "source_id": INTERCO_SOURCE,
            "kind": [groups.at[code, "kind"] for code in intercos],
            "outside_count": pd.array([count for count, _names in outside], dtype="Int64"),
            "outside_names": [names for _count, names in outside],
        }
    )


def outside_members(
    members: pd.DataFrame, interco: str, scope_code: str, france: pd.DataFrame
) -> tuple[int, str | None]:
    """How many of an intercommunalité's communes lie outside the scope, and what a note names
    them by: their names with their département's when a few (« Argenteuil (Val-d'Oise) »), else
    their départements' names."""
    mine = members.loc[members["interco"] == interco]
    outside = mine.loc[mine["departement_code"] != scope_code]
    if outside.empty:
        return 0, None
    departement_names = france.loc[france["level"] == "departement"].set_index("territory_code")["name"]
    if len(outside) <= OUTSIDE_NAMED:
        named = [
            f"{name} ({departement_names.get(departement, departement)})"
            for name, departement in zip(outside["name"], outside["departement_code"])
        ]
    else:
        named = [str(departement_names.get(code, code)) for code in sorted(outside["departement_code"].unique())]
    return len(outside), ", ".join(named)


def arrondissements_of(commune_codes: list[str], france: pd.DataFrame) -> pd.DataFrame:
    """The arrondissements municipaux of these communes (Paris, Lyon, Marseille when in the scope):
    territory_code, name, commune_code (their city). Their figures are summed into their city."""
    found = france.loc[(france["level"] == "arrondissement") & france["commune_code"].isin(commune_codes)]
    return found[["territory_code", "name", "commune_code"]].reset_index(drop=True)
