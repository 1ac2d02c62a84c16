"""The overview's field cards: what each card says, worked out from a protected comparison (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from indicators.changes import CHANCE, ChangeReading, card_delta, card_note, p_value_text, read_change
from indicators.disclosure import ShownComparison
from indicators.formatting import Direction, format_number, format_span
from indicators.i18n import N_, _
from indicators.observations import MONTHS_PER_PERIOD
from indicators.secret.lattice import SECRET_SYMBOL

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
    # The test behind the change, for the card's help (not forced on officials); "" when none.
    test_note: str = ""


def field_card(shown: ShownComparison, unit: str) -> FieldCard:
    """Value (or the secret symbol), the periods actually summed ("janvier – mars 2026", "T1 – T4
    2025", "2025") and what they cover when partial (« 10 communes sur 36 ont transmis »), and the
    change against the same months a year before: like for like, said « à champ constant » when the
    field is smaller than the windows, with an arrow and a colour only beyond chance
    (`changes.read_change`)."""
    comparison = shown.comparison
    frequency = comparison.granularity
    last_start = comparison.current_end - pd.DateOffset(months=MONTHS_PER_PERIOD[frequency] - 1)
    covered = {
        "unit": unit.capitalize(),
        "period": format_span(comparison.current_start, last_start, frequency),
    }
    notes = ["{unit}, {period}".format(**covered)]
    coverage = comparison.covered.describe() if comparison.covered is not None else ""
    if coverage:
        notes.append(coverage)
    if not shown.current_shown:
        value = SECRET_SYMBOL
        notes.append(_("{symbol} : valeur masquée par le secret statistique").format(symbol=SECRET_SYMBOL))
    else:
        value = format_number(comparison.current_total)
    reading = read_change(shown.change)
    delta = card_delta(reading) if reading is not None else None
    direction: Direction = reading.arrow if reading is not None and delta is not None else "off"
    if delta is not None and reading is not None and not reading.field and len(notes) == 1:
        # The usual card: one sentence, « Signalements, 2025, comparé à la même période un an plus tôt. »
        notes[0] = f"{notes[0]}, {card_note(reading)}"
    else:
        notes.append(card_note(reading))
    return FieldCard(
        value,
        delta,
        direction,
        DELTA_COLOURS[direction],
        _(" ; ").join(notes) + ".",
        test_note(reading),
    )


def test_note(reading: ChangeReading | None) -> str:
    """The test of a stated change, for whoever asks (the card's help): « 60 contre 48 à champ
    constant ; test exact de Poisson conditionnel, p = 0,12 »."""
    if reading is None or reading.change is None or reading.p_value is None:
        return ""
    if reading.arrow == "off" and reading.verdict == _(CHANCE):
        text = _(
            "Évolution testée contre le hasard (test exact de deux comptes de Poisson, conditionnel, bilatéral) : "
            "p = {p_value}, au-dessus de 0,05 : le hasard seul peut la produire."
        )
    else:
        text = _(
            "Évolution testée contre le hasard (test exact de deux comptes de Poisson, conditionnel, bilatéral) : "
            "p = {p_value}, sous 0,05 : le hasard seul l'explique rarement."
        )
    return text.format(p_value=p_value_text(reading.p_value))
