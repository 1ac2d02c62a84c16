"""The only place that caches: loading keyed on the data files' fingerprint.

A changed file or a new store version changes the fingerprint, so the next rerun reloads.
Loaded tables are shared resources: one copy in memory for every viewer and every rerun
(`st.cache_resource`, no pickling of a million rows on each rerun), validated once per store
version. Pages only read them: every transform returns a new frame, none edits a shared one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from indicators.config import data_dir
from indicators.history import version_changes
from indicators.loading import (
    DataFileError,
    DataTables,
    data_fingerprint,
    demo_observations,
    load_tables,
    observation_store,
)
from indicators.store import ObservationDiff, ParquetStore


@st.cache_resource(show_spinner="Chargement des données…", max_entries=2)
def _load_tables(folder: str, fingerprint: tuple) -> DataTables:
    return load_tables(Path(folder))


def tables() -> DataTables:
    """Validated tables, or a French error on the page and a stop (never a traceback)."""
    folder = data_dir()
    try:
        return _load_tables(str(folder), data_fingerprint(folder))
    except DataFileError as error:
        st.error("Les données n'ont pas pu être chargées.\n\n" + str(error), icon=":material/error:")
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=2)
def _demo_baseline(folder: str, fingerprint: tuple) -> pd.DataFrame:
    return demo_observations(Path(folder))


@st.cache_resource(show_spinner=False, max_entries=2)
def _store(folder: str) -> ParquetStore:
    # Published versions never change: one store per folder keeps the last ones it read in memory.
    return observation_store(Path(folder), cached_versions=2)


def store_and_baseline() -> tuple[ParquetStore, pd.DataFrame]:
    """The observation store, and the shipped demo table it started from (version 0)."""
    folder = data_dir()
    return _store(str(folder)), _demo_baseline(str(folder), data_fingerprint(folder))


@st.cache_resource(show_spinner=False, max_entries=8)
def _version_changes(folder: str, fingerprint: tuple, version: int) -> ObservationDiff:
    return version_changes(_store(folder), version, _demo_baseline(folder, fingerprint))


def changes_of(version: int) -> ObservationDiff:
    """What a stored version changed, computed once and shared by every viewer of the history
    (a diff of a million rows is too much work, and memory, for every rerun of every session)."""
    folder = data_dir()
    return _version_changes(str(folder), data_fingerprint(folder), version)
