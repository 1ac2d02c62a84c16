"""Territoires: communes of the Hauts-de-Seine compared for one indicator and period."""

import streamlit as st

from indicators.charts import ranking_figure
from indicators.config import small_count_threshold
from indicators.disclosure import mask_column
from indicators.findings import ranking_finding
from indicators.provenance import source_line
from views.cached import field_index, tables, territory_publics, territory_ranking
from views.components import chart_block, demo_banner

data = tables()
catalogue = data.indicators.set_index("indicator_id")

st.title("Territoires : comparer les communes")
index = field_index()
if index.is_demo:
    demo_banner()

field_ids = catalogue.index[catalogue["domain"] == "field"].tolist()
left, middle = st.columns(2)
indicator_id = left.selectbox("Indicateur", field_ids, format_func=lambda choice: catalogue.at[choice, "label_fr"], key="territory_indicator")
years = index.years
first_year, last_year = middle.select_slider("Période", years, value=(years[-1], years[-1]), key="territory_years")

# One split at a time: the secret is computed for sexes and for age groups, not for their crossing.
publics = territory_publics(indicator_id, first_year, last_year)
public = st.selectbox("Public", list(publics), format_func=publics.get, key="territory_public")
ranked, source_ids, demo = territory_ranking(indicator_id, first_year, last_year, public)

entry = catalogue.loc[indicator_id]
period_text = f"en {first_year}" if first_year == last_year else f"de {first_year} à {last_year}"
k = small_count_threshold()
base = ranked.rename(columns={"territory_code": "code_commune", "name_fr": "commune"}).assign(
    indicateur=indicator_id, periode=f"{first_year}-{last_year}", public=publics[public])
chart_block(
    finding=ranking_finding(ranked, entry["label_fr"], entry["unit_fr"], period_text),
    figure=ranking_figure(ranked, entry["unit_fr"], k),
    data=mask_column(base, "value", k).rename(columns={"value": "valeur"}),
    display_data=mask_column(base[["commune", "code_commune", "value", "suppressed"]], "value", k, french=True).rename(
        columns={"commune": "Commune", "code_commune": "Code commune", "value": entry["unit_fr"].capitalize()}
    ),
    source=source_line(source_ids, data.sources) + f" ; {period_text} ; effectifs de 1 à {k - 1} "
    "masqués (secret statistique), ainsi que ceux qui permettraient de les retrouver",
    caveat=entry["caveat_fr"] + " Les effectifs sont bruts : sans population de référence publiée dans ce projet, "
    "ils ne sont pas rapportés au nombre de mineurs, et une grande commune compte mécaniquement davantage.",
    file_name=f"{indicator_id}_communes_{first_year}_{last_year}.csv",
    is_demo=demo,
    key="territories",
)
