"""A tile map of a département: one equal hexagon per commune, drawn by Plotly with no network.

A choropleth of true boundaries would need a boundary file and would give Boulogne-Billancourt
forty times the ink of Marnes-la-Coquette; equal tiles give every commune the same weight and room
for its name. Tiles are placed from each commune's representative point (lon/lat), so that
neighbours stay neighbours, and the intercommunalités (the four EPTs of the Hauts-de-Seine) are
outlined as groups.

Hexagons are pointy-topped, of circumradius 1 in plot units; `row` counts from the south and odd
rows are shifted half a tile east ("odd-r" offset coordinates).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from indicators.charts import STANDING_COLOURS, STANDING_MARKS, interval_text, plotly_separators
from indicators.formatting import format_number, format_share, with_unit
from indicators.i18n import N_, _, current_language, ngettext
from indicators.scope import whole_words
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.territories import STANDING_LEVEL, STANDINGS_FR, rate_decimals, standing_label
from indicators.territories import communes as communes_of

COLOUR_SCALE = "cividis"  # sequential, readable with colour-vision deficiencies, light/dark at both ends
SECRET_FILL, SECRET_HATCH = "#e4e4e4", "#b8b8b8"
SECRET_PATTERN = dict(shape="/", fgcolor=SECRET_HATCH, bgcolor=SECRET_FILL, size=7, solidity=0.25)
NO_DATA_FILL = "#fafafa"
TILE_EDGE = "#ffffff"
# Okabe-Ito hues away from cividis' blue-grey-yellow, so a group outline never melts into a tile.
INTERCO_COLOURS = ("#D55E00", "#CC79A7", "#009E73", "#000000", "#0072B2", "#E69F00", "#882255", "#999933")
NO_DATA_TEXT, NO_DATA_LEGEND = "\u2013", N_("pas de donnée")  # the legend shown with `_()`
MAX_LABEL = 11
ROW_STEPS = 7.0  # north-south extent of the Hauts-de-Seine's 36 communes, in rows of tiles
ROW_STEPS_COMMUNES = 36  # a département of n communes spans ROW_STEPS × √(n / 36) rows: tiles keep their density
HEIGHT = 560
# The Hauts-de-Seine's tiles span 12 plot units north to south: the type is sized for that density.
# Type follows the tiles' size (height / 56 at that density: 10 px on a page). A département with more
# rows of tiles gets a taller map (up to twice as tall) with the same type;
# beyond, tiles shrink, and under MIN_LABEL_SIZE px their names go (the hover and the sentence keep them).
REFERENCE_SPAN = 12.0
MAX_HEIGHT_FACTOR = 2.0
MIN_LABEL_SIZE = 8
# Up to this many communes the tiles read best (each named, the same room for each); beyond, pages
# open on the communes' true contours (`contour_map`), where a département of 800 communes stays legible.
TILES_AT_MOST = 150
LEGEND_LINE_CHARS = 24  # the SVG legend's lines, in characters of its 22-unit type (330 units wide)
FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"
SQRT3 = math.sqrt(3.0)

# Hex cells are axial (q, r): centre x = √3 (q + r/2), y = 1.5 r; the six neighbours' offsets.
AXIAL_STEPS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1))


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------


def secret_legend() -> str:
    """The legend of a secret tile: "s : secret statistique", in the current language."""
    return _("{symbol} : secret statistique").format(symbol=SECRET_SYMBOL)


def initial(word: str) -> str:
    """ "Billancourt" → "B.", "d'Avray" → "d'A." (the elided article stays, the name is initialled)."""
    article, _apostrophe, rest = word.rpartition("'")
    return (article + "'" if article else "") + rest[:1] + "."


def short_name(name: str) -> str:
    """A tile label of at most MAX_LABEL characters, the first that fits of: the name; the name
    without "-sur-Seine"; the last word as an initial ("Boulogne-B."); that without articles and
    small words ("Fontenay-R."); the first word ("Levallois"); the first word cut after a consonant."""
    candidates = [name]
    base = re.sub(r"-sur-[\w'-]+$", "", name)
    candidates.append(base)
    words = base.split("-")
    if len(words) > 1:
        candidates.append("-".join(words[:-1]) + "-" + initial(words[-1]))
        small = {"les", "la", "le", "aux", "au", "de", "du", "des", "sur", "en"}
        kept = [word for word in words[:-1] if word.lower() not in small]
        kept[0] = re.sub(r"^(?:Le|La|Les|L') ", "", kept[0])
        candidates.append("-".join(kept) + "-" + initial(words[-1]))
    candidates.append(re.sub(r"^(?:Le|La|Les|L') ", "", words[0]))
    fitting = [candidate for candidate in candidates if len(candidate) <= MAX_LABEL]
    if fitting:
        return fitting[0]
    return re.sub(r"[aeiouyéèêàâîïôûü]+$", "", words[0][: MAX_LABEL - 1]) + "."


def local_plane(longitude: pd.Series, latitude: pd.Series) -> np.ndarray:
    """Longitude and latitude (degrees) to an equirectangular plane centred on the points: a degree
    of longitude is cos(latitude) degrees of latitude long, which is all the accuracy 20 km need."""
    centre_lat = float(latitude.mean())
    east = (longitude.to_numpy(float) - float(longitude.mean())) * math.cos(math.radians(centre_lat))
    north = latitude.to_numpy(float) - centre_lat
    return np.column_stack([east, north])


def axial_centre(q: int, r: int) -> tuple[float, float]:
    return SQRT3 * (q + r / 2.0), 1.5 * r


def hex_distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Tile steps between two axial cells."""
    dq, dr = a[0] - b[0], a[1] - b[1]
    return (abs(dq) + abs(dr) + abs(dq + dr)) // 2


def candidate_cells(points: np.ndarray, margin: int = 2) -> list[tuple[int, int]]:
    """Every cell whose centre lies within `margin` tiles of the points' bounding box."""
    (x_min, y_min), (x_max, y_max) = points.min(axis=0), points.max(axis=0)
    rows = range(math.floor(y_min / 1.5) - margin, math.ceil(y_max / 1.5) + margin + 1)
    cells = []
    for r in rows:
        for q in range(math.floor(x_min / SQRT3 - r / 2) - margin, math.ceil(x_max / SQRT3 - r / 2) + margin + 1):
            cells.append((q, r))
    return cells


def squared_gap(point: np.ndarray, cell: tuple[int, int]) -> float:
    x, y = axial_centre(*cell)
    return float((point[0] - x) ** 2 + (point[1] - y) ** 2)


def greedy_cells(points: np.ndarray, cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Communes from the centre outwards each take the free cell nearest their point: the crowded
    middle is placed first, outer communes are pushed outwards, where there is room."""
    order = np.lexsort((np.arange(len(points)), np.hypot(*(points - points.mean(axis=0)).T)))
    free = set(cells)
    chosen: dict[int, tuple[int, int]] = {}
    for index in order:
        cell = min(free, key=lambda c: (squared_gap(points[index], c), c[1], c[0]))
        chosen[int(index)] = cell
        free.remove(cell)
    return [chosen[index] for index in range(len(points))]


def improved_cells(
    points: np.ndarray, cells: list[tuple[int, int]], all_cells: list[tuple[int, int]], passes: int = 20
) -> list[tuple[int, int]]:
    """Moves to a free cell and swaps of two communes while they shorten the total squared distance
    between points and tile centres (a local optimum of the assignment problem, deterministic)."""
    placed = list(cells)
    for _round in range(passes):
        changed = False
        for i in range(len(points)):
            owner = {cell: k for k, cell in enumerate(placed)}
            for cell in sorted(all_cells, key=lambda c: (c[1], c[0])):
                if cell == placed[i] or hex_distance(cell, placed[i]) > 3:
                    continue
                j = owner.get(cell)
                before = squared_gap(points[i], placed[i]) + (squared_gap(points[j], cell) if j is not None else 0.0)
                after = squared_gap(points[i], cell) + (squared_gap(points[j], placed[i]) if j is not None else 0.0)
                if after < before - 1e-9:
                    if j is not None:
                        placed[j] = placed[i]
                    placed[i] = cell
                    owner = {c: k for k, c in enumerate(placed)}
                    changed = True
        if not changed:
            break
    return placed


def commune_rows(territories: pd.DataFrame) -> pd.DataFrame:
    """The scope's communes, in code order (`territories.communes`)."""
    return communes_of(territories)


LAYOUT_COLUMNS = ("territory_code", "name_fr", "short_name", "interco_code", "column", "row", "x", "y")


def unplaced_communes(territories: pd.DataFrame) -> list[str]:
    """Codes of the communes the map cannot place (no centroid), in code order."""
    frame = commune_rows(territories)
    return frame.loc[frame["longitude"].isna() | frame["latitude"].isna(), "territory_code"].astype(str).tolist()


def tile_layout(communes: pd.DataFrame) -> pd.DataFrame:
    """One tile per commune: territory_code, name_fr, short_name, interco_code, column, row (odd-r offset
    coordinates, row 0 to the south), x, y (tile centre, plot units). Accepts the whole territories
    table: only the scope's communes are kept. Deterministic: same input, same tiles."""
    frame = commune_rows(communes) if "level" in communes.columns else communes.sort_values("territory_code")
    # A commune without a centroid has no place near its neighbours: it is left off the map (the
    # ranking beside the map still lists it; `unplaced_communes` names them for the caption).
    frame = frame.dropna(subset=["longitude", "latitude"]).reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame(columns=list(LAYOUT_COLUMNS))
    plane = local_plane(frame["longitude"], frame["latitude"])
    span = float(np.ptp(plane[:, 1])) or 1.0
    row_steps = ROW_STEPS * math.sqrt(len(frame) / ROW_STEPS_COMMUNES)
    points = plane / (span / (1.5 * row_steps))  # hex units: circumradius 1
    cells = candidate_cells(points)
    placed = improved_cells(points, greedy_cells(points, cells), cells)
    rows = np.array([cell[1] for cell in placed])
    rows = rows - (rows.min() - rows.min() % 2)  # shift by an even number keeps odd rows odd
    columns = np.array([cell[0] + (cell[1] - (cell[1] & 1)) // 2 for cell in placed])
    columns = columns - columns.min()
    centres = np.array([axial_centre(*cell) for cell in placed])
    centres = centres - centres.min(axis=0)
    labels = [short_name(name) for name in frame["name_fr"]]
    labels = [label if labels.count(label) == 1 else name for label, name in zip(labels, frame["name_fr"])]
    return pd.DataFrame(
        {
            "territory_code": frame["territory_code"].astype(str),
            "name_fr": frame["name_fr"],
            "short_name": labels,
            "interco_code": frame["interco_code"].astype(str),
            "column": columns.astype(int),
            "row": rows.astype(int),
            "x": centres[:, 0],
            "y": centres[:, 1],
        }
    )


def axial_of(column: int, row: int) -> tuple[int, int]:
    """Odd-r offset coordinates back to axial ones."""
    return column - (row - (row & 1)) // 2, row


def tile_steps(layout: pd.DataFrame, first: str, second: str) -> int:
    """Tile steps between two communes' tiles."""
    tiles = layout.set_index("territory_code")
    # territory_code is the layout's key: .loc gives one tile.
    a, b = cast(pd.Series, tiles.loc[first]), cast(pd.Series, tiles.loc[second])
    return hex_distance(axial_of(int(a["column"]), int(a["row"])), axial_of(int(b["column"]), int(b["row"])))


# ---------------------------------------------------------------------------------------------
# Colours and contrast
# ---------------------------------------------------------------------------------------------


def rgb_triplet(colour: str) -> tuple[int, int, int]:
    """ "#1a2b3c" or "rgb(26, 43, 60)" → (26, 43, 60)."""
    if colour.startswith("#"):
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
    red, green, blue = (round(float(part)) for part in re.findall(r"[\d.]+", colour)[:3])
    return red, green, blue


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb_triplet(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio, from 1 (same luminance) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on the fill: one of them always reaches 4.5:1."""
    return "#000000" if contrast_ratio(fill, "#000000") >= contrast_ratio(fill, "#ffffff") else "#ffffff"


def colour_range(values: pd.Series) -> tuple[float, float]:
    """Scale from 0 (or the lowest value below 0) to the highest, or to the upper fence of the values
    (third quartile + 1.5 × the interquartile range, Tukey) when one lies beyond it: a rate or a count
    starts at 0, so a pale tile means few, not merely fewest; and one small commune's outlying rate
    must not leave the 35 others one shade (`capped_at` says where the scale stops)."""
    low = min(0.0, float(values.min())) if len(values) else 0.0
    high = float(values.max()) if len(values) else 1.0
    cap = capped_at(values)
    if cap is not None:
        high = cap
    return low, (high if high > low else low + 1.0)


def capped_at(values: pd.Series) -> float | None:
    """Where the colour scale stops short of the highest value (every value above shares the darkest
    colour), or None when it runs to the highest. Four values at least: fewer have no quartiles."""
    if len(values) < 4:
        return None
    first, third = (float(quantile) for quantile in values.quantile([0.25, 0.75]))
    fence = third + 1.5 * (third - first)
    return fence if float(values.max()) > fence and fence > 0 else None


def classed(states: pd.DataFrame) -> bool:
    """The map colours by standing against the département: some shown tile carries one."""
    return "standing" in states and bool(states.loc[states["state"] == "valeur", "standing"].notna().any())


def colour_title(states: pd.DataFrame, unit: str) -> str:
    """What the colours say, for the legend: the standing and its limit, or the value and where its
    scale stops."""
    if classed(states):
        return _("Couleur : taux comparé au taux {of_whole} (limite à {level})").format(
            level=format_share(STANDING_LEVEL * 100, 1), **whole_words()
        )
    cap = capped_at(states["value"].dropna())
    if cap is None:
        return unit
    return _("{unit} (échelle arrêtée à {cap} : au-delà, la couleur la plus foncée)").format(
        unit=unit, cap=format_number(cap, value_decimals(states["value"].dropna()))
    )


# ---------------------------------------------------------------------------------------------
# Tiles' states, texts and hovers
# ---------------------------------------------------------------------------------------------


def value_decimals(values: pd.Series) -> int:
    """No decimal for counts, one for rates."""
    return 0 if bool(((values - values.round()).abs() < 1e-9).all()) else 1


RATE_COLUMNS = ("rate", "rate_low", "rate_high")


def map_values(shown: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The ranking as the map reads it: « s » on a secret commune, the formatted number elsewhere;
    a secret commune's count, rate, interval and standing are blanked, not only hidden."""
    secret = shown["suppressed"].astype(bool)
    display = [
        SECRET_SYMBOL if hidden else format_number(value, decimals) for value, hidden in zip(shown["value"], secret)
    ]
    blanked: dict[str, pd.Series] = {
        column: shown[column].astype(float).mask(secret)
        for column in ("value", "count", *RATE_COLUMNS)
        if column in shown.columns
    }
    if "standing" in shown.columns:
        blanked["standing"] = shown["standing"].astype(object).where(~secret, None)
    return shown.assign(**blanked, display=display)


def tile_states(layout: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """The layout with each tile's state ("valeur", "secret", "vide"), its value (NaN unless shown)
    and display text. A masked commune's value is dropped here, so nothing drawn later can leak it."""
    extra = [column for column in ("display", *RATE_COLUMNS, "standing") if column in values.columns]
    columns = ["territory_code", "value", "suppressed", *extra]
    joined = layout.merge(values[columns].astype({"territory_code": str}), on="territory_code", how="left")
    suppressed = joined["suppressed"].fillna(False).astype(bool)
    value = pd.to_numeric(joined["value"], errors="coerce").astype(float).where(~suppressed)
    state = np.select([suppressed, value.isna()], ["secret", "vide"], "valeur")
    decimals = value_decimals(value.dropna())
    given = joined["display"] if "display" in joined.columns else pd.Series(pd.NA, index=joined.index)
    formatted = [format_number(v, decimals) for v in value]
    display = given.where(given.notna() & (state == "valeur"), pd.Series(formatted, index=joined.index))
    display = display.where(state == "valeur", np.where(state == "secret", SECRET_SYMBOL, NO_DATA_TEXT))
    shown_only = {
        column: joined[column].astype(float).where(state == "valeur")
        for column in RATE_COLUMNS
        if column in joined.columns
    }
    if "standing" in joined.columns:
        shown_only["standing"] = joined["standing"].astype(object).where(state == "valeur", None)
    mark = [
        STANDING_MARKS.get(str(standing), "") for standing in shown_only.get("standing", pd.Series(None, joined.index))
    ]
    return joined.drop(columns=[c for c in ("value", "suppressed", "display") if c in joined.columns]).assign(
        state=state, value=value, display=display.astype(str), **shown_only, mark=mark
    )


def tile_fills(states: pd.DataFrame) -> pd.DataFrame:
    """Fill and text colour of each tile: by standing against the département when the tiles carry
    one (a shown tile without a standing, for want of a population, gets the no-data fill), else
    cividis by value on `colour_range`; light grey for a secret, near-white for none."""
    other = np.where(states["state"] == "secret", SECRET_FILL, NO_DATA_FILL)
    if classed(states):
        scaled = [STANDING_COLOURS.get(str(standing), NO_DATA_FILL) for standing in states["standing"]]
    else:
        low, high = colour_range(states["value"].dropna())
        position = ((states["value"] - low) / (high - low)).clip(0, 1)
        scaled = sample_colorscale(COLOUR_SCALE, position.fillna(0).tolist())
    fill = np.where(states["state"] == "valeur", scaled, other)
    return states.assign(fill=fill, text_colour=[text_colour(colour) for colour in fill])


def value_with_unit(value: float, display: str, unit: str) -> str:
    """ "12,3 pour 10 000 mineurs", "1 victime", "4 victimes": the unit singular or plural as
    `formatting.with_unit` writes it for `value` (in the current language), after `display`."""
    words = with_unit(value, unit).removeprefix(format_number(value)).strip() if unit else ""
    return f"{display} {words}".strip()


def rate_hover(tile: pd.Series, rate_unit: str, decimals: int, rate_shown: bool) -> str:
    """A shown tile's rate (unless `rate_shown` already) with its 95 % interval and standing, as
    hover lines ("" without a rate)."""
    if "rate" not in tile or pd.isna(tile["rate"]):
        return ""
    interval = interval_text(tile["rate_low"], tile["rate_high"], decimals)
    text = "<br>" + (
        interval
        if rate_shown
        else _("Taux : {rate} {unit} ({interval})").format(
            rate=format_number(tile["rate"], decimals), unit=rate_unit, interval=interval
        )
    )
    standing = standing_label(tile.get("standing"))
    if standing:
        text += "<br>" + _("Par rapport au département : {standing}").format(standing=standing)
    return text


def hover_texts(
    states: pd.DataFrame,
    unit: str,
    measure_label: str,
    interco_names: Mapping[str, str],
    rate_unit: str = "",
    rate_shown: bool = False,
) -> list[str]:
    """Full name, EPT, then the value with its unit, « secret statistique » or « pas de donnée »; for a
    shown tile with a rate (`rate_unit` given), the rate (unless the value is it: `rate_shown`), its
    95 % interval and its standing."""
    texts = []
    decimals = rate_decimals(states["rate"]) if "rate" in states else 1
    for _index, tile in states.iterrows():
        state = tile["state"]
        figure = {"secret": _("secret statistique"), "vide": _(NO_DATA_LEGEND)}.get(state) or value_with_unit(
            tile["value"], tile["display"], unit
        )
        ept = interco_names.get(tile["interco_code"], tile["interco_code"])
        text = f"<b>{tile['name_fr']}</b><br>{ept}<br>" + _("{label} : {value}").format(
            label=measure_label, value=figure
        )
        extra = rate_hover(tile, rate_unit, decimals, rate_shown) if rate_unit and state == "valeur" else ""
        texts.append(text + extra)
    return texts


# ---------------------------------------------------------------------------------------------
# Geometry of tiles and EPT outlines
# ---------------------------------------------------------------------------------------------


def hexagon(x: float, y: float, size: float = 1.0) -> list[tuple[float, float]]:
    """The six corners of a pointy-topped hexagon, counter-clockwise from the east-north-east."""
    return [
        (x + size * math.cos(math.radians(30 + 60 * k)), y + size * math.sin(math.radians(30 + 60 * k)))
        for k in range(6)
    ]


def group_boundary_loops(centres: Iterable[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """The outline of a group of tiles as closed loops of corners, interior on the left: every tile's
    edges run counter-clockwise, so an edge shared by two tiles of the group appears twice, opposite
    ways, and cancels; what remains chains into loops (a corner has at most one outgoing edge left,
    since the three tiles at a corner all touch one another)."""

    def key(point: tuple[float, float]) -> tuple[float, float]:
        return round(point[0], 6), round(point[1], 6)

    edges: set[tuple[tuple[float, float], tuple[float, float]]] = set()
    for x, y in centres:
        corners = [key(corner) for corner in hexagon(x, y)]
        for start, end in zip(corners, corners[1:] + corners[:1]):
            if (end, start) in edges:
                edges.remove((end, start))
            else:
                edges.add((start, end))
    following = dict(edges)
    loops = []
    while following:
        start = min(following)
        loop = [start]
        while (corner := following.pop(loop[-1])) != start:
            loop.append(corner)
        loops.append(loop)
    return loops


def inset_loop(loop: list[tuple[float, float]], distance: float) -> list[tuple[float, float]]:
    """The loop moved `distance` to its left (inwards), corners mitred: two neighbouring groups'
    outlines then run side by side instead of one hiding the other."""
    points = np.array(loop, dtype=float)
    incoming = points - np.roll(points, 1, axis=0)
    outgoing = np.roll(points, -1, axis=0) - points
    normals_in = np.column_stack([-incoming[:, 1], incoming[:, 0]]) / np.linalg.norm(incoming, axis=1)[:, None]
    normals_out = np.column_stack([-outgoing[:, 1], outgoing[:, 0]]) / np.linalg.norm(outgoing, axis=1)[:, None]
    mitre = (normals_in + normals_out) / (1 + (normals_in * normals_out).sum(axis=1))[:, None]
    return [tuple(point) for point in points + distance * mitre]


# ---------------------------------------------------------------------------------------------
# Figure
# ---------------------------------------------------------------------------------------------


def tile_traces(tiles: pd.DataFrame) -> list[go.Scatter]:
    """One filled hexagon per commune (not hoverable: the centre markers answer hovers and clicks);
    the first secret and the first empty tile carry the legend entries of their kind."""
    traces = []
    first_of = {state: tiles.index[tiles["state"] == state].min() for state in ("secret", "vide")}
    by_standing = classed(tiles)
    standings = tiles["standing"] if by_standing else pd.Series(None, index=tiles.index, dtype=object)
    first_of |= {
        standing: tiles.index[standings == standing].min() for standing in STANDINGS_FR if (standings == standing).any()
    }
    for index, tile in tiles.iterrows():
        corners = hexagon(tile["x"], tile["y"])
        corners.append(corners[0])
        secret, empty = tile["state"] == "secret", tile["state"] == "vide"
        standing = tile.get("standing") if tile["state"] == "valeur" and by_standing else None
        standing = standing if isinstance(standing, str) else None
        traces.append(
            go.Scatter(
                x=[c[0] for c in corners],
                y=[c[1] for c in corners],
                mode="lines",
                fill="toself",
                fillcolor=tile["fill"],
                line=dict(color="#9a9a9a", width=1) if empty else dict(color=TILE_EDGE, width=1.5),
                fillpattern=SECRET_PATTERN if secret else None,
                customdata=[tile["territory_code"]] * len(corners),
                hoverinfo="skip",
                name=secret_legend() if secret else (_(NO_DATA_LEGEND) if empty else standing_legend(standing, tile)),
                legendgroup=tile["state"] if standing is None else f"standing-{standing}",
                legendrank=900 if secret else (950 if empty else 10 + list(STANDINGS_FR).index(standing or "above")),
                showlegend=bool(
                    ((secret or empty) and index == first_of[tile["state"]])
                    or (standing is not None and index == first_of[standing])
                ),
            )
        )
    return traces


def standing_legend(standing: str | None, tile: pd.Series) -> str:
    """A class's legend entry, « Au-dessus ▲ », or the commune's name for a tile without one."""
    if standing is None:
        return str(tile["name_fr"])
    return f"{standing_label(standing).capitalize()} {STANDING_MARKS.get(standing, '')}".strip()


def interco_outline_traces(tiles: pd.DataFrame, interco_names: Mapping[str, str]) -> list[go.Scatter]:
    """Each EPT's group of tiles outlined in its own colour, just inside its edge, named in the legend.
    A point's customdata is the code of a commune of that EPT (outlines are not clickable)."""
    traces = []
    for position, (interco_code, group) in enumerate(tiles.groupby("interco_code", sort=True)):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for loop in group_boundary_loops(zip(group["x"], group["y"])):
            inset = inset_loop(loop, 0.09)
            xs += [p[0] for p in inset] + [inset[0][0], None]
            ys += [p[1] for p in inset] + [inset[0][1], None]
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line=dict(color=INTERCO_COLOURS[position % len(INTERCO_COLOURS)], width=3.5),
                customdata=[group["territory_code"].iloc[0]] * len(xs),
                hoverinfo="skip",
                name=interco_names.get(str(interco_code), str(interco_code)),
                legendgroup=f"ept-{interco_code}",
                legendrank=100 + position,
            )
        )
    return traces


def click_trace(tiles: pd.DataFrame, hovers: list[str], unit: str) -> go.Scatter:
    """The clickable trace (named "communes", the last of the figure): one invisible marker per tile
    centre with customdata = territory_code, which is what a Streamlit point selection returns. Its
    marker colours carry the colour bar (none when tiles are coloured by standing: the legend names
    the classes); a secret tile's colour is left empty."""
    shown = tiles["value"].dropna()
    low, high = colour_range(shown)
    return go.Scatter(
        x=tiles["x"],
        y=tiles["y"],
        mode="markers",
        name="communes",
        showlegend=False,
        customdata=tiles["territory_code"].tolist(),
        hovertext=hovers,
        hovertemplate="%{hovertext}<extra></extra>",
        marker=dict(
            symbol="hexagon",
            size=40,
            opacity=0,
            color=tiles["value"].to_numpy(float),
            colorscale=COLOUR_SCALE,
            cmin=low,
            cmax=high,
            showscale=not shown.empty and not classed(tiles),
            colorbar=dict(
                title=dict(text=colour_title(tiles, unit), side="top"),
                x=0.9,
                xanchor="left",
                len=0.7,
                thickness=16,
                tickformat=",~r",
                outlinewidth=0,
            ),
        ),
        selected=dict(marker=dict(opacity=0)),
        unselected=dict(marker=dict(opacity=0)),
    )


def tile_value(display: str, mark: str) -> str:
    """A tile's value and its standing's mark (« 45,2 ▲ »): colour is never the only cue."""
    return f"{display} {mark}" if mark else display


def label_traces(tiles: pd.DataFrame, font_size: int) -> list[go.Scatter]:
    """Short name and value on each tile: one text trace for black text, one for white, whichever has
    the better contrast on the tile; each keeps its colour when Streamlit marks a clicked point as
    selected (a single trace would dim the others' text to a fifth of its contrast)."""
    traces = []
    for colour in ("#000000", "#ffffff"):
        group = tiles.loc[tiles["text_colour"] == colour]
        traces.append(
            go.Scatter(
                x=group["x"],
                y=group["y"],
                mode="text",
                text=[
                    f"{tile.short_name}<br><b>{tile_value(str(tile.display), str(tile.mark))}</b>"
                    for tile in group.itertuples()
                ],
                textfont=dict(size=font_size, color=colour, family=FONT_FAMILY),
                textposition="middle center",
                customdata=group["territory_code"].tolist(),
                hoverinfo="skip",
                showlegend=False,
                name=f"noms {colour}",
                selected=dict(textfont=dict(color=colour)),
                unselected=dict(textfont=dict(color=colour)),
            )
        )
    return traces


def map_legend(tiles: pd.DataFrame, unit: str, font_size: int) -> dict[str, Any]:
    """A map's legend (tiles or contours): horizontal, above the map (a page keeps the width for the
    map, an image moves it below), not clickable, titled with what the colours compare when classed."""
    return dict(
        orientation="h",
        x=0,
        xanchor="left",
        y=1.0,
        yanchor="bottom",
        itemclick=False,
        itemdoubleclick=False,
        font=dict(size=font_size),
        title=dict(text=colour_title(tiles, unit) if classed(tiles) else ""),
    )


def map_span(layout: pd.DataFrame) -> float:
    """How far the tiles reach north to south, in plot units (12 for the Hauts-de-Seine)."""
    return float(layout["y"].max() - layout["y"].min()) if len(layout) else 0.0


def page_height(layout: pd.DataFrame) -> int:
    """The map's height on a page: HEIGHT for the Hauts-de-Seine's density, taller for a département
    with more rows of tiles, so that their names stay legible, up to MAX_HEIGHT_FACTOR × HEIGHT."""
    factor = min(max(map_span(layout) / REFERENCE_SPAN, 1.0), MAX_HEIGHT_FACTOR)
    return round(HEIGHT * factor)


def tile_map_figure(
    layout: pd.DataFrame,
    values: pd.DataFrame,
    unit: str,
    measure_label: str,
    interco_names: dict[str, str],
    title_free: bool = True,
    height: int = HEIGHT,
    rate_unit: str = "",
    rate_shown: bool = False,
) -> go.Figure:
    """The tile map: hexagons coloured by standing against the département when `values` carry one
    (`territories.with_standing`: three classes named in the legend, whose title says so), else by
    value (cividis on `colour_range`, colour bar titled with the unit and where its scale stops);
    secret tiles hatched grey with « s », empty tiles near-white with « – », EPT groups outlined and
    named in the legend, hovers in the current language (with `rate_unit`, a shown tile's rate, its
    95 % interval and standing; `rate_shown` when the value is the rate). Clicks: the last trace
    ("communes") holds one point per tile whose `customdata` is the territory_code (see
    `clicked_territory`); every other trace's customdata also holds territory codes. `title_free`
    leaves the title to the page; otherwise `measure_label` is it.
    Text sizes follow `height` (560 on a page; 1080 for a 1920×1080 image)."""
    tiles = tile_fills(tile_states(layout, values))
    hovers = hover_texts(tiles, unit, measure_label, interco_names, rate_unit, rate_shown)
    tile_type = round(height * REFERENCE_SPAN / max(map_span(layout), REFERENCE_SPAN) / 56)
    font_size = max(9, tile_type)
    # The layout goes into the constructor: `update_layout(template=…)` afterwards copies and checks
    # the whole template a second time (20 ms of every new map view).
    return go.Figure(
        tile_traces(tiles)
        + interco_outline_traces(tiles, interco_names)
        + (label_traces(tiles, font_size) if tile_type >= MIN_LABEL_SIZE else [])
        + [click_trace(tiles, hovers, unit)],
        layout=dict(
            height=height,
            template="plotly_white",
            separators=plotly_separators(),
            paper_bgcolor="#ffffff",
            plot_bgcolor="#ffffff",
            font=dict(family=FONT_FAMILY, size=font_size + 2, color="#1f1f1f"),
            title=None if title_free else dict(text=measure_label, x=0.02, xanchor="left"),
            margin=dict(l=10, r=10, t=10 if title_free else 50, b=10),
            hovermode="closest",
            dragmode=False,
            hoverlabel=dict(font_size=font_size + 3, bgcolor="#ffffff"),
            legend=map_legend(tiles, unit, font_size + 2),
            xaxis=dict(visible=False, constrain="domain", fixedrange=True, domain=[0, 0.88]),
            yaxis=dict(visible=False, scaleanchor="x", scaleratio=1, constrain="domain", fixedrange=True),
        ),
    )


def clicked_territory(selection_event: Mapping[str, Any] | None) -> str | None:
    """The territory code of the clicked tile in a Streamlit selection state
    {"selection": {"points": [{"customdata": "92012", ...}]}} (customdata may come as a one-element
    list), or None when nothing usable was clicked."""
    if selection_event is None:
        return None
    try:
        points = selection_event["selection"]["points"]
    except (KeyError, TypeError, IndexError):
        return None
    for point in points if isinstance(points, list) else []:
        code = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(code, list | tuple) and code:
            code = code[0]
        if isinstance(code, str) and code:
            return code
    return None


# ---------------------------------------------------------------------------------------------
# Text alternative
# ---------------------------------------------------------------------------------------------


def at_place(name: str) -> str:
    """ "à Nanterre", "au Plessis-Robinson", "aux Lilas", "à La Garenne-Colombes"; in English
    "in Nanterre", "in Le Plessis-Robinson"."""
    if current_language() != "fr":
        return _("à {place}").format(place=name)
    for article, contracted in (("Le ", "au "), ("Les ", "aux ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    return "à " + name


def joined_places(names: list[str]) -> str:
    """ "à A", "à A et au B", "à A, à B et à C"."""
    places = [at_place(name) for name in names]
    if len(places) == 1:
        return places[0]
    return _("{places} et {last}").format(places=", ".join(places[:-1]), last=places[-1])


def counted(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def masked_communes(count: int) -> str:
    """ "1 commune masquée par le secret statistique", "3 communes masquées …" (count ≥ 1)."""
    return ngettext(
        "{count} commune masquée par le secret statistique",
        "{count} communes masquées par le secret statistique",
        count,
    ).format(count=count)


def communes_without_data(count: int) -> str:
    """ "1 commune sans donnée", "3 communes sans donnée" (count ≥ 1)."""
    return ngettext("{count} commune sans donnée", "{count} communes sans donnée", count).format(count=count)


def standing_sentence(shown: pd.DataFrame) -> str:
    """The classes of a map coloured by standing, in words: where the rate is above or below the
    département's beyond chance, by name, and how many are comparable."""
    above = shown.loc[shown["standing"] == "above", "spoken"].tolist()
    below = shown.loc[shown["standing"] == "below", "spoken"].tolist()
    similar = int((shown["standing"] == "similar").sum())
    parts = []
    if above:
        parts.append(_("taux au-dessus de celui du département {places}").format(places=joined_places(above)))
    if below:
        parts.append(_("en dessous {places}").format(places=joined_places(below)))
    if not parts:
        parts.append(_("aucune commune ne s'écarte du taux du département au-delà du hasard"))
    if similar and (above or below):
        parts.append(
            ngettext("{count} commune comparable", "{count} communes comparables", similar).format(count=similar)
        )
    return _("couleurs selon le taux comparé à celui du département, {parts}").format(parts=" ; ".join(parts))


def extremes_sentence(shown: pd.DataFrame, unit: str, secret: int, masked_at_most: int | None) -> tuple[str, str]:
    """Highest and lowest counts as far as the secret allows, and how to count the masked communes: a
    masked commune may count less than any shown one (it is often below k), and more unless the
    département's public total bounds the masked ones below the highest shown (`masked_at_most`)."""
    high = shown.loc[shown["value"] == shown["value"].max()]
    low = shown.loc[shown["value"] == shown["value"].min()]
    highest, lowest = joined_places(high["spoken"].head(3).tolist()), joined_places(low["spoken"].head(3).tolist())
    values = dict(
        highest=highest,
        highest_value=value_with_unit(high["value"].iloc[0], high["display"].iloc[0], unit),
        lowest=lowest,
        lowest_value=value_with_unit(low["value"].iloc[0], low["display"].iloc[0], unit),
    )
    if not secret:
        return _(
            "la valeur la plus élevée est {highest} ({highest_value}), la plus faible {lowest} ({lowest_value})"
        ).format(**values), ""
    if masked_at_most is not None and masked_at_most < high["value"].iloc[0]:
        body = _(
            "la valeur la plus élevée est {highest} ({highest_value}) ; parmi les communes affichées, la plus "
            "faible est {lowest} ({lowest_value})"
        )
        masked = ngettext(
            "{count} commune masquée par le secret statistique, qui peut compter moins",
            "{count} communes masquées par le secret statistique, qui peuvent compter moins",
            secret,
        )
    else:
        body = _(
            "parmi les communes affichées, la valeur la plus élevée est {highest} ({highest_value}), la plus faible "
            "{lowest} ({lowest_value})"
        )
        masked = ngettext(
            "{count} commune masquée par le secret statistique, qui peut compter plus ou moins",
            "{count} communes masquées par le secret statistique, qui peuvent compter plus ou moins",
            secret,
        )
    return body.format(**values), masked.format(count=secret)


def nothing_shown_sentence(opening: str, total: int, secret: int, empty: int) -> str:
    """The sentence of a map whose communes are all secret or without data: which, or how many of each."""
    if secret == total:
        return _("{opening} : toutes les valeurs sont masquées par le secret statistique.").format(opening=opening)
    if empty == total:
        return _("{opening} : aucune donnée.").format(opening=opening)
    return _("{opening} : aucune valeur affichable ; {secret}, {empty}.").format(
        opening=opening, secret=masked_communes(secret), empty=communes_without_data(empty)
    )


def shown_values_clause(
    shown: pd.DataFrame, unit: str, measure: str, secret: int, masked_at_most: int | None
) -> tuple[str, str]:
    """What the shown values say (classes, a single value, a span of rates, or the extremes of counts)
    and, for counts beside secret communes, how to count the masked ones ("" when the plain count will do)."""
    first = shown.iloc[0]
    if classed(shown):
        return standing_sentence(shown), ""
    if len(shown) == 1:
        return _("une seule commune a une valeur, {place} ({value})").format(
            place=first["spoken"], value=value_with_unit(first["value"], first["display"], unit)
        ), ""
    if shown["value"].nunique() == 1:
        return _("toutes les communes affichées ont la même valeur ({value})").format(
            value=value_with_unit(first["value"], first["display"], unit)
        ), ""
    if measure == "rate":
        decimals = rate_decimals(shown["value"])
        return _("taux des communes affichées de {low} à {high}").format(
            low=format_number(shown["value"].min(), decimals),
            high=value_with_unit(shown["value"].max(), format_number(shown["value"].max(), decimals), unit),
        ), ""
    return extremes_sentence(shown, unit, secret, masked_at_most)


def map_sentence(
    layout: pd.DataFrame,
    values: pd.DataFrame,
    unit: str,
    names: Mapping[str, str],
    measure: str = "count",
    masked_at_most: int | None = None,
) -> str:
    """The map in one sentence (in the current language), for screen readers: the communes above and
    below the département's rate when the map is coloured by standing; else, for counts, the highest
    and lowest as far as the secret allows (`extremes_sentence`, `masked_at_most` from
    `territories.masked_bound`), and for rates only their span (a raw highest rate on a small
    population is chance's doing); how many communes are secret or without data. A secret commune
    is counted, never named with a value. `names` maps territory codes to the names to say (the
    layout's names otherwise)."""
    tiles = tile_states(layout, values)
    spoken = [names.get(code, name) for code, name in zip(tiles["territory_code"], tiles["name_fr"])]
    tiles = tiles.assign(spoken=spoken)
    total = len(tiles)
    shown = tiles.loc[tiles["state"] == "valeur"]
    secret, empty = int((tiles["state"] == "secret").sum()), int((tiles["state"] == "vide").sum())

    if total == 0:
        return _("Carte des communes : aucune commune à afficher.")
    opening = ngettext("Carte d'une commune", "Carte des {count} communes", total).format(count=total)
    if shown.empty:
        return nothing_shown_sentence(opening, total, secret, empty)
    if total == 1:
        first = shown.iloc[0]
        return _("{opening} : {place}, {value}.").format(
            opening=opening, place=first["spoken"], value=value_with_unit(first["value"], first["display"], unit)
        )
    body, masked = shown_values_clause(shown, unit, measure, secret, masked_at_most)
    rest = [masked or masked_communes(secret)] if secret else []
    rest += [communes_without_data(empty)] if empty else []
    if not rest:
        return _("{opening} : {body}.").format(opening=opening, body=body)
    return _("{opening} : {body} ; {rest}.").format(opening=opening, body=body, rest=", ".join(rest))


# ---------------------------------------------------------------------------------------------
# The same map as one SVG picture (presenter mode): it scales as a whole, labels with their tiles
# ---------------------------------------------------------------------------------------------


def _wrapped(text: str, width: int) -> list[str]:
    """Lines of at most about `width` characters; "10 000" stays on one line."""
    lines: list[str] = []
    for word in re.sub(r"(\d) (\d{3})", "\\1\u00a0\\2", text).split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class SvgPlane:
    """Plot units to the picture's pixels: a 10-pixel margin, one tile of room around the map, north up."""

    x_min: float
    y_max: float
    scale: float

    def point(self, x: float, y: float) -> str:
        """ "x,y" in pixels (SVG's y grows downwards)."""
        return f"{10 + (x - self.x_min + 1) * self.scale:.1f},{10 + (self.y_max + 1 - y) * self.scale:.1f}"


def _svg_opening(width: int, height: int) -> list[str]:
    """The picture's root element, the secret's hatching and a white ground."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" height="100%" '
        'preserveAspectRatio="xMinYMin meet" '
        f'font-family="{FONT_FAMILY}">',
        f'<defs><pattern id="secret" patternUnits="userSpaceOnUse" width="8" height="8" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="{SECRET_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{SECRET_HATCH}" stroke-width="2"/></pattern></defs>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _svg_tiles(tiles: pd.DataFrame, plane: SvgPlane) -> list[str]:
    """One hexagon per commune: its colour, the secret's hatching, or a grey edge when it has no data."""
    parts: list[str] = []
    for tile_x, tile_y, state, tile_fill, code in zip(
        tiles["x"], tiles["y"], tiles["state"], tiles["fill"], tiles["territory_code"]
    ):
        corners = " ".join(plane.point(x, y) for x, y in hexagon(tile_x, tile_y))
        fill = "url(#secret)" if state == "secret" else tile_fill
        parts.append(
            f'<polygon data-code="{code}" points="{corners}" fill="{fill}" '
            f'stroke="{"#9a9a9a" if state == "vide" else TILE_EDGE}" stroke-width="1.5"/>'
        )
    return parts


def _svg_interco_outlines(tiles: pd.DataFrame, plane: SvgPlane) -> list[str]:
    """Each EPT's group of tiles outlined just inside its edge, in the EPT's colour."""
    parts: list[str] = []
    for position, (_interco_code, group) in enumerate(tiles.groupby("interco_code", sort=True)):
        colour = INTERCO_COLOURS[position % len(INTERCO_COLOURS)]
        for loop in group_boundary_loops(zip(group["x"], group["y"])):
            outline = " ".join(plane.point(x, y) for x, y in inset_loop(loop, 0.09))
            parts.append(
                f'<polygon points="{outline}" fill="none" stroke="{colour}" stroke-width="{0.07 * plane.scale:.1f}"/>'
            )
    return parts


def _svg_labels(tiles: pd.DataFrame, plane: SvgPlane) -> list[str]:
    """Each tile's short name and value (or « s »), sized with the tiles."""
    parts: list[str] = []
    name_size, value_size = 0.27 * plane.scale, 0.33 * plane.scale
    for tile_x, tile_y, ink, label, display, mark in zip(
        tiles["x"], tiles["y"], tiles["text_colour"], tiles["short_name"], tiles["display"], tiles["mark"]
    ):
        x, y = (float(coordinate) for coordinate in plane.point(tile_x, tile_y).split(","))
        parts.append(
            f'<text x="{x:.1f}" y="{y - 0.05 * plane.scale:.1f}" text-anchor="middle" font-size="{name_size:.1f}" '
            f'fill="{ink}">{html.escape(label)}</text>'
            f'<text x="{x:.1f}" y="{y + 0.38 * plane.scale:.1f}" text-anchor="middle" font-size="{value_size:.1f}" '
            f'font-weight="bold" fill="{ink}">{html.escape(tile_value(display, mark))}</text>'
        )
    return parts


def tile_map_svg(
    layout: pd.DataFrame,
    values: pd.DataFrame,
    unit: str,
    interco_names: Mapping[str, str],
    legend_width: int = 330,
    height: int = 860,
) -> str:
    """The tile map drawn as SVG with a viewBox: in any box it shrinks or grows as one picture, so its
    labels always fit their tiles (Plotly sizes text in pixels for the height it was drawn for).
    Same tiles, colours, « s », EPT outlines and legend as `tile_map_figure`; no hover, no click. A
    secret tile's value is dropped by `tile_states` before anything is drawn. The map takes the
    whole height and the legend stands right beside it (`legend_width`), with no gap between: the
    département is taller than wide, and every unit of the picture's width left to blank space would
    shrink the tiles on a 16:9 slide."""
    tiles = tile_fills(tile_states(layout, values))
    xs, ys = tiles["x"].to_numpy(float), tiles["y"].to_numpy(float)
    scale = (height - 20) / (ys.max() - ys.min() + 2)
    map_width = 20 + (xs.max() - xs.min() + 2) * scale
    width = round(map_width + 10 + legend_width)
    plane = SvgPlane(x_min=xs.min(), y_max=ys.max(), scale=scale)
    return "".join(
        [
            *_svg_opening(width, height),
            *_svg_tiles(tiles, plane),
            *_svg_interco_outlines(tiles, plane),
            *_svg_labels(tiles, plane),
            *_svg_legend(tiles, unit, interco_names, left=map_width + 10, height=height),
            "</svg>",
        ]
    )


LEGEND_FONT = 22  # the SVG legend's type, in picture units


def _svg_text_lines(lines: list[str], x: float, y: float) -> tuple[list[str], float]:
    """Lines of legend text from `y` down, and the `y` below the last."""
    parts: list[str] = []
    for line in lines:
        parts.append(
            f'<text x="{x:.0f}" y="{y:.0f}" font-size="{LEGEND_FONT}" fill="#000000">{html.escape(line)}</text>'
        )
        y += LEGEND_FONT * 1.2
    return parts, y


def _svg_standing_legend(tiles: pd.DataFrame, unit: str, left: float, y: float) -> tuple[list[str], float]:
    """The title of a map coloured by standing and a swatch per standing it shows; the `y` below."""
    font = LEGEND_FONT
    parts, y = _svg_text_lines(_wrapped(colour_title(tiles, unit), LEGEND_LINE_CHARS + 2), left, y)
    y += font * 0.6
    for standing in STANDINGS_FR:
        if not (tiles["standing"] == standing).any():
            continue
        parts.append(
            f'<rect x="{left:.0f}" y="{y - 22:.0f}" width="36" height="24" fill="{STANDING_COLOURS[standing]}" '
            f'stroke="#4a4a4a"/><text x="{left + 46:.0f}" y="{y:.0f}" font-size="{font}" fill="#000000">'
            f"{html.escape(standing_legend(standing, tiles.iloc[0]))}</text>"
        )
        y += font * 1.5
    return parts, y + font


def _svg_colour_bar(
    tiles: pd.DataFrame, shown: pd.Series, unit: str, left: float, y: float, height: int
) -> tuple[list[str], float]:
    """The colour scale's title, the bar (high at the top) and three ticks, "≥" on a capped top; the `y` below."""
    font = LEGEND_FONT
    low, high = colour_range(shown)
    parts, y = _svg_text_lines(_wrapped(colour_title(tiles, unit), LEGEND_LINE_CHARS), left, y)
    bar_top, bar_height = y, height * 0.32
    stops = "".join(
        f'<stop offset="{offset:.2f}" stop-color="{colour}"/>'
        for offset, colour in zip(np.linspace(0, 1, 9), sample_colorscale(COLOUR_SCALE, list(np.linspace(1, 0, 9))))
    )
    parts.append(
        f'<defs><linearGradient id="scale" x1="0" y1="0" x2="0" y2="1">{stops}</linearGradient></defs>'
        f'<rect x="{left:.0f}" y="{bar_top:.0f}" width="28" height="{bar_height:.0f}" fill="url(#scale)"/>'
    )
    decimals = value_decimals(shown)
    capped = capped_at(shown) is not None
    for fraction in (0.0, 0.5, 1.0):
        tick = format_number(high - fraction * (high - low), decimals)
        tick = f"≥ {tick}" if capped and fraction == 0.0 else tick
        parts.append(
            f'<text x="{left + 38:.0f}" y="{bar_top + fraction * bar_height + font * 0.35:.0f}" '
            f'font-size="{font}" fill="#000000">{html.escape(tick)}</text>'
        )
    return parts, bar_top + bar_height + 50


def _svg_key_entries(tiles: pd.DataFrame, interco_names: Mapping[str, str], left: float, y: float) -> list[str]:
    """The EPTs' outline colours, then the secret's and the empty tiles' boxes, each with its label."""
    entries = [
        (INTERCO_COLOURS[position % len(INTERCO_COLOURS)], "line", interco_names.get(code, code))
        for position, code in enumerate(sorted(tiles["interco_code"].dropna().unique()))
    ]
    if (tiles["state"] == "secret").any():
        entries.append(("url(#secret)", "box", secret_legend()))
    if (tiles["state"] == "vide").any():
        entries.append((NO_DATA_FILL, "box", _(NO_DATA_LEGEND)))
    parts: list[str] = []
    for colour, kind, label in entries:
        if kind == "line":
            parts.append(
                f'<line x1="{left:.0f}" y1="{y - 8:.0f}" x2="{left + 36:.0f}" y2="{y - 8:.0f}" stroke="{colour}" '
                'stroke-width="5"/>'
            )
        else:
            parts.append(
                f'<rect x="{left:.0f}" y="{y - 22:.0f}" width="36" height="24" fill="{colour}" stroke="#9a9a9a"/>'
            )
        # A long entry (« s: statistical confidentiality ») runs over two lines rather than past the picture.
        label_parts, y = _svg_text_lines(_wrapped(label, LEGEND_LINE_CHARS), left + 46, y)
        parts.extend(label_parts)
        y += LEGEND_FONT * 0.3
    return parts


def _svg_legend(
    tiles: pd.DataFrame, unit: str, interco_names: Mapping[str, str], left: float, height: int
) -> list[str]:
    """What the colours say: the classes of standing (titled with their limit), or a colour bar
    (titled with the unit and where its scale stops, ticks in the current language); then the EPTs,
    the secret and the empty tiles."""
    y = 40.0
    shown = tiles["value"].dropna()
    parts: list[str] = []
    if classed(tiles):
        parts, y = _svg_standing_legend(tiles, unit, left, y)
    elif not shown.empty:
        parts, y = _svg_colour_bar(tiles, shown, unit, left, y, height)
    return parts + _svg_key_entries(tiles, interco_names, left, y)
