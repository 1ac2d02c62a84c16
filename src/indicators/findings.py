"""Chart titles that state the finding, computed from the data drawn (never typed by hand)."""

from __future__ import annotations

import pandas as pd

from indicators.formatting import format_change, format_month, format_number


def observation_finding(series: pd.DataFrame, label: str, unit: str, frequency: str, k: int = 5) -> str:
    """Latest complete period's total and its change against the same period one year before.

    A total with a secret point in it is never stated: it would give the secret away.
    """
    hidden = series["suppressed"] if "suppressed" in series else pd.Series(False, index=series.index)
    totals = series.assign(hidden=hidden).groupby("period_start", as_index=False).agg(
        value=("value", "sum"), complete=("complete", "all"), hidden=("hidden", "any"))
    complete = totals.loc[totals["complete"]]
    if complete.empty:
        return f"{label} : aucune période complète dans la sélection"
    latest = complete.iloc[-1]
    when = format_month(latest["period_start"], frequency)
    if latest["hidden"]:
        return f"{label} : moins de {k} {unit} en {when} (ou valeur masquée par le secret statistique)"
    text = f"{label} : {format_number(latest['value'])} {unit} en {when}"
    year_before = latest["period_start"] - pd.DateOffset(years=1)
    previous = complete.loc[(complete["period_start"] == year_before) & ~complete["hidden"], "value"]
    if not previous.empty and previous.iloc[0] > 0:
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


def ranking_finding(ranked: pd.DataFrame, label: str, unit: str, period_text: str) -> str:
    """Which territory counts most over the period, and the one after it (secret cells left out)."""
    if "suppressed" in ranked:
        ranked = ranked.loc[~ranked["suppressed"]]
    if ranked.empty or ranked["value"].sum() == 0:
        return f"{label} : aucune observation {period_text}"
    first = ranked.iloc[0]
    text = f"{first['name_fr']} compte le plus de {unit} {period_text} ({format_number(first['value'])})"
    if len(ranked) > 1:
        second = ranked.iloc[1]
        text += f", devant {second['name_fr']} ({format_number(second['value'])})"
    return text
