"""Every cache of the app, and why each lives where it does (the one design: views/keyed.py).

Here, `@keyed` on the data version and a hashable choice, shared by every viewer and never mutated:
the loaded tables, the demo baseline, the protected lattice (whole and per indicator), a version's
changes, the field index, the deck, the cards, the trend and ranking views, place lists, the
Sources page and the sheets. Two are keyed otherwise, the reason beside them: the store object
(per folder) and the published slides (per published digest).
Elsewhere, because they serve without Streamlit too:
- `secret.releases._IN_MEMORY`: each solved release, for the CLI and the background solver;
- the store back-ends (`cached_versions`): the versions they last read, which never change;
- `functools.cache` on pure lookups: gettext catalogues (`i18n`), Babel locales (`formatting`), the
  sheet's PDF stylesheet (`sheet_export`).
And `views.access._attempts_lock`: one lock per client address, for the password throttle.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from indicators.chart_views import FieldTrendView, RankingView
from indicators.chart_views import field_trend_view as build_trend_view
from indicators.chart_views import ranking_view as build_ranking_view
from indicators.choices import RankingChoice, TrendChoice
from indicators.config import data_dir
from indicators.deck import Slide, build_slides, left_out_topics, published_slides, read_deck
from indicators.disclosure import (
    ShownComparison,
    protected_benchmark,
    protected_comparisons,
    protected_ranking,
    protected_trend,
)
from indicators.i18n import _
from indicators.labels import public_choices
from indicators.loading import (
    DataFileError,
    DataTables,
    demo_observations,
    load_tables,
    observation_store,
    published_digest,
    with_import_sources,
)
from indicators.observations import FieldIndex, index_observations, is_demo, year_bounds
from indicators.published import HEADLINE_INDICATORS, Headline, headline
from indicators.secret.releases import protected_cells as kept_protected_cells
from indicators.source_tables import SourcesPage
from indicators.source_tables import sources_page as build_sources_page
from indicators.store.contract import ObservationDiff, ObservationStore
from indicators.store.history import version_changes
from indicators.territories import communes, maps_communes, territory_choices
from indicators.tilemap import tile_layout
from views.keyed import Version, keyed

if TYPE_CHECKING:
    from indicators.sheet import Sheet, SheetBasis


@st.cache_resource(show_spinner=False, max_entries=2)
def _store(folder: str) -> ObservationStore:
    # Per folder, not per version: the store keeps the versions it last read, which never change.
    return observation_store(Path(folder), cached_versions=2)


@keyed(entries=2, words=False)
def _loaded(version: Version) -> DataTables:
    return load_tables(version.folder)


@keyed(entries=4)
def _tables(version: Version) -> DataTables:
    # The imports' source rows are the dashboard's words about each file; the rest is `_loaded`'s.
    return with_import_sources(_loaded.at(version), _store(str(version.folder)).versions())


def tables() -> DataTables:
    """Validated tables, or an error on the page in the viewer's language and a stop."""
    try:
        with st.spinner(_("Chargement des données…")):  # here, not on the cache: in the viewer's language
            return _tables()
    except DataFileError as error:
        st.error(_("Les données n'ont pas pu être chargées.") + "\n\n" + str(error), icon=":material/error:")
        st.stop()


@keyed(entries=2, words=False)
def _demo_baseline(version: Version) -> pd.DataFrame:
    return demo_observations(version.folder)


def store_and_baseline() -> tuple[ObservationStore, pd.DataFrame]:
    """The observation store, and the shipped demo table it started from (version 0)."""
    return _store(str(data_dir())), _demo_baseline()


@keyed(entries=8, words=False)
def changes_of(version: Version, number: int) -> ObservationDiff:
    """What stored version `number` changed: a diff of a million rows, once for every viewer."""
    return version_changes(_store(str(version.folder)), number, _demo_baseline.at(version))


@keyed(entries=2, words=False)
def protected_cells(version: Version) -> pd.DataFrame:
    """Every displayable cell with its `suppressed` flag: solved once per version, then read back."""
    return kept_protected_cells(_loaded.at(version), version.k, version.folder)


@keyed(entries=16, words=False)
def _indicator_cells(version: Version, indicator_id: str) -> pd.DataFrame:
    # Views read one indicator: a fifth of a million-row lattice to scan per new choice.
    cells = protected_cells.at(version)
    return cells.loc[cells["indicator_id"] == indicator_id].reset_index(drop=True)


@keyed(entries=2, words=False)
def field_index(version: Version) -> FieldIndex:
    """The observations cut per indicator, with the years and splits they cover."""
    return index_observations(_loaded.at(version).field_observations)


@st.cache_resource(show_spinner=False, max_entries=4)
def _published_slides(digest: str, folder: str, language: str, _tables: DataTables) -> dict[str, Slide | None]:
    # Per published digest: an import redraws the field slides only. `_tables`: not in the key.
    return published_slides(_tables, read_deck(Path(folder)))


@keyed(entries=2)
def _slides(version: Version) -> list[Slide]:
    data = _tables.at(version)
    prebuilt = _published_slides(published_digest(version.folder), str(version.folder), version.language, data)
    return build_slides(data, read_deck(version.folder), protected_cells.at(version), version.k, prebuilt)


def slides() -> list[Slide]:
    """The deck described in deck.csv, rebuilt only when the data or that file change."""
    try:
        return _slides()
    except DataFileError as error:
        st.error(_("La présentation n'a pas pu être préparée.") + "\n\n" + str(error), icon=":material/error:")
        st.stop()


@keyed(entries=2)
def slides_left_out(version: Version) -> list[str]:
    """What the deck plans but cannot show for lack of data (its indicators' names)."""
    return left_out_topics(read_deck(version.folder), _slides.at(version), _tables.at(version).catalogue)


@keyed(entries=2, words=False)
def latest_comparisons(version: Version) -> tuple[dict[str, ShownComparison], list[str], bool]:
    """Per field indicator, the latest twelve months against the year before (secret applied), the
    observations' sources and whether they are the demo's."""
    data = _loaded.at(version)
    rows, expected = data.field_observations, len(communes(data.territories))
    shown = protected_comparisons(rows, protected_cells.at(version), data.field_indicator_ids, 12, expected)
    return shown, rows["source_id"].unique().tolist(), is_demo(rows)


@keyed(entries=2)
def headlines(version: Version) -> list[Headline]:
    """The overview's cards, found once in the published figures."""
    data = _tables.at(version)
    return [headline(data.published_estimates, data.catalogue, indicator) for indicator in HEADLINE_INDICATORS]


@keyed(entries=256)
def trend_view(version: Version, choice: TrendChoice) -> FieldTrendView:
    """`chart_views.field_trend_view` for one choice, once for every viewer who makes it (a shared
    link's room costs one computation)."""
    data, index = _tables.at(version), field_index.at(version)
    cells = _indicator_cells.at(version, choice.indicator_id)
    protected = protected_trend(index, data.territories, cells, choice)
    return build_trend_view(data, index, protected, version.k, choice, cells)


@keyed(entries=256)
def territory_publics(version: Version, indicator_id: str, first_year: str, last_year: str) -> dict[str, str]:
    """The publics (everyone, each sex, each age group) the indicator's rows of those years split into."""
    return public_choices(field_index.at(version).rows(indicator_id, None, *year_bounds(first_year, last_year)))


@keyed(entries=256)
def _ranking(version: Version, choice: RankingChoice) -> tuple[pd.DataFrame, list[str], bool]:
    # Keyed without the measure (callers blank it): counts and rates rank the same rows.
    data, cells = _tables.at(version), _indicator_cells.at(version, choice.indicator_id)
    return protected_ranking(field_index.at(version), data.territories, cells, choice)


@keyed(entries=256)
def ranking_view(version: Version, choice: RankingChoice) -> RankingView | None:
    """`chart_views.ranking_view` (comparison, map, ranking, funnel, communes without data) for one
    choice, once for every viewer who makes it; None when no territory has data."""
    ranked = _ranking.at(version, dataclasses.replace(choice, measure=""))
    if ranked[0].empty:
        return None
    data, index, cells = _tables.at(version), field_index.at(version), _indicator_cells.at(version, choice.indicator_id)
    benchmark = protected_benchmark(index, data.territories, cells, choice)
    public_label = territory_publics.at(version, choice.indicator_id, *choice.years)[choice.public]
    # The tiles are laid out only for the tile map (France's 35 000 communes are never tiled).
    tiled = choice.level == "commune" and choice.map_kind == "tiles" and maps_communes()
    layout = _map_layout.at(version) if tiled else pd.DataFrame()
    return build_ranking_view(data, index, ranked, version.k, choice, public_label, layout, benchmark)


@keyed(entries=64)
def _places(version: Version, with_data: tuple[str, ...] | None) -> dict[str, str]:
    territories = _tables.at(version).territories
    listed = list(with_data) if with_data is not None else communes(territories)["territory_code"].tolist()
    return territory_choices(territories, listed)


def places(with_data: list[str] | None = None) -> dict[str, str]:
    """`territories.territory_choices` (code → label: the département, its EPTs, then the communes
    `with_data`, or all of them)."""
    return _places(tuple(with_data) if with_data is not None else None)


@keyed(entries=2)
def sources_page(version: Version) -> SourcesPage:
    """`source_tables.sources_page`, once per data version and language."""
    return build_sources_page(_tables.at(version))


@keyed(entries=2, words=False)
def _map_layout(version: Version) -> pd.DataFrame:
    return tile_layout(_loaded.at(version).territories)


@keyed(entries=2)
def _sheet_basis(version: Version) -> SheetBasis:
    # What every sheet of a version shares (« Ma commune », views/sheet.py).
    from indicators.sheet import sheet_basis

    return sheet_basis(_tables.at(version), protected_cells.at(version), field_index.at(version), version.k)


@keyed(entries=128)
def _territory_sheet(version: Version, territory_code: str, day: str) -> Sheet:
    from indicators.sheet import build_sheet

    day_shown = pd.Timestamp(day).date()
    return build_sheet(_sheet_basis.at(version), territory_code, _store(str(version.folder)).versions(), day_shown)


def territory_sheet(territory_code: str) -> Sheet:
    """`sheet.build_sheet` for one territory, shared by every viewer of a data version that day."""
    return _territory_sheet(territory_code, pd.Timestamp.today().strftime("%Y-%m-%d"))
