"""The presentation deck: slides described in data/deck.csv, built from the data (pure).

One chart and one headline sentence per slide, with its source, caveat and, for demo data, the
fictitious label. Analysts reorder or choose slides by editing the CSV, not the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import plotly.graph_objects as go
from pandera.typing import Series

from indicators.charts import PALETTE, base_layout, observation_figure, published_figure
from indicators.disclosure import lattice, protect_series, suppress_small_counts
from indicators.findings import observation_finding, published_finding
from indicators.labels import group_labels
from indicators.loading import DataFileError, DataTables, describe_schema_errors
from indicators.observations import aggregate_series, is_demo, select_observations
from indicators.provenance import short_source_line, source_line
from indicators.published import published_series

SLIDE_KINDS = ("published", "shares", "field")
DECK_FILE = "deck.csv"


class DeckSchema(pa.DataFrameModel):
    """One row per slide; `indicators` lists catalogue ids separated by "|" for a "shares" slide."""

    order: Series[int] = pa.Field(unique=True, ge=1, title="Ordre")
    slide_id: Series[str] = pa.Field(unique=True, title="Identifiant")
    kind: Series[str] = pa.Field(isin=SLIDE_KINDS, title="Type de diapositive")
    indicators: Series[str] = pa.Field(title="Indicateur(s)")
    territory_code: Series[str] = pa.Field(nullable=True, title="Territoire")
    frequency: Series[str] = pa.Field(nullable=True, isin=["month", "quarter", "year"], title="Regroupement")
    breakdown: Series[str] = pa.Field(nullable=True, isin=["none", "sex", "age_group"], title="Répartition")

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


def read_deck(folder: Path) -> pd.DataFrame:
    path = folder / DECK_FILE
    try:
        raw = pd.read_csv(path, dtype={"territory_code": str}, keep_default_na=False, na_values=[""])
    except FileNotFoundError as error:
        raise DataFileError(f"Fichier introuvable : {DECK_FILE}") from error
    return validate_table_with(raw, DeckSchema, DECK_FILE).sort_values("order", ignore_index=True)


def validate_table_with(frame: pd.DataFrame, schema: type[pa.DataFrameModel], name: str) -> pd.DataFrame:
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise DataFileError(describe_schema_errors(name, errors.failure_cases)) from errors


def shares_figure(points: pd.DataFrame, labels: pd.Series, places: pd.Series) -> go.Figure:
    """Published shares side by side, each bar naming its definition, territory and year."""
    names = [f"{labels[indicator]}<br>{places[territory]}, {period}"
             for indicator, territory, period in zip(points["indicator_id"], points["territory_code"], points["period_text"])]
    figure = go.Figure(layout=base_layout("%"))
    figure.add_trace(go.Bar(
        x=points["value"], y=names, orientation="h", marker=dict(color=PALETTE[0], pattern=dict(shape="")),
        text=points["figure_text"], textposition="outside", hovertemplate="%{y} : %{text}<extra></extra>",
    ))
    figure.update_layout(yaxis=dict(autorange="reversed", title_text="", tickformat=None, rangemode=None),
                         xaxis=dict(range=[0, 110], title_text="%", ticksuffix=" %"), margin=dict(l=420))
    return figure


def setting(row: pd.Series, column: str, default: str) -> str:
    """A deck cell, or its default when the analyst left it empty."""
    return default if pd.isna(row[column]) else str(row[column])


def published_slide(number: int, row: pd.Series, tables: DataTables, cells: pd.DataFrame, k: int) -> Slide:
    entry = tables.indicators.set_index("indicator_id").loc[row["indicators"]]
    points = published_series(tables.published_estimates, tables.indicators, row["indicators"])
    points = points.loc[points["territory_code"] == setting(row, "territory_code", "FR")]
    sources = tables.sources.set_index("source_id")
    series_labels = {source: str(sources.at[source, "publisher"]) for source in points["source_id"].unique()}
    return Slide(number, row["slide_id"], published_finding(points, entry["label_fr"]),
                 published_figure(points, entry["unit_fr"], series_labels, tables.key_dates),
                 short_source_line(points["source_id"], tables.sources), entry["caveat_fr"], False, points,
                 source_line(points["source_id"], tables.sources))


def shares_slide(number: int, row: pd.Series, tables: DataTables, cells: pd.DataFrame, k: int) -> Slide:
    ids = row["indicators"].split("|")
    catalogue = tables.indicators.set_index("indicator_id")
    frames = [published_series(tables.published_estimates, tables.indicators, indicator) for indicator in ids]
    points = pd.concat(frames, ignore_index=True)  # in the deck's order, each indicator by date
    places = tables.territories.set_index("territory_code")["name_fr"]
    first = points.iloc[0]
    headline = (f"{catalogue.at[first['indicator_id'], 'label_fr']} : {first['figure_text']} "
                f"({places[first['territory_code']]}, {first['period_text']})")
    caveats = " ".join(dict.fromkeys(catalogue.loc[ids, "caveat_fr"]))
    return Slide(number, row["slide_id"], headline, shares_figure(points, catalogue["label_fr"], places),
                 short_source_line(points["source_id"], tables.sources), caveats, False, points,
                 source_line(points["source_id"], tables.sources))


def field_slide(number: int, row: pd.Series, tables: DataTables, cells: pd.DataFrame, k: int) -> Slide:
    entry = tables.indicators.set_index("indicator_id").loc[row["indicators"]]
    territory = setting(row, "territory_code", "92")
    rows = select_observations(tables.field_observations, row["indicators"], None if territory == "92" else [territory])
    frequency, breakdown = setting(row, "frequency", "year"), setting(row, "breakdown", "none")
    series = protect_series(aggregate_series(rows, frequency, breakdown), cells, row["indicators"], territory, frequency, breakdown)
    place = tables.territories.set_index("territory_code").at[territory, "name_fr"]
    return Slide(number, row["slide_id"],
                 observation_finding(series, f"{entry['label_fr']} ({place})", entry["unit_fr"], frequency, k),
                 observation_figure(series, entry["unit_fr"], frequency, tables.key_dates, group_labels(breakdown), k),
                 short_source_line(rows["source_id"].unique(), tables.sources), entry["caveat_fr"], is_demo(rows), series,
                 source_line(rows["source_id"].unique(), tables.sources))


BUILDERS = {"published": published_slide, "shares": shares_slide, "field": field_slide}


def build_slides(tables: DataTables, deck: pd.DataFrame, cells: pd.DataFrame, k: int) -> list[Slide]:
    """Every slide of the deck, numbered from 1 in the deck's order; field figures under the secret."""
    return [BUILDERS[row["kind"]](number, row, tables, cells, k) for number, (_, row) in enumerate(deck.iterrows(), start=1)]


def presentation_style(figure: go.Figure, height: int | None) -> go.Figure:
    """Readable from the back of a room: large type (axis labels ≥ 18 px), black on white, thick marks."""
    styled = go.Figure(figure)
    styled.update_layout(
        height=height, font=dict(size=22, color="#000000"), paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
        legend=dict(font=dict(size=20), y=-0.2), hoverlabel=dict(font_size=20), margin=dict(t=60, b=110),
    )
    styled.update_xaxes(tickfont=dict(size=20, color="#000000"), title_font=dict(size=20, color="#000000"), gridcolor="#bdbdbd",
                        linecolor="#000000")
    styled.update_yaxes(tickfont=dict(size=20, color="#000000"), title_font=dict(size=20, color="#000000"), gridcolor="#bdbdbd",
                        linecolor="#000000")
    styled.update_traces(selector=dict(type="scatter"), line_width=4, marker_size=14)
    styled.update_traces(selector=dict(type="bar"), textfont_size=20)
    styled.update_annotations(font_size=18)
    return styled


def protected_deck(tables: DataTables, deck: pd.DataFrame, k: int) -> list[Slide]:
    """The deck with the statistical secret computed here (command line, tests)."""
    return build_slides(tables, deck, suppress_small_counts(lattice(tables.field_observations), k), k)
