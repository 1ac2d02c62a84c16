"""Chart titles that state the finding, computed from the data drawn (never typed by hand)."""

from __future__ import annotations

import pandas as pd

from indicators.disclosure import SECRET_SYMBOL
from indicators.formatting import (
    format_change,
    format_month,
    format_number,
    format_span,
    with_unit,
)
from indicators.observations import GRANULARITIES, MONTHS_PER_PERIOD, with_month


def observation_finding(series: pd.DataFrame, label: str, unit: str, frequency: str, k: int = 5) -> str:
    """Latest complete period's total and its change against the same period one year before;
    the latest period, said to be partial, when none is complete.

    A total with a secret point in it is never stated: it would give the secret away.
    """
    if series.empty:
        return f"{label} : aucune donnée pour cette sélection"
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
    latest = (complete if not complete.empty else totals).iloc[-1]
    when = format_month(latest["period_start"], frequency)
    partial = (
        ""
        if latest["complete"]
        else (f" (période incomplète : {latest['covered']} mois sur {MONTHS_PER_PERIOD[frequency]})")
    )
    if latest["hidden"]:
        return f"{label} en {when} : {SECRET_SYMBOL} (valeur masquée par le secret statistique){partial}"
    text = f"{label} : {with_unit(latest['value'], unit)} en {when}{partial}"
    year_before = latest["period_start"] - pd.DateOffset(years=1)
    previous = complete.loc[(complete["period_start"] == year_before) & ~complete["hidden"], "value"]
    if latest["complete"] and not previous.empty and previous.iloc[0] > 0:
        change = (latest["value"] - previous.iloc[0]) / previous.iloc[0] * 100
        text += f", {format_change(change)} par rapport à {format_month(year_before, frequency)}"
    return text


def published_finding(points: pd.DataFrame, label: str) -> str:
    """Latest published figure, and a warning when the points come from several sources."""
    if points.empty:
        return f"{label} : aucun chiffre publié pour ce territoire"
    latest = points.sort_values("date").iloc[-1]
    text = f"{label} : {latest['figure_text']} ({latest['period_text']}, dernier chiffre publié)"
    sources = points["source_id"].nunique()
    if sources > 1:
        text += f" ; {sources} sources aux méthodes différentes, points non reliés"
    return text


def covered_text(rows: pd.DataFrame) -> str:
    """The periods some rows actually cover, as a sentence ends: "en 2025", "de 2024 à 2025",
    "en janvier – mars 2026", "de T2 2024 à T1 2025" (never "en 2026" for three months of it)."""
    if rows.empty:
        return "sur la période choisie"
    dated = rows if "months_spanned" in rows else with_month(rows)
    first = dated["month"].min()
    last = dated["month"].max()
    last_end = last + pd.DateOffset(months=int(dated.loc[dated["month"] == last, "months_spanned"].max()) - 1)
    if first.month == 1 and last_end.month == 12:
        return f"en {first.year}" if first.year == last_end.year else f"de {first.year} à {last_end.year}"
    frequency = GRANULARITIES[int(dated["months_spanned"].min())]
    if first.year == last.year:
        return f"en {format_span(first, last, frequency)}"
    return f"de {format_month(first, frequency)} à {format_month(last, frequency)}"


def ranking_finding(
    ranked: pd.DataFrame, label: str, unit: str, period_text: str, decimals: int = 0, places: str = "commune"
) -> str:
    """Which territory counts most over the period, and the one after it (secret cells left out).
    With `decimals`, the values are rates: the territory "has the highest rate" rather than "counts most"."""
    visible = ranked.loc[~ranked["suppressed"]] if "suppressed" in ranked else ranked
    if visible.empty:
        if ranked.empty:
            return f"{label} : aucune donnée {period_text}"
        return f"{label} {period_text} : chiffres des {places}s masqués par le secret statistique"
    feminine = "e" if places == "commune" else ""  # « seule commune », « seul EPT »
    if len(ranked) == 1:
        first = visible.iloc[0]
        shown = f"{format_number(first['value'], decimals)} {unit}" if decimals else with_unit(first["value"], unit)
        return f"{label} : {shown} à {first['name_fr']} {period_text} (seul{feminine} {places} avec des données)"
    if visible["value"].sum() == 0:
        zero = f"0 {unit}" if decimals else with_unit(0, unit)
        return f"{label} : {zero} dans chaque {places} affiché{feminine} {period_text}"
    first = visible.iloc[0]
    if decimals:
        rate = f"{format_number(first['value'], decimals)} {unit}"
        text = f"{first['name_fr']} a le taux le plus élevé {period_text} ({rate})"
    else:
        text = f"{first['name_fr']} compte le plus de {unit} {period_text} ({format_number(first['value'])})"
    if len(visible) > 1:
        second = visible.iloc[1]
        text += f", devant {second['name_fr']} ({format_number(second['value'], decimals)})"
    return text
