"""The shipped tables after a small import, and the shipped deck, for the deck's tests."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from indicators.config import DEFAULT_DATA_DIR
from indicators.deck import read_deck
from indicators.loading import DataTables, validate_table

IMPORT_SOURCE = "IMPORT_000001"


def imported(tables: DataTables, rows: list[tuple[str, str, str, int]], sex: str = "ensemble") -> DataTables:
    """The shipped tables with their field observations replaced by a small import
    (indicator, commune, period, value), as the store would hold it."""
    frame = pd.DataFrame(
        [
            {
                "indicator_id": indicator,
                "territory_code": commune,
                "period": period,
                "sex": sex,
                "age_group": "ensemble",
                "value": value,
                "source_id": IMPORT_SOURCE,
            }
            for indicator, commune, period, value in rows
        ],
        columns=["indicator_id", "territory_code", "period", "sex", "age_group", "value", "source_id"],
    )
    source = tables.sources.loc[tables.sources["source_id"] == "CD92_ARTICLE_2021"].assign(
        source_id=IMPORT_SOURCE,
        publisher="Département des Hauts-de-Seine (import d'un analyste)",
        title="Fichier « import.csv »",
        primary_url=None,
    )
    return replace(
        tables,
        field_observations=validate_table(frame, "field_observations", "import.csv"),
        sources=pd.concat([tables.sources, source], ignore_index=True),
    )


def deck_asking(frequency: str | None = None) -> pd.DataFrame:
    """The shipped deck (data/deck.csv), its field slides asking `frequency` when given."""
    deck = read_deck(DEFAULT_DATA_DIR)
    if frequency:
        deck.loc[deck["kind"] == "field", "frequency"] = frequency
    return deck
