"""The territory the dashboard serves, chosen at setup: `INDICATORS_TERRITORY`, a département's code
(`92`, the default; `93`, `2A`, `971`…), a région's (`REG-11`) or `FR`.

A bare code is a département's: région and département codes overlap (11 is the Aude and
Île-de-France, 93 the Seine-Saint-Denis and Provence-Alpes-Côte d'Azur), so a région is written as
INSEE's local-data API writes it, `REG-11`, and `DEP-11` is accepted for a département. A région's
territory code in the app is that form too: at France scope the Aude (11) and Île-de-France
(REG-11) are both there.

Its territories (its communes with their populations and points, their intercommunalités, its
départements and régions, the scope itself) are read from `data/france_territories.csv`, France's
reference built from the published sources (`scripts/make_territories.py`), never typed by hand.
An intercommunalité is the commune's établissement public territorial inside the Métropole du Grand
Paris, its EPCI à fiscalité propre elsewhere; one that also holds communes outside the scope is
counted here for its communes inside only, and says so (`outside_count`, `outside_names`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.config import DEFAULT_DATA_DIR, TERRITORY_VARIABLE, data_dir, default_territory
from indicators.formatting import format_number
from indicators.i18n import N_, _, current_language, ngettext

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
# The levels of the territories a scope holds, finest first; a scope's own level is its top.
SCOPE_LEVELS = ("commune", "interco", "departement", "region", "pays")
REGION_PREFIX = "REG-"
# An intercommunalité across two départements of a région's or France's scope is shown as one part per
# département (`interco_parts`): its code, this separator, the département's code.
PART_SEPARATOR = "@"
DEPARTEMENT_PREFIX = "DEP-"
FRANCE_CODE = "FR"


# How the texts name the whole each territory is compared with (« au-dessus du taux du département »,
# « … de la région », « … national »): of, the, to, by the scope's level (`whole_words`).
WHOLE_WORDS = {
    "departement": (N_("du département"), N_("le département"), N_("au département")),
    "region": (N_("de la région"), N_("la région"), N_("à la région")),
    "pays": (N_("national"), N_("la France"), N_("à la France")),
}


# Who produces the field observations, as a sheet's header names them: the council of the scope.
PRODUCER_WORDS = {"departement": N_("du Département"), "region": N_("de la Région"), "pays": N_("en France")}


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
            name=self.name, count=format_number(self.communes)
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


def whole_words() -> dict[str, str]:
    """`of_whole`, `the_whole`, `to_whole` in the current language, for a text's `format`: the whole
    the scope's territories are compared with (« du département », « de la région », « national »)."""
    of_whole, the_whole, to_whole = WHOLE_WORDS[current_scope().level]
    return {"of_whole": _(of_whole), "the_whole": _(the_whole), "to_whole": _(to_whole)}


def producer_words() -> str:
    """« du Département », « de la Région », « en France »: whose field observations a sheet shows."""
    return _(PRODUCER_WORDS[current_scope().level])


def region_code(code: str) -> str:
    """A région's territory code in the app (`REG-11`) from its COG code (`11`)."""
    return REGION_PREFIX + code


def resolve_scope(setting: str, france: pd.DataFrame) -> Scope:
    """The territory a setting names (`92`, `DEP-11`, `REG-11`, `FR`); ScopeError with a French
    message for anything else."""
    setting = setting.strip().upper().replace(" ", "")
    communes = france.loc[france["level"] == "commune"]
    if setting in (FRANCE_CODE, "FRANCE"):
        return Scope("pays", FRANCE_CODE, "France", 0, len(communes))
    if setting.startswith(REGION_PREFIX) or setting.startswith("REG"):
        level, code, column = "region", setting.removeprefix(REGION_PREFIX).removeprefix("REG"), "region_code"
    else:
        level, code, column = "departement", setting.removeprefix(DEPARTEMENT_PREFIX), "departement_code"
    known = france.loc[france["level"] == level].set_index("territory_code")
    if code not in known.index:
        raise ScopeError(
            _(
                "{variable}={setting} : ce n'est ni le code d'un département (92, 93, 2A, 971…), ni celui d'une "
                "région (REG-11), ni FR. Rien n'a été changé."
            ).format(variable=TERRITORY_VARIABLE, setting=setting)
        )
    row = known.loc[code]
    count = int((communes[column] == code).sum())
    if count == 0:
        raise ScopeError(
            _("{variable}={setting} : {name} n'a aucune commune dans le Code officiel géographique.").format(
                variable=TERRITORY_VARIABLE, setting=setting, name=row["name"]
            )
        )
    liaison = pd.to_numeric(pd.Series([row["liaison"]]), errors="coerce").fillna(0).astype(int).iloc[0]
    return Scope(level, region_code(code) if level == "region" else code, str(row["name"]), int(liaison), count)


def scope_communes(france: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The France table's communes inside a scope."""
    communes = france.loc[france["level"] == "commune"]
    if scope.level == "pays":
        return communes
    if scope.level == "region":
        return communes.loc[communes["region_code"] == scope.code.removeprefix(REGION_PREFIX)]
    return communes.loc[communes["departement_code"] == scope.code]


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
    France, the départements published figures are about), the scope itself, its régions and
    départements (at France or région scope), its intercommunalités and its communes, each with its
    sources. A commune's parent is its département, a département's its région (`REG-11`)."""
    communes = scope_communes(france, scope)
    interco_of = interco_parts(communes)
    upper = upper_rows(france, communes, scope)
    # The shipped rows stay, but for what the France table gives: a data folder may add communes of
    # its own to the scope (the bench's fictitious roll-up, `benchmarks/bench.py`).
    generated = set(communes["territory_code"]) | set(upper["territory_code"])
    kept = shipped.loc[(shipped["level"] != "interco") & ~shipped["territory_code"].isin(generated)]
    added = kept.loc[kept["level"] == "commune"]
    rows: list[pd.DataFrame] = [kept.loc[kept["level"] != "commune"], upper]
    rows.append(interco_rows(france, communes, interco_of, scope))
    rows.append(
        pd.DataFrame(
            {
                "territory_code": communes["territory_code"].to_numpy(),
                "name_fr": communes["name"].to_numpy(),
                "name_en": communes["name"].to_numpy(),
                "level": "commune",
                "parent_code": communes["departement_code"].to_numpy(),
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


def upper_rows(france: pd.DataFrame, communes: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The scope itself and, under it, the régions and départements its communes lie in (none under
    a département): each département's parent is its région, each région's France."""
    departements = france.loc[
        (france["level"] == "departement") & france["territory_code"].isin(communes["departement_code"])
    ]
    regions = france.loc[(france["level"] == "region") & france["territory_code"].isin(departements["region_code"])]
    frames = [pd.DataFrame({"territory_code": [scope.code], "name": [scope.name], "level": [scope.level]})]
    frames[0]["parent_code"] = "WLD" if scope.level == "pays" else FRANCE_CODE
    if scope.level in ("region", "pays"):
        frames.append(departements.assign(level="departement", parent_code=REGION_PREFIX + departements["region_code"]))
    if scope.level == "pays":
        frames.append(
            regions.assign(
                level="region", territory_code=REGION_PREFIX + regions["territory_code"], parent_code=FRANCE_CODE
            )
        )
    table = pd.concat(frames, ignore_index=True)
    return pd.DataFrame(
        {
            "territory_code": table["territory_code"].to_numpy(),
            "name_fr": table["name"].to_numpy(),
            "name_en": table["name"].to_numpy(),
            "level": table["level"].to_numpy(),
            "parent_code": table["parent_code"].to_numpy(),
            "source_id": COMMUNE_SOURCE,
        }
    )


def interco_parts(communes: pd.DataFrame) -> pd.Series:
    """Each commune's intercommunalité (its EPT, else its EPCI; missing for none), or, for one that
    spans two départements of the scope, its part in the commune's département (`PART_SEPARATOR`).

    Parts keep the territories a tree (commune → intercommunalité → département → région → France):
    a whole intercommunalité across a département's border beside that département's own total would
    let sums of one be differenced against the other, and the secret's exact audit then needs dozens
    of rounds (120 s for 111 000 rows of three départements of Île-de-France, 4 s with parts)."""
    interco = communes["ept_code"].fillna(communes["epci_code"])
    spread = communes.groupby(interco)["departement_code"].nunique()
    across = interco.map(spread).fillna(0) > 1
    return interco.where(~across, interco + PART_SEPARATOR + communes["departement_code"])


def interco_rows(france: pd.DataFrame, communes: pd.DataFrame, interco_of: pd.Series, scope: Scope) -> pd.DataFrame:
    """The scope's intercommunalités or their parts (`interco_of`, `interco_parts`) as rows of its
    table, each with its form, what it holds outside the scope or outside its part, and its parent:
    its département, the scope's for a département."""
    groups = france.loc[france["level"].isin(["epci", "ept"])].drop_duplicates("territory_code")
    groups = groups.set_index("territory_code")
    departement_names = france.loc[france["level"] == "departement"].set_index("territory_code")["name"]
    intercos = sorted(interco_of.dropna().unique())
    whole = [code.split(PART_SEPARATOR)[0] for code in intercos]
    parent = [code.split(PART_SEPARATOR)[1] if PART_SEPARATOR in code else None for code in intercos]
    if scope.level == "departement":
        parent = [scope.code] * len(intercos)
    else:
        first = communes["departement_code"].groupby(interco_of).first()
        parent = [found or str(first[code]) for found, code in zip(parent, intercos)]
    members = communes["territory_code"].groupby(interco_of)
    outside = outside_of_part(france, {str(code): set(found) for code, found in members})
    names = {str(code): str(name) for code, name in groups["name"].items()}
    departement_name = {str(code): str(name) for code, name in departement_names.items()}
    named = [
        names[code] + " (" + departement_name.get(str(dep), str(dep)) + ")" if PART_SEPARATOR in part else names[code]
        for part, code, dep in zip(intercos, whole, parent)
    ]
    return pd.DataFrame(
        {
            "territory_code": intercos,
            "name_fr": named,
            "name_en": named,
            "level": "interco",
            "parent_code": parent,
            "source_id": INTERCO_SOURCE,
            "kind": [groups["kind"].get(code) for code in whole],
            "outside_count": pd.array([outside.get(code, (0, None))[0] for code in intercos], dtype="Int64"),
            "outside_names": [outside.get(code, (0, None))[1] for code in intercos],
        }
    )


def departement_regions(france: pd.DataFrame) -> pd.Series:
    """Each département's région code (COG, `11`), indexed by the département's code."""
    departements = france.loc[france["level"] == "departement"]
    return pd.Series(departements["region_code"].to_numpy(), index=departements["territory_code"].to_numpy())


def outside_of_part(france: pd.DataFrame, inside: dict[str, set[str]]) -> dict[str, tuple[int, str]]:
    """For each intercommunalité (or part of one) whose communes here (`inside`, code → communes) are
    not all of its communes, how many others it holds and what a note names them by: their names
    with their département's when a few (« Argenteuil (Val-d'Oise) »), else their départements' names."""
    members = france.loc[france["level"] == "commune"]
    members = members.assign(interco=members["ept_code"].fillna(members["epci_code"]))
    wanted = {code.split(PART_SEPARATOR)[0] for code in inside}
    members = members.loc[members["interco"].isin(wanted)]
    by_interco = {str(code): frame for code, frame in members.groupby("interco")}
    departement_names = france.loc[france["level"] == "departement"].set_index("territory_code")["name"]
    found: dict[str, tuple[int, str]] = {}
    for code, communes in inside.items():
        mine = by_interco.get(code.split(PART_SEPARATOR)[0])
        if mine is None:
            continue
        others = mine.loc[~mine["territory_code"].isin(communes)]
        if others.empty:
            continue
        if len(others) <= OUTSIDE_NAMED:
            named = [
                f"{name} ({departement_names.get(departement, departement)})"
                for name, departement in zip(others["name"], others["departement_code"])
            ]
        else:
            named = [str(departement_names.get(dep, dep)) for dep in sorted(others["departement_code"].unique())]
        found[code] = (len(others), ", ".join(named))
    return found


def arrondissements_of(commune_codes: list[str], france: pd.DataFrame) -> pd.DataFrame:
    """The arrondissements municipaux of these communes (Paris, Lyon, Marseille when in the scope):
    territory_code, name, commune_code (their city). Their figures are summed into their city."""
    found = france.loc[(france["level"] == "arrondissement") & france["commune_code"].isin(commune_codes)]
    return found[["territory_code", "name", "commune_code"]].reset_index(drop=True)
