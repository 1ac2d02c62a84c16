"""Territoires: communes of the Hauts-de-Seine compared for one indicator and period."""

import streamlit as st

from indicators.cards import NO_DATA_SENTENCE
from indicators.charts import ranking_figure
from indicators.config import small_count_threshold
from indicators.disclosure import SECRET_SYMBOL, mask_column
from indicators.findings import covered_text, ranking_finding
from indicators.observations import communes_without_data, year_bounds
from indicators.provenance import source_line
from views.cached import field_index, tables, territory_publics, territory_ranking
from views.components import chart_block, demo_banner, indicator_select, year_span_select

data = tables()
catalogue = data.indicators.set_index("indicator_id")

st.title("Territoires : comparer les communes")
index = field_index()
if index.is_demo:
    demo_banner()

field_ids = catalogue.index[catalogue["domain"] == "field"].tolist()
left, middle = st.columns(2)
indicator_id = indicator_select(left, catalogue, field_ids, index.indicators, key="territory_indicator")
if indicator_id not in index.indicators:
    st.info(NO_DATA_SENTENCE, icon=":material/info:")
    st.stop()
years = index.years_of[indicator_id]
first_year, last_year = year_span_select(middle, years, (years[-1], years[-1]), key=f"territory_years_{indicator_id}")

# One split at a time: the secret is computed for sexes and for age groups, not for their crossing.
publics = territory_publics(indicator_id, first_year, last_year)
public = st.selectbox("Public", list(publics), format_func=publics.get, key=f"territory_public_{indicator_id}")
ranked, source_ids, demo = territory_ranking(indicator_id, first_year, last_year, public)
if ranked.empty:
    st.info(f"Aucune donnée pour cet indicateur de {first_year} à {last_year}.", icon=":material/info:")
    st.stop()

entry = catalogue.loc[indicator_id]
period_text = covered_text(index.rows(indicator_id, None, *year_bounds(first_year, last_year)))
k = small_count_threshold()
base = ranked.rename(columns={"territory_code": "code_commune", "name_fr": "commune"}).assign(
    indicateur=entry["label_fr"], periode=period_text.removeprefix("en ").removeprefix("de "), public=publics[public])
chart_block(
    finding=ranking_finding(ranked, entry["label_fr"], entry["unit_fr"], period_text),
    figure=ranking_figure(ranked, entry["unit_fr"], k),
    data=mask_column(base, "value", k).rename(columns={"value": "valeur"}),
    display_data=mask_column(base[["commune", "code_commune", "value", "suppressed"]], "value", k, french=True).rename(
        columns={"commune": "Commune", "code_commune": "Code commune", "value": entry["unit_fr"].capitalize()}
    ),
    source=source_line(source_ids, data.sources) + f" ; {period_text} ; {SECRET_SYMBOL} : effectif de 1 à {k - 1}, "
    "ou qui permettrait d'en retrouver un, masqué (secret statistique)",
    caveat=entry["caveat_fr"] + " Les effectifs sont bruts : sans population de référence publiée dans ce projet, "
    "ils ne sont pas rapportés au nombre de mineurs, et une grande commune compte mécaniquement davantage.",
    file_name=f"{indicator_id}_communes_{first_year}_{last_year}.csv",
    is_demo=demo,
    key="territories",
)
missing = communes_without_data(ranked, data.territories)
if missing:
    st.caption(f"Sans donnée pour cet indicateur {period_text} ({len(missing)} commune{'s' if len(missing) > 1 else ''}) : "
               + ", ".join(missing) + ". Une commune sans donnée n'est pas une commune à zéro.")
