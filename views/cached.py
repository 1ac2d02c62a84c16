"""The only place that caches: loading, the statistical secret, the deck and what pages draw for
their default choices (headline cards, trend series, rankings), keyed on the data files'
fingerprint.

A changed file or a new store version changes the fingerprint, so the next rerun reloads.
Everything that holds words (views, slides, sheets, headlines, labels, tables to show) is also
keyed on the viewer's language (`current_language()`): two viewers in two languages share the
data, never each other's sentences.
Loaded tables are shared resources: one copy in memory for every viewer and every rerun
(`st.cache_resource`, no pickling of a million rows on each rerun), validated once per store
version. Pages only read them: every transform returns a new frame, none edits a shared one.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from indicators.chart_views import FieldTrendView, RankingView, field_trend_view, ranking_view
from indicators.config import data_dir, small_count_threshold
from indicators.deck import Slide, build_slides, left_out, published_slides, read_deck
from indicators.disclosure import (
    ShownComparison,
    protected_benchmark,
    protected_comparisons,
    protected_ranking,
    protected_trend,
)
from indicators.exports import indicators_table, key_dates_table, published_table, sources_table, territories_table
from indicators.i18n import _, as_language, current_language, in_language
from indicators.labels import public_choices
from indicators.loading import (
    DataFileError,
    DataTables,
    data_fingerprint,
    demo_observations,
    load_tables,
    observation_store,
    published_digest,
    with_import_sources,
)
from indicators.observations import FieldIndex, index_observations, is_demo, year_bounds
from indicators.published import HEADLINE_INDICATORS, Headline, headline
from indicators.secret.releases import prepare_in_background
from indicators.secret.releases import protected_cells as kept_protected_cells
from indicators.source_tables import published_shown, sources_shown
from indicators.store.contract import ObservationDiff, ObservationStore
from indicators.store.history import version_changes
from indicators.territories import communes, territory_choices
from indicators.tilemap import tile_layout

if TYPE_CHECKING:
    from indicators.sheet import Sheet, SheetBasis

# `loading.data_fingerprint`: a hashable cache key (file names, times, sizes, the store's version).
Fingerprint = tuple[object, ...]

# The fingerprint read at the top of the current script run (`start_run`): every accessor of the
# run uses it instead of reading the files and the store again (a dozen times per page; on
# PostgreSQL, a query each). A ContextVar: each script run has its own, in its own thread.
_RUN_FINGERPRINT: ContextVar[tuple[Path, Fingerprint] | None] = ContextVar("run_fingerprint", default=None)


def start_run() -> None:
    """Called first in every script run (dashboard.py): the data's fingerprint, read once for the run.
    A version published during the run is seen at the next one (an import ends with a rerun)."""
    folder = data_dir()
    _RUN_FINGERPRINT.set((folder, data_fingerprint(folder)))


def run_fingerprint(folder: Path) -> Fingerprint:
    """The fingerprint of `folder` as read at the top of this run, or read now outside a run."""
    memo = _RUN_FINGERPRINT.get()
    if memo is not None and memo[0] == folder:
        return memo[1]
    return data_fingerprint(folder)


@st.cache_resource(show_spinner=False, max_entries=2)
def _load_tables(folder: str, fingerprint: Fingerprint) -> DataTables:
    return load_tables(Path(folder))


@st.cache_resource(show_spinner=False, max_entries=4)
def _tables_in(folder: str, fingerprint: Fingerprint, language: str) -> DataTables:
    # The loaded tables with the imports' source rows in `language` (the dashboard's own words
    # about each file): every other table is the one loaded copy, shared by both languages.
    with in_language(as_language(language)):
        return with_import_sources(_load_tables(folder, fingerprint), _store(folder).versions())


def tables() -> DataTables:
    """Validated tables (the imports' sources in the viewer's language), or an error on the page in
    the viewer's language and a stop (never a traceback)."""
    folder = data_dir()
    try:
        # The spinner here rather than on the cache: its text is in the viewer's language.
        with st.spinner(_("Chargement des données…")):
            return _tables_in(str(folder), run_fingerprint(folder), current_language())
    except DataFileError as error:
        st.error(_("Les données n'ont pas pu être chargées.") + "\n\n" + str(error), icon=":material/error:")
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=2)
def _demo_baseline(folder: str, fingerprint: Fingerprint) -> pd.DataFrame:
    return demo_observations(Path(folder))


@st.cache_resource(show_spinner=False, max_entries=2)
def _store(folder: str) -> ObservationStore:
    # Published versions never change: one store per folder keeps the last ones it read in memory.
    return observation_store(Path(folder), cached_versions=2)


def store_and_baseline() -> tuple[ObservationStore, pd.DataFrame]:
    """The observation store, and the shipped demo table it started from (version 0)."""
    folder = data_dir()
    return _store(str(folder)), _demo_baseline(str(folder), run_fingerprint(folder))


@st.cache_resource(show_spinner=False, max_entries=8)
def _version_changes(folder: str, fingerprint: Fingerprint, version: int) -> ObservationDiff:
    return version_changes(_store(folder), version, _demo_baseline(folder, fingerprint))


def changes_of(version: int) -> ObservationDiff:
    """What a stored version changed, computed once and shared by every viewer of the history
    (a diff of a million rows is too much work, and memory, for every rerun of every session)."""
    folder = data_dir()
    return _version_changes(str(folder), run_fingerprint(folder), version)


@st.cache_resource(show_spinner=False, max_entries=2)
def _protected_cells(folder: str, fingerprint: Fingerprint, k: int) -> pd.DataFrame:
    # One suppression for every viewer and every page: the rule is applied once, in one place, and
    # each data version is solved once, then read back from the data folder (restarts, replicas).
    return kept_protected_cells(_load_tables(folder, fingerprint), k, Path(folder))


@st.cache_resource(show_spinner=False, max_entries=16)
def _indicator_cells(folder: str, fingerprint: Fingerprint, k: int, indicator_id: str) -> pd.DataFrame:
    # One indicator's part of the lattice: a new choice of filters scans a fifth of a million-row
    # lattice instead of all of it (the series and rankings only ever read one indicator's cells).
    cells = _protected_cells(folder, fingerprint, k)
    return cells.loc[cells["indicator_id"] == indicator_id].reset_index(drop=True)


def prepare_new_version() -> None:
    """Right after an import or a rollback, in the served app: the new version's statistical secret
    solved in the background (`secret.releases.prepare_in_background`), so that the officials who
    open a page later do not wait for it. Not under AppTest (no runtime): tests stay sequential."""
    from streamlit import runtime

    if runtime.exists():
        prepare_in_background(data_dir(), small_count_threshold())


def protected_cells() -> pd.DataFrame:
    """Every displayable field-observation cell with its `suppressed` flag (statistical secret)."""
    folder = data_dir()
    return _protected_cells(str(folder), run_fingerprint(folder), small_count_threshold())


@st.cache_resource(show_spinner=False, max_entries=4)
def _published_slides(digest: str, folder: str, language: str, _tables: DataTables) -> dict[str, Slide | None]:
    # Keyed on the published tables' contents (and the deck), not on the store: an import redraws
    # the field slides only. `_tables` (left out of the key) are the loaded tables of the moment,
    # whose published part the digest names: loading a million observations again for these
    # slides doubled the deck's first view.
    return published_slides(_tables, read_deck(Path(folder)))


@st.cache_resource(show_spinner=False, max_entries=2)
def _slides(folder: str, fingerprint: Fingerprint, deck_mtime: int, k: int, language: str) -> list[Slide]:
    # Shared by every viewer and never mutated: pages style copies of the figures.
    prebuilt = _published_slides(
        published_digest(Path(folder)), folder, language, _tables_in(folder, fingerprint, language)
    )
    return build_slides(
        _tables_in(folder, fingerprint, language),
        read_deck(Path(folder)),
        _protected_cells(folder, fingerprint, k),
        k,
        prebuilt,
    )


def slides() -> list[Slide]:
    """The deck described in deck.csv, rebuilt only when the data or that file change."""
    folder = data_dir()
    deck = folder / "deck.csv"
    try:
        return _slides(
            str(folder),
            run_fingerprint(folder),
            deck.stat().st_mtime_ns if deck.exists() else 0,
            small_count_threshold(),
            current_language(),
        )
    except DataFileError as error:
        st.error(_("La présentation n'a pas pu être préparée.") + "\n\n" + str(error), icon=":material/error:")
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=2)
def _slides_left_out(folder: str, fingerprint: Fingerprint, deck_mtime: int, k: int, language: str) -> list[str]:
    catalogue = _tables_in(folder, fingerprint, language).catalogue[f"label_{language}"]
    planned = read_deck(Path(folder))
    slides_built = _slides(folder, fingerprint, deck_mtime, k, language)
    missing = planned.loc[planned["slide_id"].isin(left_out(planned, slides_built))]
    return [
        _(" et ").join(str(catalogue.get(indicator, indicator)) for indicator in indicators.split("|"))
        for indicators in missing["indicators"]
    ]


def slides_left_out() -> list[str]:
    """What the deck plans but cannot show for lack of data (its indicators' names), per data version."""
    folder = data_dir()
    deck = folder / "deck.csv"
    return _slides_left_out(
        str(folder),
        run_fingerprint(folder),
        deck.stat().st_mtime_ns if deck.exists() else 0,
        small_count_threshold(),
        current_language(),
    )


@st.cache_resource(show_spinner=False, max_entries=2)
def _latest_comparisons(
    folder: str, fingerprint: Fingerprint, k: int
) -> tuple[dict[str, ShownComparison], list[str], bool]:
    data = _load_tables(folder, fingerprint)
    field_ids = data.field_indicator_ids
    observations = data.field_observations
    return (
        protected_comparisons(
            observations,
            _protected_cells(folder, fingerprint, k),
            field_ids,
            communes_expected=len(communes(data.territories)),
        ),
        observations["source_id"].unique().tolist(),
        is_demo(observations),
    )


def latest_comparisons() -> tuple[dict[str, ShownComparison], list[str], bool]:
    """Per field indicator, the latest twelve months against the year before (like for like, secret
    applied), the sources of the observations and whether they are the demo's: the same for every
    viewer until the data change."""
    folder = data_dir()
    return _latest_comparisons(str(folder), run_fingerprint(folder), small_count_threshold())


@st.cache_resource(show_spinner=False, max_entries=2)
def _field_index(folder: str, fingerprint: Fingerprint) -> FieldIndex:
    return index_observations(_load_tables(folder, fingerprint).field_observations)


def field_index() -> FieldIndex:
    """The observations cut per indicator, with the years and splits they cover: one copy shared
    by every viewer, so that a rerun filters one indicator's rows instead of all of them."""
    folder = data_dir()
    return _field_index(str(folder), run_fingerprint(folder))


@st.cache_resource(show_spinner=False, max_entries=2)
def _headlines(folder: str, fingerprint: Fingerprint, language: str) -> list[Headline]:
    data = _tables_in(folder, fingerprint, language)
    return [headline(data.published_estimates, data.catalogue, indicator_id) for indicator_id in HEADLINE_INDICATORS]


def headlines() -> list[Headline]:
    """The overview's cards (frozen dataclasses): found once in the published figures, not per view."""
    folder = data_dir()
    return _headlines(str(folder), run_fingerprint(folder), current_language())


@st.cache_resource(show_spinner=False, max_entries=256)
def _trend_series(
    folder: str,
    fingerprint: Fingerprint,
    k: int,
    indicator_id: str,
    territory: str,
    first_year: str,
    last_year: str,
    frequency: str,
    breakdown: str,
    language: str,
) -> tuple[pd.DataFrame, list[str], bool]:
    return protected_trend(
        _field_index(folder, fingerprint),
        _tables_in(folder, fingerprint, language).territories,
        _indicator_cells(folder, fingerprint, k, indicator_id),
        indicator_id,
        territory,
        first_year,
        last_year,
        frequency,
        breakdown,
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def _trend_view(
    folder: str,
    fingerprint: Fingerprint,
    k: int,
    indicator_id: str,
    territory: str,
    first_year: str,
    last_year: str,
    frequency: str,
    breakdown: str,
    language: str,
) -> FieldTrendView:
    choices = (indicator_id, territory, first_year, last_year, frequency, breakdown)
    return field_trend_view(
        _tables_in(folder, fingerprint, language),
        _field_index(folder, fingerprint),
        _trend_series(folder, fingerprint, k, *choices, language),
        k,
        *choices,
        _indicator_cells(folder, fingerprint, k, indicator_id),
    )


def trend_view(
    indicator_id: str, territory: str, first_year: str, last_year: str, frequency: str, breakdown: str
) -> FieldTrendView:
    """`chart_views.field_trend_view`: the finding, figure and tables of one choice of filters, built
    once for every viewer of a data version who makes that choice (a shared link's room)."""
    folder = data_dir()
    return _trend_view(
        str(folder),
        run_fingerprint(folder),
        small_count_threshold(),
        indicator_id,
        territory,
        first_year,
        last_year,
        frequency,
        breakdown,
        current_language(),
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def _territory_publics(
    folder: str, fingerprint: Fingerprint, indicator_id: str, first_year: str, last_year: str, language: str
) -> dict[str, str]:
    return public_choices(
        _field_index(folder, fingerprint).rows(indicator_id, None, *year_bounds(first_year, last_year))
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def _territory_ranking(
    folder: str,
    fingerprint: Fingerprint,
    k: int,
    indicator_id: str,
    first_year: str,
    last_year: str,
    public: str,
    level: str,
    language: str,
) -> tuple[pd.DataFrame, list[str], bool]:
    return protected_ranking(
        _field_index(folder, fingerprint),
        _tables_in(folder, fingerprint, language).territories,
        _indicator_cells(folder, fingerprint, k, indicator_id),
        indicator_id,
        first_year,
        last_year,
        public,
        level,
    )


def territory_publics(indicator_id: str, first_year: str, last_year: str) -> dict[str, str]:
    """The publics (everyone, each sex, each age group) the indicator's rows of those years split into."""
    folder = data_dir()
    return _territory_publics(
        str(folder), run_fingerprint(folder), indicator_id, first_year, last_year, current_language()
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def _ranking_view(
    folder: str,
    fingerprint: Fingerprint,
    k: int,
    indicator_id: str,
    first_year: str,
    last_year: str,
    public: str,
    level: str,
    measure: str,
    language: str,
) -> RankingView | None:
    ranked = _territory_ranking(folder, fingerprint, k, indicator_id, first_year, last_year, public, level, language)
    if ranked[0].empty:
        return None
    public_label = _territory_publics(folder, fingerprint, indicator_id, first_year, last_year, language)[public]
    tables_now = _tables_in(folder, fingerprint, language)
    benchmark = protected_benchmark(
        _field_index(folder, fingerprint),
        tables_now.territories,
        _indicator_cells(folder, fingerprint, k, indicator_id),
        indicator_id,
        first_year,
        last_year,
        public,
    )
    return ranking_view(
        tables_now,
        _field_index(folder, fingerprint),
        ranked,
        k,
        indicator_id,
        first_year,
        last_year,
        public_label,
        level,
        measure,
        _map_layout(folder, fingerprint, language),
        benchmark,
    )


def ranking_view_of(
    indicator_id: str, first_year: str, last_year: str, public: str, level: str, measure: str
) -> RankingView | None:
    """`chart_views.ranking_view` (comparison, map, ranking, funnel, communes without data) for one
    choice of filters, built once for every viewer of a data version; None when no territory has data."""
    folder = data_dir()
    return _ranking_view(
        str(folder),
        run_fingerprint(folder),
        small_count_threshold(),
        indicator_id,
        first_year,
        last_year,
        public,
        level,
        measure,
        current_language(),
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _places(folder: str, fingerprint: Fingerprint, with_data: tuple[str, ...] | None, language: str) -> dict[str, str]:
    territories = _tables_in(folder, fingerprint, language).territories
    return territory_choices(
        territories, list(with_data) if with_data is not None else communes(territories)["territory_code"].tolist()
    )


def places(with_data: list[str] | None = None) -> dict[str, str]:
    """`territories.territory_choices` (code → label: the département, its EPTs, then the communes
    `with_data`, or all of them), worked out once per data version rather than on every rerun."""
    folder = data_dir()
    return _places(
        str(folder), run_fingerprint(folder), tuple(with_data) if with_data is not None else None, current_language()
    )


@dataclass(frozen=True)
class SourcesPage:
    """The Sources page's tables for one data version: on screen, and to download (label → file, frame)."""

    sources: pd.DataFrame
    published: pd.DataFrame
    downloads: dict[str, tuple[str, pd.DataFrame]]


@st.cache_resource(show_spinner=False, max_entries=2)
def _sources_page(folder: str, fingerprint: Fingerprint, language: str) -> SourcesPage:
    data = _tables_in(folder, fingerprint, language)
    return SourcesPage(
        sources=sources_shown(data.sources),
        published=published_shown(data.published_estimates, data.catalogue, data.territories),
        downloads={
            _("Sources"): ("sources.csv", sources_table(data.sources)),
            _("Catalogue des indicateurs"): (_("indicateurs.csv"), indicators_table(data.indicators)),
            _("Chiffres publiés"): (_("chiffres_publies.csv"), published_table(data.published_estimates)),
            _("Territoires"): (_("territoires.csv"), territories_table(data.territories)),
            _("Dates clés"): (_("dates_cles.csv"), key_dates_table(data.key_dates)),
        },
    )


def sources_page() -> SourcesPage:
    """The Sources page's tables, built once per data version rather than on every view."""
    folder = data_dir()
    return _sources_page(str(folder), run_fingerprint(folder), current_language())


@st.cache_resource(show_spinner=False, max_entries=2)
def _map_layout(folder: str, fingerprint: Fingerprint, language: str) -> pd.DataFrame:
    return tile_layout(_tables_in(folder, fingerprint, language).territories)


# --- Territory sheets (« Ma commune », views/sheet.py) ------------------------------------------------
# What every sheet of a data version shares is worked out once; each territory's sheet once too.


@st.cache_resource(show_spinner=False, max_entries=2)
def _sheet_basis(folder: str, fingerprint: Fingerprint, k: int, language: str) -> SheetBasis:
    from indicators.sheet import sheet_basis

    return sheet_basis(
        _tables_in(folder, fingerprint, language),
        _protected_cells(folder, fingerprint, k),
        _field_index(folder, fingerprint),
        k,
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def _territory_sheet(
    folder: str, fingerprint: Fingerprint, k: int, territory_code: str, day: str, language: str
) -> Sheet:
    from indicators.sheet import build_sheet

    return build_sheet(
        _sheet_basis(folder, fingerprint, k, language),
        territory_code,
        _store(folder).versions(),
        pd.Timestamp(day).date(),
    )


def territory_sheet(territory_code: str) -> Sheet:
    """`sheet.build_sheet` for one territory (frozen), shared by every viewer of a data version that day."""
    folder = data_dir()
    return _territory_sheet(
        str(folder),
        run_fingerprint(folder),
        small_count_threshold(),
        territory_code,
        pd.Timestamp.today().strftime("%Y-%m-%d"),
        current_language(),
    )
