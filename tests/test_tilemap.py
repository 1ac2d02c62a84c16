"""The tile map of the 36 communes: layout faithful to geography, secrets never drawn, readable text."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from indicators.config import DEFAULT_DATA_DIR
from indicators.i18n import in_language
from indicators.loading import scope_territory_table
from indicators.tilemap import (
    AXIAL_STEPS,
    MAX_LABEL,
    axial_of,
    clicked_territory,
    commune_rows,
    contrast_ratio,
    local_plane,
    map_sentence,
    relative_luminance,
    short_name,
    tile_fills,
    tile_layout,
    tile_map_figure,
    tile_map_svg,
    tile_states,
    tile_steps,
    unplaced_communes,
)

SECRET_VALUE = 4321.75  # a value no coordinate or colour of the figure could contain by chance


@pytest.fixture(scope="module")
def territories() -> pd.DataFrame:
    return scope_territory_table(DEFAULT_DATA_DIR)


@pytest.fixture(scope="module")
def layout(territories: pd.DataFrame) -> pd.DataFrame:
    return tile_layout(territories)


@pytest.fixture(scope="module")
def interco_names(territories: pd.DataFrame) -> dict[str, str]:
    intercos = territories.loc[territories["level"] == "interco"]
    return dict(zip(intercos["territory_code"], intercos["name_fr"]))


def values_for(layout: pd.DataFrame, secret: set[str] = frozenset(), missing: set[str] = frozenset()) -> pd.DataFrame:
    """A rate per commune rising with its position in code order; secrets keep a real value underneath."""
    codes = [code for code in layout["territory_code"] if code not in missing]
    return pd.DataFrame(
        {
            "territory_code": codes,
            "value": [SECRET_VALUE if code in secret else 1.5 + position for position, code in enumerate(codes)],
            "suppressed": [code in secret for code in codes],
        }
    )


def nearest_neighbours(territories: pd.DataFrame, k: int) -> dict[str, list[str]]:
    communes = commune_rows(territories)
    plane = local_plane(communes["longitude"], communes["latitude"])
    gaps = np.hypot(*(plane[:, None, :] - plane[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    codes = communes["territory_code"].tolist()
    return {codes[i]: [codes[j] for j in np.argsort(gaps[i], kind="stable")[:k]] for i in range(len(codes))}


# Layout -------------------------------------------------------------------------------------------


def test_layout_holds_the_36_communes_with_their_ept(layout, territories):
    communes = commune_rows(territories)
    assert len(layout) == 36 and layout["territory_code"].is_unique
    expected = dict(zip(communes["territory_code"], communes["interco_code"]))
    assert dict(zip(layout["territory_code"], layout["interco_code"])) == expected
    assert layout["interco_code"].nunique() == 4
    assert list(layout.columns) == [
        "territory_code",
        "name_fr",
        "short_name",
        "interco_code",
        "column",
        "row",
        "x",
        "y",
    ]


def test_no_two_communes_share_a_tile(layout):
    assert not layout.duplicated(["column", "row"]).any()
    assert not layout[["x", "y"]].round(6).duplicated().any()


def test_layout_is_deterministic(territories, layout):
    shuffled = territories.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(tile_layout(shuffled), layout)


def test_each_nearest_neighbour_stays_close(layout, territories):
    """Measured on the 36 communes: 33 of 36 (92 %) nearest neighbours on an adjacent tile, all within 2
    steps; 100 % of the three nearest neighbours within 2 steps."""
    nearest = nearest_neighbours(territories, 3)
    first = [tile_steps(layout, code, near[0]) for code, near in nearest.items()]
    three = [tile_steps(layout, code, other) for code, near in nearest.items() for other in near]
    assert np.mean(np.array(first) <= 1) >= 0.9
    assert max(first) <= 2
    assert np.mean(np.array(three) <= 2) >= 0.95


def test_compass_directions_are_kept(layout):
    tiles = layout.set_index("name_fr")
    assert tiles.loc["Gennevilliers", "y"] > tiles.loc["Antony", "y"]  # north at the top
    assert tiles.loc["Nanterre", "x"] < tiles.loc["Courbevoie", "x"]
    assert tiles.loc["Boulogne-Billancourt", "x"] < tiles.loc["Issy-les-Moulineaux", "x"]
    assert tiles.loc["Rueil-Malmaison", "x"] < tiles.loc["Levallois-Perret", "x"]


def test_each_interco_is_one_connected_group_of_tiles(layout):
    for _, group in layout.groupby("interco_code"):
        cells = {axial_of(int(c), int(r)) for c, r in zip(group["column"], group["row"])}
        reached, frontier = set(), [min(cells)]
        while frontier:
            cell = frontier.pop()
            if cell not in reached:
                reached.add(cell)
                frontier += [(cell[0] + dq, cell[1] + dr) for dq, dr in AXIAL_STEPS]
                frontier = [near for near in frontier if near in cells]
        assert reached == cells


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Boulogne-Billancourt", "Boulogne-B."),
        ("Issy-les-Moulineaux", "Issy-les-M."),
        ("Asnières-sur-Seine", "Asnières"),
        ("Rueil-Malmaison", "Rueil-M."),
        ("Ville-d'Avray", "Ville-d'A."),
        ("Le Plessis-Robinson", "Plessis-R."),
        ("Antony", "Antony"),
        ("Saint-Cloud", "Saint-Cloud"),
        ("Levallois-Perret", "Levallois"),
    ],
)
def test_short_names(name, expected):
    assert short_name(name) == expected


def test_short_names_are_unique_and_short(layout):
    assert layout["short_name"].is_unique
    assert layout["short_name"].str.len().max() <= MAX_LABEL


# Figure -------------------------------------------------------------------------------------------


def clickable(figure: go.Figure) -> go.Scatter:
    return next(trace for trace in figure.data if trace.name == "communes")


def test_the_clickable_trace_carries_every_code_and_every_trace_carries_codes(layout, interco_names):
    figure = tile_map_figure(layout, values_for(layout), "pour 10 000 mineurs", "Taux", interco_names)
    assert sorted(clickable(figure).customdata) == sorted(layout["territory_code"])
    codes = set(layout["territory_code"])
    for trace in figure.data:
        assert trace.customdata is not None and {c for c in trace.customdata if c is not None} <= codes


def test_a_secret_commune_shows_s_and_never_its_value(layout, interco_names):
    secret = {"92012", "92047"}
    figure = tile_map_figure(layout, values_for(layout, secret), "victimes", "Victimes", interco_names)
    text = figure.to_json()
    assert not any(form in text for form in ("4321", "4 321", "4\u202f321", "4\u00a0321"))
    hovers = dict(zip(clickable(figure).customdata, clickable(figure).hovertext))
    assert "secret statistique" in hovers["92012"] and "Boulogne-Billancourt" in hovers["92012"]
    labels = {
        code: label
        for trace in figure.data
        if trace.mode == "text"
        for code, label in zip(trace.customdata, trace.text)
    }
    assert labels["92012"].endswith("<b>s</b>")
    assert any(trace.name == "s : secret statistique" and trace.showlegend for trace in figure.data)


def test_missing_communes_are_drawn_as_such(layout, interco_names):
    values = values_for(layout, missing={"92002"})
    values.loc[values["territory_code"] == "92004", "value"] = np.nan
    figure = tile_map_figure(layout, values, "victimes", "Victimes", interco_names)
    hovers = dict(zip(clickable(figure).customdata, clickable(figure).hovertext))
    assert hovers["92002"].endswith("pas de donnée") and hovers["92004"].endswith("pas de donnée")
    assert any(trace.name == "pas de donnée" and trace.showlegend for trace in figure.data)


def test_hover_names_the_commune_its_interco_and_the_value_in_french(layout, interco_names):
    figure = tile_map_figure(layout, values_for(layout), "pour 10 000 mineurs", "Taux", interco_names)
    hovers = dict(zip(clickable(figure).customdata, clickable(figure).hovertext))
    assert hovers["92002"] == "<b>Antony</b><br>Vallée Sud-Grand Paris<br>Taux : 1,5 pour 10 000 mineurs"


def test_interco_groups_are_named_in_the_legend(layout, interco_names):
    figure = tile_map_figure(layout, values_for(layout), "victimes", "Victimes", interco_names)
    assert set(interco_names.values()) <= {trace.name for trace in figure.data if trace.showlegend is not False}


def test_colours_rise_with_value_and_the_colour_bar_names_the_unit(layout, interco_names):
    tiles = tile_fills(tile_states(layout, values_for(layout)))
    ordered = tiles.sort_values("value")
    luminance = [relative_luminance(colour) for colour in ordered["fill"]]
    assert all(later > earlier for earlier, later in itertools.pairwise(luminance))
    figure = tile_map_figure(layout, values_for(layout), "pour 10 000 mineurs", "Taux", interco_names)
    assert clickable(figure).marker.colorbar.title.text == "pour 10 000 mineurs"
    assert clickable(figure).marker.showscale


def test_text_on_every_tile_reaches_wcag_aa_contrast(layout):
    values = values_for(layout, secret={"92012"}, missing={"92002"})
    tiles = tile_fills(tile_states(layout, values))
    for fill, text in zip(tiles["fill"], tiles["text_colour"]):
        assert contrast_ratio(fill, text) >= 4.5
    assert contrast_ratio("#b8b8b8", tiles.set_index("territory_code").loc["92012", "text_colour"]) >= 4.5  # hatching


def test_figure_is_a_plain_equal_aspect_map(layout, interco_names):
    figure = tile_map_figure(layout, values_for(layout), "victimes", "Victimes", interco_names)
    assert figure.layout.yaxis.scaleanchor == "x"
    assert not figure.layout.xaxis.visible and not figure.layout.yaxis.visible
    assert figure.layout.height == 560 and figure.layout.title.text is None
    json.loads(figure.to_json())


def test_all_secret_values_draw_no_colour_bar(layout, interco_names):
    all_secret = values_for(layout, secret=set(layout["territory_code"]))
    figure = tile_map_figure(layout, all_secret, "victimes", "V", interco_names)
    assert not clickable(figure).marker.showscale
    assert "4321" not in figure.to_json()


@pytest.mark.parametrize(
    "event, expected",
    [
        ({"selection": {"points": [{"curve_number": 40, "point_index": 3, "customdata": "92012"}]}}, "92012"),
        ({"selection": {"points": [{"customdata": ["92040"]}], "point_indices": [0], "box": [], "lasso": []}}, "92040"),
        ({"selection": {"points": [], "point_indices": [], "box": [], "lasso": []}}, None),
        ({"selection": {"points": [{"x": 1.0}]}}, None),
        ({"selection": None}, None),
        ({}, None),
        (None, None),
    ],
)
def test_clicked_territory(event, expected):
    assert clicked_territory(event) == expected


# Text alternative ---------------------------------------------------------------------------------


def test_sentence_names_highest_and_lowest_and_counts_the_rest(layout):
    values = values_for(layout, missing={"92077"})
    sentence = map_sentence(layout, values, "pour 10 000 mineurs", {})
    assert sentence == (
        "Carte des 36 communes : la valeur la plus élevée est à Villeneuve-la-Garenne "
        "(35,5 pour 10 000 mineurs), la plus faible à Antony (1,5 pour 10 000 mineurs) ; "
        "1 commune sans donnée."
    )


def test_with_masked_communes_the_sentence_claims_only_what_the_secret_allows(layout):
    # « la plus faible à Sèvres (5 signalements) ; 6 communes masquées »: the masked ones are below k.
    values = values_for(layout, secret={"92078"}, missing={"92077"})
    unbounded = map_sentence(layout, values, "signalements", {})
    assert unbounded == (
        "Carte des 36 communes : parmi les communes affichées, la valeur la plus élevée est à Vaucresson "
        "(34,5 signalements), la plus faible à Antony (1,5 signalement) ; 1 commune masquée par le secret "
        "statistique, qui peut compter plus ou moins, 1 commune sans donnée."
    )
    assert "Villeneuve" not in unbounded
    # The département's public total leaves at most 20 for the masked commune: it cannot be the highest.
    bounded = map_sentence(layout, values, "signalements", {}, masked_at_most=20)
    assert bounded.startswith("Carte des 36 communes : la valeur la plus élevée est à Vaucresson (34,5 signalements)")
    assert "parmi les communes affichées, la plus faible est à Antony" in bounded
    assert "qui peut compter moins" in bounded and "plus ou moins" not in bounded
    # At most 40: it could count more than Vaucresson's 34,5.
    assert map_sentence(layout, values, "signalements", {}, masked_at_most=40) == unbounded


def test_a_rate_map_without_classes_names_no_place_for_its_extremes(layout):
    sentence = map_sentence(layout, values_for(layout), "pour 10 000 habitants", {}, measure="rate")
    assert sentence == "Carte des 36 communes : taux des communes affichées de 1,5 à 36,5 pour 10 000 habitants."


def test_sentence_when_everything_is_secret_or_empty(layout):
    assert (
        map_sentence(layout, values_for(layout, secret=set(layout["territory_code"])), "victimes", {})
        == "Carte des 36 communes : toutes les valeurs sont masquées par le secret statistique."
    )
    no_values = values_for(layout).iloc[0:0]
    assert map_sentence(layout, no_values, "victimes", {}) == "Carte des 36 communes : aucune donnée."


def test_sentence_for_one_commune_and_names_given(layout):
    one = layout.loc[layout["territory_code"] == "92060"]
    values = pd.DataFrame({"territory_code": ["92060"], "value": [1.0], "suppressed": [False]})
    assert map_sentence(one, values, "victimes", {}) == "Carte d'une commune : Le Plessis-Robinson, 1 victime."
    two = layout.loc[layout["territory_code"].isin(["92060", "92002"])]
    values = pd.DataFrame({"territory_code": ["92060", "92002"], "value": [4.0, 2.0], "suppressed": [False, False]})
    assert "au Plessis-Robinson (4 victimes)" in map_sentence(two, values, "victimes", {})
    assert "à Antony-Ville" in map_sentence(two, values, "victimes", {"92002": "Antony-Ville"})


def test_the_svg_picture_holds_every_tile_and_never_a_secret_value(layout, interco_names):
    import xml.etree.ElementTree as ElementTree

    values = values_for(layout, secret={"92012", "92047"}, missing={"92002"})
    picture = tile_map_svg(layout, values, "victimes pour 10 000 habitants", interco_names)
    root = ElementTree.fromstring(picture)  # well-formed: names with apostrophes are escaped
    namespace = "{http://www.w3.org/2000/svg}"
    tiles = {
        polygon.get("data-code"): polygon for polygon in root.iter(f"{namespace}polygon") if polygon.get("data-code")
    }
    assert sorted(tiles) == sorted(layout["territory_code"])
    assert tiles["92012"].get("fill") == "url(#secret)" and tiles["92002"].get("fill") == "#fafafa"
    texts = [text.text for text in root.iter(f"{namespace}text")]
    assert "Boulogne-B." in texts and texts.count("s") == 2 and "\u2013" in texts
    assert not any(form in picture for form in ("4321", "4 321", "4\u202f321", "4\u00a0321"))
    assert {"s : secret statistique", "pas de donnée", *interco_names.values()} <= set(texts)
    assert root.get("viewBox") and root.get("width") == "100%"  # scales as one picture


@pytest.mark.browser
def test_the_figure_renders_to_png(layout, interco_names, tmp_path):
    values = values_for(layout, secret={"92012"}, missing={"92002"})
    figure = tile_map_figure(layout, values, "victimes", "V", interco_names)
    target = tmp_path / "tilemap.png"
    figure.write_image(target, width=900, height=560)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def with_commune_without_centroid(territories: pd.DataFrame) -> pd.DataFrame:
    """The shipped territories plus a commune of the département with no centroid (as the benchmark's
    fictitious roll-up communes are)."""
    unplaced = (
        territories.loc[territories["level"] == "commune"]
        .iloc[[0]]
        .assign(territory_code="00001", name_fr="Commune fictive 1", longitude=np.nan, latitude=np.nan)
    )
    return pd.concat([territories, unplaced], ignore_index=True)


def test_a_commune_without_centroid_is_left_off_the_map_not_a_crash(territories, layout):
    widened = with_commune_without_centroid(territories)
    pd.testing.assert_frame_equal(tile_layout(widened), layout)
    assert unplaced_communes(widened) == ["00001"]
    assert unplaced_communes(territories) == []


def test_no_commune_with_a_centroid_gives_an_empty_map_not_a_crash(territories, interco_names):
    bare = territories.assign(longitude=np.nan, latitude=np.nan)
    empty = tile_layout(bare)
    assert empty.empty and "territory_code" in empty.columns
    figure = tile_map_figure(empty, values_for(empty), "victimes", "Effectif", interco_names)
    assert isinstance(figure, go.Figure)


def test_sentence_hover_and_legend_in_english(layout, interco_names):
    values = values_for(layout, secret={"92078"}, missing={"92077"})
    with in_language("en"):
        sentence = map_sentence(layout, values, "per 10,000 minors", {})
        one = map_sentence(
            layout.loc[layout["territory_code"] == "92060"],
            pd.DataFrame({"territory_code": ["92060"], "value": [3.0], "suppressed": [False]}),
            "victims",
            {},
        )
        figure = tile_map_figure(layout, values, "per 10,000 minors", "Rate", interco_names)
    assert sentence.startswith("Map of the 36 municipalities: among the municipalities shown, the highest value is in ")
    assert ", the lowest in Antony (" in sentence
    assert sentence.endswith(
        "; 1 municipality withheld for statistical confidentiality, which may count more or less, "
        "1 municipality without data."
    )
    assert one == "Map of one municipality: Le Plessis-Robinson, 3 victims."
    hovers = dict(zip(clickable(figure).customdata, clickable(figure).hovertext))
    assert hovers["92002"].startswith("<b>Antony</b><br>Vallée Sud-Grand Paris<br>Rate: ")
    assert hovers["92078"].endswith("Rate: statistical confidentiality")
    assert hovers["92077"].endswith("Rate: no data")
    assert {"s: statistical confidentiality", "no data"} <= {trace.name for trace in figure.data if trace.showlegend}


# Colours by standing against the département ----------------------------------------------------------


def classed_values(layout: pd.DataFrame, secret: set[str] = frozenset()) -> pd.DataFrame:
    """Rates with intervals and a standing: the first five communes above, the next five below, the
    rest comparable; a secret commune keeps a real standing underneath, which must never show."""
    values = values_for(layout, secret=secret)
    standings = ["above"] * 5 + ["below"] * 5 + ["similar"] * (len(values) - 10)
    return values.assign(
        rate=values["value"],
        rate_low=values["value"] * 0.8,
        rate_high=values["value"] * 1.25,
        standing=standings,
    )


def test_a_classed_map_colours_by_standing_and_says_so_in_its_legend(layout, interco_names):
    from indicators.charts import STANDING_COLOURS
    from indicators.tilemap import map_values

    values = map_values(classed_values(layout, secret={"92002"}), 1)
    tiles = tile_fills(tile_states(layout, values)).set_index("territory_code")
    assert tiles.at["92004", "fill"] == STANDING_COLOURS["above"] and tiles.at["92004", "mark"] == "▲"
    # The secret commune (first in code order, « above » underneath) is hatched grey, with no class.
    assert tiles.at["92002", "state"] == "secret" and pd.isna(tiles.at["92002", "standing"])
    assert tiles.at["92002", "mark"] == ""
    figure = tile_map_figure(layout, values, "pour 10 000 habitants", "Taux", interco_names, rate_unit="pour 10 000")
    assert not clickable(figure).marker.showscale  # no colour bar: the legend names the classes
    assert figure.layout.legend.title.text.startswith("Couleur : taux comparé au taux du département (limite à 99,8")
    legend = {trace.name for trace in figure.data if trace.showlegend}
    assert {"Au-dessus ▲", "En dessous ▼", "Comparable"} <= legend
    hovers = dict(zip(clickable(figure).customdata, clickable(figure).hovertext))
    assert "IC 95\u202f% : " in hovers["92004"] and "Par rapport au département : au-dessus" in hovers["92004"]
    assert hovers["92002"].endswith("secret statistique") and "IC" not in hovers["92002"]
    assert "4321" not in figure.to_json() and "4 321" not in figure.to_json()


def test_a_classed_map_sentence_names_the_communes_beyond_chance(layout):
    from indicators.tilemap import map_values

    values = map_values(classed_values(layout, secret={"92002"}), 1)
    sentence = map_sentence(layout, values, "pour 10 000 habitants", {}, measure="rate")
    assert sentence.startswith("Carte des 36 communes : couleurs selon le taux comparé à celui du département, ")
    assert "au-dessus de celui du département à Asnières-sur-Seine" in sentence
    assert "Antony" not in sentence  # masked: never named, never classed
    assert "26 communes comparables ; 1 commune masquée par le secret statistique." in sentence


def test_one_outlier_does_not_flatten_the_colour_scale(layout, interco_names):
    # Marnes-la-Coquette's 313,9 beside rates from 1,5 to 36,5: the scale stops at the upper fence.
    from indicators.tilemap import capped_at, colour_range

    values = values_for(layout)
    values.loc[values["territory_code"] == "92047", "value"] = 313.9
    cap = capped_at(values["value"])
    assert cap is not None and cap < 100
    assert colour_range(values["value"]) == (0.0, cap)
    tiles = tile_fills(tile_states(layout, values))
    assert tiles["fill"].nunique() > 30  # the 35 others keep distinct shades
    figure = tile_map_figure(layout, values, "pour 10 000 habitants", "Taux", interco_names)
    assert "échelle arrêtée à" in clickable(figure).marker.colorbar.title.text
    assert capped_at(values_for(layout)["value"]) is None  # no outlier, no cap
