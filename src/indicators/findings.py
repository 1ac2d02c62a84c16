"""Chart titles that state the finding, computed from the data drawn (never typed by hand), in the
current language: labels and units are given in it by the caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from indicators.changes import finding_clause, read_change
from indicators.comparisons import Coverage
from indicators.formatting import (
    format_month,
    format_number,
    format_span,
    with_unit,
)
from indicators.i18n import N_, _, ngettext
from indicators.observations import GRANULARITIES, MONTHS_PER_PERIOD, with_month
from indicators.scope import whole_words
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.secret.rules import ProtectedChange


def latest_period(series: pd.DataFrame, frequency: str) -> pd.Series:
    """The period a finding states: the latest complete one, else the latest (period_start, value,
    complete, hidden: any point of it secret, covered: months it covers)."""
    hidden = series["suppressed"] if "suppressed" in series else pd.Series(False, index=series.index)
    covered = (
        series["months_covered"]
        if "months_covered" in series
        else pd.Series(MONTHS_PER_PERIOD[frequency], index=series.index)
    )
    totals = (
        series.assign(hidden=hidden, covered=covered)
        .groupby("period_start", as_index=False)
        .agg(value=("value", "sum"), complete=("complete", "all"), hidden=("hidden", "any"), covered=("covered", "max"))
    )
    complete = totals.loc[totals["complete"]]
    return (complete if not complete.empty else totals).iloc[-1]


def observation_finding(
    series: pd.DataFrame,
    label: str,
    unit: str,
    frequency: str,
    k: int = 5,
    changes: Mapping[pd.Timestamp, ProtectedChange] | None = None,
    coverage: Mapping[pd.Timestamp, Coverage] | None = None,
) -> str:
    """Latest complete period's total and its change against the same period one year before;
    the latest period, said to be partial, when none is complete; what it adds up when some
    communes did not report (`coverage`: `observations.period_coverage`).

    The change is the one `changes` gives for that period (`disclosure.period_changes`: like for
    like, through the secret), in the words of `changes.finding_clause`: « hausse nette » only beyond
    chance, « à champ constant » when the field is smaller than the periods; none without `changes`.
    A total with a secret point in it is never stated: it would give the secret away.
    """
    if series.empty:
        return _("{label} : aucune donnée pour cette sélection").format(label=label)
    latest = latest_period(series, frequency)
    when = format_month(latest["period_start"], frequency)
    partial = (
        ""
        if latest["complete"]
        else _(" (période incomplète : {covered} mois sur {months})").format(
            covered=latest["covered"], months=MONTHS_PER_PERIOD[frequency]
        )
    )
    if latest["hidden"]:
        return _("{label} en {period} : {symbol} (valeur masquée par le secret statistique){partial}").format(
            label=label, period=when, symbol=SECRET_SYMBOL, partial=partial
        )
    text = _("{label} : {value} en {period}{partial}").format(
        label=label, value=with_unit(latest["value"], unit), period=when, partial=partial
    ) + coverage_note((coverage or {}).get(pd.Timestamp(latest["period_start"])), bool(latest["complete"]))
    change = (changes or {}).get(pd.Timestamp(latest["period_start"]))
    year_before = latest["period_start"] - pd.DateOffset(years=1)
    return text + finding_clause(read_change(change), format_month(year_before, frequency))


def coverage_note(covered: Coverage | None, complete: bool) -> str:
    """ " (4 communes sur 36 ont transmis)" after a period's total; its missing months are said by
    the period's own note when it is incomplete."""
    if covered is None:
        return ""
    described = (
        covered if complete else replace(covered, months=covered.months_expected, fewest_months=None)
    ).describe()
    return f" ({described})" if described else ""


def published_finding(points: pd.DataFrame, label: str) -> str:
    """Latest published figure, and a warning when the points come from several sources."""
    if points.empty:
        return _("{label} : aucun chiffre publié pour ce territoire").format(label=label)
    latest = points.sort_values("date").iloc[-1]
    text = _("{label} : {figure} ({period}, dernier chiffre publié)").format(
        label=label, figure=latest["figure_text"], period=latest["period_text"]
    )
    sources = points["source_id"].nunique()
    if sources > 1:
        text = _("{finding} ; {count} sources aux méthodes différentes, points non reliés").format(
            finding=text, count=sources
        )
    return text


def covered_periods(rows: pd.DataFrame) -> tuple[str, str | None] | None:
    """The periods some rows actually cover, as (first, last) texts, last None for a single period
    or span ("2025", "janvier – mars 2026"); None for no rows."""
    if rows.empty:
        return None
    dated = rows if "months_spanned" in rows else with_month(rows)
    first = dated["month"].min()
    last = dated["month"].max()
    last_end = last + pd.DateOffset(months=int(dated.loc[dated["month"] == last, "months_spanned"].max()) - 1)
    if first.month == 1 and last_end.month == 12:
        return (str(first.year), None) if first.year == last_end.year else (str(first.year), str(last_end.year))
    frequency = GRANULARITIES[int(dated["months_spanned"].min())]
    if first.year == last.year:
        return format_span(first, last, frequency), None
    return format_month(first, frequency), format_month(last, frequency)


def covered_text(rows: pd.DataFrame) -> str:
    """The periods some rows actually cover, as a sentence ends: "en 2025", "de 2024 à 2025",
    "en janvier – mars 2026", "de T2 2024 à T1 2025" (never "en 2026" for three months of it)."""
    periods = covered_periods(rows)
    if periods is None:
        return _("sur la période choisie")
    first, last = periods
    if last is None:
        return _("en {period}").format(period=first)
    return _("de {start} à {end}").format(start=first, end=last)


def covered_label(rows: pd.DataFrame) -> str:
    """The same periods as a table cell: "2025", "2024 à 2025", "janvier – mars 2026"."""
    periods = covered_periods(rows)
    if periods is None:
        return _("sur la période choisie")
    first, last = periods
    return first if last is None else _("{start} à {end}").format(start=first, end=last)


# A headline names at most this many territories of a class, then says how many more.
NAMED_AT_MOST = 3


def named_places(names: list[str], at_most: int = NAMED_AT_MOST) -> str:
    """ "Nanterre, Colombes", or "Antony, Bagneux, Clamart et 2 autres" (`at_most` names, then a count)."""
    if len(names) <= at_most:
        return ", ".join(names)
    rest = len(names) - at_most
    return ngettext("{names} et {count} autre", "{names} et {count} autres", rest).format(
        names=", ".join(names[:at_most]), count=format_number(rest)
    )


# Départements and régions ranked: named « territoires » (one agreement for both).
UPPER_PLACES = ("departement", "region")


def no_standing_text(places: str) -> str:
    """ "{label} {period} : aucune commune ne s'écarte du taux {of_whole} ({rate}) …", agreed with
    the places ranked ("commune", "EPT" or "interco")."""
    if places == "commune":
        return _("{label} {period} : aucune commune ne s'écarte du taux {of_whole} ({rate}) au-delà du hasard")
    if places == "EPT":
        return _("{label} {period} : aucun EPT ne s'écarte du taux {of_whole} ({rate}) au-delà du hasard")
    if places in UPPER_PLACES:
        return _("{label} {period} : aucun territoire ne s'écarte du taux {of_whole} ({rate}) au-delà du hasard")
    return _("{label} {period} : aucune intercommunalité ne s'écarte du taux {of_whole} ({rate}) au-delà du hasard")


def above_text(places: str, count: int) -> str:
    """ "{count} communes au-dessus du taux {of_whole} ({names})", agreed with the places ranked."""
    if places == "commune":
        return ngettext(
            "{count} commune au-dessus du taux {of_whole} ({names})",
            "{count} communes au-dessus du taux {of_whole} ({names})",
            count,
        )
    if places in UPPER_PLACES:
        return ngettext(
            "{count} territoire au-dessus du taux {of_whole} ({names})",
            "{count} territoires au-dessus du taux {of_whole} ({names})",
            count,
        )
    if places == "EPT":
        return ngettext(
            "{count} EPT au-dessus du taux {of_whole} ({names})",
            "{count} EPT au-dessus du taux {of_whole} ({names})",
            count,
        )
    return ngettext(
        "{count} intercommunalité au-dessus du taux {of_whole} ({names})",
        "{count} intercommunalités au-dessus du taux {of_whole} ({names})",
        count,
    )


def below_text(places: str, count: int, after_above: bool) -> str:
    """ "{count} communes en dessous du taux {of_whole} ({names})", or after places above it
    « {count} en dessous ({names}) »."""
    if after_above:
        return ngettext("{count} en dessous ({names})", "{count} en dessous ({names})", count)
    if places == "commune":
        return ngettext(
            "{count} commune en dessous du taux {of_whole} ({names})",
            "{count} communes en dessous du taux {of_whole} ({names})",
            count,
        )
    if places in UPPER_PLACES:
        return ngettext(
            "{count} territoire en dessous du taux {of_whole} ({names})",
            "{count} territoires en dessous du taux {of_whole} ({names})",
            count,
        )
    if places == "EPT":
        return ngettext(
            "{count} EPT en dessous du taux {of_whole} ({names})",
            "{count} EPT en dessous du taux {of_whole} ({names})",
            count,
        )
    return ngettext(
        "{count} intercommunalité en dessous du taux {of_whole} ({names})",
        "{count} intercommunalités en dessous du taux {of_whole} ({names})",
        count,
    )


def standing_finding(visible: pd.DataFrame, label: str, period_text: str, places: str, benchmark_rate: str) -> str:
    """The territories whose rate differs from the département's beyond chance (`standing`), by name;
    or that none does. Only visible territories carry a class: a masked one is never named."""
    above = visible.loc[visible["standing"] == "above", "name_fr"].tolist()
    below = visible.loc[visible["standing"] == "below", "name_fr"].tolist()
    if not above and not below:
        return no_standing_text(places).format(label=label, period=period_text, rate=benchmark_rate, **whole_words())
    parts = []
    if above:
        parts.append(
            above_text(places, len(above)).format(count=len(above), names=named_places(above), **whole_words())
        )
    if below:
        parts.append(
            below_text(places, len(below), bool(above)).format(
                count=len(below), names=named_places(below), **whole_words()
            )
        )
    return _("{label} {period} : {comparisons}, au-delà du hasard").format(
        label=label, period=period_text, comparisons=", ".join(parts)
    )


def top_count_finding(
    visible: pd.DataFrame, unit: str, period_text: str, places: str, masked: int, masked_at_most: int | None
) -> str:
    """The territory that counts most, said as the secret allows: « compte le plus » only when no
    masked territory can count more (their public sum, `masked_at_most`, is below the first's
    count); otherwise « parmi les communes affichées », with the masked ones counted. Territories
    tied first are counted, none named first."""
    communes, epts = places == "commune", places == "EPT"
    first = visible.iloc[0]
    allowed = masked == 0 or (masked_at_most is not None and masked_at_most < first["value"])
    tied = int((visible["value"] == first["value"]).sum())
    value = format_number(first["value"])
    if tied > 1:
        text = (
            _("{count} territoires à égalité en tête {period} ({value})")
            if allowed
            else _("{count} territoires à égalité en tête des territoires affichés {period} ({value})")
        ).format(count=tied, period=period_text, value=with_unit(first["value"], unit))
    elif allowed:
        text = _("{place} compte le plus de {unit} {period} ({value})").format(
            place=first["name_fr"], unit=unit, period=period_text, value=value
        )
    else:
        among = (
            _("{place} compte le plus de {unit} parmi les communes affichées {period} ({value})")
            if communes
            else _("{place} compte le plus de {unit} parmi les EPT affichés {period} ({value})")
            if epts
            else _("{place} compte le plus de {unit} parmi les territoires affichés {period} ({value})")
            if places in UPPER_PLACES
            else _("{place} compte le plus de {unit} parmi les intercommunalités affichées {period} ({value})")
        )
        text = among.format(place=first["name_fr"], unit=unit, period=period_text, value=value)
    if tied == 1 and len(visible) > 1:
        second = visible.iloc[1]
        text = _("{finding}, devant {place} ({value})").format(
            finding=text, place=second["name_fr"], value=format_number(second["value"])
        )
    return with_masked(text, masked, places) if masked else text


def with_masked(finding: str, masked: int, places: str) -> str:
    """ "{finding} ; 3 communes masquées par le secret statistique", agreed with the places ranked."""
    communes, epts = places == "commune", places == "EPT"
    template = (
        ngettext(
            "{finding} ; {count} commune masquée par le secret statistique",
            "{finding} ; {count} communes masquées par le secret statistique",
            masked,
        )
        if communes
        else ngettext(
            "{finding} ; {count} EPT masqué par le secret statistique",
            "{finding} ; {count} EPT masqués par le secret statistique",
            masked,
        )
        if epts
        else ngettext(
            "{finding} ; {count} territoire masqué par le secret statistique",
            "{finding} ; {count} territoires masqués par le secret statistique",
            masked,
        )
        if places in UPPER_PLACES
        else ngettext(
            "{finding} ; {count} intercommunalité masquée par le secret statistique",
            "{finding} ; {count} intercommunalités masquées par le secret statistique",
            masked,
        )
    )
    return template.format(finding=finding, count=masked)


# The sentences of a ranking that name the kind of places ranked, agreed with each (« seule
# commune », « seul EPT », « seule intercommunalité »).
def places_text(kind: str, places: str) -> str:
    """One of a ranking's sentences (`kind`: "masked", "alone", "zero" or "unclassed") for the places
    ranked ("commune", "EPT" or "interco")."""
    texts = {
        "masked": (
            N_("{label} {period} : chiffres des communes masqués par le secret statistique"),
            N_("{label} {period} : chiffres des EPTs masqués par le secret statistique"),
            N_("{label} {period} : chiffres des intercommunalités masqués par le secret statistique"),
            N_("{label} {period} : chiffres des territoires masqués par le secret statistique"),
        ),
        "alone": (
            N_("{label} : {value} à {place} {period} (seule commune avec des données)"),
            N_("{label} : {value} à {place} {period} (seul EPT avec des données)"),
            N_("{label} : {value} à {place} {period} (seule intercommunalité avec des données)"),
            N_("{label} : {value} à {place} {period} (seul territoire avec des données)"),
        ),
        "zero": (
            N_("{label} : {value} dans chaque commune affichée {period}"),
            N_("{label} : {value} dans chaque EPT affiché {period}"),
            N_("{label} : {value} dans chaque intercommunalité affichée {period}"),
            N_("{label} : {value} dans chaque territoire affiché {period}"),
        ),
        "unclassed": (
            N_("{label} {period} : taux des communes sans comparaison possible avec {the_whole}"),
            N_("{label} {period} : taux des EPT sans comparaison possible avec {the_whole}"),
            N_("{label} {period} : taux des intercommunalités sans comparaison possible avec {the_whole}"),
            N_("{label} {period} : taux des territoires sans comparaison possible avec {the_whole}"),
        ),
    }
    forms = ("commune", "EPT", "interco")
    return _(texts[kind][forms.index(places) if places in forms else 3])


def ranking_finding(
    ranked: pd.DataFrame,
    label: str,
    unit: str,
    period_text: str,
    decimals: int = 0,
    places: str = "commune",
    benchmark_rate: str = "",
    masked_at_most: int | None = None,
) -> str:
    """A ranking's headline. With a `standing` column (`territories.with_standing`), the territories
    whose rate differs from the département's (`benchmark_rate`, as text) beyond chance, by name:
    never a raw maximum, which on small populations is chance's doing. Without one, a ranking by
    count names the first territory as far as the secret allows (`masked_at_most`: what the masked
    territories add up to at most, `territories.masked_bound`), and a ranking by rate (`decimals`)
    names no territory at all. `places` is "commune", "EPT" or "interco" (the level ranked, said « EPT »
    where every intercommunalité of the scope is one, « intercommunalité » elsewhere)."""
    hidden = ranked["suppressed"].astype(bool) if "suppressed" in ranked else pd.Series(False, index=ranked.index)
    visible = ranked.loc[~hidden]
    if visible.empty:
        if ranked.empty:
            return _("{label} : aucune donnée {period}").format(label=label, period=period_text)
        return places_text("masked", places).format(label=label, period=period_text)
    if len(ranked) == 1:
        first = visible.iloc[0]
        shown = f"{format_number(first['value'], decimals)} {unit}" if decimals else with_unit(first["value"], unit)
        return places_text("alone", places).format(label=label, value=shown, place=first["name_fr"], period=period_text)
    if visible["value"].sum() == 0:
        zero = f"0 {unit}" if decimals else with_unit(0, unit)
        return places_text("zero", places).format(label=label, value=zero, period=period_text)
    if "standing" in visible and visible["standing"].notna().any():
        return standing_finding(visible, label, period_text, places, benchmark_rate)
    if decimals:
        return places_text("unclassed", places).format(label=label, period=period_text, **whole_words())
    masked = int(hidden.sum())
    return top_count_finding(visible, unit, period_text, places, masked, masked_at_most)
