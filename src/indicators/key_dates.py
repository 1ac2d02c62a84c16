"""Which key dates belong on a series: those of its own territory or of a territory enclosing it.

A national date (the national plan, `FR`) may show on a département's or a commune's series;
a local date (the Hauts-de-Seine prevention week, `92`) never shows on a national or world
series, nor on another département's.
"""

from __future__ import annotations

import pandas as pd


def enclosing_territories(territory_code: str, territories: pd.DataFrame) -> list[str]:
    """The territory and every territory enclosing it, nearest first ("92002" → 92002, 92, FR, WLD)."""
    parents = dict(zip(territories["territory_code"], territories["parent_code"]))
    chain: list[str] = []
    code: object = territory_code
    while isinstance(code, str) and code and code not in chain:
        chain.append(code)
        code = parents.get(code)
    return chain


def key_dates_for(key_dates: pd.DataFrame, territory_code: str, territories: pd.DataFrame) -> pd.DataFrame:
    """The key dates to annotate on a series of `territory_code`: scoped to it or to a territory enclosing it."""
    return key_dates.loc[key_dates["territory_code"].isin(enclosing_territories(territory_code, territories))]
