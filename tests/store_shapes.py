"""Observation stores of every shape the importer can produce, for tests that render the pages.

An analyst's file is never the demo: it brings a few indicators, some communes, months or
quarters or years (or, over several imports, one then the other on different years), splits by
sex or by age or totals only, zeros, small counts, huge counts. `observation_tables` draws such
tables (valid against the store's schema, never a total beside its own detail); `write_store`
lays one out as a data folder whose store holds it as the latest version, as an import would.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from indicators.config import DEFAULT_DATA_DIR
from indicators.ingest.pipeline import IMPORT_SOURCE_PREFIX
from indicators.loading import STORE_FOLDER, TABLE_FILES
from indicators.store.parquet import ParquetStore

_CATALOGUE = pd.read_csv(DEFAULT_DATA_DIR / "indicators.csv")
FIELD_INDICATORS: list[str] = _CATALOGUE.loc[_CATALOGUE["domain"] == "field", "indicator_id"].tolist()
_TERRITORIES = pd.read_csv(DEFAULT_DATA_DIR / "territories.csv", dtype=str)
COMMUNES: list[str] = _TERRITORIES.loc[_TERRITORIES["level"] == "commune", "territory_code"].tolist()

SPLITS = {
    "none": [("ensemble", "ensemble")],
    "sex": [("F", "ensemble"), ("M", "ensemble")],
    "age_group": [("ensemble", "11-14"), ("ensemble", "15-17"), ("ensemble", "18-25")],
}
SPLITS_ORDER = list(SPLITS)
# How many periods one segment may span: up to thirty years, a few years of months or quarters
# (enough for every shape, small enough to render hundreds of stores in the suite).
MAX_PERIODS = {"month": 40, "quarter": 24, "year": 30}
SCALES = {"zeros": (0, 0), "small": (0, 4), "mixed": (0, 40), "large": (0, 2_000), "huge": (100_000, 9_000_000)}


def periods(granularity: str, first_year: int, first_step: int, count: int) -> list[str]:
    """`count` consecutive periods of one granularity, as the store writes them."""
    if granularity == "year":
        return [str(first_year + step) for step in range(count)]
    if granularity == "quarter":
        quarters = pd.period_range(
            pd.Period(year=first_year, quarter=first_step % 4 + 1, freq="Q"), periods=count, freq="Q"
        )
        return [f"{quarter.year}-Q{quarter.quarter}" for quarter in quarters]
    months = pd.period_range(pd.Period(year=first_year, month=first_step % 12 + 1, freq="M"), periods=count, freq="M")
    return [month.strftime("%Y-%m") for month in months]


@st.composite
def segments(draw: st.DrawFn, indicator_id: str, first_year: int) -> tuple[pd.DataFrame, int]:
    """One indicator's rows of one granularity, split and scale; and the year after its last period."""
    granularity = draw(st.sampled_from(["month", "quarter", "year"]))
    count = draw(st.integers(1, MAX_PERIODS[granularity]))
    spans = periods(granularity, first_year, draw(st.integers(0, 11)), count)
    communes = draw(
        st.one_of(
            st.sampled_from(COMMUNES).map(lambda code: [code]),
            st.lists(st.sampled_from(COMMUNES), min_size=2, max_size=8, unique=True),
            st.just(COMMUNES),
        )
    )
    # Usually one split for the whole file; sometimes each commune its own (detail here, totals there).
    if draw(st.booleans()):
        splits = [draw(st.sampled_from(list(SPLITS)))] * len(communes)
    else:
        splits = [
            SPLITS_ORDER[code]
            for code in draw(st.lists(st.integers(0, 2), min_size=len(communes), max_size=len(communes)))
        ]
    low, high = SCALES[draw(st.sampled_from(list(SCALES)))]
    cells = [
        (commune, period, sex, age)
        for commune, split in zip(communes, splits)
        for period in spans
        for sex, age in SPLITS[split]
    ]
    # Values from a seeded generator: drawing thousands of integers one by one would slow Hypothesis down.
    values = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).integers(low, high + 1, size=len(cells))
    rows = pd.DataFrame(cells, columns=["territory_code", "period", "sex", "age_group"]).assign(
        indicator_id=indicator_id, value=values
    )
    last_year = int(spans[-1][:4])
    return rows, last_year + 1


@st.composite
def observation_tables(draw: st.DrawFn) -> pd.DataFrame:
    """A store's table as imports leave it: 1 to 5 indicators, each in one or two segments of
    different granularities on different years (two imports), any communes, splits and scales."""
    frames = []
    for indicator_id in draw(
        st.lists(st.sampled_from(FIELD_INDICATORS), min_size=1, max_size=len(FIELD_INDICATORS), unique=True)
    ):
        first_year = draw(st.integers(1990, 2026))
        for _ in range(draw(st.integers(1, 2))):
            if first_year > 2100:
                break
            rows, first_year = draw(segments(indicator_id, first_year))
            frames.append(rows)
    table = pd.concat(frames, ignore_index=True).drop_duplicates(
        ["indicator_id", "territory_code", "period", "sex", "age_group"]
    )
    return table.assign(source_id=f"{IMPORT_SOURCE_PREFIX}000001")[
        ["indicator_id", "territory_code", "period", "sex", "age_group", "value", "source_id"]
    ]


def write_store(folder: Path, observations: pd.DataFrame) -> Path:
    """A data folder (the shipped tables, linked) whose store's latest version is `observations`."""
    folder.mkdir(parents=True)
    for name in {*TABLE_FILES.values(), "deck.csv"}:
        (folder / name).symlink_to(DEFAULT_DATA_DIR / name)
    ParquetStore(folder / STORE_FOLDER).commit(
        observations, action="import", parent=0, file_name="genere.csv", sha256="0" * 64, user="test"
    )
    return folder
