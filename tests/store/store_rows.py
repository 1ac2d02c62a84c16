"""Small observation tables shared by the store tests (tests/store/test_store_contract.py and the tests
run against both stores, tests/store/test_store_backends.py)."""

from __future__ import annotations

import pandas as pd

from indicators.store.contract import OBSERVATION_COLUMNS, OBSERVATION_DTYPES, OBSERVATION_KEY


def observations(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS).astype(OBSERVATION_DTYPES)


def upsert(latest: pd.DataFrame | None, incoming: pd.DataFrame) -> pd.DataFrame:
    """What an import does: the latest rows, with the incoming rows replacing any on the same key."""
    if latest is None:
        return incoming
    return pd.concat([latest, incoming], ignore_index=True).drop_duplicates(OBSERVATION_KEY, keep="last")


BASELINE = observations([("demo", "92002", "2024-01", "F", "11-14", 4, "DEMO_FICTIVE")])
FIRST = observations(
    [
        ("a", "92002", "2024-01", "F", "11-14", 3, "S1"),
        ("a", "92002", "2024-01", "M", "11-14", 1, "S1"),
        ("a", "92004", "2024-01", "F", "11-14", 2, "S1"),
    ]
)
# From FIRST: one value changed, one row with only a new source (not a change), one removed, one added.
SECOND = observations(
    [
        ("a", "92002", "2024-01", "F", "11-14", 5, "S2"),
        ("a", "92002", "2024-01", "M", "11-14", 1, "S2"),
        ("b", "2A004", "2024", "F", "15-17", 7, "S2"),
    ]
)
