"""What the Tendances and Territoires pages show for one choice of filters, worked out in one go.

A view depends only on the data version, k and the viewer's choices, so the app computes each
one once and shares it (frozen, never mutated) with every viewer who makes the same choices:
the room of a colloquium opening one shared link costs one computation, not one per viewer.
Pages draw a view; they compute nothing of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.charts import observation_figure, ranking_figure
from indicators.disclosure import SECRET_SYMBOL, masked_ranking, series_tables
from indicators.findings import covered_text, observation_finding, ranking_finding
from indicators.key_dates import key_dates_for
from indicators.labels import FREQUENCY_FR, GRANULARITY_FR, group_labels
from indicators.loading import DataTables
from indicators.observations import FieldIndex, coarser_granularities, communes_without_data, year_bounds
from indicators.provenance import source_line
from indicators.territories import (
    LEVEL_SINGULAR_FR,
    MEASURES_FR,
    PARTIAL_EPT,
    PARTIAL_EPT_NOTE_FR,
    RATE_CAVEAT_FR,
    by_measure,
    epts,
    measure_unit,
    members,
    names,
    rate_decimals,
)
from indicators.tilemap import counted, map_sentence, map_values, tile_map_figure, unplaced_communes


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


@dataclass(frozen=True)
class FieldTrendView:
    """Tendances, field observations: notes before the chart, then the chart, or why there is none."""

    notes: tuple[str, ...]
    empty: str | None
    chart: ChartView | None


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
) -> FieldTrendView:
    """One indicator's series for a territory, years, grouping and split (`protected`: the series
    from `disclosure.protected_trend`, with its sources and whether they are the demo's)."""
    series, source_ids, demo = protected
    entry = data.catalogue.loc[indicator_id]
    place_names = names(data.territories)
    left_out = coarser_granularities(
        index.rows(indicator_id, members(data.territories, territory), *year_bounds(first_year, last_year)), frequency
    )
    notes = (
        (
            f"Une partie des chiffres de cette sélection est {GRANULARITY_FR[left_out[-1]]} : ils n'apparaissent "
            f"qu'en regroupement par {FREQUENCY_FR[left_out[-1]].lower()}.",
        )
        if left_out
        else ()
    )
    if series.empty:
        empty = f"Aucune donnée pour {place_names[territory]} de {first_year} à {last_year} à ce regroupement."
        return FieldTrendView(notes, empty, None)
    labels = group_labels(breakdown)
    unit = str(entry["unit_fr"])
    table, shown_table = series_tables(
        series,
        indicator=str(entry["label_fr"]),
        territory=place_names[territory],
        unit=unit,
        frequency=frequency,
        group_names=labels,
        k=k,
    )
    period_text = first_year if first_year == last_year else f"{first_year}–{last_year}"
    chart = ChartView(
        finding=observation_finding(series, f"{entry['label_fr']} ({place_names[territory]})", unit, frequency, k),
        figure=observation_figure(
            series, unit, frequency, key_dates_for(data.key_dates, territory, data.territories), labels, k
        ),
        data=table,
        display_data=shown_table,
        source=source_line(source_ids, data.sources) + f" ; période {period_text} ; "
        f"{SECRET_SYMBOL} : valeur masquée par le secret statistique",
        caveat=str(entry["caveat_fr"]) + (f" {PARTIAL_EPT_NOTE_FR}" if territory == PARTIAL_EPT else ""),
        file_name=f"{indicator_id}_{territory}_{frequency}.csv",
        is_demo=demo,
    )
    return FieldTrendView(notes, None, chart)


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
    unit = measure_unit(str(entry["unit_fr"]), measure)
    place_word = LEVEL_SINGULAR_FR[level]
    period_text = covered_text(index.rows(indicator_id, None, *year_bounds(first_year, last_year)))
    secret_note = (
        f"{SECRET_SYMBOL} : effectif de 1 à {k - 1}, ou qui permettrait d'en retrouver un, masqué (secret statistique)"
    )
    rate_sources = ["INSEE_POPULATIONS_LEGALES"] if measure == "rate" else []
    level_sources = ["ETALAB_DECOUPAGE_ADMINISTRATIF"] if level == "ept" else []
    caveat = (
        str(entry["caveat_fr"])
        + " "
        + (
            RATE_CAVEAT_FR
            if measure == "rate"
            else "Les effectifs sont bruts : une grande commune compte mécaniquement davantage ; "
            "le taux pour 10 000 habitants permet de comparer des territoires de tailles différentes."
        )
    )
    if level == "ept":
        caveat += " " + PARTIAL_EPT_NOTE_FR

    finding = ranking_finding(shown, str(entry["label_fr"]), unit, period_text, decimals, place_word)
    tile_map = None
    if level == "commune":
        # The map first, as officials expect; the ranked table below is its keyboard and screen-reader alternative.
        values = map_values(shown, decimals)
        sentence = map_sentence(layout, values, unit, names(data.territories))
        ept_rows = epts(data.territories)
        unplaced = unplaced_communes(data.territories)
        captions = (
            sentence + " Cliquer sur une commune ouvre sa fiche.",
            *(
                [
                    counted(
                        len(unplaced), "commune sans coordonnées ne figure", "communes sans coordonnées ne figurent"
                    )
                    + " pas sur la carte : le classement ci-dessous les compte."
                ]
                if unplaced
                else []
            ),
            source_line([*source_ids, *rate_sources, "IGN_ADMIN_EXPRESS_CENTROIDES"], data.sources)
            + f" ; {period_text} ; {secret_note}. Une tuile par commune, placée près de ses voisines : "
            "ni les surfaces ni les frontières ne sont dessinées.",
        )
        tile_map = TileMapView(
            finding=finding,
            figure=tile_map_figure(
                layout, values, unit, MEASURES_FR[measure], dict(zip(ept_rows["territory_code"], ept_rows["name_fr"]))
            ),
            sentence=sentence,
            captions=captions,
        )
        finding = f"Classement des communes ({MEASURES_FR[measure].lower()}) {period_text}"

    place_title = LEVEL_SINGULAR_FR[level].capitalize() if level == "commune" else "EPT"
    described = {
        "indicateur": entry["label_fr"],
        "periode": period_text.removeprefix("en ").removeprefix("de "),
        "public": public_label,
    }
    export = (
        masked_ranking(shown, k, decimals)
        .rename(
            columns={
                "name_fr": LEVEL_SINGULAR_FR[level],
                "territory_code": "code_territoire",
                "count": "effectif",
                "rate": "taux_pour_10000_habitants",
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
                "count": str(entry["unit_fr"]).capitalize(),
                "population": "Population",
                "rate": MEASURES_FR["rate"],
            }
        )
    )
    chart = ChartView(
        finding=finding,
        figure=ranking_figure(shown, unit, k, decimals),
        data=export,
        display_data=display,
        source=source_line([*source_ids, *rate_sources, *level_sources], data.sources)
        + f" ; {period_text} ; {secret_note}",
        caveat=caveat,
        file_name=f"{indicator_id}_{level}_{measure}_{first_year}_{last_year}.csv",
        is_demo=demo,
    )
    missing = None
    if level == "commune":
        absent = communes_without_data(ranked, data.territories)
        if absent:
            missing = (
                f"Sans donnée pour cet indicateur {period_text} "
                f"({len(absent)} commune{'s' if len(absent) > 1 else ''}) : "
                + ", ".join(absent)
                + ". Une commune sans donnée n'est pas une commune à zéro."
            )
    return RankingView(tile_map, chart, missing)
