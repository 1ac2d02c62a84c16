"""Territoires: the communes or the EPTs of the Hauts-de-Seine compared for one indicator and
period, by count or by rate per 10 000 inhabitants, on a tile map and in a ranking."""

import streamlit as st

from indicators.cards import NO_DATA_SENTENCE
from indicators.charts import ranking_figure
from indicators.config import small_count_threshold
from indicators.disclosure import SECRET_SYMBOL, masked_ranking
from indicators.findings import covered_text, ranking_finding
from indicators.observations import communes_without_data, year_bounds
from indicators.provenance import source_line
from indicators.territories import (
    LEVEL_SINGULAR_FR,
    MEASURES_FR,
    PARTIAL_EPT_NOTE_FR,
    RATE_CAVEAT_FR,
    by_measure,
    epts,
    measure_unit,
    names,
    rate_decimals,
    territory_choices,
)
from indicators.tilemap import (
    clicked_territory,
    counted,
    map_sentence,
    map_values,
    tile_map_figure,
    unplaced_communes,
)
from views.cached import (
    field_index,
    map_layout,
    tables,
    territory_publics,
    territory_ranking,
)
from views.components import (
    PLOTLY_CONFIG,
    chart_block,
    demo_banner,
    indicator_select,
    row_of,
    year_span_select,
)
from views.links import shared_choice

LEVELS = {"commune": "Communes", "ept": "EPT"}

data = tables()
catalogue = data.catalogue

st.title("Territoires : comparer les communes et les EPT")
index = field_index()
if index.is_demo:
    demo_banner()

field_ids = data.field_indicator_ids
left, middle, right = st.columns(3)
indicator_id = indicator_select(left, catalogue, field_ids, index.indicators, key="indicateur")
if indicator_id not in index.indicators:
    st.info(NO_DATA_SENTENCE, icon=":material/info:")
    st.stop()
years = index.years_of[indicator_id]
first_year, last_year = year_span_select(middle, years, (years[-1], years[-1]), key="periode")
# One split at a time: the secret is computed for sexes and for age groups, not for their crossing.
publics = territory_publics(indicator_id, first_year, last_year)
public = shared_choice(right.selectbox, "Public", list(publics), format_func=publics.get, key="public")
level_column, measure_column = st.columns(2)
level = (
    shared_choice(
        level_column.segmented_control, "Niveau", list(LEVELS), format_func=LEVELS.get, default="commune", key="niveau"
    )
    or "commune"
)
measure = (
    shared_choice(
        measure_column.segmented_control,
        "Mesure",
        list(MEASURES_FR),
        format_func=MEASURES_FR.get,
        default="count",
        key="mesure",
    )
    or "count"
)

ranked, source_ids, demo = territory_ranking(indicator_id, first_year, last_year, public, level)
if ranked.empty:
    st.info(f"Aucune donnée pour cet indicateur de {first_year} à {last_year}.", icon=":material/info:")
    st.stop()

entry = row_of(catalogue, indicator_id)
period_text = covered_text(index.rows(indicator_id, None, *year_bounds(first_year, last_year)))
k = small_count_threshold()
shown = by_measure(ranked, measure)
decimals = rate_decimals(shown["value"]) if measure == "rate" else 0
unit = measure_unit(entry["unit_fr"], measure)
place_word = LEVEL_SINGULAR_FR[level]
secret_note = (
    f"{SECRET_SYMBOL} : effectif de 1 à {k - 1}, ou qui permettrait d'en retrouver un, masqué (secret statistique)"
)
rate_sources = ["INSEE_POPULATIONS_LEGALES"] if measure == "rate" else []
level_sources = ["ETALAB_DECOUPAGE_ADMINISTRATIF"] if level == "ept" else []
caveat = (
    entry["caveat_fr"]
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

finding = ranking_finding(shown, entry["label_fr"], unit, period_text, decimals, place_word)
if level == "commune":
    # The map first, as officials expect; the ranked table below is its keyboard and screen-reader alternative.
    values = map_values(shown, decimals)
    all_names = names(data.territories)
    sentence = map_sentence(map_layout(), values, unit, all_names)
    st.header(finding, anchor=False)
    if demo:
        st.caption(":orange-badge[Données fictives de démonstration]")
    event = st.plotly_chart(
        tile_map_figure(
            map_layout(),
            values,
            unit,
            MEASURES_FR[measure],
            dict(zip(epts(data.territories)["territory_code"], epts(data.territories)["name_fr"])),
        ),
        config=PLOTLY_CONFIG,
        key="carte",
        on_select="rerun",
        selection_mode="points",
        alt=sentence,
    )
    clicked = clicked_territory(event)
    if clicked:
        # A tile opens that commune's sheet, with the address of that sheet.
        choices = territory_choices(data.territories, [clicked])
        st.switch_page("views/sheet.py", query_params={"territoire": choices.get(clicked, clicked)})
    st.caption(sentence + " Cliquer sur une commune ouvre sa fiche.")
    unplaced = unplaced_communes(data.territories)
    if unplaced:
        st.caption(
            f"{counted(len(unplaced), 'commune sans coordonnées ne figure', 'communes sans coordonnées ne figurent')} "
            "pas sur la carte : le classement ci-dessous les compte."
        )
    st.caption(
        source_line([*source_ids, *rate_sources, "IGN_ADMIN_EXPRESS_CENTROIDES"], data.sources)
        + f" ; {period_text} ; {secret_note}. Une tuile par commune, placée près de ses voisines : "
        "ni les surfaces ni les frontières ne sont dessinées."
    )
    finding = f"Classement des communes ({MEASURES_FR[measure].lower()}) {period_text}"

place_title = LEVEL_SINGULAR_FR[level].capitalize() if level == "commune" else "EPT"
described = {
    "indicateur": entry["label_fr"],
    "periode": period_text.removeprefix("en ").removeprefix("de "),
    "public": publics[public],
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
            "count": entry["unit_fr"].capitalize(),
            "population": "Population",
            "rate": MEASURES_FR["rate"],
        }
    )
)
chart_block(
    finding=finding,
    figure=ranking_figure(shown, unit, k, decimals),
    data=export,
    display_data=display,
    source=source_line([*source_ids, *rate_sources, *level_sources], data.sources)
    + f" ; {period_text} ; {secret_note}",
    caveat=caveat,
    file_name=f"{indicator_id}_{level}_{measure}_{first_year}_{last_year}.csv",
    is_demo=demo,
    key="territories",
)
if level == "commune":
    missing = communes_without_data(ranked, data.territories)
    if missing:
        st.caption(
            f"Sans donnée pour cet indicateur {period_text} "
            f"({len(missing)} commune{'s' if len(missing) > 1 else ''}) : "
            + ", ".join(missing)
            + ". Une commune sans donnée n'est pas une commune à zéro."
        )
