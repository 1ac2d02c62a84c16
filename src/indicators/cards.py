"""The overview's field cards: what each card says, worked out from a protected comparison (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from indicators.disclosure import SECRET_SYMBOL, ShownComparison
from indicators.formatting import (
    Direction,
    change_direction,
    format_change,
    format_number,
    format_span,
)
from indicators.i18n import N_, _
from indicators.observations import MONTHS_PER_PERIOD

# Shown with `_()`: the French texts, marked for the catalogue.
NO_DATA = N_("Aucune donnée")
NO_DATA_SENTENCE = N_("Aucune donnée importée pour cet indicateur.")
NO_DATA_NOTE = N_("Rien n'a encore été importé pour cet indicateur : ce n'est pas un zéro.")
# Neither colour says "good" or "bad": more reports can mean better detection as much as more harm.
DeltaColour = Literal["blue", "orange", "gray"]
DELTA_COLOURS: dict[Direction, DeltaColour] = {"up": "blue", "down": "orange", "off": "gray"}


@dataclass(frozen=True)
class FieldCard:
    value: str
    delta: str | None
    delta_arrow: Direction
    delta_colour: DeltaColour
    period: str


def field_card(shown: ShownComparison, unit: str) -> FieldCard:
    """Value (or the secret symbol), the change in a year with an arrow that follows its sign, and
    the periods actually covered ("janvier – mars 2026", "T1 – T4 2025", "2025")."""
    comparison = shown.comparison
    frequency = comparison.granularity
    last_start = comparison.current_end - pd.DateOffset(months=MONTHS_PER_PERIOD[frequency] - 1)
    covered = {
        "unit": unit.capitalize(),
        "period": format_span(comparison.current_start, last_start, frequency),
    }
    notes = ["{unit}, {period}".format(**covered)]
    if not shown.current_shown:
        value = SECRET_SYMBOL
        notes.append(_("{symbol} : valeur masquée par le secret statistique").format(symbol=SECRET_SYMBOL))
    else:
        value = format_number(comparison.current_total)
    if shown.change_shown:
        direction = change_direction(comparison.change_percent)
        delta = _("{change} en un an").format(change=format_change(comparison.change_percent))
        notes[0] = _("{unit}, {period}, comparé à la même période un an plus tôt").format(**covered)
    else:
        direction, delta = "off", None
        if comparison.previous_total is None:
            notes.append(_("pas de chiffre un an plus tôt pour comparer"))
    return FieldCard(value, delta, direction, DELTA_COLOURS[direction], _(" ; ").join(notes) + ".")
