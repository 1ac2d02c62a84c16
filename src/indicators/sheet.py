"""« Ma commune »: what a territory's sheet says, worked out once for the page, the PDF and the command line.

An elected official takes one A4 page to a council: for each field indicator, the latest months of
their territory, named as summed (« janvier – mars 2026 (3 mois) », never « 12 derniers mois » over
three), the same months a year before and whether the change is beyond chance, the rate per 10 000
inhabitants and per year with its exact 95 % interval, the département over the same months beside
it and where the territory stands against it (above, comparable, below), and a small trend.

Fair comparisons (`indicators.comparisons`): a total says which communes and months it adds up; a
rate divides by the population of the communes counted, each for the months it sent (person-time),
so rates of windows of different lengths compare, and one that is not twelve months of every
commune says it is annualised; a change is computed like for like and tested (exact conditional
Poisson test), and only a change beyond chance is called « hausse nette » or « baisse nette »; no
rank, since a raw rank on small populations is mostly chance.

The secret comes first: every count comes from the protected lattice
(`secret.releases.protected_cells`); a masked count has no rate, interval, test or class; a
like-for-like total over part of a territory is a new sum, shown only when every cell it adds up
is. A territory without rows says « Aucune donnée », never zero. Pure: tables and cells in, frozen
dataclasses out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from indicators.choices import TrendChoice
from indicators.comparisons import (
    Coverage,
    Standing,
    like_for_like,
    rate_interval,
    shared_units,
    standing,
)
from indicators.comparisons import Direction as ChangeDirection
from indicators.disclosure import protected_trend
from indicators.formatting import (
    Direction,
    format_change,
    format_day,
    format_month,
    format_number,
    format_span,
)
from indicators.i18n import N_, _, localized, ngettext
from indicators.loading import DataTables
from indicators.observations import (
    MONTHS_PER_PERIOD,
    FieldIndex,
    Frequency,
    compare_with_year_before,
    granularities,
    is_demo,
    years_covered,
)
from indicators.provenance import source_line
from indicators.scope import current_scope
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.secret.rules import like_for_like_shown, window_visible
from indicators.store.contract import VersionInfo
from indicators.territories import (
    RATE_BASE,
    RATE_CAVEAT_FR,
    STANDING_LEVEL,
    communes,
    intercos,
    level_of,
    measure_label,
    members,
    names,
    partial_notes,
    populations,
    scope_code,
    scope_name,
    scope_units,
)

TREND_PERIODS = 10  # bars a small chart can hold legibly on one A4 page
YEAR = 12  # months: every rate on a sheet is per year, so that windows of any length compare

# Where a territory stands against the département's rate over the same months (the funnel's 99,8 %
# limit, as on Territoires and the map).
STANDING_SENTENCES: dict[Standing, str] = {
    "above": N_("Taux au-dessus de celui {of_scope} (mêmes mois), au-delà du hasard."),
    "similar": N_("Taux comparable à celui {of_scope} (écart dans les marges du hasard)."),
    "below": N_("Taux en dessous de celui {of_scope} (mêmes mois), au-delà du hasard."),
}
ARROWS: dict[ChangeDirection, Direction] = {"up": "up", "down": "down", "flat": "off"}
# What the rates, intervals and changes of a sheet mean (its footer), in plain words.
METHOD_NOTE_FR = N_(
    "Taux pour 10 000 habitants et par an, rapporté à la population des communes comptées pour les mois "
    "transmis (« annualisé » s'il ne repose pas sur 12 mois de chaque commune) ; IC 95 % : intervalle de "
    "confiance exact (Garwood). Évolutions calculées à champ constant (mêmes communes, mêmes mois) ; « hausse "
    "nette » ou « baisse nette » seulement si un test exact l'écarte du hasard (seuil de 5 %)."
)


@dataclass(frozen=True)
class Window:
    """The months a figure sums: from the first month of its first period to the last month of its
    last, in periods of one granularity (months, quarters or a year)."""

    start: pd.Timestamp
    end: pd.Timestamp  # the last month covered
    granularity: Frequency

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * YEAR + self.end.month - self.start.month + 1

    @property
    def level(self) -> Frequency:
        """The lattice level its total is read at: a calendar year or quarter is a cell of its own,
        any other window a sum of cells of its granularity (as `disclosure.window_visible` reads it)."""
        for level in ("year", "quarter"):
            span = MONTHS_PER_PERIOD[level]
            if self.start.month % span == 1 % span and self.months == span:
                return "year" if level == "year" else "quarter"
        return self.granularity

    @property
    def label(self) -> str:
        """ "janvier – mars 2026", "T1 – T3 2026", "2025": the periods summed, never « 12 derniers mois »."""
        if self.level == "year" and self.granularity != "year":  # a calendar year summed from finer figures
            return format_month(self.start, "year")
        last_start = self.end - pd.DateOffset(months=MONTHS_PER_PERIOD[self.granularity] - 1)
        return format_span(self.start, last_start, self.granularity)

    @property
    def length(self) -> str:
        return ngettext("{count} mois", "{count} mois", self.months).format(count=self.months)

    def year_before(self) -> Window:
        year = pd.DateOffset(years=1)
        return Window(self.start - year, self.end - year, self.granularity)

    def rows(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The dated rows its total adds up: inside it, at its lattice level or finer."""
        inside = rows["month"].between(self.start, self.end)
        return rows.loc[inside & (rows["months_spanned"] <= MONTHS_PER_PERIOD[self.level])]


def covered_months(rows: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Distinct calendar months covered per group of `keys` (a quarter counts three, a year twelve)."""
    first = (rows["month"].dt.year * YEAR + rows["month"].dt.month - 1).to_numpy()
    spans = rows["months_spanned"].to_numpy()
    positions = np.repeat(np.arange(len(rows)), spans)
    offsets = np.arange(len(positions)) - np.repeat(np.cumsum(spans) - spans, spans)
    months = rows[keys].iloc[positions].reset_index(drop=True).assign(covered=first[positions] + offsets)
    return months.drop_duplicates().groupby(keys, sort=True).size()


def person_years(months: pd.Series, population: pd.Series) -> float | None:
    """Inhabitants × years: each commune counted (`months`, by commune code) weighs its population
    for the months it sent — the person-time of Breslow & Day, so that a rate over three months and
    one over twelve compare. None when a commune counted has no published population."""
    if months.empty:
        return None
    people = population.reindex(months.index)
    if people.isna().any():
        return None
    return float((people.astype("float64").to_numpy() * months.to_numpy() / YEAR).sum())


def coverage_text(commune_months: pd.Series, communes_expected: int, months_expected: int) -> str:
    """What a partial total adds up: « 10 communes sur 36 ont transmis ; 3 mois sur 12 », « de 3 à 12
    mois sur 12 selon les communes »; nothing for a whole one."""
    fewest, most = (int(commune_months.min()), int(commune_months.max())) if len(commune_months) else (0, 0)
    counted = Coverage(len(commune_months), communes_expected, fewest, months_expected)
    if fewest == most:
        return counted.describe()
    uneven = _("de {fewest} à {most} mois sur {total} selon les communes").format(
        fewest=fewest, most=most, total=months_expected
    )
    return _(" ; ").join(filter(None, [Coverage(counted.communes, communes_expected, 1, 1).describe(), uneven]))


@dataclass(frozen=True)
class WindowFigure:
    """A territory's total over a window as the secret lets it show. Its rate is per 10 000
    inhabitants and per year, over the population of the communes counted; value, rate and
    interval are None when the count is masked."""

    period: str
    months: int
    value: int | None
    masked: bool
    rate: float | None = None
    low: float | None = None
    high: float | None = None
    annualised: bool = False
    coverage: str = ""
    exposure: float | None = None  # inhabitant-years the rate divides by

    @property
    def text(self) -> str:
        return SECRET_SYMBOL if self.masked else format_number(self.value)

    @property
    def rate_text(self) -> str:
        return SECRET_SYMBOL if self.masked else format_number(self.rate, 1)

    @property
    def interval_text(self) -> str:
        """ "IC 95 % : 9,1 – 16,0", nothing when masked or without a population (no interval of a secret)."""
        if self.masked or self.low is None or self.high is None:
            return ""
        return _("IC 95 % : {low} – {high}").format(low=format_number(self.low, 1), high=format_number(self.high, 1))


def window_total(cells: pd.DataFrame, indicator_id: str, territory_code: str, window: Window) -> int:
    """A territory's total over the window read from the lattice, as `window_visible` judges it:
    the calendar year or quarter cell when the window is one, else the sum of its cells."""
    mine = cells.loc[
        (cells["indicator_id"] == indicator_id)
        & (cells["territory_code"] == territory_code)
        & (cells["dimension"] == "none")
        & (cells["level"] == window.level)
    ]
    return int(mine.loc[mine["period_start"].between(window.start, window.end), "value"].sum())


def window_figure(
    cells: pd.DataFrame,
    indicator_id: str,
    territory_code: str,
    window: Window,
    rows: pd.DataFrame,
    population: pd.Series,
    communes_expected: int,
) -> WindowFigure:
    """The window's total (`rows`: the territory's dated rows), and its rate and interval over the
    person-time of the communes counted, all masked unless the lattice lets the total show."""
    months = covered_months(window.rows(rows), ["territory_code"])
    about: dict[str, Any] = dict(
        period=window.label,
        months=window.months,
        annualised=bool((months != YEAR).any()),
        coverage=coverage_text(months, communes_expected, window.months),
    )
    shown = window_visible(cells, indicator_id, window.start, window.end, window.granularity, territory_code)
    if not shown:
        return WindowFigure(value=None, masked=True, **about)
    value = window_total(cells, indicator_id, territory_code, window)
    exposure = person_years(months, population)
    if not exposure:
        return WindowFigure(value=value, masked=False, **about)
    low, high = rate_interval(np.array([float(value)]), np.array([exposure]))
    return WindowFigure(
        value=value,
        masked=False,
        rate=value * RATE_BASE / exposure,
        low=float(low[0]),
        high=float(high[0]),
        exposure=exposure,
        **about,
    )


@dataclass(frozen=True)
class ChangeStatement:
    """What a sheet says of the change from the same months a year before: computed like for like
    and tested, or why no change is stated. Only a change beyond chance has an arrow."""

    text: str
    direction: ChangeDirection
    percent: float | None = None
    p_value: float | None = None
    field: str = ""  # « à champ constant : 4 communes, 3 mois » when the two windows cover different fields
    current_common: int | None = None
    previous_common: int | None = None

    @property
    def arrow(self) -> Direction:
        return ARROWS[self.direction]

    @property
    def help(self) -> str:
        """The test behind the words, for whoever asks (a tooltip, never the headline)."""
        if self.p_value is None:
            return ""
        return _("Test exact conditionnel de deux effectifs de Poisson, bilatéral : p = {p}.").format(
            p=format_number(self.p_value, 3)
        )


def change_statement(
    visible: frozenset[tuple[str, str, pd.Timestamp]],
    rows: pd.DataFrame,
    window: Window,
    figures: tuple[WindowFigure, WindowFigure],
    communes_expected: int,
) -> ChangeStatement:
    """The change from the year before (`figures`: the current and previous windows' figures),
    like for like, secret first, then tested."""
    level_rows = rows.loc[rows["months_spanned"] <= MONTHS_PER_PERIOD[window.level]]
    before = window.year_before()
    compared = like_for_like(level_rows, (window.start, window.end), (before.start, before.end), communes_expected)
    if compared.test is None:
        return ChangeStatement(
            _("pas d'évolution : aucune commune ni aucun mois en commun avec un an plus tôt"), "flat"
        )
    shared = shared_units(level_rows, (window.start, window.end), (before.start, before.end))
    units = shared[["territory_code", "offset", "span"]].itertuples(index=False)
    totals_shown = (not figures[0].masked, not figures[1].masked)
    if not like_for_like_shown(visible, compared, units, (window.start, before.start), totals_shown):
        return ChangeStatement(_("évolution non publiable (secret statistique)"), "flat")
    tested = compared.test
    text = change_words(tested.direction, tested.percent)
    return ChangeStatement(
        text if compared.same_field else _("à champ constant, {change}").format(change=text),
        tested.direction,
        tested.percent,
        tested.p_value,
        compared.describe(),
        None if compared.same_field else compared.current_common,
        None if compared.same_field else compared.previous_common,
    )


def change_words(direction: ChangeDirection, percent: float | None) -> str:
    """ "+150 %, hausse nette", "hausse nette" (from zero), or « dans les marges du hasard »: a change
    that chance explains gets no figure that would read as a trend. Short: the card names the year
    compared, and a longer line is cut on a narrow card."""
    if direction == "flat":
        return _("dans les marges du hasard")
    if percent is None:
        return _("hausse nette") if direction == "up" else _("baisse nette")
    template = _("{change}, hausse nette") if direction == "up" else _("{change}, baisse nette")
    return template.format(change=format_change(percent))


@dataclass(frozen=True)
class TrendPoint:
    """One bar of the small trend chart: None when the secret masks it. Its rate is per 10 000
    inhabitants and per year (annualised for a month, a quarter or a partial year), with its interval."""

    period_start: pd.Timestamp
    label: str
    value: int | None
    rate: float | None
    complete: bool
    low: float | None = None
    high: float | None = None
    annualised: bool = False


@dataclass(frozen=True)
class FigureCard:
    """One figure of a block, as the page's metric and the PDF's box both show it."""

    label: str
    value: str
    note: str = ""
    arrow: Direction = "off"
    help: str = ""


@dataclass(frozen=True)
class IndicatorBlock:
    """One field indicator on the sheet."""

    indicator_id: str
    label: str
    unit: str
    definition: str
    caveat: str
    has_data: bool
    territory_name: str = ""
    window: Window | None = None
    current: WindowFigure | None = None
    previous: WindowFigure | None = None
    change: ChangeStatement | None = None
    department: WindowFigure | None = None
    standing: Standing | None = None
    trend: tuple[TrendPoint, ...] = ()
    trend_frequency: Frequency = "year"
    source_ids: tuple[str, ...] = ()
    is_demo: bool = False
    window_text: str = ""
    cards: tuple[FigureCard, ...] = ()
    notes: tuple[str, ...] = ()


def window_text(current: WindowFigure, previous: WindowFigure | None) -> str:
    """ "janvier – mars 2026, comparé à janvier – mars 2025" (or that there is nothing a year before)."""
    if previous is None:
        return _("{period} (pas de chiffre un an plus tôt)").format(period=current.period)
    return _("{period}, comparé à {previous}").format(period=current.period, previous=previous.period)


def figure_cards(
    current: WindowFigure,
    previous: WindowFigure | None,
    change: ChangeStatement | None,
    department: WindowFigure | None,
) -> tuple[FigureCard, ...]:
    """A block's figures, as both the page and the PDF show them: the window (named as summed, with
    its change), the year before, the rate with its interval, the département over the same months."""
    period = _("{period} ({length})").format(
        period=current.period,
        length=ngettext("{count} mois", "{count} mois", current.months).format(count=current.months),
    )
    cards = [
        FigureCard(
            period,
            current.text,
            change.text if change else "",
            change.arrow if change else "off",
            change.help if change else "",
        ),
        FigureCard(previous.period if previous else _("Un an plus tôt"), previous.text if previous else "—"),
        FigureCard(rate_label(current), current.rate_text, current.interval_text),
    ]
    if department is not None:
        cards.append(
            FigureCard(
                _("{department}, mêmes mois").format(department=scope_name()),
                department.text,
                department_rate_text(department),
            )
        )
    return tuple(cards)


def figure_notes(
    territory_name: str,
    figures: tuple[WindowFigure, WindowFigure | None, WindowFigure | None],
    change: ChangeStatement | None,
    place: Standing | None,
) -> tuple[str, ...]:
    """Sentences under a block's figures (`figures`: current, previous, département): what partial
    totals add up, the field a change is computed on, where the territory stands against the département."""
    current, previous, department = figures
    notes = [
        _("{territory} : {coverage}.").format(territory=name, coverage=figure.coverage)
        for name, figure in ((territory_name, current), (scope_name(), department))
        if figure is not None and figure.coverage
    ]
    if previous is not None and previous.coverage:
        notes.append(_("{period} : {coverage}.").format(period=previous.period, coverage=previous.coverage))
    if change is not None and change.field and change.current_common is not None:
        notes.append(
            _("Évolution calculée {field} ({current} contre {previous}).").format(
                field=change.field,
                current=format_number(change.current_common),
                previous=format_number(change.previous_common),
            )
        )
    if place is not None:
        notes.append(_(STANDING_SENTENCES[place]).format(of_scope=current_scope().of_name))
    return tuple(notes)


def rate_label(figure: WindowFigure) -> str:
    """ "Taux annualisé / 10 000 hab." when the rate does not rest on twelve months of every commune."""
    return _("Taux annualisé / 10 000 hab.") if figure.annualised else _("Taux sur 12 mois / 10 000 hab.")


def department_rate_text(figure: WindowFigure) -> str:
    """The département's rate beside a territory: « taux : 8,0 (IC 95 % : 7,3 – 8,7) », annualised or not."""
    if figure.masked or figure.rate is None:
        return _("taux : {rate}").format(rate=figure.rate_text)
    template = _("taux annualisé : {rate} ({interval})") if figure.annualised else _("taux : {rate} ({interval})")
    return template.format(rate=figure.rate_text, interval=figure.interval_text)


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
    method_text: str
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
    groups = intercos(territories)
    kinds = dict(zip(groups["territory_code"], groups["kind"]))
    of_scope = current_scope().of_name
    if territory_code == scope_code() and level == "departement":
        template = (
            _("Département, {communes} communes, {intercos} EPT")
            if set(kinds.values()) == {"EPT"}
            else _("Département, {communes} communes, {intercos} intercommunalités")
        )
        return template.format(communes=len(communes(territories)), intercos=len(groups))
    if level in ("departement", "region", "pays"):
        count = len(members(territories, territory_code) or communes(territories))
        departements = len(scope_units(territories, "departement")) if territory_code == scope_code() else 0
        if level == "pays":
            return _("Pays, {communes} communes, {departements} départements").format(
                communes=count, departements=departements
            )
        if level == "region":
            inside = departements or sum(
                1 for parent in scope_units(territories, "departement")["parent_code"] if parent == territory_code
            )
            return _("Région, {communes} communes, {departements} départements").format(
                communes=count, departements=inside
            )
        return _("Département de {count} communes {of_scope}").format(count=count, of_scope=of_scope)
    if level == "interco":
        count = len(members(territories, territory_code) or [])
        if kinds.get(territory_code) == "EPT":
            return _("Établissement public territorial (EPT) de {count} communes {of_scope}").format(
                count=count, of_scope=of_scope
            )
        return _("Intercommunalité ({kind}) de {count} communes {of_scope}").format(
            kind=kinds.get(territory_code), count=count, of_scope=of_scope
        )
    row = territories.loc[territories["territory_code"] == territory_code]
    interco = row["interco_code"].iloc[0] if not row.empty else None
    if pd.notna(interco) and interco in all_names:
        if kinds.get(interco) == "EPT":
            return _("Commune de l'EPT {ept}").format(ept=all_names[interco])
        return _("Commune de l'intercommunalité {interco}").format(interco=all_names[interco])
    return _("Commune {of_scope}").format(of_scope=of_scope)


def population_source(tables: DataTables, territory_code: str) -> str:
    """The source line of the populations the rates divide by (the communes' INSEE legal populations)."""
    inside = members(tables.territories, territory_code)
    mine = communes(tables.territories)
    if inside is not None:
        mine = mine.loc[mine["territory_code"].isin(inside)]
    source_ids = mine["population_source_id"].dropna().unique().tolist()
    return source_line(source_ids, tables.sources) if source_ids else _("Population non publiée")


@dataclass(frozen=True)
class SheetBasis:
    """What every sheet of one data version shares, worked out once: each indicator's total cells
    (the only ones a sheet reads) and the keys of the visible ones, its rows summed per commune and
    period (`unit_totals`), the communes' populations. Forty sheets then cost forty small look-ups,
    not forty scans of the lattice and the rows."""

    tables: DataTables
    index: FieldIndex
    k: int
    totals: dict[str, pd.DataFrame]
    visible: dict[str, frozenset[tuple[str, str, pd.Timestamp]]]
    units: dict[str, pd.DataFrame]
    population: pd.Series


def sheet_basis(tables: DataTables, cells: pd.DataFrame, index: FieldIndex, k: int) -> SheetBasis:
    """The shared part of every sheet (see SheetBasis), from the protected lattice."""
    totals = {
        str(indicator_id): frame
        for indicator_id, frame in cells.loc[cells["dimension"] == "none"].groupby(
            "indicator_id", sort=False, observed=True
        )
    }
    visible = {
        indicator_id: frozenset(
            zip(
                frame.loc[~frame["suppressed"], "territory_code"].astype(str),
                frame.loc[~frame["suppressed"], "level"].astype(str),
                frame.loc[~frame["suppressed"], "period_start"],
            )
        )
        for indicator_id, frame in totals.items()
    }
    units = {indicator_id: unit_totals(index.by_indicator[indicator_id]) for indicator_id in index.indicators}
    return SheetBasis(tables, index, k, totals, visible, units, populations(tables.territories))


def unit_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per commune and stored period, its groups (sexes, ages) summed: all that coverage,
    person-time and like-for-like changes read, a few thousand rows instead of every split."""
    keys = ["indicator_id", "territory_code", "period", "month", "months_spanned"]
    return rows.groupby(keys, as_index=False, observed=True, sort=True)[["value"]].sum()


def trend_frequency(rows: pd.DataFrame) -> Frequency:
    """Per year when the rows cover three years or more, else at the coarsest granularity given."""
    return "year" if len(years_covered(rows)) >= 3 else granularities(rows)[-1]


def period_exposures(
    rows: pd.DataFrame, population: pd.Series, frequency: Frequency
) -> dict[pd.Timestamp, tuple[float | None, bool]]:
    """Each period's person-time (inhabitant-years) at `frequency`, and whether its rate is annualised
    (not twelve months of every commune), from the rows the period's total adds up."""
    shown = rows.loc[rows["months_spanned"] <= MONTHS_PER_PERIOD[frequency]]
    dated = shown.assign(period_start=shown["month"].dt.to_period(frequency[0].upper()).dt.start_time)
    months = covered_months(dated, ["period_start", "territory_code"])
    return {
        cast(pd.Timestamp, start): (
            person_years(per_commune.droplevel(0), population),
            bool((per_commune != YEAR).any()),
        )
        for start, per_commune in months.groupby(level=0)
    }


def trend_points(
    basis: SheetBasis,
    cells: pd.DataFrame,
    indicator_id: str,
    territory_code: str,
    rows: pd.DataFrame,
) -> tuple[Frequency, tuple[TrendPoint, ...]]:
    """The latest periods of the territory's series, secret applied (a masked point has no value,
    rate or interval), each rate per year over the person-time of its communes."""
    frequency = trend_frequency(rows)
    years = years_covered(rows)
    choice = TrendChoice(
        indicator_id, years[0], years[-1], territory=territory_code, frequency=frequency, breakdown="none"
    )
    series, _sources, _demo = protected_trend(basis.index, basis.tables.territories, cells, choice)
    exposures = period_exposures(rows, basis.population, frequency)
    points = []
    for suppressed, count, start, complete in series.tail(TREND_PERIODS)[
        ["suppressed", "value", "period_start", "complete"]
    ].itertuples(index=False):
        label = format_month(start, frequency)
        exposure, annualised = exposures.get(pd.Timestamp(start), (None, False))
        if suppressed or not exposure:
            value = None if suppressed else int(count)
            points.append(TrendPoint(start, label, value, None, bool(complete), annualised=annualised))
            continue
        low, high = rate_interval(np.array([float(count)]), np.array([exposure]))
        rate = int(count) * RATE_BASE / exposure
        points.append(
            TrendPoint(start, label, int(count), rate, bool(complete), float(low[0]), float(high[0]), annualised)
        )
    return frequency, tuple(points)


def block_standing(current: WindowFigure, department: WindowFigure | None) -> Standing | None:
    """Where the territory stands against the département over the same months: both counts
    visible and both rates known, or no class at all (a class of a masked count would hint at it)."""
    if department is None or current.masked or department.masked or current.exposure is None:
        return None
    if department.rate is None or current.value is None:
        return None
    # At Territoires' level (the funnel's 99,8 % limit): a commune classed « comparable » on the map
    # must not read « au-dessus » on its own sheet.
    found: Standing | None = standing(
        np.array([float(current.value)]), np.array([current.exposure]), department.rate, STANDING_LEVEL
    )[0]
    return found


def indicator_block(basis: SheetBasis, entry: pd.Series, territory_code: str, territory_name: str) -> IndicatorBlock:
    """One indicator's figures for the territory, every one through the secret."""
    indicator_id = str(entry["indicator_id"])
    about: dict[str, Any] = dict(
        indicator_id=indicator_id,
        label=localized(entry, "label"),
        unit=localized(entry, "unit"),
        definition=localized(entry, "definition"),
        caveat=localized(entry, "caveat"),
        territory_name=territory_name,
    )
    territories = basis.tables.territories
    inside = members(territories, territory_code)
    everywhere = basis.units.get(indicator_id)
    cells = basis.totals.get(indicator_id)
    if everywhere is None or cells is None:
        return IndicatorBlock(**about, has_data=False)
    rows = everywhere if inside is None else everywhere.loc[everywhere["territory_code"].isin(inside)]
    if rows.empty:
        return IndicatorBlock(**about, has_data=False)
    expected = len(inside) if inside is not None else len(communes(territories))
    comparison = compare_with_year_before(rows, indicator_id)
    window = Window(comparison.current_start, comparison.current_end, comparison.granularity)
    current = window_figure(cells, indicator_id, territory_code, window, rows, basis.population, expected)
    previous = change = None
    if not window.year_before().rows(rows).empty:
        previous = window_figure(
            cells, indicator_id, territory_code, window.year_before(), rows, basis.population, expected
        )
        visible = basis.visible.get(indicator_id, frozenset())
        change = change_statement(visible, rows, window, (current, previous), expected)
    department = None
    if territory_code != scope_code():
        department = window_figure(
            cells, indicator_id, scope_code(), window, everywhere, basis.population, len(communes(territories))
        )
    frequency, points = trend_points(basis, cells, indicator_id, territory_code, rows)
    everything = basis.index.by_indicator[indicator_id]
    place = block_standing(current, department)
    return IndicatorBlock(
        **about,
        has_data=True,
        window=window,
        current=current,
        previous=previous,
        change=change,
        department=department,
        standing=place,
        window_text=window_text(current, previous),
        cards=figure_cards(current, previous, change, department),
        notes=figure_notes(territory_name, (current, previous, department), change, place),
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
    name = scope_name() if territory_code == scope_code() else all_names[territory_code]
    people = basis.population.get(territory_code)
    people = None if pd.isna(people) else int(people)
    field = tables.catalogue.loc[tables.field_indicator_ids].reset_index()
    blocks = tuple(indicator_block(basis, entry, territory_code, name) for _row, entry in field.iterrows())
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
        method_text=_(METHOD_NOTE_FR),
        # An intercommunalité's figures, or the scope's that contain them, leave its communes outside out.
        partial_note=" ".join(partial_notes(territories, None if territory_code == scope_code() else [territory_code]))
        or None,
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
    return [*intercos(territories)["territory_code"], *communes(territories)["territory_code"]]
