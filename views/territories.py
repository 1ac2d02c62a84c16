"""Territoires: the communes or the EPTs of the Hauts-de-Seine compared for one indicator and
period, by count or by rate per 10 000 inhabitants, with the département's rate: on a tile map, in
a ranking or on a funnel plot."""

import streamlit as st

from indicators.cards import NO_DATA_SENTENCE
from indicators.choices import RankingChoice
from indicators.config import DEMO_LABEL_FR
from indicators.i18n import N_, _
from indicators.labels import translated
from indicators.territories import (
    MEASURES_FR,
    communes,
    every_interco_is_an_ept,
    maps_communes,
    scope_levels,
    territory_choices,
)
from indicators.tilemap import TILES_AT_MOST, clicked_territory
from views.cached import field_index, ranking_view, tables, territory_publics
from views.components import (
    chart_block,
    demo_banner,
    indicator_select,
    plotly_config,
    year_span_select,
)
from views.links import open_sheet, shared_choice, shared_segment

LEVELS = {"commune": N_("Communes"), "interco": N_("EPT"), "departement": N_("Départements"), "region": N_("Régions")}
# The communes' map: equal tiles, or their true boundaries (the default beyond TILES_AT_MOST communes).
MAPS = {"tiles": N_("Tuiles"), "contours": N_("Contours")}
VIEWS = {"classement": N_("Classement"), "entonnoir": N_("Entonnoir : taux selon la population")}

data = tables()
catalogue = data.catalogue

# Inside the Métropole du Grand Paris the intercommunalités are EPTs; elsewhere EPCIs, named as such.
if not every_interco_is_an_ept(data.territories):
    LEVELS["interco"] = N_("Intercommunalités")
# The levels below the scope: a région's départements, France's départements and régions.
LEVELS = {level: label for level, label in LEVELS.items() if level in scope_levels()[:-1]}
if "departement" in LEVELS:
    st.title(
        _("Territoires : comparer les communes, les intercommunalités, les départements et les régions")
        if "region" in LEVELS
        else _("Territoires : comparer les communes, les intercommunalités et les départements")
    )
else:
    st.title(
        _("Territoires : comparer les communes et les EPT")
        if every_interco_is_an_ept(data.territories)
        else _("Territoires : comparer les communes et les intercommunalités")
    )
index = field_index()
if index.is_demo:
    demo_banner()

field_ids = data.field_indicator_ids
left, middle, right = st.columns(3)
indicator_id = indicator_select(left, catalogue, field_ids, index.indicators, key="indicateur")
if indicator_id not in index.indicators:
    st.info(_(NO_DATA_SENTENCE), icon=":material/info:")
    st.stop()
years = index.years_of[indicator_id]
first_year, last_year = year_span_select(middle, years, (years[-1], years[-1]), key="periode")
# One split at a time: the secret is computed for sexes and for age groups, not for their crossing.
publics = territory_publics(indicator_id, first_year, last_year)
public = shared_choice(right.selectbox, _("Public"), list(publics), format_func=publics.get, key="public")
# Three levels (a région's) need more room than a third of the page; four (France's, with no map of
# communes to choose) nearly all of it.
WIDTHS = {4: [2.9, 1.5, 0.1], 3: [2.2, 1.4, 1]}
level_column, measure_column, map_column = st.columns(WIDTHS.get(len(LEVELS), [1, 1, 1]))
# A région or France opens on its départements, the level its map draws; a département on its communes.
level = shared_segment(
    level_column,
    _("Niveau"),
    list(LEVELS),
    format_func=translated(LEVELS).get,
    default="departement" if "departement" in LEVELS else "commune",
    key="niveau",
)
measure = shared_segment(
    measure_column,
    _("Mesure"),
    list(MEASURES_FR),
    format_func=translated(MEASURES_FR).get,
    default="count",
    key="mesure",
)

# No map of France's communes (`maps_communes`): "none".
map_kind = "tiles" if maps_communes() else "none"
if level == "commune" and maps_communes():
    many = len(communes(data.territories)) > TILES_AT_MOST
    map_kind = shared_segment(
        map_column,
        _("Carte"),
        list(MAPS),
        format_func=translated(MAPS).get,
        default="contours" if many else "tiles",
        key="fond_de_carte",
    )
view = ranking_view(
    RankingChoice(indicator_id, first_year, last_year, public=public, level=level, measure=measure, map_kind=map_kind)
)
if view is None:
    st.info(
        _("Aucune donnée pour cet indicateur de {first_year} à {last_year}.").format(
            first_year=first_year, last_year=last_year
        ),
        icon=":material/info:",
    )
    st.stop()

if view.tile_map is not None:
    st.header(view.tile_map.finding, anchor=False)
    if view.chart.is_demo:
        st.caption(f":orange-badge[{_(DEMO_LABEL_FR)}]")
    for note in view.notes:
        st.caption(note)
    event = st.plotly_chart(
        view.tile_map.figure,
        config=plotly_config(),
        key="carte",
        on_select="rerun",
        selection_mode="points",
        alt=view.tile_map.sentence,
    )
    clicked = clicked_territory(event)
    if clicked:
        # A tile opens that commune's sheet, with the address of that sheet.
        choices = territory_choices(data.territories, [clicked])
        open_sheet(choices.get(clicked, clicked))
    for caption in view.tile_map.captions:
        st.caption(caption)
else:
    for note in view.notes:
        st.caption(note)
    if level == "commune" and not maps_communes():
        st.caption(
            _(
                "La France compte trop de communes pour une carte lisible : "
                "les niveaux Départements et Régions en dessinent une."
            )
        )

# The ranking or the funnel plot (rate against population, with the limits chance allows).
shown_view = shared_segment(
    st, _("Vue"), list(VIEWS), format_func=translated(VIEWS).get, default="classement", key="vue"
)
if shown_view == "entonnoir" and view.funnel is None:
    st.info(view.funnel_empty or "", icon=":material/info:")
elif shown_view == "entonnoir" and view.funnel is not None:
    chart_block(**vars(view.funnel), key="funnel")
    if view.funnel_note:
        st.caption(view.funnel_note)
else:
    chart_block(**vars(view.chart), key="territories")
if view.missing:
    st.caption(view.missing)
