"""Pure transforms on published figures: series for charts, headline figures for the overview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd

from indicators.formatting import format_figure, format_period
from indicators.i18n import localized


@dataclass(frozen=True)
class Headline:
    """One headline card: a figure as published, with what is needed to read it honestly."""

    figure_id: str
    indicator_id: str
    label: str
    text: str
    period: str
    territory_code: str
    source_id: str
    kind: str
    definition: str
    caveat: str


def period_midpoint(period: str) -> pd.Timestamp:
    """Where a published period sits on a time axis: a year in its middle, a month on the 15th,
    a day on itself, a change between two years at the end of its last year."""
    if "/" in period:
        return pd.Timestamp(f"{period.split('/')[1]}-07-01")
    if len(period) == 4:
        return pd.Timestamp(f"{period}-07-01")
    if len(period) == 7:
        return pd.Timestamp(f"{period}-15")
    return pd.Timestamp(period)


def original_figures(estimates: pd.DataFrame) -> pd.DataFrame:
    """Drop rows that only restate an earlier figure: a repeated figure is not a new measurement."""
    return estimates.loc[estimates["restates"].isna()]


def published_series(estimates: pd.DataFrame, catalogue: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Points of one published indicator, ready to draw: date, formatted figure and period."""
    kind = catalogue.at[indicator_id, "kind"]  # DataTables.catalogue
    points = original_figures(estimates).loc[lambda frame: frame["indicator_id"] == indicator_id]
    return points.assign(
        date=points["period"].map(period_midpoint),
        figure_text=points.apply(format_figure, axis=1, kind=kind),
        period_text=points["period"].map(format_period),
        is_range=points["value"].isna(),
    ).sort_values("date", ignore_index=True)


def latest_figure(estimates: pd.DataFrame, indicator_id: str, territory_code: str | None = None) -> pd.Series:
    """The most recent original figure of an indicator (optionally for one territory)."""
    rows = original_figures(estimates).loc[lambda frame: frame["indicator_id"] == indicator_id]
    if territory_code is not None:
        rows = rows.loc[rows["territory_code"] == territory_code]
    if rows.empty:
        raise KeyError(f"aucun chiffre publié pour l'indicateur « {indicator_id} »")
    return rows.assign(date=rows["period"].map(period_midpoint)).sort_values("date").iloc[-1]


def headline(
    estimates: pd.DataFrame, catalogue: pd.DataFrame, indicator_id: str, territory_code: str = "FR"
) -> Headline:
    """A headline card built from the latest figure of an indicator and its catalogue entry (label,
    definition and caveat in the current language)."""
    entry = cast(pd.Series, catalogue.loc[indicator_id])  # DataTables.catalogue: indicator_id is the key
    figure = latest_figure(estimates, indicator_id, territory_code)
    return Headline(
        figure_id=figure["figure_id"],
        indicator_id=indicator_id,
        label=localized(entry, "label"),
        text=format_figure(figure, entry["kind"]),
        period=format_period(figure["period"]),
        territory_code=territory_code,
        source_id=figure["source_id"],
        kind=entry["kind"],
        definition=localized(entry, "definition"),
        caveat=localized(entry, "caveat"),
    )


# The overview's cards, in reading order: the national range, entry age, share of girls,
# then the latest recorded counts (victims, then cases: two definitions, two cards).
HEADLINE_INDICATORS: tuple[str, ...] = (
    "estimation_mineurs_risque_ou_prostitution",
    "age_moyen_entree_prostitution",
    "part_filles_14_17_victimes",
    "victimes_mineurs_proxenetisme",
    "affaires_prostitution_mineurs",
)
