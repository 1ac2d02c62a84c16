"""What the Tendances and Territoires pages show for one choice of filters, worked out in one go.

A view depends only on the data version, k and the viewer's choices, so the app computes each
one once and shares it (frozen, never mutated) with every viewer who makes the same choices:
the room of a colloquium opening one shared link costs one computation, not one per viewer.
Pages draw a view; they compute nothing of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.changes import change_columns
from indicators.charts import observation_figure, ranking_figure
from indicators.comparisons import Coverage
from indicators.disclosure import SECRET_SYMBOL, ProtectedChange, masked_ranking, period_changes, series_tables
from indicators.findings import covered_label, covered_text, observation_finding, ranking_finding
from indicators.i18n import N_, _, localized, ngettext
from indicators.key_dates import key_dates_for
from indicators.labels import group_labels
from indicators.loading import DataTables
from indicators.observations import (
    FREQUENCIES,
    FieldIndex,
    Frequency,
    as_frequency,
    coarser_granularities,
    communes_without_data,
    period_coverage,
    year_bounds,
)
from indicators.provenance import source_line
from indicators.territories import (
    PARTIAL_EPT,
    PARTIAL_EPT_NOTE_FR,
    RATE_CAVEAT_FR,
    by_measure,
    communes,
    epts,
    measure_label,
    measure_unit,
    members,
    names,
    rate_decimals,
)
from indicators.tilemap import map_sentence, map_values, tile_map_figure, unplaced_communes

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
        "({symbol}) : un territoire plus large (son EPT ou le département) en montre davantage."
    ),
}
# Most points: more than half of them.
SPARSE_SHARE = 0.5


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
        masked=masked, total=total, symbol=_("« {name} »").format(name=SECRET_SYMBOL)
    )
    return SparseView(note, coarser)


def trend_changes(
    data: DataTables,
    index: FieldIndex,
    cells: pd.DataFrame,
    series: pd.DataFrame,
    indicator_id: str,
    territory: str,
    first_year: str,
    last_year: str,
    frequency: Frequency,
) -> tuple[dict[pd.Timestamp, ProtectedChange], dict[pd.Timestamp, Coverage]]:
    """Each drawn period's change against the same period a year before, like for like and through
    the secret (the first year drawn is compared with the year before it, though not drawn), and
    what each period's total adds up."""
    inside = members(data.territories, territory)
    start, end = year_bounds(first_year, last_year)
    rows = index.rows(indicator_id, inside, start - pd.DateOffset(years=1), end)
    expected = len(inside) if inside is not None else len(communes(data.territories))
    starts = sorted(pd.DatetimeIndex(series["period_start"].unique()))
    return (
        period_changes(rows, starts, frequency, expected, cells, territory),
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
    counts = [None if part is None else part.communes for part in reported]
    out_of = [
        "" if part is None else _("{count} sur {total}").format(count=part.communes, total=part.communes_expected)
        for part in reported
    ]
    download_columns: dict[str, pd.Series] = {
        _("communes_ayant_transmis"): pd.Series(counts, index=series.index, dtype="Int64"),
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
    indicator_id: str,
    territory: str,
    first_year: str,
    last_year: str,
    frequency: str,
    breakdown: str,
    cells: pd.DataFrame,
) -> FieldTrendView:
    """One indicator's series for a territory, years, grouping and split (`protected`: the series
    from `disclosure.protected_trend`, with its sources and whether they are the demo's; `cells`: the
    protected lattice, or the indicator's part of it, which every stated change goes through), its
    texts in the current language."""
    series, source_ids, demo = protected
    entry = data.catalogue.loc[indicator_id]
    place_names = names(data.territories)
    left_out = coarser_granularities(
        index.rows(indicator_id, members(data.territories, territory), *year_bounds(first_year, last_year)), frequency
    )
    notes = (_(COARSER_NOTES[left_out[-1]]),) if left_out else ()
    if series.empty:
        empty = _("Aucune donnée pour {place} de {first_year} à {last_year} à ce regroupement.").format(
            place=place_names[territory], first_year=first_year, last_year=last_year
        )
        return FieldTrendView(notes, empty, None)
    labels = group_labels(breakdown)
    label = localized(entry, "label")
    unit = localized(entry, "unit")
    table, shown_table = series_tables(
        series,
        indicator=label,
        territory=place_names[territory],
        unit=unit,
        frequency=frequency,
        group_names=labels,
        k=k,
    )
    grouping = as_frequency(frequency)
    changes, covered = trend_changes(
        data, index, cells, series, indicator_id, territory, first_year, last_year, grouping
    )
    table, shown_table = with_changes(table, shown_table, series, changes, covered)
    period_text = first_year if first_year == last_year else f"{first_year}–{last_year}"
    chart = ChartView(
        finding=observation_finding(
            series, f"{label} ({place_names[territory]})", unit, frequency, k, changes, covered
        ),
        figure=observation_figure(
            series, unit, frequency, key_dates_for(data.key_dates, territory, data.territories), labels, k
        ),
        data=table,
        display_data=shown_table,
        source=_("{sources} ; période {period} ; {symbol} : valeur masquée par le secret statistique").format(
            sources=source_line(source_ids, data.sources), period=period_text, symbol=SECRET_SYMBOL
        ),
        caveat=localized(entry, "caveat") + (f" {_(PARTIAL_EPT_NOTE_FR)}" if territory == PARTIAL_EPT else ""),
        file_name=f"{indicator_id}_{territory}_{frequency}.csv",
        is_demo=demo,
    )
    return FieldTrendView(notes, None, chart, sparse_view(series, frequency, index.frequencies_of[indicator_id][0]))


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
    """Territoires: the map (communes only), the ranking chart, and the communes without data."""

    tile_map: TileMapView | None
    chart: ChartView
    missing: str | None


def ranking_view(
    data: DataTables,
    index: FieldIndex,
    protected: tuple[pd.DataFrame, list[str], bool],
    k: int,
    indicator_id: str,
    first_year: str,
    last_year: str,
    public_label: str,
    level: str,
    measure: str,
    layout: pd.DataFrame,
) -> RankingView:
    """Communes or EPTs ranked by count or rate (`protected`: a non-empty ranking from
    `disclosure.protected_ranking`, with its sources and whether they are the demo's); `layout` is
    the communes' tile layout."""
    ranked, source_ids, demo = protected
    entry = data.catalogue.loc[indicator_id]
    shown = by_measure(ranked, measure)
    decimals = rate_decimals(shown["value"]) if measure == "rate" else 0
    label = localized(entry, "label")
    count_unit = localized(entry, "unit")
    unit = measure_unit(count_unit, measure)
    measure_text = measure_label(measure)
    rows = index.rows(indicator_id, None, *year_bounds(first_year, last_year))
    period_text = covered_text(rows)
    secret = secret_note(k)
    rate_sources = ["INSEE_POPULATIONS_LEGALES"] if measure == "rate" else []
    level_sources = ["ETALAB_DECOUPAGE_ADMINISTRATIF"] if level == "ept" else []
    caveat = (
        localized(entry, "caveat")
        + " "
        + (
            _(RATE_CAVEAT_FR)
            if measure == "rate"
            else _(
                "Les effectifs sont bruts : une grande commune compte mécaniquement davantage ; "
                "le taux pour 10 000 habitants permet de comparer des territoires de tailles différentes."
            )
        )
    )
    if level == "ept":
        caveat += " " + _(PARTIAL_EPT_NOTE_FR)

    place_names = names(data.territories)
    finding = ranking_finding(shown, label, unit, period_text, decimals, "commune" if level == "commune" else "EPT")
    tile_map = None
    if level == "commune":
        # The map first, as officials expect; the ranked table below is its keyboard and screen-reader alternative.
        values = map_values(shown, decimals)
        sentence = map_sentence(layout, values, unit, place_names)
        ept_rows = epts(data.territories)
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
                sources=source_line([*source_ids, *rate_sources, "IGN_ADMIN_EXPRESS_CENTROIDES"], data.sources),
                period=period_text,
                secret=secret,
            ),
        )
        tile_map = TileMapView(
            finding=finding,
            figure=tile_map_figure(
                layout,
                values,
                unit,
                measure_text,
                {code: place_names.get(code, code) for code in ept_rows["territory_code"]},
            ),
            sentence=sentence,
            captions=captions,
        )
        finding = _("Classement des communes ({measure}) {period}").format(
            measure=measure_text.lower(), period=period_text
        )

    place_title = _("Commune") if level == "commune" else "EPT"
    described = {
        _("indicateur"): label,
        _("periode"): covered_label(rows),
        _("public"): public_label,
    }
    export = (
        masked_ranking(shown, k, decimals)
        .rename(
            columns={
                "name_fr": _("commune") if level == "commune" else "EPT",
                "territory_code": _("code_territoire"),
                "count": _("effectif"),
                "rate": _("taux_pour_10000_habitants"),
            }
        )
        .assign(**described)
    )
    display = (
        masked_ranking(shown, k, decimals, french=True)
        .drop(columns="territory_code")
        .rename(
            columns={
                "name_fr": place_title,
                "count": count_unit.capitalize(),
                "population": _("Population"),
                "rate": measure_label("rate"),
            }
        )
    )
    chart = ChartView(
        finding=finding,
        figure=ranking_figure(shown, unit, k, decimals),
        data=export,
        display_data=display,
        source=_("{sources} ; {period} ; {secret}").format(
            sources=source_line([*source_ids, *rate_sources, *level_sources], data.sources),
            period=period_text,
            secret=secret,
        ),
        caveat=caveat,
        file_name=f"{indicator_id}_{level}_{measure}_{first_year}_{last_year}.csv",
        is_demo=demo,
    )
    missing = None
    if level == "commune":
        absent = communes_without_data(ranked, data.territories)
        if absent:
            missing = ngettext(
                "Sans donnée pour cet indicateur {period} ({count} commune) : {names}. "
                "Une commune sans donnée n'est pas une commune à zéro.",
                "Sans donnée pour cet indicateur {period} ({count} communes) : {names}. "
                "Une commune sans donnée n'est pas une commune à zéro.",
                len(absent),
            ).format(period=period_text, count=len(absent), names=", ".join(absent))
    return RankingView(tile_map, chart, missing)
