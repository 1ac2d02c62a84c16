"""Observation stores of every shape the importer can produce, for tests that render the pages.

An analyst's file is never the demo: it brings a few indicators, some communes, months or
quarters or years (or, over several imports, one then the other on different years), splits by
sex or by age or totals only, zeros, small counts, huge counts. `observation_tables` draws such
tables (valid against the store's schema, never a total beside its own detail); `write_store`
lays one out as a data folder whose store holds it as the latest version, as an import would.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from indicators.config import DEFAULT_DATA_DIR
from indicators.ingest.pipeline import IMPORT_SOURCE_PREFIX
from indicators.loading import STORE_FOLDER, TABLE_FILES, scope_territory_table
from indicators.store.parquet import ParquetStore

# How many stores the tours on generated stores draw. The suite keeps to its budget (README) with
# 12 for the whole-app tour and a share of it for each narrower tour (the suite's budget, README);
# INDICATORS_STORE_SHAPES=2000 is a long run, the same shapes first and then many more (the draws
# are derandomised).
STORE_SHAPES = int(os.environ.get("INDICATORS_STORE_SHAPES", "12"))


def stores_drawn(share: float, at_least: int) -> int:
    """A narrower tour's number of stores: its share of STORE_SHAPES, never fewer than `at_least`."""
    return max(at_least, round(STORE_SHAPES * share))


_CATALOGUE = pd.read_csv(DEFAULT_DATA_DIR / "indicators.csv")
FIELD_INDICATORS: list[str] = _CATALOGUE.loc[_CATALOGUE["domain"] == "field", "indicator_id"].tolist()
_TERRITORIES = scope_territory_table(DEFAULT_DATA_DIR)
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


# --- Unequal coverage between years (fair comparisons, issue 25) -----------------------------------------
# An analyst's first file often holds a year for a few communes, the next one a few months for all:
# a change between the two years must then be computed on what both cover, or not at all.
COVERAGE_SCALES = {"small": (0, 12), "mixed": (0, 60), "large": (50, 2_000)}


@st.composite
def communes_of(draw: st.DrawFn, including: list[str] | None = None) -> list[str]:
    """Some communes: one, a few, most, all 36, or a few more than `including`."""
    if including is not None and draw(st.booleans()):
        extra = draw(st.lists(st.sampled_from(COMMUNES), min_size=0, max_size=6, unique=True))
        return sorted({*including, *extra})
    return draw(
        st.one_of(
            st.sampled_from(COMMUNES).map(lambda code: [code]),
            st.lists(st.sampled_from(COMMUNES), min_size=2, max_size=12, unique=True),
            st.just(COMMUNES),
        )
    )


@st.composite
def unequal_coverage_tables(draw: st.DrawFn) -> pd.DataFrame:
    """A store whose latest year covers other communes or months than the year before: 1 to 3
    indicators, each a first year (whole, its first or its last periods) for some communes, then the
    next year's first periods (or whole year) for the same communes, more, or others; months,
    quarters or years; values small (chance), mixed or large."""
    frames = []
    for indicator_id in draw(st.lists(st.sampled_from(FIELD_INDICATORS), min_size=1, max_size=3, unique=True)):
        granularity = draw(st.sampled_from(["month", "month", "quarter", "year"]))
        per_year = {"month": 12, "quarter": 4, "year": 1}[granularity]
        year = draw(st.integers(2019, 2025))
        first = draw(communes_of())
        second = draw(communes_of(including=first))
        first_count = draw(st.integers(1, per_year))
        # The first year's periods from January (mostly: months a year apart to compare) or up to December.
        first_start = draw(st.sampled_from([0, 0, per_year - first_count]))
        second_count = draw(st.integers(1, per_year))
        low, high = COVERAGE_SCALES[draw(st.sampled_from(list(COVERAGE_SCALES)))]
        cells = [
            (commune, period)
            for communes, first_step, count, in_year in (
                (first, first_start, first_count, year),
                (second, 0, second_count, year + 1),
            )
            for commune in communes
            for period in periods(granularity, in_year, first_step * (12 // per_year), count)
        ]
        values = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).integers(low, high + 1, size=len(cells))
        frames.append(
            pd.DataFrame(cells, columns=["territory_code", "period"]).assign(
                indicator_id=indicator_id, sex="ensemble", age_group="ensemble", value=values
            )
        )
    table = pd.concat(frames, ignore_index=True)
    return table.assign(source_id=f"{IMPORT_SOURCE_PREFIX}000001")[
        ["indicator_id", "territory_code", "period", "sex", "age_group", "value", "source_id"]
    ]
