"""A map of a département's true boundaries: its communes coloured as the tile map colours them (by
standing against the département, or by value), its intercommunalités outlined, a masked commune
grey with « s ». Drawn by Plotly's choropleth from the shipped contours (`indicators.contours`),
with no tile server: the page points Plotly's base-map address at an empty file the app serves
itself (`static/topojson/`), so nothing is fetched elsewhere.

Why both maps. The tiles give every commune the same room and its name, which reads best for a
département of a few dozen communes and on a slide; the contours show where things are, and stay
legible for a département of several hundred communes, where tiles would be too small to name.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from indicators.charts import plotly_separators
from indicators.contours import GeoJSON, feature_collection
from indicators.i18n import _
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.territories import STANDINGS_FR
from indicators.territories import communes as communes_of
from indicators.tilemap import (
    COLOUR_SCALE,
    FONT_FAMILY,
    HEIGHT,
    INTERCO_COLOURS,
    NO_DATA_FILL,
    NO_DATA_LEGEND,
    SECRET_FILL,
    classed,
    colour_range,
    colour_title,
    hover_texts,
    map_legend,
    secret_legend,
    standing_legend,
    tile_fills,
    tile_states,
)

# The address, relative to the page, where Plotly looks for its base map (an empty topology served
# by the app from static/topojson/): a geo subplot asks for one even when it draws none.
TOPOJSON_URL = "app/static/topojson/"
TRANSPARENT = "rgba(0,0,0,0)"
EDGE = "#ffffff"


def point_layout(territories: pd.DataFrame) -> pd.DataFrame:
    """The scope's communes as the map places them: at their own point (longitude, latitude), with
    the columns the tile map's colouring and hovers read."""
    mine = communes_of(territories).dropna(subset=["longitude", "latitude"])
    return pd.DataFrame(
        {
            "territory_code": mine["territory_code"].astype(str).to_numpy(),
            "name_fr": mine["name_fr"].to_numpy(),
            "short_name": mine["name_fr"].to_numpy(),
            "interco_code": mine["interco_code"].astype(str).to_numpy(),
            "x": mine["longitude"].to_numpy(dtype=float),
            "y": mine["latitude"].to_numpy(dtype=float),
        }
    )


def single_colour(colour: str) -> list[list[object]]:
    return [[0, colour], [1, colour]]


def own_features(communes: Mapping[str, GeoJSON], tiles: pd.DataFrame) -> GeoJSON:
    """The contours of `tiles` only: each trace carries its own areas, so that the figure holds
    every contour once (a région's 1 266 communes: 1,2 MB of GeoJSON, not that per trace)."""
    return feature_collection({code: communes[code] for code in tiles["territory_code"]})


def area_trace(
    communes: Mapping[str, GeoJSON], tiles: pd.DataFrame, hovers: pd.Series, colour: str, name: str, rank: int
) -> go.Choropleth:
    """The communes of `tiles` filled with one colour, named once in the legend."""
    return go.Choropleth(
        geojson=own_features(communes, tiles),
        locations=tiles["territory_code"].tolist(),
        z=[1] * len(tiles),
        colorscale=single_colour(colour),
        showscale=False,
        marker=dict(line=dict(color=EDGE, width=0.8)),
        customdata=tiles["territory_code"].tolist(),
        hovertext=hovers.loc[tiles.index].tolist(),
        hoverinfo="text",
        name=name,
        legendrank=rank,
        showlegend=True,
    )


def area_traces(
    communes: Mapping[str, GeoJSON], tiles: pd.DataFrame, hovers: pd.Series, unit: str
) -> list[go.Choropleth]:
    """Shown communes by standing (one trace per class) or by value (one trace on the colour scale),
    then the secret ones and those without data."""
    traces: list[go.Choropleth] = []
    shown = tiles.loc[tiles["state"] == "valeur"]
    if classed(tiles):
        for rank, standing in enumerate(STANDINGS_FR):
            group = shown.loc[shown["standing"] == standing]
            if len(group):
                traces.append(
                    area_trace(
                        communes,
                        group,
                        hovers,
                        group["fill"].iloc[0],
                        standing_legend(standing, group.iloc[0]),
                        10 + rank,
                    )
                )
        unclassed = shown.loc[~shown["standing"].isin(list(STANDINGS_FR))]
        if len(unclassed):
            traces.append(area_trace(communes, unclassed, hovers, NO_DATA_FILL, _(NO_DATA_LEGEND), 950))
    elif len(shown):
        low, high = colour_range(shown["value"].dropna())
        traces.append(
            go.Choropleth(
                geojson=own_features(communes, shown),
                locations=shown["territory_code"].tolist(),
                z=shown["value"].tolist(),
                zmin=low,
                zmax=high,
                colorscale=COLOUR_SCALE,
                marker=dict(line=dict(color=EDGE, width=0.8)),
                colorbar=dict(title=dict(text=colour_title(tiles, unit)), thickness=14, len=0.6),
                customdata=shown["territory_code"].tolist(),
                hovertext=hovers.loc[shown.index].tolist(),
                hoverinfo="text",
                name=unit,
                showlegend=False,
            )
        )
    for state, colour, name, rank in (
        ("secret", SECRET_FILL, secret_legend(), 900),
        ("vide", NO_DATA_FILL, _(NO_DATA_LEGEND), 950),
    ):
        group = tiles.loc[tiles["state"] == state]
        if len(group):
            traces.append(area_trace(communes, group, hovers, colour, name, rank))
    return traces


def outline_traces(
    intercos: Mapping[str, GeoJSON], interco_names: Mapping[str, str]
) -> list[go.Choropleth | go.Scattergeo]:
    """Each intercommunalité's boundary in its own colour (the tile map's), not hoverable (the
    communes answer hovers and clicks), and its name in the legend beside a line of that colour (a
    line drawing nothing: a choropleth's legend shows its fill, here transparent)."""
    traces: list[go.Choropleth | go.Scattergeo] = []
    for position, (code, geometry) in enumerate(intercos.items()):
        colour = INTERCO_COLOURS[position % len(INTERCO_COLOURS)]
        traces.append(
            go.Choropleth(
                geojson=feature_collection({code: geometry}),
                locations=[code],
                z=[1],
                colorscale=single_colour(TRANSPARENT),
                showscale=False,
                marker=dict(line=dict(color=colour, width=2.5)),
                hoverinfo="skip",
                name=interco_names.get(code, code),
                showlegend=False,
            )
        )
        traces.append(
            go.Scattergeo(
                lon=[None],
                lat=[None],
                mode="lines",
                line=dict(color=colour, width=3),
                hoverinfo="skip",
                name=interco_names.get(code, code),
                legendrank=500 + position,
                # Beyond the palette's colours a legend would name two outlines alike: hovers name them.
                showlegend=len(intercos) <= len(INTERCO_COLOURS),
            )
        )
    return traces


def secret_marks(tiles: pd.DataFrame) -> go.Scattergeo:
    """« s » on each masked commune, at its point: colour is never the only cue."""
    secret = tiles.loc[tiles["state"] == "secret"]
    return go.Scattergeo(
        lon=secret["x"].tolist(),
        lat=secret["y"].tolist(),
        mode="text",
        text=[SECRET_SYMBOL] * len(secret),
        textfont=dict(size=13, color="#1f1f1f", family=FONT_FAMILY),
        customdata=secret["territory_code"].tolist(),
        hoverinfo="skip",
        showlegend=False,
        name="s",
    )


def contour_map_figure(
    territories: pd.DataFrame,
    values: pd.DataFrame,
    communes: Mapping[str, GeoJSON],
    intercos: Mapping[str, GeoJSON],
    unit: str,
    measure_label: str,
    interco_names: dict[str, str],
    rate_unit: str = "",
    rate_shown: bool = False,
    height: int = HEIGHT,
    layout: pd.DataFrame | None = None,
) -> go.Figure:
    """The communes' contours coloured like the tile map (`tilemap.tile_fills`), hovers in the
    current language, intercommunalités outlined, « s » on masked communes. A click gives the
    commune's code as `customdata`, as on the tile map (`tilemap.clicked_territory`). Given a
    `layout` (code, names, outline code, a point inside each area), other areas than communes are
    drawn the same way: départements outlined by their régions."""
    layout = point_layout(territories) if layout is None else layout
    layout = layout.loc[layout["territory_code"].isin(list(communes))].reset_index(drop=True)
    tiles = tile_fills(tile_states(layout, values))
    hovers = pd.Series(hover_texts(tiles, unit, measure_label, interco_names, rate_unit, rate_shown), index=tiles.index)
    return go.Figure(
        [*area_traces(communes, tiles, hovers, unit), *outline_traces(intercos, interco_names), secret_marks(tiles)],
        layout=dict(
            height=height,
            separators=plotly_separators(),
            paper_bgcolor="#ffffff",
            font=dict(family=FONT_FAMILY, size=12, color="#1f1f1f"),
            margin=dict(l=10, r=10, t=10, b=10),
            dragmode=False,
            hoverlabel=dict(font_size=13, bgcolor="#ffffff"),
            legend=map_legend(tiles, unit, 12),
            geo=dict(
                fitbounds="locations",
                visible=False,
                projection=dict(type="mercator"),
                bgcolor="#ffffff",
            ),
        ),
    )
