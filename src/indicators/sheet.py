"""« Ma commune »: what a territory's sheet says, worked out once for the page, the PDF and the command line.

An elected official takes one A4 page to a council: for each field indicator, the latest twelve
months of their territory against the same months a year before, the rate per 10 000 inhabitants,
the rank among its peers, the département beside it and a small trend. Every figure comes from the
protected lattice (`disclosure.protected_cells`): a number is shown only when the statistical
secret lets it, a masked count gives a masked rate and no rank, and a territory without rows says
« Aucune donnée », never zero. Pure: tables and cells in, frozen dataclasses out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from indicators.disclosure import (
    SECRET_SYMBOL,
    protected_ranking,
    protected_trend,
    window_visible,
)
from indicators.formatting import (
    format_change,
    format_day,
    format_month,
    format_number,
    format_span,
)
from indicators.i18n import _, localized, ngettext
from indicators.loading import DataTables
from indicators.observations import (
    MONTHS_PER_PERIOD,
    FieldIndex,
    Frequency,
    aggregate_series,
    compare_with_year_before,
    granularities,
    is_demo,
    years_covered,
)
from indicators.provenance import source_line
from indicators.store.contract import VersionInfo
from indicators.territories import (
    DEPARTMENT,
    DEPARTMENT_NAME,
    PARTIAL_EPT,
    PARTIAL_EPT_NOTE_FR,
    RATE_CAVEAT_FR,
    communes,
    epts,
    level_of,
    measure_label,
    members,
    names,
    populations,
    rate_per_10000,
)

TREND_PERIODS = 10  # bars a small chart can hold legibly on one A4 page
EVERYONE = "none:ensemble"  # the public a ranking covers (labels.public_choices)


@dataclass(frozen=True)
class WindowFigure:
    """A total over a window of periods as the secret lets it show (value and rate None when masked)."""

    period: str
    value: int | None
    rate: float | None
    masked: bool

    @property
    def text(self) -> str:
        return SECRET_SYMBOL if self.masked else format_number(self.value)

    @property
    def rate_text(self) -> str:
        return SECRET_SYMBOL if self.masked else format_number(self.rate, 1)


@dataclass(frozen=True)
class PeerRank:
    """A territory's place among its peers for one year, or why it has none."""

    position: int | None
    among: int
    text: str


@dataclass(frozen=True)
class TrendPoint:
    """One bar of the small trend chart: None when the secret masks it."""

    period_start: pd.Timestamp
    label: str
    value: int | None
    rate: float | None
    complete: bool


@dataclass(frozen=True)
class IndicatorBlock:
    """One field indicator on the sheet."""

    indicator_id: str
    label: str
    unit: str
    definition: str
    caveat: str
    has_data: bool
    current: WindowFigure | None = None
    previous: WindowFigure | None = None
    change_percent: float | None = None
    department: WindowFigure | None = None
    rank_year: int | None = None
    count_rank: PeerRank | None = None
    rate_rank: PeerRank | None = None
    trend: tuple[TrendPoint, ...] = ()
    trend_frequency: Frequency = "year"
    source_ids: tuple[str, ...] = ()
    is_demo: bool = False

    @property
    def change_text(self) -> str | None:
        """ "+12 % en un an", only when both windows show."""
        if self.change_percent is None:
            return None
        return _("{change} en un an").format(change=format_change(self.change_percent))


@dataclass(frozen=True)
class Sheet:
    """A territory's sheet: header facts, one block per field indicator, the footer's notes."""

    territory_code: str
    name: str
    level: str
    title: str
    level_text: str
    population: int | None
    population_text: str
    population_source: str
    version_text: str
    produced_on: str
    is_demo: bool
    blocks: tuple[IndicatorBlock, ...]
    sources_text: str
    secret_text: str
    rate_caveat: str
    partial_note: str | None
    k: int


def secret_text(k: int) -> str:
    """The footer's definition of the symbol, with this k."""
    return _(
        "{symbol} : effectif de 1 à {largest}, ou qui permettrait d'en retrouver un, masqué (secret statistique)."
    ).format(symbol=SECRET_SYMBOL, largest=k - 1)


def version_text(versions: list[VersionInfo]) -> str:
    """Which data the sheet was drawn from: the latest stored version and its date, or the shipped file."""
    if not versions:
        return _("données livrées avec le tableau de bord (version 0)")
    latest = max(versions, key=lambda info: info.version)
    return _("version {version} des données, du {date}").format(
        version=latest.version, date=format_day(latest.created_at[:10])
    )


def level_text(territories: pd.DataFrame, territory_code: str) -> str:
    """ "Commune de l'EPT Paris Ouest La Défense", "EPT de 11 communes des Hauts-de-Seine", "Département…"."""
    level = level_of(territories, territory_code)
    all_names = names(territories)
    if level == "departement":
        return _("Département, {communes} communes, {epts} EPT").format(
            communes=len(communes(territories)), epts=len(epts(territories))
        )
    if level == "ept":
        count = len(members(territories, territory_code) or [])
        return _("Établissement public territorial (EPT) de {count} communes des {department}").format(
            count=count, department=DEPARTMENT_NAME
        )
    row = territories.loc[territories["territory_code"] == territory_code]
    ept = row["ept_code"].iloc[0] if not row.empty else None
    if pd.notna(ept) and ept in all_names:
        return _("Commune de l'EPT {ept}").format(ept=all_names[ept])
    return _("Commune des {department}").format(department=DEPARTMENT_NAME)


def population_source(tables: DataTables, territory_code: str) -> str:
    """The source line of the populations the rates divide by (the communes' INSEE legal populations)."""
    inside = members(tables.territories, territory_code)
    mine = communes(tables.territories)
    if inside is not None:
        mine = mine.loc[mine["territory_code"].isin(inside)]
    source_ids = mine["population_source_id"].dropna().unique().tolist()
    return source_line(source_ids, tables.sources) if source_ids else _("Population non publiée")


def window_total(
    cells: pd.DataFrame,
    indicator_id: str,
    territory_code: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    granularity: str,
) -> int:
    """A territory's total over [start, end] read from the lattice, as `window_visible` judges it:
    the calendar year or quarter cell when the window is one, else the sum of its cells."""
    mine = cells.loc[
        (cells["indicator_id"] == indicator_id)
        & (cells["territory_code"] == territory_code)
        & (cells["dimension"] == "none")
    ]
    for level, months in (("year", 12), ("quarter", 3)):
        if start.month % months == 1 % months and end == start + pd.DateOffset(months=months - 1):
            return int(mine.loc[(mine["level"] == level) & (mine["period_start"] == start), "value"].sum())
    return int(mine.loc[(mine["level"] == granularity) & mine["period_start"].between(start, end), "value"].sum())


def window_figure(
    cells: pd.DataFrame,
    indicator_id: str,
    territory_code: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    granularity: str,
    population: int | None,
) -> WindowFigure:
    """The window's total and rate, both masked unless the lattice lets the total show."""
    shown = window_visible(cells, indicator_id, start, end, granularity, territory_code)
    last_start = end - pd.DateOffset(months=MONTHS_PER_PERIOD[granularity] - 1)
    period = format_span(start, last_start, granularity)
    if not shown:
        return WindowFigure(period, None, None, True)
    value = window_total(cells, indicator_id, territory_code, start, end, granularity)
    rate = float(rate_per_10000([value], [population])[0]) if population else None
    return WindowFigure(period, value, None if rate is None or pd.isna(rate) else rate, False)


def peer_rank(ranked: pd.DataFrame, territory_code: str, column: str, level: str, year: int) -> PeerRank:
    """Rank among the peers with a publishable value (ties share a rank); none for a masked territory."""
    mine = ranked.loc[ranked["territory_code"] == territory_code]
    visible = ranked.loc[~ranked["suppressed"].astype(bool) & ranked[column].notna()]
    among = len(visible)
    if mine.empty:
        return PeerRank(None, among, _("Aucune donnée en {year}").format(year=year))
    if bool(mine["suppressed"].iloc[0]) or pd.isna(mine[column].iloc[0]):
        return PeerRank(None, among, SECRET_SYMBOL)
    position = int((visible[column] > mine[column].iloc[0]).sum()) + 1
    # `among` counts the territory itself: at least 1.
    text = (
        ngettext(
            "rang {position} sur {count} commune avec une valeur publiable",
            "rang {position} sur {count} communes avec une valeur publiable",
            among,
        )
        if level == "commune"
        else ngettext(
            "rang {position} sur {count} EPT avec une valeur publiable",
            "rang {position} sur {count} EPT avec une valeur publiable",
            among,
        )
    )
    return PeerRank(position, among, text.format(position=position, count=among))


def latest_complete_year(index: FieldIndex, indicator_id: str) -> int | None:
    """The latest year the indicator's rows cover whole (every month): a partial year is never ranked."""
    yearly = aggregate_series(index.rows(indicator_id), "year")
    complete = yearly.loc[yearly["complete"], "period_start"]
    return int(complete.max().year) if not complete.empty else None


@dataclass(frozen=True)
class SheetBasis:
    """What every sheet of one data version shares, worked out once: each indicator's total cells
    (the only ones a sheet reads), the year it is ranked on and its rankings of communes and EPTs.
    Forty sheets then cost forty small look-ups, not forty scans of the lattice."""

    tables: DataTables
    index: FieldIndex
    k: int
    totals: dict[str, pd.DataFrame]
    rank_years: dict[str, int | None]
    rankings: dict[tuple[str, str], pd.DataFrame]


def sheet_basis(tables: DataTables, cells: pd.DataFrame, index: FieldIndex, k: int) -> SheetBasis:
    """The shared part of every sheet (see SheetBasis), from the protected lattice."""
    totals = {
        str(indicator_id): frame
        for indicator_id, frame in cells.loc[cells["dimension"] == "none"].groupby(
            "indicator_id", sort=False, observed=True
        )
    }
    rank_years: dict[str, int | None] = {}
    rankings: dict[tuple[str, str], pd.DataFrame] = {}
    for indicator_id in index.indicators:
        year = rank_years[indicator_id] = latest_complete_year(index, indicator_id)
        for level in ("commune", "ept") if year is not None else ():
            rankings[(indicator_id, level)], _sources, _demo = protected_ranking(
                index,
                tables.territories,
                totals.get(indicator_id, cells.iloc[:0]),
                indicator_id,
                str(year),
                str(year),
                EVERYONE,
                level,
            )
    return SheetBasis(tables, index, k, totals, rank_years, rankings)


def trend_frequency(rows: pd.DataFrame) -> Frequency:
    """Per year when the rows cover three years or more, else at the coarsest granularity given."""
    return "year" if len(years_covered(rows)) >= 3 else granularities(rows)[-1]


def trend_points(
    basis: SheetBasis,
    cells: pd.DataFrame,
    indicator_id: str,
    territory_code: str,
    rows: pd.DataFrame,
    population: int | None,
) -> tuple[Frequency, tuple[TrendPoint, ...]]:
    """The latest periods of the territory's series, secret applied (a masked point has no value)."""
    frequency = trend_frequency(rows)
    years = years_covered(rows)
    series, _sources, _demo = protected_trend(
        basis.index,
        basis.tables.territories,
        cells,
        indicator_id,
        territory_code,
        years[0],
        years[-1],
        frequency,
        "none",
    )
    points = []
    latest = series.tail(TREND_PERIODS)
    for suppressed, count, start, complete in zip(
        latest["suppressed"], latest["value"], latest["period_start"], latest["complete"]
    ):
        value = None if suppressed else int(count)
        rate = float(rate_per_10000([value], [population])[0]) if value is not None and population else None
        points.append(TrendPoint(start, format_month(start, frequency), value, rate, bool(complete)))
    return frequency, tuple(points)


def indicator_block(basis: SheetBasis, entry: pd.Series, territory_code: str, population: pd.Series) -> IndicatorBlock:
    """One indicator's figures for the territory, every one through the secret."""
    indicator_id = str(entry["indicator_id"])
    about: dict[str, Any] = dict(
        indicator_id=indicator_id,
        label=localized(entry, "label"),
        unit=localized(entry, "unit"),
        definition=localized(entry, "definition"),
        caveat=localized(entry, "caveat"),
    )
    territories = basis.tables.territories
    rows = basis.index.rows(indicator_id, members(territories, territory_code))
    cells = basis.totals.get(indicator_id)
    if rows.empty or cells is None:
        return IndicatorBlock(**about, has_data=False)
    people = population.get(territory_code)
    people = None if pd.isna(people) else int(people)
    comparison = compare_with_year_before(rows, indicator_id)
    start, end, granularity = comparison.current_start, comparison.current_end, comparison.granularity
    year = pd.DateOffset(years=1)
    current = window_figure(cells, indicator_id, territory_code, start, end, granularity, people)
    previous = (
        window_figure(cells, indicator_id, territory_code, start - year, end - year, granularity, people)
        if comparison.previous_total is not None
        else None
    )
    change = None
    if previous is not None and not current.masked and not previous.masked and previous.value:
        assert current.value is not None  # a figure not masked has its value
        change = (current.value - previous.value) / previous.value * 100
    department = None
    if territory_code != DEPARTMENT:
        department_people = population.get(DEPARTMENT)
        department = window_figure(
            cells,
            indicator_id,
            DEPARTMENT,
            start,
            end,
            granularity,
            None if pd.isna(department_people) else int(department_people),
        )
    level = level_of(territories, territory_code)
    rank_year = basis.rank_years.get(indicator_id)
    ranked = basis.rankings.get((indicator_id, level))
    count_rank = rate_rank = None
    if ranked is not None and rank_year is not None:  # an indicator is ranked only on a year
        count_rank = peer_rank(ranked, territory_code, "value", level, rank_year)
        rate_rank = peer_rank(ranked, territory_code, "rate", level, rank_year)
    frequency, points = trend_points(basis, cells, indicator_id, territory_code, rows, people)
    everything = basis.index.by_indicator[indicator_id]
    return IndicatorBlock(
        **about,
        has_data=True,
        current=current,
        previous=previous,
        change_percent=change,
        department=department,
        rank_year=rank_year if ranked is not None else None,
        count_rank=count_rank,
        rate_rank=rate_rank,
        trend=points,
        trend_frequency=frequency,
        source_ids=tuple(everything["source_id"].unique().tolist()),
        is_demo=is_demo(everything),
    )


def build_sheet(
    basis: SheetBasis,
    territory_code: str,
    versions: list[VersionInfo] | None = None,
    produced_on: dt.date | None = None,
) -> Sheet:
    """The whole sheet of one territory (a commune, an EPT or the département)."""
    tables = basis.tables
    territories = tables.territories
    all_names = names(territories)
    if territory_code not in all_names:
        raise KeyError(territory_code)
    name = DEPARTMENT_NAME if territory_code == DEPARTMENT else all_names[territory_code]
    population = populations(territories)
    people = population.get(territory_code)
    people = None if pd.isna(people) else int(people)
    field = tables.catalogue.loc[tables.field_indicator_ids].reset_index()
    blocks = tuple(indicator_block(basis, entry, territory_code, population) for _row, entry in field.iterrows())
    source_ids = [source for block in blocks if block.has_data for source in block.source_ids]
    return Sheet(
        territory_code=territory_code,
        name=name,
        level=level_of(territories, territory_code),
        title=_("{name} — fiche territoriale").format(name=name),
        level_text=level_text(territories, territory_code),
        population=people,
        population_text=(
            _("Population municipale : {population} habitants").format(population=format_number(people))
            if people
            else _("Population municipale non publiée")
        ),
        population_source=population_source(tables, territory_code),
        version_text=version_text(versions or []),
        produced_on=format_day(pd.Timestamp(produced_on or dt.date.today())),
        is_demo=any(block.is_demo for block in blocks),
        blocks=blocks,
        sources_text=source_line(source_ids, tables.sources)
        if source_ids
        else _("Aucune observation de terrain importée."),
        secret_text=secret_text(basis.k),
        rate_caveat=_("{label} : {value}").format(label=measure_label("rate"), value=_(RATE_CAVEAT_FR)),
        # Boucle Nord de Seine's figures, or the département's that contain them, leave Argenteuil out.
        partial_note=_(PARTIAL_EPT_NOTE_FR) if territory_code in (PARTIAL_EPT, DEPARTMENT) else None,
        k=basis.k,
    )


def territory_sheet(
    tables: DataTables,
    cells: pd.DataFrame,
    index: FieldIndex,
    k: int,
    territory_code: str,
    versions: list[VersionInfo] | None = None,
    produced_on: dt.date | None = None,
) -> Sheet:
    """One sheet from scratch (for several, build the basis once and call `build_sheet`)."""
    return build_sheet(sheet_basis(tables, cells, index, k), territory_code, versions, produced_on)


def sheet_territories(territories: pd.DataFrame) -> list[str]:
    """The territories `fiche --all` writes: every EPT, then every commune (code order)."""
    return [*epts(territories)["territory_code"], *communes(territories)["territory_code"]]
