"""The contour map: communes coloured like the tile map, masked ones grey with « s » and never their
value, intercommunalités outlined and named, a click giving the commune's code, no base map."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from indicators.config import DEFAULT_DATA_DIR
from indicators.contour_map import contour_map_figure, outline_traces, point_layout
from indicators.contours import departement_contours
from indicators.i18n import in_language
from indicators.loading import scope_territory_table
from indicators.tilemap import INTERCO_COLOURS, clicked_territory

# Six digits in a row: no coordinate (5 decimals) or colour of the figure can hold them by chance.
SECRET_VALUE = 987654.25


@pytest.fixture
def seine_saint_denis(monkeypatch) -> pd.DataFrame:
    """The Seine-Saint-Denis served (the setting stays for the whole test: pages read it)."""
    monkeypatch.setenv("INDICATORS_TERRITORY", "93")
    return scope_territory_table(DEFAULT_DATA_DIR)


def values_for(territories: pd.DataFrame, secret: set[str], standing: bool = False) -> pd.DataFrame:
    codes = point_layout(territories)["territory_code"].tolist()
    frame = pd.DataFrame(
        {
            "territory_code": codes,
            "value": [SECRET_VALUE if code in secret else 10.0 + position for position, code in enumerate(codes)],
            "suppressed": [code in secret for code in codes],
        }
    )
    frame["display"] = ["s" if code in secret else f"{value:g}" for code, value in zip(codes, frame["value"])]
    if standing:
        frame["standing"] = [
            None if code in secret else ("above" if i % 3 == 0 else "similar") for i, code in enumerate(codes)
        ]
    return frame


def figure_of(territories: pd.DataFrame, values: pd.DataFrame) -> go.Figure:
    intercos = territories.loc[territories["level"] == "interco"]
    names = dict(zip(intercos["territory_code"], intercos["name_fr"]))
    outlines = {code: geometry for code, geometry in departement_contours("93", "ept").items() if code in names}
    return contour_map_figure(
        territories, values, departement_contours("93", "commune"), outlines, "signalements", "Effectif", names
    )


def test_every_commune_is_drawn_once_and_a_click_gives_its_code(seine_saint_denis):
    figure = figure_of(seine_saint_denis, values_for(seine_saint_denis, set()))
    areas = [trace for trace in figure.data if trace.type == "choropleth" and trace.hoverinfo != "skip"]
    drawn = [code for trace in areas for code in trace.locations]
    assert sorted(drawn) == sorted(seine_saint_denis.query("level == 'commune'")["territory_code"])
    assert all(list(trace.customdata) == list(trace.locations) for trace in areas)
    # Each trace carries its own contours only: every commune's once in the figure.
    carried = [feature["id"] for trace in areas for feature in trace.geojson["features"]]
    assert sorted(carried) == sorted(drawn)
    assert clicked_territory({"selection": {"points": [{"customdata": areas[0].customdata[0]}]}}) == drawn[0]
    # No base map: Plotly draws the shipped contours only, fitted to them.
    assert figure.layout.geo.visible is False and figure.layout.geo.fitbounds == "locations"


def test_a_masked_commune_is_grey_with_s_and_never_its_value(seine_saint_denis):
    secret = {"93008", "93066"}
    figure = figure_of(seine_saint_denis, values_for(seine_saint_denis, secret))
    text = figure.to_json()
    assert not any(form in text for form in ("987654", "987 654", "987\u202f654", "987\u00a0654"))
    masked = next(trace for trace in figure.data if trace.name == "s : secret statistique")
    assert sorted(masked.locations) == sorted(secret) and masked.showlegend
    hovers = dict(zip(masked.locations, masked.hovertext))
    assert "secret statistique" in hovers["93008"] and "Bobigny" in hovers["93008"]
    marks = next(trace for trace in figure.data if trace.type == "scattergeo" and trace.mode == "text")
    assert sorted(marks.customdata) == sorted(secret) and set(marks.text) == {"s"}


def test_by_standing_one_trace_per_class_and_the_intercommunalites_named(seine_saint_denis):
    figure = figure_of(seine_saint_denis, values_for(seine_saint_denis, {"93008"}, standing=True))
    legend = [trace.name for trace in figure.data if trace.showlegend]
    assert any(name.startswith("Au-dessus") for name in legend) and any(
        name.startswith("Comparable") for name in legend
    )
    for name in ("Plaine Commune", "Est Ensemble", "Paris Terres d'Envol", "Grand Paris Grand Est"):
        assert name in legend
    with in_language("en"):
        english = figure_of(seine_saint_denis, values_for(seine_saint_denis, {"93008"}, standing=True))
    english_legend = [str(trace.name) for trace in english.data if trace.showlegend]
    assert any(name.startswith("s:") for name in english_legend), english_legend
    assert any(name.startswith("Above") for name in english_legend), english_legend


def test_by_value_one_colour_scale_titled_with_the_unit(seine_saint_denis):
    figure = figure_of(seine_saint_denis, values_for(seine_saint_denis, set()))
    scaled = [trace for trace in figure.data if trace.type == "choropleth" and trace.showscale is not False]
    assert len(scaled) == 1 and "signalements" in scaled[0].colorbar.title.text


def test_outlines_beyond_the_palette_are_named_by_their_hovers_not_the_legend():
    """A région's 80 intercommunalités share eight colours: a legend would name two outlines alike."""
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    few = outline_traces({f"I{number}": square for number in range(3)}, {})
    many = outline_traces({f"I{number}": square for number in range(len(INTERCO_COLOURS) + 1)}, {})
    assert [trace.name for trace in few if trace.showlegend] == ["I0", "I1", "I2"]
    assert not [trace for trace in many if trace.showlegend]
