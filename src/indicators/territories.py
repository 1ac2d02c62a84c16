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
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from indicators.comparisons import FUNNEL_LEVELS, Coverage, months_covered, rate_interval, standing
from indicators.formatting import format_number, format_share
from indicators.i18n import N_, _, localized_column, ngettext
from indicators.scope import OUTSIDE_NAMED, PART_SEPARATOR, current_scope, whole_words

# Counts or populations: a column, an array or a list (missing values allowed).
Numbers = pd.Series | NDArray[np.generic] | Sequence[float | None]


def scope_code() -> str:
    """The code of the territory served, whose communes' figures every other one adds up
    (`scope.current_scope`: $INDICATORS_TERRITORY, the Hauts-de-Seine when unset)."""
    return current_scope().code


def scope_name() -> str:
    """The name of the territory served (« Hauts-de-Seine »)."""
    return current_scope().name


RATE_BASE = 10_000
RATE_UNIT_FR = N_("pour 10 000 habitants")
# When the communes counted do not cover the same number of months, rates are put on one year each.
ANNUAL_RATE_UNIT_FR = N_("pour 10 000 habitants et par an")
RATE_CAVEAT_FR = N_(
    "Un taux pour 10 000 habitants rapporte l'effectif à toute la population municipale (INSEE), "
    "pas au nombre de mineurs : il permet de comparer des territoires de tailles différentes, "
    "il ne mesure pas un risque. Sur de petits effectifs, il varie beaucoup d'une année à l'autre."
)


def partial_note(territories: pd.DataFrame, territory_code: str) -> str | None:
    """What an intercommunalité that also holds communes outside the scope must say of its figures
    (« Boucle Nord de Seine compte aussi Argenteuil (Val-d'Oise) : ses chiffres ici ne couvrent que
    ses 6 communes des Hauts-de-Seine. »); None for any other territory."""
    row = territories.loc[(territories["territory_code"] == territory_code) & (territories["level"] == "interco")]
    if row.empty or not row["outside_count"].fillna(0).iloc[0]:
        return None
    outside = int(row["outside_count"].iloc[0])
    inside = int((territories["interco_code"] == territory_code).sum())
    named = str(row["outside_names"].iloc[0])
    part = PART_SEPARATOR in territory_code
    if part:
        where = (
            named
            if outside <= OUTSIDE_NAMED
            else ngettext("{count} autre commune ({places})", "{count} autres communes ({places})", outside).format(
                count=outside, places=named
            )
        )
        return ngettext(
            "{interco} compte aussi {outside} : ses chiffres ici ne couvrent que sa commune de ce département.",
            "{interco} compte aussi {outside} : ses chiffres ici ne couvrent que ses {count} communes de ce "
            "département.",
            inside,
        ).format(interco=localized_column(row, "name").iloc[0], outside=where, count=inside)
    where = (
        named
        if outside <= OUTSIDE_NAMED
        else ngettext(
            "{count} commune hors du territoire ({places})", "{count} communes hors du territoire ({places})", outside
        ).format(count=outside, places=named)
    )
    return ngettext(
        "{interco} compte aussi {outside} : ses chiffres ici ne couvrent que sa commune {of_scope}.",
        "{interco} compte aussi {outside} : ses chiffres ici ne couvrent que ses {count} communes {of_scope}.",
        inside,
    ).format(
        interco=localized_column(row, "name").iloc[0], outside=where, count=inside, of_scope=current_scope().of_name
    )


def partial_notes(territories: pd.DataFrame, codes: Sequence[str] | None = None) -> list[str]:
    """The notes of every intercommunalité that reaches outside the scope (of `codes` only, when given):
    what a département's figures or a ranking of intercommunalités leave out."""
    mine = intercos(territories)["territory_code"]
    wanted = [code for code in mine if codes is None or code in codes]
    return [note for note in (partial_note(territories, code) for code in wanted) if note]


def every_interco_is_an_ept(territories: pd.DataFrame) -> bool:
    """Whether the scope's intercommunalités are all établissements publics territoriaux (the
    Hauts-de-Seine, the Seine-Saint-Denis): pages then call them EPT, as their officials do."""
    kinds = set(intercos(territories)["kind"].dropna())
    return kinds == {"EPT"}


def communes(territories: pd.DataFrame) -> pd.DataFrame:
    """The scope's communes, in code order."""
    mine = territories.loc[territories["level"] == "commune"]
    return mine.sort_values("territory_code", ignore_index=True)


def intercos(territories: pd.DataFrame) -> pd.DataFrame:
    """The scope's intercommunalités, in code order."""
    mine = territories.loc[territories["level"] == "interco"]
    return mine.sort_values("territory_code", ignore_index=True)


def interco_of(territories: pd.DataFrame) -> dict[str, str]:
    """Each commune's intercommunalité code (communes without one are left out)."""
    mine = communes(territories).dropna(subset=["interco_code"])
    return dict(zip(mine["territory_code"], mine["interco_code"]))


# The levels a commune adds up to, finest first, as far as the scope's own level.
UPPER_LEVELS = ("interco", "departement", "region", "pays")


def scope_levels() -> list[str]:
    """The levels of the scope's territories, finest first: commune, interco, then the scope's
    département, or its départements and région, or France's départements, régions and France."""
    top = current_scope().level
    return ["commune", *UPPER_LEVELS[: UPPER_LEVELS.index(top) + 1]]


def ancestors(territories: pd.DataFrame) -> pd.DataFrame:
    """Each commune of the scope (index) and the territory it adds up to at every level above it
    (`scope_levels`): its intercommunalité (missing for a commune in none), its département, its
    région, France, as far as the scope."""
    mine = communes(territories).set_index("territory_code")
    parents = territories.drop_duplicates("territory_code").set_index("territory_code")["parent_code"]
    chain = pd.DataFrame({"interco": mine["interco_code"]}, index=mine.index)
    chain["departement"] = mine["parent_code"]
    levels = scope_levels()
    if "region" in levels:
        chain["region"] = chain["departement"].map(parents)
    if "pays" in levels:
        chain["pays"] = scope_code()
    if levels[-1] != "departement":
        # A commune the data folder adds under the scope itself (`benchmarks/bench.py`) has no
        # département of its own: it adds up to the scope only.
        under_scope = chain["departement"] == scope_code()
        chain.loc[under_scope, list(levels[2:-1])] = None
    chain[levels[-1]] = scope_code()
    return chain[levels[1:]].astype("object")


def units_of(territories: pd.DataFrame, level: str) -> dict[str, str]:
    """Each commune's territory at `level` (its intercommunalité, département, région…), communes in
    none left out."""
    if level == "commune":
        return {code: code for code in communes(territories)["territory_code"]}
    found = ancestors(territories)[level].dropna()
    return {str(commune): str(unit) for commune, unit in found.items()}


def tiles_the_scope() -> bool:
    """Whether a slide draws the scope's communes as tiles: a département's (a few hundred at most),
    not a région's or France's."""
    return current_scope().level == "departement"


def maps_communes() -> bool:
    """Whether the communes are drawn on a map: up to a région's (1 300 or so, 1,2 MB of contours),
    not France's 35 000, which would weigh some 30 MB; France is drawn by départements and régions."""
    return current_scope().level != "pays"


def scope_units(territories: pd.DataFrame, level: str) -> pd.DataFrame:
    """The scope's territories of one level (its communes, intercommunalités, départements…) in code
    order: those its communes add up to."""
    codes = set(units_of(territories, level).values())
    mine = territories.loc[(territories["level"] == level) & territories["territory_code"].isin(codes)]
    return mine.drop_duplicates("territory_code").sort_values("territory_code", ignore_index=True)


def level_of(territories: pd.DataFrame, territory_code: str) -> str:
    """ "commune", "interco", "departement", "region" or "pays"."""
    if territory_code == scope_code():
        return current_scope().level
    found = territories.loc[territories["territory_code"] == territory_code, "level"]
    return str(found.iloc[0]) if len(found) else "commune"


def members(territories: pd.DataFrame, territory_code: str) -> list[str] | None:
    """The communes a territory's figures add up: itself for a commune, its communes for an
    intercommunalité, a département or a région of the scope, None (every row) for the scope."""
    if territory_code == scope_code():
        return None
    level = level_of(territories, territory_code)
    if level == "commune":
        return [territory_code]
    inside = [commune for commune, unit in units_of(territories, level).items() if unit == territory_code]
    return inside or [territory_code]


def names(territories: pd.DataFrame) -> dict[str, str]:
    """Name of every territory in the current language ("Monde" / "World"; French by default and where
    the English is missing), the département's included."""
    return dict(zip(territories["territory_code"], localized_column(territories, "name")))


def populations(territories: pd.DataFrame) -> pd.Series:
    """Municipal population per territory code: each commune's, and for an intercommunalité, a
    département, a région or the scope the sum of its communes (Int64, index territory_code)."""
    commune_population = communes(territories).set_index("territory_code")["population"].astype("Int64")
    chain = ancestors(territories)
    sums = [
        commune_population.groupby(chain[level].reindex(commune_population.index)).sum(min_count=1)
        for level in chain.columns
    ]
    return pd.concat([commune_population, *sums]).astype("Int64").rename("population")


def territory_choices(territories: pd.DataFrame, communes_with_data: list[str]) -> dict[str, str]:
    """Territories a page offers, in the order an official looks for them: the scope, its régions
    and départements (at France or région scope), its intercommunalités, then the communes that have
    data (code → label)."""
    all_names = names(territories)
    choices = {scope_code(): scope_choice_label()}
    for level in scope_levels()[2:-1][::-1]:
        units = scope_units(territories, level)
        choices |= {code: all_names.get(code, code) for code in units["territory_code"]}
    groups = intercos(territories)
    choices |= {
        code: f"{all_names.get(code, code)} ({kind})" for code, kind in zip(groups["territory_code"], groups["kind"])
    }
    choices |= {
        code: all_names.get(code, code)
        for code in sorted(communes_with_data, key=lambda code: all_names.get(code, code))
    }
    return choices


def scope_choice_label() -> str:
    """« Hauts-de-Seine (tout le département) », « Île-de-France (toute la région) », « France (tout le
    pays) »: the scope where a page offers territories."""
    scope = current_scope()
    if scope.level == "region":
        return _("{region} (toute la région)").format(region=scope.name)
    if scope.level == "pays":
        return _("{country} (tout le pays)").format(country=scope.name)
    return _("{department} (tout le département)").format(department=scope.name)


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


def measure_unit(unit: str, measure: str, annualised: bool = False) -> str:
    """ "jeunes" for counts, "jeunes pour 10 000 habitants" for rates, "… et par an" for annualised
    ones (`unit` in the current language)."""
    return f"{unit} {rate_unit(annualised)}" if measure == "rate" else unit


def rate_unit(annualised: bool = False) -> str:
    """ "pour 10 000 habitants", or "pour 10 000 habitants et par an" for an annualised rate."""
    return _(ANNUAL_RATE_UNIT_FR) if annualised else _(RATE_UNIT_FR)


# --- Coverage, intervals and the comparison with the whole ------------------------------------------

# Territories are classed against the whole at the funnel's outer limit (99,8 %): among 36 communes
# like the département, chance alone sets apart 0,07 on average at that level, 1,8 at 95 %
# (the limit is close to a Bonferroni correction for 36 comparisons: 0,05 / 36 ≈ 0,0014).
STANDING_LEVEL = FUNNEL_LEVELS[1]
STANDINGS_FR = {"above": N_("au-dessus"), "similar": N_("comparable"), "below": N_("en dessous")}


def standing_label(value: str | None) -> str:
    """ "au-dessus", "comparable", "en dessous" in the current language; "" for no class."""
    return _(STANDINGS_FR[value]) if value in STANDINGS_FR else ""


def commune_months(rows: pd.DataFrame) -> pd.Series:
    """Distinct calendar months each commune's dated rows cover (`comparisons.months_covered`)."""
    if rows.empty:
        return pd.Series(dtype="int64", name="months")
    spans = rows[["territory_code", "month", "months_spanned"]].drop_duplicates()
    # One pass over every commune at once (a group-by per commune took a minute for France's 35 000).
    commune, codes = pd.factorize(spans["territory_code"])
    spanned = spans["months_spanned"].to_numpy(dtype=np.int64)
    first = (spans["month"].dt.year * 12 + spans["month"].dt.month).to_numpy(dtype=np.int64)
    within = np.arange(spanned.sum()) - np.repeat(np.cumsum(spanned) - spanned, spanned)
    months = np.repeat(first, spanned) + within
    pairs = np.unique(np.repeat(commune.astype(np.int64), spanned) * (months.max() + 1) + months)
    counts = np.bincount(pairs // (months.max() + 1), minlength=len(codes))
    return pd.Series(counts, index=pd.Index(codes, name="territory_code"), name="months").sort_index()


def counted_exposure(rows: pd.DataFrame, territories: pd.DataFrame, level: str = "commune") -> pd.DataFrame:
    """Per territory of `level` with rows (dated, `observations.with_month`): the communes counted
    (those with rows) and expected, the population of the communes counted (never the whole
    territory's: a total of 10 communes divided by 36 communes' people reads as a low rate), and the
    exposure a rate divides by. When the communes counted cover different numbers of months, the
    exposure is people × years covered (`annualised`): three months of one commune and twelve of
    another are then compared per year. Population and exposure are NaN where a commune counted
    has no known population."""
    mine = communes(territories)
    people = mine.set_index("territory_code")["population"].astype("Float64")
    months = commune_months(rows.loc[rows["territory_code"].isin(people.index)])
    annualised = months.nunique() > 1
    frame = pd.DataFrame(
        {
            "territory_code": months.index.astype(str),
            "population": people.reindex(months.index).to_numpy(dtype=np.float64, na_value=np.nan),
            "months": months.to_numpy(),
        }
    )
    frame = frame.assign(exposure=frame["population"] * (frame["months"] / 12 if annualised else 1.0))
    if level != "commune":
        unit_of = units_of(territories, level)
        frame = frame.assign(territory_code=frame["territory_code"].map(unit_of)).dropna(subset=["territory_code"])
        expected = pd.Series(list(unit_of.values()), dtype="object").value_counts()
    else:
        expected = pd.Series(1, index=frame["territory_code"])
    grouped = frame.assign(unknown=frame["population"].isna()).groupby("territory_code", sort=True)
    summed = grouped.agg(
        population=("population", "sum"),
        exposure=("exposure", "sum"),
        communes=("months", "size"),
        unknown=("unknown", "any"),
    )
    return (
        summed.assign(
            population=summed["population"].mask(summed["unknown"]),
            exposure=summed["exposure"].mask(summed["unknown"]),
            communes_expected=expected.reindex(summed.index).fillna(summed["communes"]).astype("int64"),
            annualised=annualised,
        )
        .drop(columns="unknown")
        .reset_index()
    )


def rates_with_intervals(counts: pd.Series, exposure: pd.Series) -> pd.DataFrame:
    """Rate per 10 000 and its exact 95 % interval (Garwood, `comparisons.rate_interval`), NaN where
    the exposure is unknown. Callers pass visible counts only: an interval gives its count back."""
    low, high = rate_interval(counts.astype(float), exposure.astype(float))
    return pd.DataFrame(
        {"rate": rate_per_10000(counts, exposure), "rate_low": low, "rate_high": high}, index=counts.index
    )


@dataclass(frozen=True)
class Benchmark:
    """The whole each territory is compared with: the département's count over the communes counted,
    divided by their exposure (their population, or people × years when annualised). `shown` is
    False when the département's total is under the secret, or a commune counted has no population:
    there is then no benchmark, hence no comparison."""

    count: int
    exposure: float
    coverage: Coverage
    annualised: bool
    shown: bool

    @property
    def rate(self) -> float | None:
        if not self.shown or not self.exposure > 0:
            return None
        return self.count * RATE_BASE / self.exposure

    @property
    def comparable(self) -> bool:
        """Territories can be compared with it: shown, and a rate above zero (against a rate of 0 every
        territory with a report would be « au-dessus » and none could be below)."""
        return self.rate is not None and self.rate > 0


def benchmark_of(rows: pd.DataFrame, territories: pd.DataFrame, total_shown: bool, months_expected: int) -> Benchmark:
    """The benchmark of dated rows (one indicator and public over a span of `months_expected`
    months): the département's communes that have rows, their count and exposure."""
    counted = counted_exposure(rows, territories, "commune")
    mine = rows.loc[rows["territory_code"].isin(counted["territory_code"])]
    exposure = float(counted["exposure"].sum()) if not counted["exposure"].isna().any() else float("nan")
    return Benchmark(
        count=int(mine["value"].sum()),
        exposure=exposure,
        coverage=Coverage(
            communes=len(counted),
            communes_expected=len(communes(territories)),
            months=months_covered(mine),
            months_expected=months_expected,
        ),
        annualised=bool(counted["annualised"].any()) if len(counted) else False,
        shown=total_shown and bool(len(counted)) and bool(np.isfinite(exposure)),
    )


def with_standing(ranked: pd.DataFrame, benchmark: Benchmark) -> pd.DataFrame:
    """Each visible, rated territory "above", "similar" or "below" the benchmark at STANDING_LEVEL
    (`comparisons.standing`, the funnel's exact limits); None for a secret count (a class narrows
    it), a territory without a rate, or when the benchmark cannot be compared with."""
    classes = np.full(len(ranked), None, dtype=object)
    rated = (~ranked["suppressed"].astype(bool) & ranked["exposure"].notna()).to_numpy()
    if benchmark.comparable and rated.any():
        assert benchmark.rate is not None  # comparable
        classes[rated] = standing(
            ranked.loc[rated, "count" if "count" in ranked else "value"].astype(float),
            ranked.loc[rated, "exposure"].astype(float),
            benchmark.rate,
            STANDING_LEVEL,
        )
    return ranked.assign(standing=classes)


def masked_bound(ranked: pd.DataFrame, benchmark: Benchmark | None) -> int | None:
    """What the secret allows about the masked territories of a ranking by count: their sum is the
    département's public total minus the visible ones, so none of them counts more than that.
    None when the total is itself secret (nothing bounds them). 0 when nothing is masked."""
    hidden = ranked["suppressed"].astype(bool)
    if not hidden.any():
        return 0
    if benchmark is None or not benchmark.shown:
        return None
    counts = ranked["count"] if "count" in ranked else ranked["value"]
    return max(0, benchmark.count - int(counts.loc[~hidden].sum()))


def chance_note(classified: int, level: str) -> str:
    """Which limit the classes use and what chance alone would do among `classified` territories
    like the whole, at that limit and at 95 % (`level`: "commune", "EPT" or "interco", as
    `findings.ranking_finding` names places)."""
    expected = classified * (1 - STANDING_LEVEL)
    loose = classified * (1 - FUNNEL_LEVELS[0])
    places = (
        ngettext("{count} commune", "{count} communes", classified)
        if level == "commune"
        else ngettext("{count} EPT", "{count} EPT", classified)
        if level == "EPT"
        else ngettext("{count} territoire", "{count} territoires", classified)
        if level in ("departement", "region")
        else ngettext("{count} intercommunalité", "{count} intercommunalités", classified)
    ).format(count=classified)
    return _(
        "Un territoire est « au-dessus » ou « en dessous » quand son taux sort de la limite à {level} de "
        "l'entonnoir (test exact de Poisson contre le taux {of_whole}), « comparable » sinon. "
        "Parmi {places} semblables {to_whole}, le hasard seul en écarterait {expected} en moyenne à cette "
        "limite ({loose} à {loose_level})."
    ).format(
        level=format_share(STANDING_LEVEL * 100, 1),
        places=places,
        expected=format_number(expected, 2),
        loose=format_number(loose, 1),
        loose_level=format_share(FUNNEL_LEVELS[0] * 100),
        **whole_words(),
    )
