"""A change between two periods in words, the same on every output (cards, chart titles, the tables
behind charts, slides, the import preview): like for like, tested against chance, through the secret.

What may be said comes from `disclosure.ProtectedChange`: the two windows compared on the field
both cover (`comparisons.like_for_like`) and whether the secret hides a cell of it. The words:

- a change beyond chance (the exact conditional test, two-sided, 5 %) keeps its arrow and says so:
  « hausse nette », « baisse nette »;
- a change that chance explains has no arrow and no colour: « dans les marges du hasard »;
- a field smaller than either window says so: « à champ constant : 4 communes, 3 mois »;
- no change is stated when the two windows share no commune's month, or when a cell it adds up is
  secret (« chiffres masqués »), and the reason is said instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from indicators.formatting import Direction, change_direction, format_change, format_number
from indicators.i18n import N_, _, ngettext
from indicators.secret.rules import ProtectedChange

# Shown with `_()`.
UP = N_("hausse nette")
DOWN = N_("baisse nette")
CHANCE = N_("dans les marges du hasard")
MASKED = N_("chiffres masqués")
NO_COMMON = N_("aucune commune n'a transmis les mêmes mois les deux années")
SAME_FIELD = N_("identique")


@dataclass(frozen=True)
class ChangeReading:
    """What a change lets say: the change as written (« +25 % », or « 12 contre 0 » when the year
    before counted none), its arrow ("off" unless beyond chance), the verdict in words, the field
    when it is not the whole of both windows, and the test's p-value. `change` is None when no change
    may be stated (no shared field, or the secret): `verdict` then says why."""

    change: str | None
    arrow: Direction
    verdict: str
    field: str
    p_value: float | None
    percent: float | None = None
    # Why no change is stated, when none is: the secret, or no shared field.
    withheld: Literal["masked", "no_common"] | None = None
    # Nothing on the field in either period: no change, no test to speak of (« 0 comme un an plus tôt »).
    zero_both: bool = False


def field_words(change: ProtectedChange) -> str:
    """ "4 communes, 3 mois": the field both windows cover; "" when it is the whole of both."""
    compared = change.compared
    if compared.same_field or compared.test is None:
        return ""
    common = compared.common
    return _("{communes}, {months}").format(
        communes=ngettext("{count} commune", "{count} communes", common.communes).format(count=common.communes),
        months=ngettext("{count} mois", "{count} mois", common.months).format(count=common.months),
    )


def read_change(change: ProtectedChange | None) -> ChangeReading | None:
    """The words of a change; None when the earlier window has no figure (nothing to compare)."""
    if change is None:
        return None
    if change.masked:
        return ChangeReading(None, "off", _(MASKED), "", None, withheld="masked")
    test = change.test
    if test is None:
        return ChangeReading(None, "off", _(NO_COMMON), "", None, withheld="no_common")
    field = field_words(change)
    if test.current == test.previous == 0:
        return ChangeReading("0", "off", "", field, test.p_value, None, zero_both=True)
    arrow: Direction
    if test.percent is None:  # nothing a year before on this field: a percentage has no meaning
        written = _("{current} contre {previous}").format(
            current=format_number(test.current), previous=format_number(test.previous)
        )
        arrow = "off" if test.direction == "flat" else test.direction
    else:
        # One decimal under 1 %: a change beyond chance must not read « 0 % ».
        decimals = 1 if test.beyond_chance and 0 < abs(test.percent) < 1 else 0
        written = format_change(test.percent, decimals)
        arrow = change_direction(test.percent, decimals)
    if not test.beyond_chance:
        return ChangeReading(written, "off", _(CHANCE), field, test.p_value, test.percent)
    verdict = _(UP) if test.direction == "up" else _(DOWN)
    return ChangeReading(written, arrow, verdict, field, test.p_value, test.percent)


def card_delta(reading: ChangeReading) -> str | None:
    """The card's change line: « +25 % en un an, hausse nette », « +10 % à champ constant, dans les
    marges du hasard »; None when no change may be stated."""
    if reading.change is None:
        return None
    if reading.zero_both:
        return _("0 à champ constant, comme un an plus tôt") if reading.field else _("0 comme un an plus tôt")
    if reading.field:
        return _("{change} à champ constant, {verdict}").format(change=reading.change, verdict=reading.verdict)
    return _("{change} en un an, {verdict}").format(change=reading.change, verdict=reading.verdict)


def card_note(reading: ChangeReading | None) -> str:
    """What the card's caption says of the comparison, after its period (no final full stop)."""
    if reading is None:
        return _("pas de chiffre un an plus tôt pour comparer")
    if reading.change is None:
        if reading.withheld == "masked":
            return _("évolution sur un an non affichée : chiffres masqués (secret statistique)")
        return _("pas d'évolution sur un an : {reason}").format(reason=reading.verdict)
    if reading.field:
        return _("comparé à la même période un an plus tôt à champ constant : {field}").format(field=reading.field)
    return _("comparé à la même période un an plus tôt")


def finding_clause(reading: ChangeReading | None, earlier: str) -> str:
    """What a chart's title adds after its latest figure, `earlier` naming the period a year before:
    « , +25 % par rapport à 2024 (hausse nette) », « ; à champ constant (4 communes, 3 mois) : … »;
    "" when the year before has no figure."""
    if reading is None:
        return ""
    if reading.change is None:
        if reading.withheld == "masked":
            return _(" ; évolution par rapport à {period} non affichée (chiffres masqués)").format(period=earlier)
        return _(" ; pas d'évolution par rapport à {period} : {reason}").format(period=earlier, reason=reading.verdict)
    if reading.zero_both:
        if reading.field:
            return _(" ; à champ constant ({field}) : 0 comme en {period}").format(field=reading.field, period=earlier)
        return _(", comme en {period}").format(period=earlier)
    compared = (
        _("{change} par rapport à {period}") if reading.percent is not None else _("{change} en {period}")
    ).format(change=reading.change, period=earlier)
    if reading.field:
        return _(" ; à champ constant ({field}) : {change} ({verdict})").format(
            field=reading.field, change=compared, verdict=reading.verdict
        )
    return _(", {change} ({verdict})").format(change=compared, verdict=reading.verdict)


def p_value_text(p_value: float | None) -> str:
    """ "0,012", "< 0,001": a p-value as a table shows it."""
    if p_value is None:
        return ""
    if p_value < 0.001:
        return _("< {value}").format(value=format_number(0.001, 3))
    return format_number(p_value, 3)


def change_columns(starts: pd.Series, changes: dict[pd.Timestamp, ProtectedChange]) -> pd.DataFrame:
    """The change of each row's period (`starts`), for the table behind a chart: as downloaded (the
    percentage and p-value as numbers) and as read, in the current language. Empty cells for a
    period without figures a year before; the verdict alone where the change may not be stated."""
    readings = [read_change(changes.get(pd.Timestamp(start))) for start in starts]
    return pd.DataFrame(
        {
            "change_percent": [
                round(reading.percent, 1) if reading and reading.change and reading.percent is not None else None
                for reading in readings
            ],
            "change_text": [reading.change or "" if reading else "" for reading in readings],
            "field": [(reading.field or _(SAME_FIELD)) if reading and reading.change else "" for reading in readings],
            "p_value": [reading.p_value if reading else None for reading in readings],
            "p_value_text": [p_value_text(reading.p_value) if reading else "" for reading in readings],
            "verdict": [reading.verdict if reading else "" for reading in readings],
        },
        index=starts.index,
    )
