"""A viewer's choice of filters, as pages, the deck, the sheets and the caches pass it around.

Frozen, so hashable: with the data version, a choice is the key of its cached view
(views/cached.py), and one computation serves every viewer who makes it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """What every choice names: an indicator and a span of whole years."""

    indicator_id: str
    first_year: str
    last_year: str

    @property
    def years(self) -> tuple[str, str]:
        return self.first_year, self.last_year


@dataclass(frozen=True)
class TrendChoice(Choice):
    """Tendances, field observations: a territory (the département, an EPT or a commune), a grouping
    (« month », « quarter », « year ») and a split (« none », « sex », « age_group »…)."""

    territory: str
    frequency: str
    breakdown: str


@dataclass(frozen=True)
class RankingChoice(Choice):
    """Territoires: a public (a `labels` code: « none: », « sex:F », « age_group:15-17 »), a level
    (« commune » or « interco »), a measure (« count » or « rate ») and the communes' map (« tiles »
    or « contours »)."""

    public: str
    level: str = "commune"
    measure: str = "count"
    # The communes' map: "tiles" (one equal hexagon each) or "contours" (their true boundaries).
    map_kind: str = "tiles"
