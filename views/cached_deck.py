"""Cached deck and protected cells: rebuilt only when the data or the deck file change."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from indicators.config import data_dir, small_count_threshold
from indicators.deck import Slide, build_slides, read_deck
from indicators.disclosure import lattice, suppress_small_counts
from indicators.loading import DataFileError, data_fingerprint
from views.cached import _load_tables


@st.cache_resource(show_spinner=False, max_entries=2)
def _protected_cells(folder: str, fingerprint: tuple, k: int) -> pd.DataFrame:
    # One suppression for every viewer and every page: the rule is applied once, in one place.
    return suppress_small_counts(lattice(_load_tables(folder, fingerprint).field_observations), k)


def protected_cells() -> pd.DataFrame:
    """Every displayable field-observation cell with its `suppressed` flag (statistical secret)."""
    folder = data_dir()
    return _protected_cells(str(folder), data_fingerprint(folder), small_count_threshold())


@st.cache_resource(show_spinner=False, max_entries=2)
def _slides(folder: str, fingerprint: tuple, deck_mtime: int, k: int) -> list[Slide]:
    # Shared by every viewer and never mutated: pages style copies of the figures.
    return build_slides(_load_tables(folder, fingerprint), read_deck(Path(folder)), _protected_cells(folder, fingerprint, k), k)


def slides() -> list[Slide]:
    folder = data_dir()
    deck = folder / "deck.csv"
    try:
        return _slides(str(folder), data_fingerprint(folder), deck.stat().st_mtime_ns if deck.exists() else 0,
                       small_count_threshold())
    except DataFileError as error:
        st.error("La présentation n'a pas pu être préparée.\n\n" + str(error), icon=":material/error:")
        st.stop()
