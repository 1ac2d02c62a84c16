"""The presentation deck: slides described in data/deck.csv, built from the data (pure).

One chart and one headline sentence per slide, with its source, caveat and, for demo data, the
fictitious label. Analysts reorder or choose slides by editing the CSV, not the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import plotly.graph_objects as go
from pandera.typing import Series

from indicators.charts import PALETTE, base_layout, hover_pair, observation_figure, percent_suffix, published_figure
from indicators.choices import RankingChoice
from indicators.comparisons import Coverage
from indicators.disclosure import protect_series, protected_benchmark, protected_ranking
from indicators.findings import (
    covered_text,
    latest_period,
    observation_finding,
    published_finding,
    ranking_finding,
)
from indicators.formatting import format_number
from indicators.i18n import N_, _, localized, localized_column
from indicators.key_dates import key_dates_for
from indicators.labels import group_labels
from indicators.loading import DataFileError, DataTables, validate_table
from indicators.observations import (
    MONTHS_PER_PERIOD,
    Breakdown,
    FieldIndex,
    Frequency,
    aggregate_series,
    available_breakdowns,
    index_observations,
    is_demo,
    period_coverage,
    select_observations,
    year_bounds,
)
from indicators.provenance import short_source_line, source_line
from indicators.published import published_series
from indicators.secret.releases import protected_cells
from indicators.secret.rules import period_changes
from indicators.territories import (
    RATE_CAVEAT_FR,
    Benchmark,
    by_measure,
    communes,
    intercos,
    masked_bound,
    measure_label,
    measure_unit,
    members,
    names,
    rate_decimals,
    rate_unit,
    scope_code,
    tiles_the_scope,
)
from indicators.tilemap import (
    map_sentence,
    map_values,
    tile_layout,
    tile_map_figure,
    tile_map_svg,
)

SLIDE_KINDS = ("published", "shares", "field", "map")
PUBLISHED_KINDS = ("published", "shares")  # drawn from the published figures only (see `published_slides`)
MEASURES = ("count", "rate")
FREQUENCIES: tuple[Frequency, ...] = ("month", "quarter", "year")  # finest first
DECK_FILE = "deck.csv"


class DeckSchema(pa.DataFrameModel):
    """One row per slide; `indicators` lists catalogue ids separated by "|" for a "shares" slide."""

    # Titles marked for the catalogue (validation messages translate them where they are shown).
    order: Series[int] = pa.Field(unique=True, ge=1, title=N_("Ordre"))
    slide_id: Series[str] = pa.Field(unique=True, title=N_("Identifiant"))
    kind: Series[str] = pa.Field(isin=SLIDE_KINDS, title=N_("Type de diapositive"))
    indicators: Series[str] = pa.Field(title=N_("Indicateur(s)"))
    territory_code: Series[str] = pa.Field(nullable=True, title=N_("Territoire"))
    frequency: Series[str] = pa.Field(nullable=True, isin=["month", "quarter", "year"], title=N_("Regroupement"))
    breakdown: Series[str] = pa.Field(nullable=True, isin=["none", "sex", "age_group"], title=N_("Répartition"))
    measure: Series[str] = pa.Field(nullable=True, isin=list(MEASURES), title=N_("Mesure (carte)"))

    class Config:
        strict = True
        coerce = True


@dataclass(frozen=True)
class Slide:
    number: int
    slide_id: str
    headline: str
    figure: go.Figure
    source: str  # short, for the screen
    caveat: str
    is_demo: bool
    data: pd.DataFrame
    full_source: str  # every detail (title, address read), for the handout's sources page
    description: str = ""  # the chart in words for screen readers, when the headline does not say it all (maps)
    picture: str = ""  # a map as one SVG that scales as a whole (presenter mode); empty for charts


def read_deck(folder: Path) -> pd.DataFrame:
    path = folder / DECK_FILE
    try:
        raw = pd.read_csv(path, dtype={"territory_code": str}, keep_default_na=False, na_values=[""])
    except FileNotFoundError as error:
        raise DataFileError(_("Fichier introuvable : {file}").format(file=DECK_FILE)) from error
    if "measure" not in raw.columns:
        raw = raw.assign(measure=pd.Series(pd.NA, index=raw.index, dtype="string"))  # a deck written before maps
    return validate_table(raw, DeckSchema, DECK_FILE).sort_values("order", ignore_index=True)


def shares_figure(points: pd.DataFrame, labels: pd.Series, places: pd.Series) -> go.Figure:
    """Published shares side by side, each bar naming its definition, territory and year."""
    names = [
        f"{labels[indicator]}<br>{places[territory]}, {period}"
        for indicator, territory, period in zip(points["indicator_id"], points["territory_code"], points["period_text"])
    ]
    figure = go.Figure(layout=base_layout("%"))
    figure.add_trace(
        go.Bar(
            x=points["value"],
            y=names,
            orientation="h",
            marker=dict(color=PALETTE[0], pattern=dict(shape="")),
            text=points["figure_text"],
            textposition="outside",
            hovertemplate=hover_pair("%{y}", "%{text}") + "<extra></extra>",
        )
    )
    figure.update_layout(
        yaxis=dict(autorange="reversed", title_text="", tickformat=None, rangemode=None),
        xaxis=dict(range=[0, 110], title_text="%", ticksuffix=percent_suffix()),
        margin=dict(l=420),
    )
    return figure


def setting(row: pd.Series, column: str, default: str) -> str:
    """A deck cell, or its default when the analyst left it empty."""
    return default if pd.isna(row[column]) else str(row[column])


def published_slide(row: pd.Series, tables: DataTables, cells: pd.DataFrame, k: int) -> Slide | None:
    entry = tables.catalogue.loc[row["indicators"]]
    territory = setting(row, "territory_code", "FR")
    points = published_series(tables.published_estimates, tables.catalogue, row["indicators"])
    points = points.loc[points["territory_code"] == territory]
    if points.empty:
        return None
    sources = tables.sources.set_index("source_id")
    series_labels = {source: str(sources.at[source, "publisher"]) for source in points["source_id"].unique()}
    key_dates = key_dates_for(tables.key_dates, territory, tables.territories)
    return Slide(
        0,
        row["slide_id"],
        published_finding(points, localized(entry, "label")),
        published_figure(points, localized(entry, "unit"), series_labels, key_dates),
        short_source_line(points["source_id"], tables.sources),
        localized(entry, "caveat"),
        False,
        points,
        source_line(points["source_id"], tables.sources),
    )


def shares_slide(row: pd.Series, tables: DataTables, cells: pd.DataFrame, k: int) -> Slide | None:
    catalogue = tables.catalogue
    frames = [
        published_series(tables.published_estimates, tables.catalogue, indicator)
        for indicator in row["indicators"].split("|")
    ]
    points = pd.concat(frames, ignore_index=True)  # in the deck's order, each indicator by date
    if points.empty:
        return None
    ids = list(dict.fromkeys(points["indicator_id"]))  # only the definitions drawn
    places = pd.Series(names(tables.territories))
    labels = localized_column(catalogue, "label")
    first = points.iloc[0]
    label, place = str(labels[first["indicator_id"]]), str(places[first["territory_code"]])
    headline = _("{label} : {figure} ({place}, {period})").format(
        label=label, figure=first["figure_text"], place=place, period=first["period_text"]
    )
    caveats = " ".join(dict.fromkeys(localized_column(catalogue, "caveat")[ids]))
    return Slide(
        0,
        row["slide_id"],
        headline,
        shares_figure(points, labels, places),
        short_source_line(points["source_id"], tables.sources),
        caveats,
        False,
        points,
        source_line(points["source_id"], tables.sources),
    )


def data_frequency(rows: pd.DataFrame) -> Frequency:
    """The finest frequency every row can be drawn at: a yearly figure only per year, a quarterly one
    per quarter or year."""
    longest = int(rows["months_spanned"].max())
    return next(frequency for frequency in FREQUENCIES if MONTHS_PER_PERIOD[frequency] >= longest)


def slide_frequencies(asked: str, rows: pd.DataFrame) -> list[Frequency]:
    """Frequencies to try for a field slide: the one the deck asks (or coarser, when the data are),
    then, for data too short to fill one whole period of it (three months on a yearly slide),
    the finer ones the data allow, coarsest first."""
    finest_of_data = FREQUENCIES.index(data_frequency(rows))
    finest = max(FREQUENCIES.index(asked), finest_of_data)
    return list(FREQUENCIES[finest:]) + list(reversed(FREQUENCIES[finest_of_data:finest]))


def without_demo_wording(caveat: str) -> str:
    """The caveat without its sentence about demo data (the catalogue's field caveats end with one):
    a slide of imported figures must not call them fictitious (« fictives », "fictitious")."""
    sentences = re.split(r"(?<=\.)\s+", caveat.strip())
    return " ".join(
        sentence for sentence in sentences if not any(word in sentence.lower() for word in ("fictive", "fictitious"))
    )


def complete_periods(series: pd.DataFrame) -> pd.DataFrame:
    """A slide has no hover to say « période incomplète »: a half year drawn after a whole one
    reads as a fall from the back of a room. Partial periods are left out when a complete one
    (not under the secret) remains; with none, the series stays as it is and its headline says so."""
    whole = series.groupby("period_start")["complete"].transform("all")
    kept = series.loc[whole]
    return kept.reset_index(drop=True) if (~kept["suppressed"]).any() else series


def field_slide(row: pd.Series, tables: DataTables, cells: pd.DataFrame, k: int) -> Slide | None:
    """A field series, or None when there is nothing to draw (no rows, or every point under the secret)."""
    entry = tables.catalogue.loc[row["indicators"]]
    territory = setting(row, "territory_code", scope_code())
    rows = select_observations(tables.field_observations, row["indicators"], members(tables.territories, territory))
    if rows.empty:
        return None
    asked = setting(row, "breakdown", "none")
    # The imported rows may be totals only: no split to draw, then.
    breakdown: Breakdown = next(
        (split for split in available_breakdowns(rows, row["indicators"]) if split == asked), "none"
    )
    drawable: list[tuple[Frequency, pd.DataFrame]] = []
    for frequency in slide_frequencies(setting(row, "frequency", "year"), rows):
        series = protect_series(
            aggregate_series(rows, frequency, breakdown), cells, row["indicators"], territory, frequency, breakdown
        )
        if not series.empty and not series["suppressed"].all():
            drawable.append((frequency, series))
    if not drawable:
        return None
    # The first frequency with a whole period shown; else the first that draws anything.
    frequency, series = next(
        ((frequency, series) for frequency, series in drawable if (series["complete"] & ~series["suppressed"]).any()),
        drawable[0],
    )
    series = complete_periods(series)
    place = str(names(tables.territories)[territory])
    demo = is_demo(rows)
    key_dates = key_dates_for(tables.key_dates, territory, tables.territories)
    label, unit, caveat = localized(entry, "label"), localized(entry, "unit"), localized(entry, "caveat")
    # The headline's change: like for like and through the secret, as on Tendances.
    inside = members(tables.territories, territory)
    expected = len(inside) if inside is not None else len(communes(tables.territories))
    stated = [latest_period(series, frequency)["period_start"]]
    changes = period_changes(rows, stated, frequency, expected, cells, territory)
    covered = period_coverage(rows, stated, frequency, expected)
    return Slide(
        0,
        row["slide_id"],
        observation_finding(series, f"{label} ({place})", unit, frequency, k, changes, covered),
        observation_figure(series, unit, frequency, key_dates, group_labels(breakdown), k),
        short_source_line(rows["source_id"].unique(), tables.sources),
        caveat if demo else without_demo_wording(caveat),
        demo,
        series,
        source_line(rows["source_id"].unique(), tables.sources),
    )


MAP_HEIGHT = 860  # tile labels sized for a 1920×1080 slide (tilemap scales its type with the height)
MAP_SOURCES = ["IGN_ADMIN_EXPRESS_CENTROIDES"]  # the points that place the tiles
RATE_SOURCES = ["INSEE_POPULATIONS_LEGALES"]  # the populations a rate divides by


def map_year(rows: pd.DataFrame) -> pd.Series:
    """The year a map shows: the latest whose twelve months are all in the data, else the latest
    one (period_start, months_covered, complete): a partial year would read as a fall."""
    years = aggregate_series(rows, "year", "none")
    whole = years.loc[years["complete"]]
    return (whole if not whole.empty else years).iloc[-1]


def map_period_text(year_rows: pd.DataFrame, year: pd.Series) -> str:
    """ "en 2025", or for a partial year the months it covers and that it is incomplete."""
    text = covered_text(year_rows)
    if year["complete"]:
        return text
    return _("{period} (année incomplète : {covered} mois sur 12)").format(period=text, covered=year["months_covered"])


def map_caveat(caveat: str, measure: str, demo: bool) -> str:
    """The indicator's caveat; a rate's caveat first, since a slide shows only the first sentence
    and a rate per inhabitants is the one a room would misread as a risk for minors."""
    own = caveat if demo else without_demo_wording(caveat)
    return f"{_(RATE_CAVEAT_FR)} {own}" if measure == "rate" else own


def map_slide(row: pd.Series, tables: DataTables, cells: pd.DataFrame, k: int, index: FieldIndex) -> Slide | None:
    """The 36 communes' tiles for one indicator over its latest complete year, by count or rate per
    10 000 inhabitants, coloured by standing against the département's rate when it can be compared
    with; None when the indicator has no rows or no commune can be shown."""
    indicator = row["indicators"]
    entry = tables.catalogue.loc[indicator]
    rows = index.rows(indicator)
    if rows.empty or not tiles_the_scope():
        # A région's or France's communes are too many for one slide's tiles: left out, said in the deck.
        return None
    year = map_year(rows)
    year_text = str(year["period_start"].year)
    choice = RankingChoice(indicator, year_text, year_text, "none:ensemble")
    ranked, source_ids, demo = protected_ranking(index, tables.territories, cells, choice)
    benchmark = protected_benchmark(index, tables.territories, cells, choice)
    measure = setting(row, "measure", "count")
    shown = by_measure(ranked, measure)
    if not shown.loc[~shown["suppressed"].astype(bool), "value"].notna().any():
        return None  # every commune under the secret (or, for a rate, without a population)
    decimals = rate_decimals(shown["value"]) if measure == "rate" else 0
    unit = measure_unit(localized(entry, "unit"), measure, benchmark.annualised)
    period_text = map_period_text(index.rows(indicator, None, *year_bounds(year_text, year_text)), year)
    values = map_values(shown, decimals)
    layout = tile_layout(tables.territories)
    place_names = names(tables.territories)
    interco_names = {code: place_names.get(code, code) for code in intercos(tables.territories)["territory_code"]}
    figure = tile_map_figure(
        layout,
        values,
        unit,
        measure_label(measure),
        interco_names,
        True,
        MAP_HEIGHT,
        rate_unit=rate_unit(benchmark.annualised),
        rate_shown=measure == "rate",
    )
    sources = [*source_ids, *(RATE_SOURCES if measure == "rate" or benchmark.comparable else []), *MAP_SOURCES]
    masked_at_most = masked_bound(shown, benchmark)
    return Slide(
        0,
        row["slide_id"],
        map_headline(shown, localized(entry, "label"), unit, period_text, decimals, benchmark, masked_at_most),
        figure,
        short_source_line(sources, tables.sources),
        map_caveat(localized(entry, "caveat"), measure, demo),
        demo,
        values,
        source_line(sources, tables.sources),
        map_sentence(layout, values, unit, place_names, measure, masked_at_most),
        tile_map_svg(layout, values, unit, interco_names),
    )


def map_headline(
    shown: pd.DataFrame,
    label: str,
    unit: str,
    period_text: str,
    decimals: int,
    benchmark: Benchmark,
    masked_at_most: int | None,
) -> str:
    """A map slide stands alone (no indicator choice beside it): its headline names the indicator,
    then the communes whose rate differs from the département's beyond chance (`ranking_finding`),
    never a raw maximum; and, when some communes sent nothing, how many did. Short enough for two
    lines on a projector. Secret communes are never named."""
    rate = (
        f"{format_number(benchmark.rate, rate_decimals(shown['rate']))} {rate_unit(benchmark.annualised)}"
        if benchmark.rate is not None and benchmark.comparable
        else ""
    )
    finding = ranking_finding(shown, label, unit, period_text, decimals, "commune", rate, masked_at_most)
    finding = finding if finding.startswith(label) else _("{label} : {value}").format(label=label, value=finding)
    coverage = benchmark.coverage
    if coverage.communes < coverage.communes_expected:
        finding = _("{finding} ({coverage})").format(
            finding=finding,
            coverage=Coverage(coverage.communes, coverage.communes_expected, 0, 0).describe(),
        )
    return finding


BUILDERS = {"published": published_slide, "shares": shares_slide, "field": field_slide}


def published_slides(tables: DataTables, deck: pd.DataFrame) -> dict[str, Slide | None]:
    """The deck's published and shares slides by id: they depend on the published figures only,
    so an import of field observations need not redraw them."""
    return {
        row["slide_id"]: BUILDERS[row["kind"]](row, tables, pd.DataFrame(), 0)
        for _position, row in deck.iterrows()
        if row["kind"] in PUBLISHED_KINDS
    }


def build_slides(
    tables: DataTables, deck: pd.DataFrame, cells: pd.DataFrame, k: int, prebuilt: dict[str, Slide | None] | None = None
) -> list[Slide]:
    """The deck's slides that have something to show, numbered from 1 in the deck's order; field
    figures under the secret. A slide whose indicator has no data is left out, never drawn empty.
    `prebuilt` holds published slides already drawn (see `published_slides`). The observations are
    indexed once per build, and only when the deck has a map."""
    index = index_observations(tables.field_observations) if (deck["kind"] == "map").any() else None

    def slide_for(row: pd.Series) -> Slide | None:
        if prebuilt is not None and row["kind"] in PUBLISHED_KINDS:
            return prebuilt[row["slide_id"]]
        if row["kind"] == "map":
            assert index is not None  # indexed when the deck has a map
            return map_slide(row, tables, cells, k, index)
        return BUILDERS[row["kind"]](row, tables, cells, k)

    built = (slide_for(row) for _position, row in deck.iterrows())
    return [replace(slide, number=number) for number, slide in enumerate((slide for slide in built if slide), start=1)]


def left_out(deck: pd.DataFrame, slides: list[Slide]) -> list[str]:
    """Slide ids of the deck that were left out for lack of data, in the deck's order."""
    shown = {slide.slide_id for slide in slides}
    return [slide_id for slide_id in deck["slide_id"] if slide_id not in shown]


def left_out_topics(deck: pd.DataFrame, slides: list[Slide], catalogue: pd.DataFrame) -> list[str]:
    """What each left-out slide would have shown, by its indicators' names in the current language
    (« Signalements … et Participants … »): officials never read a slide's internal id."""
    labels = localized_column(catalogue, "label")
    missing = deck.loc[deck["slide_id"].isin(left_out(deck, slides))]
    return [
        _(" et ").join(str(labels.get(indicator, indicator)) for indicator in indicators.split("|"))
        for indicators in missing["indicators"]
    ]


# A slide number in an address (`?slide=N`): ASCII digits only, and no more than this many once the
# leading zeros are gone (a deck never has a million slides).
SLIDE_NUMBER = re.compile(r"[0-9]+")
SLIDE_NUMBER_DIGITS = 6
# A requested value is quoted this far in the notice: an address can be long.
QUOTED_SLIDE_CHARS = 20


@dataclass(frozen=True)
class SlideRequest:
    """The slide an address opens, and whether it asked for another one (a notice is due)."""

    number: int
    corrected: bool


def requested_slide(asked: str | None, count: int) -> SlideRequest:
    """The slide `?slide=…` opens in a deck of `count` (≥ 1) slides, parsed strictly.

    `str.isdigit()` accepts « ² » or « ٣ », which `int()` refuses, and `int()` refuses more than
    4 300 digits: only ASCII digits are read, and a number longer than any deck is never converted.
    Not a number: slide 1; out of range: the nearest slide; either way `corrected`. No value: slide 1.
    """
    if not asked:
        return SlideRequest(1, corrected=False)
    if not SLIDE_NUMBER.fullmatch(asked):
        return SlideRequest(1, corrected=True)
    digits = asked.lstrip("0") or "0"
    wanted = int(digits) if len(digits) <= SLIDE_NUMBER_DIGITS else count + 1
    number = min(max(wanted, 1), count)
    return SlideRequest(number, corrected=number != wanted)


def slide_notice(asked: str, shown: int, count: int) -> str:
    """Why the presenter sees another slide than the address asked for (the value quoted, briefly)."""
    quoted = asked if len(asked) <= QUOTED_SLIDE_CHARS else asked[: QUOTED_SLIDE_CHARS - 1] + "…"
    return _(
        "Le lien demandait la diapositive « {asked} », qui n'existe pas (la présentation en compte {count}) : "
        "diapositive {shown} affichée."
    ).format(asked=quoted, count=count, shown=shown)


KEY_DATE_LINE_CHARS = 38  # a key-date label runs over lines this long: never past the plot, even on a PDF page
KEY_DATE_LINE_PX = 24  # one line of an 18-px label


def wrap(text: str, width: int) -> str:
    """Plotly does not wrap text: break long lines on spaces with <br>."""
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return "<br>".join([*lines, current])


def is_key_date_label(annotation: go.layout.Annotation) -> bool:
    """The labels charts.add_key_dates puts above the plot area (one per key date)."""
    return (
        annotation.yref == "paper"
        and annotation.y == 1.0
        and annotation.yanchor == "bottom"
        and not annotation.showarrow
    )


def stack_key_date_labels(figure: go.Figure) -> int:
    """Wrap the key-date labels and stack them above the plot; the height they take, in pixels."""
    height = 4
    for annotation in figure.layout.annotations:
        if is_key_date_label(annotation):
            text = wrap(annotation.text.replace("<br>", " "), KEY_DATE_LINE_CHARS)
            annotation.update(
                text=text,
                yshift=height,
                align=annotation.xanchor if annotation.xanchor in ("left", "right") else "center",
            )
            height += KEY_DATE_LINE_PX * (text.count("<br>") + 1) + 4
    return height if height > 4 else 0


def is_tile_map(figure: go.Figure) -> bool:
    """A figure of `tilemap.tile_map_figure`: equal-scale hidden axes and its clickable "communes" trace."""
    return figure.layout.yaxis.scaleanchor == "x" and bool(figure.data) and figure.data[-1].name == "communes"


def map_presentation_style(figure: go.Figure, height: int | None) -> go.Figure:
    """The tile map for a room: black type, larger legend and colour bar. Its lines and markers are
    left as drawn: the charts' thick lines would eat the EPT outlines inset in the tiles, and the
    invisible hexagon markers that answer hovers would shrink to dots."""
    styled = go.Figure(figure)
    styled.update_layout(
        height=height,
        font=dict(color="#000000"),
        paper_bgcolor="#ffffff",
        legend=dict(font=dict(size=22, color="#000000")),
        hoverlabel=dict(font_size=20),
    )
    colour_bar = styled.data[-1].marker.colorbar
    styled.update_traces(
        selector=dict(name="communes"),
        marker_colorbar=dict(
            tickfont=dict(size=22, color="#000000"),
            y=1.0,
            yanchor="top",
            len=0.55,
            title=dict(text=wrap(str(colour_bar.title.text or ""), 16), font=dict(size=22, color="#000000")),
        ),
    )
    # The EPT legend in a column under the colour bar (or alone, titled with what the colours say, when
    # the tiles are coloured by standing): the map keeps the slide's whole height.
    scaled = bool(styled.data[-1].marker.showscale)
    legend_title = str(styled.layout.legend.title.text or "")
    styled.update_layout(
        legend=dict(
            orientation="v",
            x=0.88,
            xanchor="left",
            y=0.38 if scaled else 1.0,
            yanchor="top",
            font_size=20,
            title=dict(text=wrap(legend_title, 22), side="top", font=dict(size=20, color="#000000")),
        )
    )
    return styled


def presentation_style(figure: go.Figure, height: int | None) -> go.Figure:
    """Readable from the back of a room: large type (axis labels ≥ 18 px), black on white, thick marks.

    Key-date labels are wrapped and stacked above the plot with room kept for them: none is clipped.
    A tile map keeps its own drawing (see `map_presentation_style`).
    """
    if is_tile_map(figure):
        return map_presentation_style(figure, height)
    styled = go.Figure(figure)
    styled.update_layout(
        height=height,
        font=dict(size=22, color="#000000"),
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        legend=dict(font=dict(size=20), y=-0.2),
        hoverlabel=dict(font_size=20),
        margin=dict(t=60, b=110),
    )
    styled.update_xaxes(
        tickfont=dict(size=20, color="#000000"),
        title_font=dict(size=20, color="#000000"),
        gridcolor="#bdbdbd",
        linecolor="#000000",
    )
    styled.update_yaxes(
        tickfont=dict(size=20, color="#000000"),
        title_font=dict(size=20, color="#000000"),
        gridcolor="#bdbdbd",
        linecolor="#000000",
    )
    styled.update_traces(selector=dict(type="scatter"), line_width=4, marker_size=14)
    styled.update_traces(selector=dict(type="bar"), textfont_size=20)
    styled.update_annotations(font_size=18)
    styled.update_layout(margin_t=max(60, 20 + stack_key_date_labels(styled)))
    return styled


def protected_deck(tables: DataTables, deck: pd.DataFrame, k: int, folder: Path | None = None) -> list[Slide]:
    """The deck with its own statistical secret (command line, tests): the lattice kept in `folder`
    is read, or solved and kept there."""
    return build_slides(tables, deck, protected_cells(tables, k, folder), k)
