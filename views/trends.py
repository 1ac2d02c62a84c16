"""Tendances: one indicator over time, field observations or published figures."""

import streamlit as st

from views.cached import field_index, tables
from views.components import indicator_select
from views.links import shared_choice
from views.trend_sections import field_trend, published_trend

data = tables()
catalogue = data.catalogue

st.title("Tendances")
family = shared_choice(
    st.segmented_control,
    "Type de données",
    ["Observations de terrain (Hauts-de-Seine)", "Chiffres publiés"],
    default="Observations de terrain (Hauts-de-Seine)",
    key="donnees",
)
domain = "published" if family == "Chiffres publiés" else "field"
choices = catalogue.index[catalogue["domain"] == domain].tolist()
with_data = field_index().indicators if domain == "field" else choices
indicator_id = indicator_select(st, catalogue, choices, with_data, key="indicateur")
st.caption(f"**Définition** : {catalogue.at[indicator_id, 'definition_fr']!s}")

if domain == "field":
    field_trend(indicator_id)
else:
    published_trend(data, indicator_id)
