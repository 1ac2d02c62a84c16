"""Source lines: how a figure's provenance reads under a card, a chart or in an export."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

import pandas as pd

from indicators.config import DEMO_SOURCE_ID, demo_label
from indicators.formatting import format_period
from indicators.i18n import _


def listed(parts: Iterable[str]) -> str:
    """Sources one after the other: "A ; B" (French), "A; B" (English)."""
    return _(" ; ").join(parts)


def describe_source(source: pd.Series) -> str:
    """ "SSMSI, Interstats Analyse n°36 (octobre 2021), lu dans 20 Minutes (20minutes.fr)".
    Titles and publishers stay as published; only the words around them follow the language."""
    if source["source_id"] == DEMO_SOURCE_ID:
        return f"{demo_label()} ({source['read_at']})"
    text = f"{source['publisher']}, {source['title']}"
    if pd.notna(source["published"]):
        text += f" ({format_period(source['published'])})"
    if str(source["read_at"]).startswith("seed:"):
        # The text itself is kept in the project's shared sources: say so plainly.
        return _("{source}, d'après la copie du texte conservée par le projet").format(source=text)
    if pd.notna(source["relay"]):
        relay = source["relay"]
        if pd.notna(source["relay_date"]):
            relay += f", {format_period(source['relay_date'])}"
        address = "" if source["read_at"] == source["relay"] else f" ({source['read_at']})"
        return _("{source}, lu dans {relay}{address}").format(source=text, relay=relay, address=address)
    return _("{source}, lu sur {address}").format(source=text, address=source["read_at"])


def sources_named(source_ids: Iterable[str], sources: pd.DataFrame, describe: Callable[[pd.Series], str]) -> str:
    """« Source : … » or « Sources : … »: every distinct source, in the order given, as `describe`
    words it."""
    by_id = sources.set_index("source_id", drop=False)
    distinct = list(dict.fromkeys(source_ids))
    # source_id is the sources' key: .loc gives one row.
    described = listed(describe(cast(pd.Series, by_id.loc[source_id])) for source_id in distinct)
    if len(distinct) == 1:
        return _("Source : {sources}").format(sources=described)
    return _("Sources : {sources}").format(sources=described)


def source_line(source_ids: Iterable[str], sources: pd.DataFrame) -> str:
    """One line naming every distinct source in full, in the order given."""
    return sources_named(source_ids, sources, describe_source)


def source_descriptions(sources: pd.DataFrame) -> dict[str, str]:
    """source_id → full description, for tables that list a source per row."""
    return {row["source_id"]: describe_source(row) for _position, row in sources.iterrows()}


def short_description(source: pd.Series) -> str:
    """Producer, date and relay, without titles or addresses (the demo label for the demo)."""
    if source["source_id"] == DEMO_SOURCE_ID:
        return demo_label()
    text = str(source["publisher"])
    if pd.notna(source["published"]):
        text += f", {format_period(source['published'])}"
    if pd.notna(source["relay"]) and not str(source["read_at"]).startswith("seed:"):
        text = _("{source} (lu dans {relay})").format(source=text, relay=source["relay"])
    return text


def short_source(source: pd.Series) -> str:
    """Short form for cards: "Source : producer, date (lu dans relay)"; the demo label alone for the demo."""
    if source["source_id"] == DEMO_SOURCE_ID:
        return demo_label()
    return _("Source : {sources}").format(sources=short_description(source))


def short_source_line(source_ids: Iterable[str], sources: pd.DataFrame) -> str:
    """One short line for a slide: producer, date and relay of each distinct source."""
    return sources_named(source_ids, sources, short_description)
