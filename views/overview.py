"""Vue d'ensemble: headline published figures, then the latest field observations."""

import streamlit as st

from indicators.config import small_count_threshold
from indicators.disclosure import suppressed_label
from indicators.formatting import format_change, format_month, format_number
from indicators.provenance import short_source, source_line
from views.cached import headlines, latest_comparisons, tables
from views.components import demo_banner

data = tables()
catalogue = data.indicators.set_index("indicator_id")

st.title("Prostitution des mineurs : vue d'ensemble")
st.markdown(
    "Les chiffres publiés sur la France, puis l'activité de terrain du département. "
    "Chaque chiffre indique sa source, sa date et sa définition (survoler le point d'interrogation)."
)

st.header("Chiffres publiés")
sources = data.sources.set_index("source_id", drop=False)
cards = headlines()
columns = [*st.columns([1.3, 1, 1]), *st.columns(2)]
for column, card in zip(columns, cards):
    with column.container(border=True, height="stretch"):
        st.markdown(f"**{card.label}**", help=f"{card.definition}\n\nPrécaution : {card.caveat}")
        st.metric(card.label, card.text, label_visibility="collapsed")
        st.caption(f"France, {card.period}. {short_source(sources.loc[card.source_id])}")
st.info(
    "Un effectif enregistré par la police, la justice ou les associations n'est pas le nombre de victimes : "
    "il ne compte que les situations repérées. Les estimations sont des fourchettes, sans valeur centrale.",
    icon=":material/info:",
)

st.header("Observations de terrain : Hauts-de-Seine")
comparisons, observation_sources, demo = latest_comparisons()
if demo:
    demo_banner()
k = small_count_threshold()
for column, (indicator_id, shown) in zip([*st.columns(3), *st.columns(3)], comparisons.items()):
    entry, comparison = catalogue.loc[indicator_id], shown.comparison
    with column.container(border=True, height="stretch"):
        delta = f"{format_change(comparison.change_percent)} en un an" if shown.change_shown else None
        st.markdown(f"**{entry['label_fr']}**", help=f"{entry['definition_fr']}\n\nPrécaution : {entry['caveat_fr']}")
        st.metric(entry["label_fr"], format_number(comparison.current_total) if shown.current_shown else suppressed_label(k),
                  delta=delta, delta_color="off", label_visibility="collapsed")
        st.caption(
            f"{format_month(comparison.current_start)} – {format_month(comparison.current_end)}, "
            "comparé aux mêmes mois un an plus tôt"
        )
st.caption(source_line(observation_sources, data.sources))
