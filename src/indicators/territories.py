"""The département's territories and their facts: communes, EPTs, populations, rates.

Three levels nest: a commune belongs to one établissement public territorial (EPT), the four
EPTs make up the département. Figures of an EPT or of the département are sums of their
communes of the Hauts-de-Seine (Boucle Nord de Seine also covers Argenteuil, in the Val-d'Oise:
its figures here are those of its six communes of the Hauts-de-Seine only).

Populations are the INSEE municipal populations (all inhabitants, not minors): a rate per
10 000 inhabitants compares territories of different sizes, it is not a share of minors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from indicators.i18n import N_, _
from indicators.labels import localized_column

# Counts or populations: a column, an array or a list (missing values allowed).
Numbers = pd.Series | NDArray[np.generic] | Sequence[float | None]

DEPARTMENT = "92"
DEPARTMENT_NAME = "Hauts-de-Seine"

# French texts marked for the catalogue: shown with `_()` in the viewer's language.
LEVELS_FR = {
    "commune": N_("Communes"),
    "ept": N_("Établissements publics territoriaux (EPT)"),
    "departement": N_("Département"),
}
# "EPT" is the same acronym in English: not marked (the catalogue's "EPT" is the plural of a page's choice).
LEVEL_SINGULAR_FR = {"commune": N_("commune"), "ept": "EPT", "departement": N_("département")}

RATE_BASE = 10_000
RATE_UNIT_FR = N_("pour 10 000 habitants")
RATE_CAVEAT_FR = N_(
    "Un taux pour 10 000 habitants rapporte l'effectif à toute la population municipale (INSEE), "
    "pas au nombre de mineurs : il permet de comparer des territoires de tailles différentes, "
    "il ne mesure pas un risque. Sur de petits effectifs, il varie beaucoup d'une année à l'autre."
)
# Boucle Nord de Seine also covers Argenteuil (Val-d'Oise), which this département's data do not.
PARTIAL_EPT = "200057990"
PARTIAL_EPT_NOTE_FR = N_(
    "Boucle Nord de Seine compte aussi Argenteuil (Val-d'Oise) : ses chiffres ici ne couvrent "
    "que ses six communes des Hauts-de-Seine."
)


def communes(territories: pd.DataFrame) -> pd.DataFrame:
    """The département's communes, in code order."""
    mine = territories.loc[(territories["level"] == "commune") & (territories["parent_code"] == DEPARTMENT)]
    return mine.sort_values("territory_code", ignore_index=True)


def epts(territories: pd.DataFrame) -> pd.DataFrame:
    """The département's EPTs, in code order."""
    mine = territories.loc[(territories["level"] == "ept") & (territories["parent_code"] == DEPARTMENT)]
    return mine.sort_values("territory_code", ignore_index=True)


def ept_of(territories: pd.DataFrame) -> dict[str, str]:
    """Each commune's EPT code (communes without one are left out)."""
    mine = communes(territories).dropna(subset=["ept_code"])
    return dict(zip(mine["territory_code"], mine["ept_code"]))


def level_of(territories: pd.DataFrame, territory_code: str) -> str:
    """ "commune", "ept" or "departement"."""
    if territory_code == DEPARTMENT:
        return "departement"
    return "ept" if territory_code in set(epts(territories)["territory_code"]) else "commune"


def members(territories: pd.DataFrame, territory_code: str) -> list[str] | None:
    """The communes a territory's figures add up: itself for a commune, its communes for an EPT,
    None (every row) for the département."""
    if territory_code == DEPARTMENT:
        return None
    inside = [commune for commune, ept in ept_of(territories).items() if ept == territory_code]
    return inside or [territory_code]


def names(territories: pd.DataFrame) -> dict[str, str]:
    """Name of every territory in the current language ("Monde" / "World"; French by default and where
    the English is missing), the département's included."""
    return dict(zip(territories["territory_code"], localized_column(territories, "name")))


def populations(territories: pd.DataFrame) -> pd.Series:
    """Municipal population per territory code: each commune's, and for an EPT or the
    département the sum of its communes (Int64, index territory_code)."""
    mine = communes(territories)
    commune_population = mine.set_index("territory_code")["population"].astype("Int64")
    by_ept = mine.dropna(subset=["ept_code"]).groupby("ept_code")["population"].sum(min_count=1).astype("Int64")
    department = pd.Series([commune_population.sum(min_count=1)], index=[DEPARTMENT], dtype="Int64")
    return pd.concat([commune_population, by_ept, department]).rename("population")


def territory_choices(territories: pd.DataFrame, communes_with_data: list[str]) -> dict[str, str]:
    """Territories a page offers, in the order an official looks for them: the département, its
    EPTs, then the communes that have data (code → label)."""
    all_names = names(territories)
    choices = {DEPARTMENT: _("{department} (tout le département)").format(department=DEPARTMENT_NAME)}
    choices |= {code: f"{all_names.get(code, code)} (EPT)" for code in epts(territories)["territory_code"]}
    choices |= {
        code: all_names.get(code, code)
        for code in sorted(communes_with_data, key=lambda code: all_names.get(code, code))
    }
    return choices


def rate_per_10000(values: Numbers, population: Numbers) -> NDArray[np.float64]:
    """Count × 10 000 / population, NaN where the population is unknown or not positive."""
    counts = np.asarray(values, dtype=np.float64)
    people = pd.Series(population, dtype="Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = counts * RATE_BASE / people
    return np.where(people > 0, rates, np.nan)


# « Taux pour 10 000 habitants »: the rate's unit after « Taux ».
MEASURES_FR = {"count": N_("Effectif"), "rate": N_("Taux pour 10 000 habitants")}


def measure_label(measure: str) -> str:
    """ "Effectif" or "Taux pour 10 000 habitants", in the current language (a page's `format_func`)."""
    return _(MEASURES_FR[measure])


def rate_decimals(rates: pd.Series) -> int:
    """One decimal for rates, two when every shown rate is below 1 (a small commune's rate of 0,4
    and another's of 0,2 must not both read 0)."""
    shown = rates.dropna()
    return 2 if len(shown) and shown.abs().max() < 1 else 1


def by_measure(ranked: pd.DataFrame, measure: str) -> pd.DataFrame:
    """A protected ranking (territory_code, name_fr, value, suppressed, population, rate) ranked by
    count or by rate: `value` holds the chosen measure, `count` the count; secret rows last, by name
    (their place would hint at their value), then territories without a population (no rate)."""
    if measure != "rate":
        return ranked.assign(count=ranked["value"])
    rated = ranked.assign(
        count=ranked["value"], value=ranked["rate"], unrated=ranked["rate"].isna() & ~ranked["suppressed"]
    )
    return (
        rated.sort_values(["suppressed", "unrated", "value", "name_fr"], ascending=[True, True, False, True])
        .drop(columns="unrated")
        .reset_index(drop=True)
    )


def measure_unit(unit: str, measure: str) -> str:
    """ "jeunes" for counts, "jeunes pour 10 000 habitants" for rates (`unit` in the current language)."""
    return f"{unit} {_(RATE_UNIT_FR)}" if measure == "rate" else unit
