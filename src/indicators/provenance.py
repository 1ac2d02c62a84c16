"""Source lines: how a figure's provenance reads under a card, a chart or in an export."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import pandas as pd

from indicators.config import DEMO_LABEL_FR, DEMO_SOURCE_ID
from indicators.formatting import format_period


def describe_source(source: pd.Series) -> str:
    """ "SSMSI, Interstats Analyse n°36 (octobre 2021), lu dans 20 Minutes (20minutes.fr)"."""
    if source["source_id"] == DEMO_SOURCE_ID:
        return f"{DEMO_LABEL_FR} ({source['read_at']})"
    text = f"{source['publisher']}, {source['title']}"
    if pd.notna(source["published"]):
        text += f" ({format_period(source['published'])})"
    if str(source["read_at"]).startswith("seed:"):
        # The text itself is kept in the project's shared sources: say so plainly.
        return text + ", d'après la copie du texte conservée par le projet"
    if pd.notna(source["relay"]):
        relay = source["relay"]
        if pd.notna(source["relay_date"]):
            relay += f", {format_period(source['relay_date'])}"
        address = "" if source["read_at"] == source["relay"] else f" ({source['read_at']})"
        return text + f", lu dans {relay}{address}"
    return text + f", lu sur {source['read_at']}"


def source_line(source_ids: Iterable[str], sources: pd.DataFrame) -> str:
    """One line naming every distinct source, in the order given."""
    by_id = sources.set_index("source_id", drop=False)
    distinct = list(dict.fromkeys(source_ids))
    # source_id is the sources' key: .loc gives one row.
    described = [describe_source(cast(pd.Series, by_id.loc[source_id])) for source_id in distinct]
    prefix = "Source" if len(described) == 1 else "Sources"
    return f"{prefix} : " + " ; ".join(described)


def source_descriptions(sources: pd.DataFrame) -> dict[str, str]:
    """source_id → full description, for tables that list a source per row."""
    return {row["source_id"]: describe_source(row) for _, row in sources.iterrows()}


def short_source(source: pd.Series) -> str:
    """Short form for cards: producer, date and relay, without titles or addresses."""
    if source["source_id"] == DEMO_SOURCE_ID:
        return DEMO_LABEL_FR
    text = source["publisher"]
    if pd.notna(source["published"]):
        text += f", {format_period(source['published'])}"
    if pd.notna(source["relay"]) and not str(source["read_at"]).startswith("seed:"):
        text += f" (lu dans {source['relay']})"
    return f"Source : {text}"


def short_source_line(source_ids: Iterable[str], sources: pd.DataFrame) -> str:
    """One short line for a slide: producer, date and relay of each distinct source."""
    by_id = sources.set_index("source_id", drop=False)
    described = [
        short_source(cast(pd.Series, by_id.loc[source_id])).removeprefix("Source : ")
        for source_id in dict.fromkeys(source_ids)
    ]
    return ("Source : " if len(described) == 1 else "Sources : ") + " ; ".join(described)
