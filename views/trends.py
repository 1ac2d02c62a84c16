"""Tendances: one indicator over time, field observations or published figures."""

import streamlit as st

from indicators.i18n import N_, _, localized
from views.cached import field_index, tables
from views.components import indicator_select, row_of
from views.links import shared_choice
from views.trend_sections import field_trend, published_trend

data = tables()
catalogue = data.catalogue

# The options are the French labels (the page's own values); the widget shows, and the address
# carries, them in the viewer's language.
FIELD, PUBLISHED = N_("Observations de terrain"), N_("Chiffres publiés")

st.title(_("Tendances"))
family = shared_choice(
    st.segmented_control,
    _("Type de données"),
    [FIELD, PUBLISHED],
    default=FIELD,
    format_func=_,
    key="donnees",
)
domain = "published" if family == PUBLISHED else "field"
choices = catalogue.index[catalogue["domain"] == domain].tolist()
with_data = field_index().indicators if domain == "field" else choices
indicator_id = indicator_select(st, catalogue, choices, with_data, key="indicateur")
st.caption(
    _("**Définition** : {definition}").format(definition=localized(row_of(catalogue, indicator_id), "definition"))
)

if domain == "field":
    field_trend(indicator_id, {"donnees": _(FIELD), "indicateur": localized(row_of(catalogue, indicator_id), "label")})
else:
    published_trend(data, indicator_id)
