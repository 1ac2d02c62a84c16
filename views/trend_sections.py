"""The two halves of the Tendances page: field observations and published figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.cards import NO_DATA_SENTENCE
from indicators.charts import change_figure, published_figure
from indicators.choices import TrendChoice
from indicators.findings import published_finding
from indicators.formatting import format_publication_date
from indicators.i18n import _, localized, localized_column
from indicators.key_dates import key_dates_for
from indicators.labels import BREAKDOWN_FR, FREQUENCY_FR, QUALIFIER_FR, translated
from indicators.loading import DataTables
from indicators.observations import FieldIndex
from indicators.provenance import source_descriptions, source_line
from indicators.published import published_series
from views.cached import field_index, places, trend_view
from views.components import chart_block, demo_banner, row_of, year_span_select
from views.links import shared_choice, shared_segment, view_link


def trend_filters(index: FieldIndex, indicator_id: str, place_choices: dict[str, str]) -> TrendChoice:
    """The filters above the chart: territory, years, grouping (a second click on the chosen one
    unselects it: the indicator's default then applies) and split."""
    years = index.years_of[indicator_id]
    left, middle, right = st.columns(3)
    territory = shared_choice(
        left.selectbox, _("Territoire"), list(place_choices), key="territoire", format_func=place_choices.get
    )
    first_year, last_year = year_span_select(middle, years, (years[0], years[-1]), key="periode")
    frequencies, default_frequency = index.frequencies_of[indicator_id]
    assert default_frequency is not None  # an indicator with rows has a granularity
    frequency = shared_segment(
        right,
        _("Regroupement"),
        frequencies,
        format_func=translated(FREQUENCY_FR).get,
        default=default_frequency,
        key="regroupement",
    )
    breakdown = shared_choice(
        st.radio,
        _("Répartition"),
        index.breakdowns.get(indicator_id, ["none"]),
        format_func=translated(BREAKDOWN_FR).get,
        horizontal=True,
        key="repartition",
    )
    return TrendChoice(
        indicator_id, first_year, last_year, territory=territory, frequency=frequency, breakdown=breakdown
    )


def coarser_view_link(
    coarser: str, choice: TrendChoice, address: dict[str, str], place_choices: dict[str, str]
) -> None:
    """A link to the same view one grouping coarser (copyable, in this tab)."""
    grouping = translated(FREQUENCY_FR)
    choices = {
        **address,
        "territoire": place_choices[choice.territory],
        "periode": [choice.first_year, choice.last_year],
        "regroupement": grouping[coarser],
        "repartition": translated(BREAKDOWN_FR)[choice.breakdown],
    }
    view_link(_("Voir le même graphique par {grouping}").format(grouping=grouping[coarser].lower()), choices)


def field_trend(indicator_id: str, address: dict[str, str]) -> None:
    """The field half of Tendances; `address`: the page's choices made above it, as its address
    carries them (for the link to a coarser view)."""
    index = field_index()
    if index.is_demo:
        demo_banner()
    if indicator_id not in index.by_indicator:
        st.info(_(NO_DATA_SENTENCE), icon=":material/info:")
        return
    # The département, its four EPTs, then the communes with data; labels fixed, for links.
    place_choices = places(index.communes_of[indicator_id])
    choice = trend_filters(index, indicator_id, place_choices)

    view = trend_view(choice)
    for note in view.notes:
        st.info(note, icon=":material/info:")
    if view.chart is None:
        st.info(view.empty or _(NO_DATA_SENTENCE), icon=":material/info:")
        return
    if view.sparse is not None:
        # Most points are « s »: the same view one grouping coarser, as a link.
        st.info(view.sparse.note, icon=":material/visibility_off:")
        if view.sparse.coarser is not None:
            coarser_view_link(view.sparse.coarser, choice, address, place_choices)
    chart_block(**vars(view.chart), key="trend_field")


# What a published figure's download holds, and what its table shows (titled in the viewer's language).
PUBLISHED_DOWNLOAD_COLUMNS = [
    "figure_id",
    "indicator_id",
    "territory_code",
    "period",
    "value",
    "value_low",
    "value_high",
    "qualifier",
    "source_id",
    "note_fr",
]


def published_table_shown(table: pd.DataFrame) -> pd.DataFrame:
    """The published figures' table as the page shows it: period, figure, precision, source, remark."""
    return table[["period_text", "figure_text", "precision", "source", "note_fr"]].rename(
        columns={
            "period_text": _("Période"),
            "figure_text": _("Chiffre"),
            "precision": _("Précision"),
            "source": _("Source"),
            "note_fr": _("Remarque"),
        }
    )


def series_labels_of(points: pd.DataFrame, sources: pd.DataFrame) -> dict[str, str]:
    """Each source's series named by its publisher and publication date."""
    by_id = sources.set_index("source_id")
    return {
        source_id: f"{by_id.at[source_id, 'publisher']!s} ({format_publication_date(by_id.at[source_id, 'published'])})"
        for source_id in points["source_id"].unique()
    }


def published_trend(data: DataTables, indicator_id: str) -> None:
    entry = row_of(data.catalogue, indicator_id)
    points = published_series(data.published_estimates, data.catalogue, indicator_id)
    place_names = localized_column(data.territories, "name").set_axis(data.territories["territory_code"])
    territories = list(dict.fromkeys(points["territory_code"]))
    territory = shared_choice(st.selectbox, _("Territoire"), territories, format_func=place_names.get, key="territoire")
    points = points.loc[points["territory_code"] == territory]
    series_labels = series_labels_of(points, data.sources)
    unit = localized(entry, "unit")
    if entry["kind"] == "change":
        figure = change_figure(points, unit, series_labels)
    else:
        figure = published_figure(
            points, unit, series_labels, key_dates_for(data.key_dates, territory, data.territories)
        )
    table = points.assign(
        source=points["source_id"].map(source_descriptions(data.sources)),
        precision=points["qualifier"].map(translated(QUALIFIER_FR)),
    )
    chart_block(
        finding=published_finding(points, localized(entry, "label")),
        figure=figure,
        data=table[PUBLISHED_DOWNLOAD_COLUMNS],
        display_data=published_table_shown(table),
        source=source_line(points["source_id"], data.sources),
        caveat=localized(entry, "caveat"),
        file_name=f"{indicator_id}_{territory}.csv",
        is_demo=False,
        key="trend_published",
    )
    st.caption(
        _(
            "Les chiffres publiés sont rares et viennent de sources aux méthodes différentes : "
            "ils sont dessinés en points isolés, jamais reliés ; "
            "une fourchette est une barre de la borne basse à la borne haute."
        )
    )
