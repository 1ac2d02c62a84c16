"""What the Tendances and Territoires pages show for one choice of filters, worked out in one go.

A view depends only on the data version, k and the viewer's choices, so the app computes each
one once and shares it (frozen, never mutated) with every viewer who makes the same choices:
the room of a colloquium opening one shared link costs one computation, not one per viewer.
Pages draw a view; they compute nothing of their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.cell_coverage import series_coverage
from indicators.changes import change_columns
from indicators.charts import funnel_figure, interval_text, observation_figure, ranking_figure
from indicators.choices import RankingChoice, TrendChoice
from indicators.comparisons import Coverage, rate_interval
from indicators.contour_map import contour_map_figure, point_layout
from indicators.contours import CONTOUR_SOURCE_ID, GeoJSON, contours_of, representative_points
from indicators.disclosure import masked_ranking, series_tables
from indicators.findings import (
    UPPER_PLACES,
    covered_label,
    covered_text,
    named_places,
    observation_finding,
    ranking_finding,
)
from indicators.formatting import format_number, format_share
from indicators.i18n import N_, _, localized, ngettext
from indicators.key_dates import key_dates_for
from indicators.labels import group_labels
from indicators.loading import DataTables
from indicators.observations import (
    FREQUENCIES,
    FieldIndex,
    as_frequency,
    coarser_granularities,
    communes_without_data,
    period_coverage,
    year_bounds,
)
from indicators.provenance import source_line
from indicators.scope import REGION_PREFIX, whole_words
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.secret.rules import ProtectedChange, period_changes
from indicators.territories import (
    RATE_CAVEAT_FR,
    STANDING_LEVEL,
    Benchmark,
    by_measure,
    chance_note,
    communes,
    every_interco_is_an_ept,
    intercos,
    maps_communes,
    masked_bound,
    measure_label,
    measure_unit,
    members,
    names,
    partial_note,
    partial_notes,
    rate_decimals,
    rate_unit,
    scope_units,
)
from indicators.territories import communes as territory_communes
from indicators.tilemap import map_sentence, map_values, page_height, tile_map_figure, unplaced_communes

# Why some figures of a selection are missing from a chart, by the granularity left out.
COARSER_NOTES = {
    "month": N_(
        "Une partie des chiffres de cette sélection est mensuelle : ils n'apparaissent qu'en regroupement par mois."
    ),
    "quarter": N_(
        "Une partie des chiffres de cette sélection est trimestrielle : ils n'apparaissent qu'en regroupement "
        "par trimestre."
    ),
    "year": N_(
        "Une partie des chiffres de cette sélection est annuelle : ils n'apparaissent qu'en regroupement par année."
    ),
}


def secret_note(k: int) -> str:
    """What the secret symbol means, with this k (no final full stop)."""
    return _(
        "{symbol} : effectif de 1 à {largest}, ou qui permettrait d'en retrouver un, masqué (secret statistique)"
    ).format(symbol=SECRET_SYMBOL, largest=k - 1)


@dataclass(frozen=True)
class ChartView:
    """One chart block: the finding as its title, the figure, the table behind it (as exported and
    as shown), the source line, the caveat, the CSV's name, and whether the figures are the demo's."""

    finding: str
    figure: go.Figure
    data: pd.DataFrame
    display_data: pd.DataFrame
    source: str
    caveat: str
    file_name: str
    is_demo: bool


# When most points of a chart are secret: the same view one grouping coarser, by the grouping offered.
SPARSE_NOTES = {
    "quarter": N_(
        "La plupart des points de ce graphique ({masked} sur {total}) sont masqués par le secret statistique "
        "({symbol}) : regroupés par trimestre, les chiffres en montrent souvent davantage."
    ),
    "year": N_(
        "La plupart des points de ce graphique ({masked} sur {total}) sont masqués par le secret statistique "
        "({symbol}) : regroupés par année, les chiffres en montrent souvent davantage."
    ),
    None: N_(
        "La plupart des points de ce graphique ({masked} sur {total}) sont masqués par le secret statistique "
        "({symbol}) : un territoire plus large (son intercommunalité ou {the_whole}) en montre davantage."
    ),
}
# Most points: more than half of them.
SPARSE_SHARE = 0.5
# The contour map's height on a page: a département's shape fitted into it, whatever its size.
CONTOUR_MAP_HEIGHT = 700


@dataclass(frozen=True)
class SparseView:
    """Most points of a chart are secret: what the page says, and the grouping one step coarser that
    the data offer (None when the chart is already by the coarsest)."""

    note: str
    coarser: str | None


@dataclass(frozen=True)
class FieldTrendView:
    """Tendances, field observations: notes before the chart, then the chart, or why there is none."""

    notes: tuple[str, ...]
    empty: str | None
    chart: ChartView | None
    sparse: SparseView | None = None


def sparse_view(series: pd.DataFrame, frequency: str, offered: Sequence[str]) -> SparseView | None:
    """When more than half the points drawn are secret (« s »): say so, and offer the same view one
    grouping coarser among those `offered` (a quarter of three months holds more than each month)."""
    masked, total = int(series["suppressed"].sum()), len(series)
    if total == 0 or masked <= SPARSE_SHARE * total:
        return None
    finer = FREQUENCIES[: FREQUENCIES.index(frequency) + 1] if frequency in FREQUENCIES else FREQUENCIES
    coarser = next((choice for choice in FREQUENCIES if choice not in finer and choice in offered), None)
    note = _(SPARSE_NOTES[coarser]).format(
        masked=masked, total=total, symbol=_("« {name} »").format(name=SECRET_SYMBOL), **whole_words()
    )
    return SparseView(note, coarser)


def trend_changes(
    data: DataTables, index: FieldIndex, cells: pd.DataFrame, series: pd.DataFrame, choice: TrendChoice
) -> tuple[dict[pd.Timestamp, ProtectedChange], dict[pd.Timestamp, Coverage]]:
    """Each drawn period's change against the same period a year before, like for like and through
    the secret (the first year drawn is compared with the year before it, though not drawn), and
    what each period's total adds up."""
    inside = members(data.territories, choice.territory)
    start, end = year_bounds(choice.first_year, choice.last_year)
    rows = index.rows(choice.indicator_id, inside, start - pd.DateOffset(years=1), end)
    expected = len(inside) if inside is not None else len(communes(data.territories))
    starts = sorted(pd.DatetimeIndex(series["period_start"].unique()))
    frequency = as_frequency(choice.frequency)
    return (
        period_changes(rows, starts, frequency, expected, cells, choice.territory),
        period_coverage(rows, starts, frequency, expected),
    )


def with_changes(
    table: pd.DataFrame,
    shown: pd.DataFrame,
    series: pd.DataFrame,
    changes: dict[pd.Timestamp, ProtectedChange],
    covered: dict[pd.Timestamp, Coverage],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tables behind a trend with what each period's total adds up (communes that reported)
    and its change against the year before: like for like, the field compared, the exact test's
    p-value and its reading (not forced on officials in the title: here for whoever checks)."""
    columns = change_columns(series["period_start"], changes)
    reported = [covered.get(pd.Timestamp(start)) for start in series["period_start"]]
    out_of = [
        "" if part is None else _("{count} sur {total}").format(count=part.communes, total=part.communes_expected)
        for part in reported
    ]
    download_columns: dict[str, pd.Series] = {
        _("evolution_un_an_pct"): columns["change_percent"],
        _("champ_compare"): columns["field"],
        _("p_valeur"): columns["p_value"],
        _("lecture_evolution"): columns["verdict"],
    }
    shown_columns: dict[str, pd.Series] = {
        _("Communes ayant transmis"): pd.Series(out_of, index=series.index, dtype="str"),
        _("Évolution sur un an (total)"): columns["change_text"],
        _("Champ comparé"): columns["field"],
        _("p (test exact)"): columns["p_value_text"],
        _("Lecture"): columns["verdict"],
    }
    # The tables keep the series' rows in order (series_tables): positions match.
    download = table.assign(**{name: column.to_numpy() for name, column in download_columns.items()})
    read = shown.assign(**{name: column.to_numpy() for name, column in shown_columns.items()})
    return download, read


def field_trend_view(
    data: DataTables,
    index: FieldIndex,
    protected: tuple[pd.DataFrame, list[str], bool],
    k: int,
    choice: TrendChoice,
    cells: pd.DataFrame,
) -> FieldTrendView:
    """One indicator's series for a territory, years, grouping and split (`protected`: the series
    from `disclosure.protected_trend`, with its sources and whether they are the demo's; `cells`: the
    protected lattice, or the indicator's part of it, which every stated change goes through), its
    texts in the current language."""
    series = protected[0]
    rows = index.rows(choice.indicator_id, members(data.territories, choice.territory), *year_bounds(*choice.years))
    left_out = coarser_granularities(rows, choice.frequency)
    notes = (_(COARSER_NOTES[left_out[-1]]),) if left_out else ()
    if series.empty:
        empty = _("Aucune donnée pour {place} de {first_year} à {last_year} à ce regroupement.").format(
            place=names(data.territories)[choice.territory], first_year=choice.first_year, last_year=choice.last_year
        )
        return FieldTrendView(notes, empty, None)
    offered = index.frequencies_of[choice.indicator_id][0]
    chart = trend_chart(data, protected, rows, trend_changes(data, index, cells, series, choice), k, choice)
    return FieldTrendView(notes, None, chart, sparse_view(series, choice.frequency, offered))


def trend_chart(
    data: DataTables,
    protected: tuple[pd.DataFrame, list[str], bool],
    rows: pd.DataFrame,
    compared: tuple[dict[pd.Timestamp, ProtectedChange], dict[pd.Timestamp, Coverage]],
    k: int,
    choice: TrendChoice,
) -> ChartView:
    """The chart block of a non-empty series: its finding, figure, tables (with each period's
    coverage and change: `compared`, from `trend_changes`), source line and caveat. `rows`: the
    dated rows the series adds up."""
    series, source_ids, demo = protected
    entry = data.catalogue.loc[choice.indicator_id]
    place = names(data.territories)[choice.territory]
    labels = group_labels(choice.breakdown)
    label, unit = localized(entry, "label"), localized(entry, "unit")
    inside = members(data.territories, choice.territory)
    table, shown_table = series_tables(
        series,
        indicator=label,
        territory=place,
        unit=unit,
        frequency=choice.frequency,
        group_names=labels,
        k=k,
        coverage=series_coverage(
            rows,
            choice.frequency,
            choice.breakdown,
            len(inside) if inside is not None else len(communes(data.territories)),
        ),
    )
    changes, covered = compared
    table, shown_table = with_changes(table, shown_table, series, changes, covered)
    first_year, last_year = choice.years
    period_text = first_year if first_year == last_year else f"{first_year}–{last_year}"
    dates = key_dates_for(data.key_dates, choice.territory, data.territories)
    note = partial_note(data.territories, choice.territory)
    partial = f" {note}" if note else ""
    return ChartView(
        finding=observation_finding(series, f"{label} ({place})", unit, choice.frequency, k, changes, covered),
        figure=observation_figure(series, unit, choice.frequency, dates, labels, k),
        data=table,
        display_data=shown_table,
        source=_("{sources} ; période {period} ; {symbol} : valeur masquée par le secret statistique").format(
            sources=source_line(source_ids, data.sources), period=period_text, symbol=SECRET_SYMBOL
        ),
        caveat=localized(entry, "caveat") + partial,
        file_name=f"{choice.indicator_id}_{choice.territory}_{choice.frequency}.csv",
        is_demo=demo,
    )


@dataclass(frozen=True)
class TileMapView:
    """The communes' tile map above the ranking: its title, figure, sentence (the map's text
    alternative) and captions."""

    finding: str
    figure: go.Figure
    sentence: str
    captions: tuple[str, ...]


@dataclass(frozen=True)
class RankingView:
    """Territoires: the comparison with the département in words (`notes`), the map (communes only),
    the ranking chart, the funnel plot (or why there is none: `funnel_empty`, and what it leaves out:
    `funnel_note`), and the communes without data."""

    tile_map: TileMapView | None
    chart: ChartView
    missing: str | None
    notes: tuple[str, ...] = ()
    funnel: ChartView | None = None
    funnel_empty: str | None = None
    funnel_note: str | None = None


@dataclass(frozen=True)
class RankingTexts:
    """What every part of a Territoires view says the same way: the indicator's label and units, the
    period, the secret's note, the rates' decimals, and the places ranked."""

    label: str
    count_unit: str
    unit: str
    rate_unit: str
    period_text: str
    secret: str
    decimals: int
    rate_decimals: int
    communes: bool
    # "commune", "EPT" (every intercommunalité of the scope is one), "interco", "departement" or
    # "region": how the places are named.
    places: str = "commune"
    measure: str = "count"


def benchmark_text(benchmark: Benchmark, texts: RankingTexts) -> str:
    """ "3,0 pour 10 000 habitants (IC 95 % : 2,7 – 3,3)": the département's rate and its interval."""
    assert benchmark.rate is not None
    low, high = rate_interval(pd.Series([float(benchmark.count)]), pd.Series([benchmark.exposure]))
    return _("{rate} {unit} ({interval})").format(
        rate=format_number(benchmark.rate, texts.rate_decimals),
        unit=texts.rate_unit,
        interval=interval_text(low[0], high[0], texts.rate_decimals),
    )


def comparison_notes(shown: pd.DataFrame, benchmark: Benchmark | None, texts: RankingTexts) -> tuple[str, ...]:
    """The comparison with the whole, in words: the département's rate, over which communes (a partial
    total says so, and its rate divides by the communes counted only), whether rates are annualised,
    which limit the classes use and what chance alone would do; or why there is no comparison."""
    if benchmark is None:
        return ()
    notes = []
    if not benchmark.shown:
        notes.append(
            _(
                "Le total {of_whole} est masqué par le secret statistique, ou une commune n'a pas de "
                "population connue : les territoires ne sont pas comparés au taux {of_whole}."
            ).format(**whole_words())
        )
    elif benchmark.rate is not None:
        rate = benchmark_text(benchmark, texts)
        notes.append(
            _("Taux {of_whole} {period} : {rate}.").format(period=texts.period_text, rate=rate, **whole_words())
            if benchmark.coverage.communes >= benchmark.coverage.communes_expected
            else _(
                "Taux {of_whole} {period} : {rate}, sur les communes qui ont transmis ({coverage}) : "
                "leur effectif rapporté à leur seule population."
            ).format(period=texts.period_text, rate=rate, coverage=benchmark.coverage.describe(), **whole_words())
        )
    if benchmark.annualised:
        notes.append(
            _(
                "Les communes n'ont pas transmis le même nombre de mois : les taux sont annualisés "
                "({unit}) pour être comparables."
            ).format(unit=texts.rate_unit)
        )
    classified = int(shown["standing"].notna().sum()) if "standing" in shown else 0
    if classified:
        notes.append(chance_note(classified, texts.places))
    partial = shown.loc[shown["communes"] < shown["communes_expected"]] if "communes" in shown else shown.iloc[0:0]
    if not texts.communes and not partial.empty:
        notes.append(
            _(
                "Couverture partielle : {intercos}. Leurs taux divisent par la population des seules communes "
                "qui ont transmis."
            ).format(
                intercos=" ; ".join(
                    f"{name} : " + Coverage(int(communes), int(expected), 0, 0).describe()
                    for name, communes, expected in zip(
                        partial["name_fr"], partial["communes"], partial["communes_expected"]
                    )
                )
            )
        )
    return tuple(notes)


def place_column(texts: RankingTexts, exported: bool) -> str:
    """The heading of the places' column: « commune », « EPT », « territoire », « intercommunalite » in
    a file; capitalised, with its accents, on screen."""
    if texts.places == "EPT":
        return "EPT"
    if texts.communes:
        return _("commune") if exported else _("Commune")
    if texts.places in UPPER_PLACES:
        return _("territoire") if exported else _("Territoire")
    return _("intercommunalite") if exported else _("Intercommunalité")


def ranking_tables(
    shown: pd.DataFrame, k: int, texts: RankingTexts, described: dict[str, str], benchmark: Benchmark | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table behind the ranking and the funnel: the file (plain values, coverage and the
    département's rate as columns) and the screen's (formatted), « s » on a secret count and all
    that would come from it."""
    export_names = {
        "name_fr": place_column(texts, exported=True),
        "territory_code": _("code_territoire"),
        "count": _("effectif"),
        "rate": _("taux_pour_10000_habitants"),
        "rate_low": _("taux_ic95_bas"),
        "rate_high": _("taux_ic95_haut"),
        "standing": _("comparaison_departement"),
        "communes": _("communes_ayant_transmis"),
        "communes_expected": _("communes_attendues"),
    }
    rate = benchmark.rate if benchmark is not None and benchmark.comparable else None
    export = (
        masked_ranking(shown, k, texts.rate_decimals)
        .rename(columns=export_names)
        .assign(
            **described,
            **({_("taux_departement"): f"{rate:.{texts.rate_decimals}f}"} if rate is not None else {}),
            **({_("taux_annualise"): _("oui")} if benchmark is not None and benchmark.annualised else {}),
        )
    )
    display = (
        masked_ranking(shown, k, texts.rate_decimals, french=True)
        .drop(columns="territory_code")
        .rename(
            columns={
                "name_fr": place_column(texts, exported=False),
                "count": texts.count_unit.capitalize(),
                "population": _("Population"),
                "rate": measure_label("rate"),
                "rate_low": _("IC 95 % bas"),
                "rate_high": _("IC 95 % haut"),
                "standing": _("Par rapport {to_whole}").format(**whole_words()),
                "communes": _("Communes ayant transmis"),
                "communes_expected": _("Communes de l'EPT")
                if texts.places == "EPT"
                else _("Communes du territoire")
                if texts.places in UPPER_PLACES
                else _("Communes de l'intercommunalité"),
            }
        )
    )
    return export, display


def funnel_note(hidden: int, places: str) -> str:
    """Why the funnel leaves `hidden` masked territories out (`places`: "commune", "EPT" or "interco")."""
    if places == "commune":
        template = ngettext(
            "{count} commune masquée par le secret statistique n'est pas placée : sa position donnerait son effectif.",
            "{count} communes masquées par le secret statistique ne sont pas placées : leur position "
            "donnerait leur effectif.",
            hidden,
        )
    elif places in UPPER_PLACES:
        template = ngettext(
            "{count} territoire masqué par le secret statistique n'est pas placé : sa position donnerait son effectif.",
            "{count} territoires masqués par le secret statistique ne sont pas placés : leur position donnerait "
            "leur effectif.",
            hidden,
        )
    elif places == "EPT":
        template = ngettext(
            "{count} EPT masqué par le secret statistique n'est pas placé : sa position donnerait son effectif.",
            "{count} EPT masqués par le secret statistique ne sont pas placés : leur position donnerait leur effectif.",
            hidden,
        )
    else:
        template = ngettext(
            "{count} intercommunalité masquée par le secret statistique n'est pas placée : sa position "
            "donnerait son effectif.",
            "{count} intercommunalités masquées par le secret statistique ne sont pas placées : leur position "
            "donnerait leur effectif.",
            hidden,
        )
    return template.format(count=hidden)


def funnel_title(beyond: int, texts: RankingTexts) -> str:
    """The funnel's title: how many places lie beyond its 99,8 % limits."""
    if texts.places == "commune":
        template = ngettext(
            "Taux selon la population {period} : {count} commune au-delà des limites à {level}",
            "Taux selon la population {period} : {count} communes au-delà des limites à {level}",
            beyond,
        )
    elif texts.places in UPPER_PLACES:
        template = ngettext(
            "Taux selon la population {period} : {count} territoire au-delà des limites à {level}",
            "Taux selon la population {period} : {count} territoires au-delà des limites à {level}",
            beyond,
        )
    elif texts.places == "EPT":
        template = ngettext(
            "Taux selon la population {period} : {count} EPT au-delà des limites à {level}",
            "Taux selon la population {period} : {count} EPT au-delà des limites à {level}",
            beyond,
        )
    else:
        template = ngettext(
            "Taux selon la population {period} : {count} intercommunalité au-delà des limites à {level}",
            "Taux selon la population {period} : {count} intercommunalités au-delà des limites à {level}",
            beyond,
        )
    return template.format(period=texts.period_text, count=beyond, level=format_share(STANDING_LEVEL * 100, 1))


def funnel_parts(
    shown: pd.DataFrame, benchmark: Benchmark | None, texts: RankingTexts
) -> tuple[go.Figure | None, str | None, str | None, str]:
    """The funnel plot of the shown territories, or why there is none; what it leaves out (secret
    territories are not placed); and its title, which states how many lie beyond the 99,8 % limit."""
    if benchmark is None or not benchmark.comparable or benchmark.rate is None:
        empty = _(
            "Pas d'entonnoir : il faut le taux {of_whole} pour tracer ses limites, et il n'est pas disponible "
            "(voir ci-dessus)."
        ).format(**whole_words())
        return None, empty, None, ""
    points = shown.loc[shown["standing"].notna()]
    if points.empty:
        return None, _("Pas d'entonnoir : aucun territoire n'a de taux affichable."), None, ""
    hidden = int(shown["suppressed"].astype(bool).sum())
    note = funnel_note(hidden, texts.places) if hidden else None
    exposure_label = _("Habitants × années couvertes") if benchmark.annualised else _("Population")
    figure = funnel_figure(
        points, benchmark.rate, texts.rate_unit, texts.count_unit, exposure_label, texts.rate_decimals
    )
    beyond = int(points["standing"].isin(["above", "below"]).sum())
    title = funnel_title(beyond, texts)
    return figure, None, note, title


def contour_captions(
    data: DataTables, sentence: str, undrawn: list[str], texts: RankingTexts, sources: list[str]
) -> tuple[str, ...]:
    """Under the contour map: its sentence, the communes it cannot draw (`undrawn`, by name), its sources."""
    missing = ngettext(
        "{count} commune sans contour dans la source ne figure pas sur la carte ({names}) : "
        "le classement ci-dessous la compte.",
        "{count} communes sans contour dans la source ne figurent pas sur la carte ({names}) : "
        "le classement ci-dessous les compte.",
        len(undrawn),
    ).format(count=len(undrawn), names=", ".join(undrawn))
    return (
        sentence + " " + _("Cliquer sur une commune ouvre sa fiche."),
        *([missing] if undrawn else []),
        _(
            "{sources} ; {period} ; {secret}. Contours simplifiés de 2018 ; une commune créée depuis est "
            "dessinée par l'union de ses anciennes communes."
        ).format(
            sources=source_line([*sources, CONTOUR_SOURCE_ID], data.sources),
            period=texts.period_text,
            secret=texts.secret,
        ),
    )


def contour_map_view(
    data: DataTables,
    shown: pd.DataFrame,
    finding: str,
    texts: RankingTexts,
    measure: str,
    sources: list[str],
    masked_at_most: int | None,
) -> TileMapView:
    """The communes' true boundaries coloured like the tile map, its sentence and captions; the
    intercommunalités outlined; communes without a contour said (`data/contour_gaps.csv`)."""
    place_names = names(data.territories)
    values = map_values(shown, texts.decimals)
    layout = point_layout(data.territories)
    departements = scope_units(data.territories, "departement")["territory_code"].tolist()
    communes = contours_of("commune", departements)
    groups = set(intercos(data.territories)["territory_code"])
    # An intercommunalité across two départements of the scope is outlined as its part in each.
    outlines = {
        code: geometry
        for level in ("ept", "epci")
        for parts in (False, True)
        for code, geometry in contours_of(level, departements, parts=parts).items()
        if code in groups
    }
    sentence = map_sentence(layout, values, texts.unit, place_names, measure, masked_at_most)
    undrawn = sorted(set(territory_communes(data.territories)["territory_code"]) - set(communes))
    captions = contour_captions(data, sentence, [place_names.get(code, code) for code in undrawn], texts, sources)
    interco_names = {code: place_names.get(code, code) for code in groups}
    figure = contour_map_figure(
        data.territories,
        values,
        communes,
        dict(sorted(outlines.items())),
        texts.unit,
        measure_label(measure),
        interco_names,
        rate_unit=texts.rate_unit,
        rate_shown=measure == "rate",
        height=CONTOUR_MAP_HEIGHT,
    )
    return TileMapView(finding=finding, figure=figure, sentence=sentence, captions=captions)


def unit_map_view(
    data: DataTables, shown: pd.DataFrame, finding: str, texts: RankingTexts, level: str, sources: list[str]
) -> TileMapView:
    """The scope's départements or régions (`level`) drawn by their contours and coloured like the
    communes' map; at France scope the régions outline the départements."""
    place_names = names(data.territories)
    units = scope_units(data.territories, level)
    regions = [code.removeprefix(REGION_PREFIX) for code in scope_units(data.territories, "region")["territory_code"]]
    if level == "region":
        areas = {REGION_PREFIX + code: shape for code, shape in contours_of("region", regions=regions).items()}
    else:
        areas = contours_of("departement", units["territory_code"].tolist())
    areas = {code: shape for code, shape in areas.items() if code in set(units["territory_code"])}
    overseas = {code: shape for code, shape in areas.items() if is_overseas(code)}
    if len(overseas) < len(areas):
        # France's map fits metropolitan France: the overseas areas would shrink it to a dot.
        areas = {code: shape for code, shape in areas.items() if code not in overseas}
    points = representative_points(areas)
    parents = dict(zip(units["territory_code"], units["parent_code"]))
    layout = pd.DataFrame(
        {
            "territory_code": list(points),
            "name_fr": [place_names.get(code, code) for code in points],
            "short_name": [place_names.get(code, code) for code in points],
            "interco_code": [str(parents.get(code, "")) for code in points],
            "x": [point[0] for point in points.values()],
            "y": [point[1] for point in points.values()],
        }
    )
    # No outlines: France's régions have their own map, a région's départements are its only level.
    outlines: dict[str, GeoJSON] = {}
    values = map_values(shown, texts.decimals)
    sentence = unit_map_sentence(layout, values, level)
    figure = contour_map_figure(
        data.territories,
        values,
        areas,
        outlines,
        texts.unit,
        measure_label(texts.measure),
        {code: place_names.get(code, code) for code in {*outlines, *parents.values()} if isinstance(code, str)},
        rate_unit=texts.rate_unit,
        rate_shown=texts.measure == "rate",
        height=CONTOUR_MAP_HEIGHT,
        layout=layout,
    )
    captions = (
        sentence + " " + _("Cliquer sur un territoire ouvre sa fiche."),
        *(
            [_("Les territoires d'outre-mer sont au classement ci-dessous, pas sur la carte.")]
            if overseas and len(overseas) < len(units)
            else []
        ),
        _("{sources} ; {period} ; {secret}. Contours simplifiés de 2018.").format(
            sources=source_line([*sources, CONTOUR_SOURCE_ID], data.sources),
            period=texts.period_text,
            secret=texts.secret,
        ),
    )
    return TileMapView(finding=finding, figure=figure, sentence=sentence, captions=captions)


def is_overseas(code: str) -> bool:
    """An overseas département (971…) or région (REG-01 to REG-06)."""
    return (len(code) == 3 and code.isdigit()) or code in {f"{REGION_PREFIX}0{number}" for number in range(1, 7)}


def unit_map_sentence(layout: pd.DataFrame, values: pd.DataFrame, level: str) -> str:
    """The départements' or régions' map in one sentence: how many have a value, are secret or
    have no data (the ranking below gives each value, as a table)."""
    joined = layout.merge(values[["territory_code", "value", "suppressed"]], on="territory_code", how="left")
    secret = int(joined["suppressed"].fillna(False).astype(bool).sum())
    empty = int(joined["value"].isna().sum()) - secret
    shown = len(joined) - secret - empty
    opening = (
        ngettext("Carte d'un département", "Carte des {count} départements", len(joined))
        if level == "departement"
        else ngettext("Carte d'une région", "Carte des {count} régions", len(joined))
    ).format(count=len(joined))
    return _(
        "{opening} : {shown} avec une valeur, {secret} masqué(s) par le secret statistique, {empty} sans donnée ; "
        "le classement ci-dessous donne chaque valeur."
    ).format(opening=opening, shown=shown, secret=secret, empty=empty)


def tile_map_view(
    data: DataTables,
    shown: pd.DataFrame,
    layout: pd.DataFrame,
    finding: str,
    texts: RankingTexts,
    measure: str,
    sources: list[str],
    masked_at_most: int | None,
) -> TileMapView:
    """The communes' tile map, its sentence and captions (the map first, as officials expect; the
    ranked table below is its keyboard and screen-reader alternative)."""
    place_names = names(data.territories)
    values = map_values(shown, texts.decimals)
    sentence = map_sentence(layout, values, texts.unit, place_names, measure, masked_at_most)
    unplaced = unplaced_communes(data.territories)
    captions = (
        sentence + " " + _("Cliquer sur une commune ouvre sa fiche."),
        *(
            [
                ngettext(
                    "{count} commune sans coordonnées ne figure pas sur la carte : "
                    "le classement ci-dessous les compte.",
                    "{count} communes sans coordonnées ne figurent pas sur la carte : "
                    "le classement ci-dessous les compte.",
                    len(unplaced),
                ).format(count=len(unplaced))
            ]
            if unplaced
            else []
        ),
        _(
            "{sources} ; {period} ; {secret}. Une tuile par commune, placée près de ses voisines : "
            "ni les surfaces ni les frontières ne sont dessinées."
        ).format(
            sources=source_line([*sources, "IGN_ADMIN_EXPRESS_CENTROIDES"], data.sources),
            period=texts.period_text,
            secret=texts.secret,
        ),
    )
    interco_names = {code: place_names.get(code, code) for code in intercos(data.territories)["territory_code"]}
    figure = tile_map_figure(
        layout,
        values,
        texts.unit,
        measure_label(measure),
        interco_names,
        height=page_height(layout),
        rate_unit=texts.rate_unit,
        rate_shown=measure == "rate",
    )
    return TileMapView(finding=finding, figure=figure, sentence=sentence, captions=captions)


def ranking_texts(
    data: DataTables, shown: pd.DataFrame, rows: pd.DataFrame, k: int, choice: RankingChoice, annualised: bool
) -> RankingTexts:
    """What every part of the view says the same way, in the current language."""
    entry = data.catalogue.loc[choice.indicator_id]
    rate_places = rate_decimals(shown["rate"])
    return RankingTexts(
        label=localized(entry, "label"),
        count_unit=localized(entry, "unit"),
        unit=measure_unit(localized(entry, "unit"), choice.measure, annualised),
        rate_unit=rate_unit(annualised),
        period_text=covered_text(rows),
        secret=secret_note(k),
        decimals=rate_places if choice.measure == "rate" else 0,
        rate_decimals=rate_places,
        communes=choice.level == "commune",
        places=(
            choice.level
            if choice.level in ("commune", "departement", "region")
            else "EPT"
            if every_interco_is_an_ept(data.territories)
            else "interco"
        ),
        measure=choice.measure,
    )


def ranking_caveat(entry: object, measure: str, level: str, territories: pd.DataFrame) -> str:
    """The indicator's caveat, then why raw counts mislead (or what a rate hides), then the notes of
    intercommunalités that reach outside the scope when they are ranked."""
    about_measure = (
        _(RATE_CAVEAT_FR)
        if measure == "rate"
        else _(
            "Les effectifs sont bruts : une grande commune compte mécaniquement davantage ; "
            "le taux pour 10 000 habitants permet de comparer des territoires de tailles différentes."
        )
    )
    partial = "".join(" " + note for note in partial_notes(territories)) if level == "interco" else ""
    return localized(entry, "caveat") + " " + about_measure + partial


# A list of names longer than this (a région's communes without data) is cut, the rest counted.
LISTED_AT_MOST = 40


def communes_missing_text(ranked: pd.DataFrame, data: DataTables, texts: RankingTexts) -> str | None:
    """The communes with no data for the selection, named (a commune without data is not a zero)."""
    absent = communes_without_data(ranked, data.territories) if texts.communes else []
    if not absent:
        return None
    return ngettext(
        "Sans donnée pour cet indicateur {period} ({count} commune) : {names}. "
        "Une commune sans donnée n'est pas une commune à zéro.",
        "Sans donnée pour cet indicateur {period} ({count} communes) : {names}. "
        "Une commune sans donnée n'est pas une commune à zéro.",
        len(absent),
    ).format(period=texts.period_text, count=format_number(len(absent)), names=named_places(absent, LISTED_AT_MOST))


def comparable_rate(benchmark: Benchmark | None) -> float | None:
    """The département's rate when the territories may be compared with it."""
    return benchmark.rate if benchmark is not None and benchmark.comparable else None


def ranking_map(
    data: DataTables,
    shown: pd.DataFrame,
    finding: str,
    texts: RankingTexts,
    choice: RankingChoice,
    layout: pd.DataFrame,
    sources: list[str],
    masked_at_most: int | None,
) -> TileMapView | None:
    """The map above a ranking: the départements' or régions' contours, the communes' contours or
    tiles; none for intercommunalités, nor for France's communes (`maps_communes`)."""
    if choice.level in ("departement", "region"):
        return unit_map_view(data, shown, finding, texts, choice.level, sources)
    if not texts.communes or not maps_communes():
        return None
    if choice.map_kind == "contours":
        return contour_map_view(data, shown, finding, texts, choice.measure, sources, masked_at_most)
    return tile_map_view(data, shown, layout, finding, texts, choice.measure, sources, masked_at_most)


# Bars drawn at most (the first in the ranking, secret ones last): a bar for each of a région's 1 266
# communes, or France's 35 000, is a chart no one reads and megabytes to send; the table gives all.
BARS_AT_MOST = 50


def ranking_chart(
    data: DataTables,
    protected: tuple[pd.DataFrame, list[str], bool],
    shown: pd.DataFrame,
    texts: RankingTexts,
    tables: tuple[pd.DataFrame, pd.DataFrame],
    k: int,
    choice: RankingChoice,
    layout: pd.DataFrame,
    benchmark: Benchmark | None,
) -> tuple[TileMapView | None, ChartView]:
    """The communes' map (when communes are ranked) and the ranking chart, with the tables behind
    them (`tables`: as exported, as shown), the source line and the caveat."""
    _ranked, source_ids, demo = protected
    rate_sources = ["INSEE_POPULATIONS_LEGALES"]
    level_sources = ["ETALAB_DECOUPAGE_ADMINISTRATIF"] if choice.level != "commune" else []
    masked_at_most = masked_bound(shown, benchmark)
    rate = comparable_rate(benchmark)
    finding = ranking_finding(
        shown,
        texts.label,
        texts.unit,
        texts.period_text,
        texts.decimals,
        texts.places,
        f"{format_number(rate, texts.rate_decimals)} {texts.rate_unit}" if rate is not None else "",
        masked_at_most,
    )
    tile_map = ranking_map(data, shown, finding, texts, choice, layout, [*source_ids, *rate_sources], masked_at_most)
    if tile_map is not None:
        finding = (
            _("Classement des communes ({measure}) {period}")
            if texts.communes
            else _("Classement des territoires ({measure}) {period}")
        ).format(measure=measure_label(choice.measure).lower(), period=texts.period_text)
    source = _("{sources} ; {period} ; {secret}").format(
        sources=source_line([*source_ids, *rate_sources, *level_sources], data.sources),
        period=texts.period_text,
        secret=texts.secret,
    )
    caveat = ranking_caveat(data.catalogue.loc[choice.indicator_id], choice.measure, choice.level, data.territories)
    if len(shown) > BARS_AT_MOST:
        caveat += " " + _(
            "Le graphique montre les {drawn} premiers des {count} territoires classés ; le tableau les donne tous."
        ).format(drawn=BARS_AT_MOST, count=format_number(len(shown)))
    chart = ChartView(
        finding=finding,
        figure=ranking_figure(shown.head(BARS_AT_MOST), texts.unit, k, texts.decimals, rate),
        data=tables[0],
        display_data=tables[1],
        source=source,
        caveat=caveat,
        file_name=f"{choice.indicator_id}_{choice.level}_{choice.measure}_{choice.first_year}_{choice.last_year}.csv",
        is_demo=demo,
    )
    return tile_map, chart


def funnel_view(
    chart: ChartView,
    shown: pd.DataFrame,
    benchmark: Benchmark | None,
    texts: RankingTexts,
    choice: RankingChoice,
    caveat: str,
) -> tuple[ChartView | None, str | None, str | None]:
    """The funnel plot as a chart block beside the ranking (the same tables and source), or why
    there is none, and what it leaves out."""
    figure, empty, note, title = funnel_parts(shown, benchmark, texts)
    if figure is None:
        return None, empty, note
    years = f"{choice.first_year}_{choice.last_year}"
    funnel = dataclasses.replace(
        chart,
        finding=title,
        figure=figure,
        caveat=caveat,
        file_name=f"{choice.indicator_id}_{choice.level}_entonnoir_{years}.csv",
    )
    return funnel, empty, note


def ranking_view(
    data: DataTables,
    index: FieldIndex,
    protected: tuple[pd.DataFrame, list[str], bool],
    k: int,
    choice: RankingChoice,
    public_label: str,
    layout: pd.DataFrame,
    benchmark: Benchmark | None = None,
) -> RankingView:
    """Communes or EPTs ranked by count or rate (`protected`: a non-empty ranking from
    `disclosure.protected_ranking`, with its sources and whether they are the demo's), compared with
    the département (`benchmark`, from `disclosure.protected_benchmark`; None: no comparison);
    `layout` is the communes' tile layout."""
    ranked = protected[0]
    entry = data.catalogue.loc[choice.indicator_id]
    shown = by_measure(ranked, choice.measure)
    rows = index.rows(choice.indicator_id, None, *year_bounds(*choice.years))
    texts = ranking_texts(data, shown, rows, k, choice, benchmark is not None and benchmark.annualised)
    described = {_("indicateur"): texts.label, _("periode"): covered_label(rows), _("public"): public_label}
    tables = ranking_tables(shown, k, texts, described, benchmark)
    tile_map, chart = ranking_chart(data, protected, shown, texts, tables, k, choice, layout, benchmark)
    # The funnel draws rates whatever the measure chosen: its caveat is the rates' one.
    rates_caveat = chart.caveat if choice.measure == "rate" else localized(entry, "caveat") + " " + _(RATE_CAVEAT_FR)
    funnel, funnel_empty, funnel_note = funnel_view(chart, shown, benchmark, texts, choice, rates_caveat)
    return RankingView(
        tile_map,
        chart,
        communes_missing_text(ranked, data, texts),
        comparison_notes(shown, benchmark, texts),
        funnel,
        funnel_empty,
        funnel_note,
    )
