"""The two halves of the Tendances page: field observations and published figures."""

from __future__ import annotations

import streamlit as st

from indicators.charts import change_figure, observation_figure, published_figure
from indicators.config import small_count_threshold
from indicators.disclosure import DEPARTMENT, mask_column
from indicators.findings import observation_finding, published_finding
from indicators.formatting import format_month, format_period
from indicators.key_dates import key_dates_for
from indicators.labels import BREAKDOWN_FR, FREQUENCY_FR, QUALIFIER_FR, group_labels
from indicators.loading import DataTables
from indicators.provenance import source_descriptions, source_line
from indicators.published import published_series
from views.cached import field_index, trend_series
from views.components import chart_block, demo_banner


def published_date(period: object) -> str:
    return format_period(period) if isinstance(period, str) else "sans date"


def field_trend(data: DataTables, indicator_id: str) -> None:
    entry = data.indicators.set_index("indicator_id").loc[indicator_id]
    index = field_index()
    if index.is_demo:
        demo_banner()
    communes = data.territories.loc[data.territories["parent_code"] == DEPARTMENT].set_index("territory_code")["name_fr"]
    places = {DEPARTMENT: "Hauts-de-Seine", **communes.to_dict()}
    years = index.years
    left, middle, right = st.columns(3)
    territory = left.selectbox(
        "Territoire", list(places), format_func=lambda code: places[code] + (" (toutes les communes)" if code == DEPARTMENT else ""),
        key="trend_territory",
    )
    first_year, last_year = middle.select_slider("Période", years, value=(years[0], years[-1]), key="trend_years")
    frequency = right.segmented_control(
        "Regroupement", list(FREQUENCY_FR), format_func=FREQUENCY_FR.get, default="quarter", key="trend_frequency"
    ) or "quarter"
    breakdowns = index.breakdowns.get(indicator_id, ["none"])
    breakdown = st.radio(
        "Répartition", breakdowns, format_func=BREAKDOWN_FR.get, horizontal=True, key=f"trend_breakdown_{indicator_id}"
    )

    series, source_ids, demo = trend_series(indicator_id, territory, first_year, last_year, frequency, breakdown)
    k = small_count_threshold()
    labels = group_labels(breakdown)
    unit = entry["unit_fr"]
    base = series.assign(
        indicateur=indicator_id, territoire=territory,
        periode=[format_month(start, frequency) for start in series["period_start"]],
        groupe=series["group"].map(lambda group: labels.get(group, group)),
    )[["indicateur", "territoire", "periode", "groupe", "value", "complete", "suppressed"]]
    table = mask_column(base, "value", k).rename(columns={"value": "valeur", "complete": "periode_complete"})
    chart_block(
        finding=observation_finding(series, f"{entry['label_fr']} ({places[territory]})", unit, frequency, k),
        figure=observation_figure(series, unit, frequency, key_dates_for(data.key_dates, territory, data.territories), labels, k),
        data=table,
        display_data=mask_column(base, "value", k, french=True).assign(
            complete=base["complete"].map({True: "oui", False: "non (partielle)"}),
        ).drop(columns=["indicateur", "territoire"]).rename(columns={
            "periode": "Période", "groupe": "Groupe", "value": unit.capitalize(), "complete": "Période complète",
        }),
        source=source_line(source_ids, data.sources) + f" ; période {first_year}–{last_year} ; "
        f"effectifs de 1 à {k - 1} masqués (secret statistique)",
        caveat=entry["caveat_fr"],
        file_name=f"{indicator_id}_{territory}_{frequency}.csv",
        is_demo=demo,
        key="trend_field",
    )


def published_trend(data: DataTables, indicator_id: str) -> None:
    entry = data.indicators.set_index("indicator_id").loc[indicator_id]
    points = published_series(data.published_estimates, data.indicators, indicator_id)
    places = data.territories.set_index("territory_code")["name_fr"]
    territories = list(dict.fromkeys(points["territory_code"]))
    territory = st.selectbox("Territoire", territories, format_func=places.get, key=f"published_territory_{indicator_id}")
    points = points.loc[points["territory_code"] == territory]
    sources = data.sources.set_index("source_id")
    series_labels = {
        source_id: f"{sources.at[source_id, 'publisher']} ({published_date(sources.at[source_id, 'published'])})"
        for source_id in points["source_id"].unique()
    }
    unit = entry["unit_fr"]
    if entry["kind"] == "change":
        figure = change_figure(points, unit, series_labels)
    else:
        figure = published_figure(points, unit, series_labels, key_dates_for(data.key_dates, territory, data.territories))
    table = points.assign(
        source=points["source_id"].map(source_descriptions(data.sources)),
        precision=points["qualifier"].map(QUALIFIER_FR),
    )
    chart_block(
        finding=published_finding(points, entry["label_fr"]),
        figure=figure,
        data=table[["figure_id", "indicator_id", "territory_code", "period", "value", "value_low", "value_high", "qualifier", "source_id", "note_fr"]],
        display_data=table[["period_text", "figure_text", "precision", "source", "note_fr"]].rename(columns={
            "period_text": "Période", "figure_text": "Chiffre", "precision": "Précision", "source": "Source", "note_fr": "Remarque",
        }),
        source=source_line(points["source_id"], data.sources),
        caveat=entry["caveat_fr"],
        file_name=f"{indicator_id}_{territory}.csv",
        is_demo=False,
        key="trend_published",
    )
    st.caption("Les chiffres publiés sont rares et viennent de sources aux méthodes différentes : "
               "ils sont dessinés en points isolés, jamais reliés ; une fourchette est une barre de la borne basse à la borne haute.")
