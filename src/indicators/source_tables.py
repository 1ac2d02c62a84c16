"""The tables of the Sources page, as read on screen (headers in the viewer's language, names instead
of codes). Source titles, publishers, terms and notes stay as published (in French)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.exports import indicators_table, key_dates_table, published_table, sources_table, territories_table
from indicators.formatting import format_figure, format_period
from indicators.i18n import _, localized_column
from indicators.loading import DataTables
from indicators.provenance import source_descriptions
from indicators.territories import names


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
                "source_id": _("Identifiant"),
                "citation": _("Source"),
                "date": _("Date"),
                "read_at": _("Adresse lue"),
                "licence": _("Conditions"),
                "note": _("Remarque"),
            }
        )
    )


def published_shown(estimates: pd.DataFrame, catalogue: pd.DataFrame, territories: pd.DataFrame) -> pd.DataFrame:
    """Every published figure, one line each (restatements included), with names instead of codes."""
    return estimates.assign(
        indicateur=estimates["indicator_id"].map(localized_column(catalogue, "label")),
        # Names, not codes: "WLD" means nothing to a French reader, "Monde" does ("World" in English).
        territoire=estimates["territory_code"].map(names(territories)).fillna(estimates["territory_code"]),
        chiffre=estimates.apply(lambda row: format_figure(row, str(catalogue.at[row["indicator_id"], "kind"])), axis=1),
        periode=estimates["period"].map(format_period),
        restates=estimates["restates"].fillna(""),
        note_fr=estimates["note_fr"].fillna(""),
    )[["figure_id", "indicateur", "territoire", "periode", "chiffre", "restates", "source_id", "note_fr"]].rename(
        columns={
            "figure_id": _("Identifiant"),
            "indicateur": _("Indicateur"),
            "territoire": _("Territoire"),
            "periode": _("Période"),
            "chiffre": _("Chiffre"),
            "restates": _("Reprend"),
            "source_id": _("Source"),
            "note_fr": _("Remarque"),
        }
    )


@dataclass(frozen=True)
class SourcesPage:
    """The Sources page's tables: on screen, and to download (label → file name, frame)."""

    sources: pd.DataFrame
    published: pd.DataFrame
    downloads: dict[str, tuple[str, pd.DataFrame]]


def sources_page(data: DataTables) -> SourcesPage:
    """The Sources page's tables in the current language."""
    return SourcesPage(
        sources=sources_shown(data.sources),
        published=published_shown(data.published_estimates, data.catalogue, data.territories),
        downloads={
            _("Sources"): ("sources.csv", sources_table(data.sources)),
            _("Catalogue des indicateurs"): (_("indicateurs.csv"), indicators_table(data.indicators)),
            _("Chiffres publiés"): (_("chiffres_publies.csv"), published_table(data.published_estimates)),
            _("Territoires"): (_("territoires.csv"), territories_table(data.territories)),
            _("Dates clés"): (_("dates_cles.csv"), key_dates_table(data.key_dates)),
        },
    )
