"""The tables of the Sources page, as read on screen (French headers, names instead of codes)."""

from __future__ import annotations

import pandas as pd

from indicators.formatting import format_figure, format_period
from indicators.provenance import source_descriptions


def sources_shown(sources: pd.DataFrame) -> pd.DataFrame:
    """Every source: its citation, date, address read, terms of use and note."""
    descriptions = source_descriptions(sources)
    return (
        sources.fillna("")
        .assign(
            citation=sources["source_id"].map(descriptions),
            date=sources["published"].map(
                lambda period: format_period(period) if isinstance(period, str) and period else "—"
            ),
        )[["source_id", "citation", "date", "read_at", "licence", "note"]]
        .rename(
            columns={
                "source_id": "Identifiant",
                "citation": "Source",
                "date": "Date",
                "read_at": "Adresse lue",
                "licence": "Conditions",
                "note": "Remarque",
            }
        )
    )


def published_shown(estimates: pd.DataFrame, catalogue: pd.DataFrame, territories: pd.DataFrame) -> pd.DataFrame:
    """Every published figure, one line each (restatements included), with names instead of codes."""
    return estimates.assign(
        indicateur=estimates["indicator_id"].map(catalogue["label_fr"]),
        # Names, not codes: "WLD" means nothing to a French reader, "Monde" does.
        territoire=estimates["territory_code"]
        .map(territories.set_index("territory_code")["name_fr"])
        .fillna(estimates["territory_code"]),
        chiffre=estimates.apply(lambda row: format_figure(row, str(catalogue.at[row["indicator_id"], "kind"])), axis=1),
        periode=estimates["period"].map(format_period),
        restates=estimates["restates"].fillna(""),
        note_fr=estimates["note_fr"].fillna(""),
    )[["figure_id", "indicateur", "territoire", "periode", "chiffre", "restates", "source_id", "note_fr"]].rename(
        columns={
            "figure_id": "Identifiant",
            "indicateur": "Indicateur",
            "territoire": "Territoire",
            "periode": "Période",
            "chiffre": "Chiffre",
            "restates": "Reprend",
            "source_id": "Source",
            "note_fr": "Remarque",
        }
    )
