"""Plotly figures, built from tidy frames and catalogue metadata (no Streamlit here).

One theme for every chart: the Okabe-Ito palette (safe for colour-vision deficiencies), a
different marker symbol per series so colour is never the only cue, separators and words in the
viewer's language.
Published figures are drawn as markers, never joined by a line that would suggest data
between sparse points; a published range is drawn as a floating bar from its low to its high.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicators.comparisons import FUNNEL_LEVELS, LEVEL, funnel_limits
from indicators.formatting import format_day, format_month, format_number, format_share, format_short_month, with_unit
from indicators.i18n import _, current_language, localized
from indicators.scope import whole_words
from indicators.secret.lattice import SECRET_SYMBOL, SECRET_TEXT
from indicators.territories import STANDINGS_FR, standing_label

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "hexagon")
FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"
GRID_COLOUR = "#d9d9d9"
# A territory against the département: no judgement (more reports may mean better detection), so
# two blues for above and below, a sand for comparable; tiles and points also carry a mark or a
# symbol, so colour is never the only cue.
STANDING_COLOURS = {"above": "#1F4E9A", "similar": "#E6D4A0", "below": "#9CCBEA"}
STANDING_MARKS = {"above": "▲", "below": "▼"}
STANDING_SYMBOLS = {"above": "triangle-up", "similar": "circle", "below": "triangle-down"}
STANDING_EDGE = "#4a4a4a"  # outlines light bars and points against the white page (3:1 for graphics)

# Plotly's layout and axis properties, as keyword arguments (Plotly has no type stubs).
PlotlyProperties = dict[str, Any]

# Plotly's decimal and thousands separators: "12,5" and "7 000" in French, "12.5" and "7,000" in English.
SEPARATORS = {"fr": ", ", "en": ".,"}
# After a percentage tick: "12 %" in French, "12%" in English.
PERCENT_SUFFIXES = {"fr": " %", "en": "%"}


def plotly_separators() -> str:
    """Plotly's `separators` for the current language."""
    return SEPARATORS[current_language()]


def percent_suffix() -> str:
    """What follows a number on a percentage axis, in the current language."""
    return PERCENT_SUFFIXES[current_language()]


def secret_legend() -> str:
    """The legend entry of a secret point: "s : valeur masquée (secret statistique)"."""
    return _("{symbol} : valeur masquée (secret statistique)").format(symbol=SECRET_SYMBOL)


def hover_pair(label: str, value: str) -> str:
    """ "mars 2024 : 12" in French, "March 2024: 12" in English (Plotly placeholders welcome)."""
    return _("{label} : {value}").format(label=label, value=value)


def base_layout(unit: str, height: int = 420) -> PlotlyProperties:
    return dict(
        template="plotly_white",
        colorway=list(PALETTE),
        separators=plotly_separators(),  # French: decimal comma, space between thousands
        font=dict(family=FONT_FAMILY, size=15, color="#1f1f1f"),
        height=height,
        margin=dict(l=70, r=30, t=70, b=90),
        hoverlabel=dict(font_size=15),
        # Legend under the plot: the space above it holds the key-date labels.
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, title_text=""),
        yaxis=dict(title_text=unit, rangemode="tozero", gridcolor=GRID_COLOUR, tickformat=",d"),
        xaxis=dict(gridcolor=GRID_COLOUR),
    )


def count_axis(largest: float) -> PlotlyProperties:
    """A count axis whose tick labels are whole and distinct: below 10, one tick per unit
    (Plotly's own ticks would be 0.5 apart and print "0 0 1 1 2"); an all-zero series still
    gets an axis from 0 to 1 instead of a collapsed one."""
    if largest >= 10:
        return dict(tickformat=",d", rangemode="tozero")
    top = max(float(largest), 1.0)
    return dict(tickformat=",d", dtick=1, tick0=0, range=[0, top * 1.15])


PERIOD_MARGIN_DAYS = {"month": 16, "quarter": 46, "year": 183}


def date_ticks(start: pd.Timestamp, end: pd.Timestamp, frequency: str = "month") -> PlotlyProperties:
    """Date-axis ticks labelled in the current language, one per period of the data when they are few
    ("T1 2025", "mars 2025", "2025"), else one per year (or every few years): never a finer tick than
    the data."""
    years = end.year - start.year + 1
    if frequency == "quarter" and (end - start).days <= 3 * 366:
        ticks = pd.date_range(start, end, freq="QS")
        labels = [format_month(tick, "quarter") for tick in ticks]
    elif frequency == "month" and (end - start).days <= 366:
        ticks = pd.date_range(start, end, freq="MS")
        labels = [format_short_month(tick) for tick in ticks]
    elif frequency == "month" and (end - start).days <= 3 * 366:
        ticks = pd.date_range(start.to_period("Q").start_time, end, freq="QS")
        labels = [format_short_month(tick) for tick in ticks]
    else:
        step = max(1, -(-years // 12))
        ticks = pd.date_range(start.to_period("Y").start_time, end, freq=f"{step}YS")
        labels = [str(tick.year) for tick in ticks]
    return dict(type="date", tickmode="array", tickvals=list(ticks), ticktext=labels)


def add_key_dates(figure: go.Figure, key_dates: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> go.Figure:
    """Vertical marks for key dates inside the drawn span: a line for a day, a band for a week."""
    visible = key_dates.loc[key_dates["date"].between(start, end)]
    middle = start + (end - start) / 2
    labels = [localized(event, "label") for event in visible.to_dict("records")]
    events = zip(visible["date"], visible["end_date"], labels)
    for position, (date, end_date, label) in enumerate(events):
        if pd.notna(end_date):
            figure.add_vrect(x0=date, x1=end_date, fillcolor="#999999", opacity=0.25, line_width=0)
        # A week is too thin to see on a multi-year axis: its start also gets a line.
        figure.add_shape(
            type="line",
            x0=date,
            x1=date,
            y0=0,
            y1=1,
            yref="paper",
            line=dict(color="#555555", dash="dash" if pd.notna(end_date) else "dot", width=1.5),
        )
        # Labels sit above the plot, stacked, on the side of the line with the most room.
        figure.add_annotation(
            x=date,
            y=1.0,
            yshift=4 + 24 * position,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            xanchor="left" if date <= middle else "right",
            text=f"{label} ({format_day(date)})",
            font=dict(size=12, color="#333333"),
            bgcolor="rgba(255,255,255,0.8)",
        )
    return figure


def group_line(rows: pd.DataFrame, position: int, label: str, unit: str, frequency: str) -> go.Scatter:
    """One group's line: its secret points left out (a gap), partial periods' markers hollow, and a
    hover with the period, the value (or the secret) and whether the period is incomplete."""
    shown = [None if secret else value for value, secret in zip(rows["value"], rows["hidden"])]
    return go.Scatter(
        x=rows["period_start"],
        y=shown,
        name=label,
        mode="lines+markers",
        line=dict(color=PALETTE[position % len(PALETTE)], width=2.5),
        marker=dict(
            symbol=[SYMBOLS[position % len(SYMBOLS)] + ("" if done else "-open") for done in rows["complete"]],
            size=8,
        ),
        customdata=list(
            zip(
                [format_month(start, frequency) for start in rows["period_start"]],
                [
                    _(SECRET_TEXT) if secret else format_number(value)
                    for value, secret in zip(rows["value"], rows["hidden"])
                ],
                ["" if done else " (" + _("période incomplète") + ")" for done in rows["complete"]],
            )
        ),
        hovertemplate=(
            f"{label}<br>"
            + hover_pair("%{customdata[0]}", f"%{{customdata[1]}} {unit}")
            + "%{customdata[2]}<extra></extra>"
        ),
    )


def secret_period_marks(secret_periods: pd.DataFrame, frequency: str) -> go.Scatter:
    """The secret symbol on the axis under each period with a secret point, with its legend entry."""
    return go.Scatter(
        x=secret_periods["period_start"],
        y=[0] * len(secret_periods),
        mode="text",
        text=[SECRET_SYMBOL] * len(secret_periods),
        textposition="top center",
        textfont=dict(color="#4a4a4a", size=15),
        name=secret_legend(),
        cliponaxis=False,
        customdata=[format_month(start, frequency) for start in secret_periods["period_start"]],
        hovertemplate=hover_pair("%{customdata}", _(SECRET_TEXT)) + "<extra></extra>",
    )


def frame_observation_axes(
    figure: go.Figure, series: pd.DataFrame, hidden: pd.Series, frequency: str, key_dates: pd.DataFrame
) -> None:
    """Fit the axes to a non-empty series (a margin of half a period each side, a count axis over the
    shown values) and annotate the key dates inside its span, with room above for their labels."""
    start, end = series["period_start"].min(), series["period_start"].max()
    margin = pd.Timedelta(days=PERIOD_MARGIN_DAYS.get(frequency, 20))
    figure.update_xaxes(range=[start - margin, end + margin], **date_ticks(start, end, frequency))
    figure.update_yaxes(**count_axis(series.loc[~hidden, "value"].max() if (~hidden).any() else 0))
    add_key_dates(figure, key_dates, start, end + pd.DateOffset(months=1))
    figure.update_layout(margin_t=40 + 28 * len(figure.layout.annotations))


def observation_figure(
    series: pd.DataFrame,
    unit: str,
    frequency: str,
    key_dates: pd.DataFrame,
    group_labels: dict[str, str] | None = None,
    k: int = 5,
) -> go.Figure:
    """Field observations over time: one line with markers per group; partial periods hollow.

    Points flagged `suppressed` (statistical secret) are left out of the line: the gap shows the
    secret symbol on the axis, in the hover and in the legend.
    """
    figure = go.Figure(layout=base_layout(unit))
    hidden = series["suppressed"] if "suppressed" in series else pd.Series(False, index=series.index)
    for position, (group, rows) in enumerate(series.assign(hidden=hidden).groupby("group", sort=True)):
        label = (group_labels or {}).get(str(group), str(group))
        figure.add_trace(group_line(rows, position, label, unit, frequency))
    secret_periods = series.loc[hidden].drop_duplicates("period_start")
    if not secret_periods.empty:
        # The gap in the line gets its symbol on the axis and a legend entry: a hole alone reads as missing data.
        figure.add_trace(secret_period_marks(secret_periods, frequency))
    if not series.empty:
        frame_observation_axes(figure, series, hidden, frequency, key_dates)
    figure.update_layout(showlegend=series["group"].nunique() > 1 or not secret_periods.empty)
    return figure


def published_figure(
    points: pd.DataFrame, unit: str, series_labels: dict[str, str], key_dates: pd.DataFrame
) -> go.Figure:
    """Published figures: markers for single values, floating bars for ranges, one series per source."""
    figure = go.Figure(layout=base_layout(unit))
    for position, (source_id, rows) in enumerate(points.groupby("source_id", sort=False)):
        colour, symbol = PALETTE[position % len(PALETTE)], SYMBOLS[position % len(SYMBOLS)]
        label = series_labels.get(str(source_id), str(source_id))
        hover = hover_pair("%{customdata[0]}", "%{customdata[1]}") + "<extra>" + label + "</extra>"
        singles, ranges = rows.loc[~rows["is_range"]], rows.loc[rows["is_range"]]
        if not singles.empty:
            figure.add_trace(
                go.Scatter(
                    x=singles["date"],
                    y=singles["value"],
                    mode="markers",
                    name=label,
                    legendgroup=source_id,
                    marker=dict(color=colour, symbol=symbol, size=13, line=dict(color="white", width=1)),
                    customdata=list(zip(singles["period_text"], singles["figure_text"])),
                    hovertemplate=hover,
                )
            )
        if not ranges.empty:
            figure.add_trace(
                go.Bar(
                    x=ranges["date"],
                    y=ranges["value_high"] - ranges["value_low"],
                    base=ranges["value_low"],
                    width=1000 * 3600 * 24 * 120,
                    name=label,
                    legendgroup=source_id,
                    showlegend=singles.empty,
                    marker=dict(
                        color=colour, pattern=dict(shape="/", fgcolor="white"), line=dict(color=colour, width=2)
                    ),
                    customdata=list(zip(ranges["period_text"], ranges["figure_text"])),
                    hovertemplate=hover,
                )
            )
    if not points.empty:
        # Wide margins: a lone published figure sits in its year, not on a month-by-month axis.
        start = points["date"].min() - pd.DateOffset(months=14)
        end = points["date"].max() + pd.DateOffset(months=14)
        figure.update_xaxes(range=[start, end], **date_ticks(start, end, "year"))
        add_key_dates(figure, key_dates, start, end)
    return figure


def change_figure(points: pd.DataFrame, unit: str, series_labels: dict[str, str]) -> go.Figure:
    """Published changes between two dates: one bar per change, labelled with its period."""
    figure = go.Figure(layout=base_layout(unit))
    figure.add_trace(
        go.Bar(
            x=[
                f"{text} ({series_labels.get(source, source)})"
                for text, source in zip(points["period_text"], points["source_id"])
            ],
            y=points["value"],
            marker=dict(color=PALETTE[0]),
            text=points["figure_text"],
            textposition="outside",
            hovertemplate=hover_pair("%{x}", "%{text}") + "<extra></extra>",
        )
    )
    figure.update_yaxes(tickformat=",d", ticksuffix=percent_suffix())
    return figure


def interval_text(low: float, high: float, decimals: int) -> str:
    """ "IC 95 % : 38,1 – 53,0" (English "95% CI: 38.1 – 53.0")."""
    return _("IC {level} : {low} – {high}").format(
        level=format_share(LEVEL * 100), low=format_number(low, decimals), high=format_number(high, decimals)
    )


def standing_legend_entries(standings: pd.Series) -> list[go.Scatter]:
    """Legend-only entries for the classes present (a bar chart colours its bars one by one)."""
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker=dict(
                symbol="square", size=14, color=STANDING_COLOURS[standing], line=dict(color=STANDING_EDGE, width=1)
            ),
            name=standing_label(standing).capitalize(),
            showlegend=True,
            hoverinfo="skip",
        )
        for standing in STANDINGS_FR
        if (standings == standing).any()
    ]


def rate_axis(highest: pd.Series) -> PlotlyProperties:
    """A rate axis from 0 with room past the highest bar end (or interval) for its label."""
    top = float(highest.max()) if highest.notna().any() else 0.0
    return {"tickformat": ",.1f", "range": [0, top * 1.15 if top > 0 else 1.0]}


def ranking_standings(ranked: pd.DataFrame, hidden: pd.Series) -> pd.Series:
    """Each bar's standing against the département, none for a secret bar or a ranking without one."""
    if "standing" in ranked:
        return ranked["standing"].where(~hidden, None)
    return pd.Series(None, index=ranked.index, dtype=object)


def interval_suffixes(ranked: pd.DataFrame, hidden: pd.Series, decimals: int, rated: bool) -> list[str]:
    """ " (IC 95 % : 38,1 – 53,0)" after each rate with an interval; "" for a secret bar, a missing
    interval or a ranking without intervals."""
    if not rated:
        return [""] * len(ranked)
    return [
        "" if secret or pd.isna(low) else " (" + interval_text(low, high, decimals) + ")"
        for low, high, secret in zip(ranked["rate_low"], ranked["rate_high"], hidden)
    ]


def standing_lines(standings: pd.Series) -> list[str]:
    """The hover's line saying each bar's standing against the département ("" without one)."""
    return [
        ""
        if pd.isna(standing)
        else "<br>"
        + _("Par rapport {to_whole} : {standing}").format(standing=standing_label(standing), **whole_words())
        for standing in standings
    ]


def interval_error_bars(ranked: pd.DataFrame, hidden: pd.Series) -> PlotlyProperties:
    """Each shown rate's 95 % interval as an error bar around its bar's end."""
    return dict(
        type="data",
        symmetric=False,
        array=(ranked["rate_high"] - ranked["value"]).where(~hidden).tolist(),
        arrayminus=(ranked["value"] - ranked["rate_low"]).where(~hidden).tolist(),
        color="#1a1a1a",
        thickness=1.2,
        width=3,
    )


def ranking_bars(
    ranked: pd.DataFrame, hidden: pd.Series, standings: pd.Series, unit: str, decimals: int, rated: bool
) -> go.Bar:
    """The ranking's bars: coloured by standing when it has one, a rate's with its interval; a secret
    bar has no length, only its secret label."""
    classed = bool(standings.notna().any())
    intervals = interval_suffixes(ranked, hidden, decimals, rated)
    return go.Bar(
        # A secret bar has no length, only its secret label: its place says nothing either (listed last).
        x=ranked["value"].where(~hidden, 0),
        y=ranked["name_fr"],
        orientation="h",
        marker=dict(
            color=[STANDING_COLOURS.get(str(standing), "#d9d9d9") for standing in standings] if classed else PALETTE[0],
            line=dict(color=STANDING_EDGE, width=1 if classed else 0),
        ),
        error_x=interval_error_bars(ranked, hidden) if rated else None,
        # With intervals, a rate's label goes past its error bar (the trace below): on the bar's end, the
        # error bar would strike it through.
        text=[
            _(SECRET_TEXT) if secret else ("" if rated else format_number(value, decimals))
            for value, secret in zip(ranked["value"], hidden)
        ],
        # The hover: the value with its unit (a rate with its interval), then its standing.
        customdata=[
            (_(SECRET_TEXT) if secret else f"{format_number(value, decimals)} {unit}" + interval) + standing
            if rated
            else interval + standing
            for value, secret, interval, standing in zip(ranked["value"], hidden, intervals, standing_lines(standings))
        ],
        textposition="outside",
        cliponaxis=False,
        hovertemplate=(
            hover_pair("%{y}", "%{customdata}") if rated else hover_pair("%{y}", "%{text} " + unit) + "%{customdata}"
        )
        + "<extra></extra>",
        showlegend=False,
    )


def rate_labels(ranked: pd.DataFrame, hidden: pd.Series, decimals: int) -> go.Scatter:
    """Each shown rate written just past its interval's end (or its bar's, without one)."""
    shown = ~hidden & ranked["value"].notna()
    return go.Scatter(
        x=ranked.loc[shown, "rate_high"].fillna(ranked.loc[shown, "value"]),
        y=ranked.loc[shown, "name_fr"],
        mode="text",
        text=[" " + format_number(value, decimals) for value in ranked.loc[shown, "value"]],
        textposition="middle right",
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
        name="valeurs",
    )


def add_benchmark_line(figure: go.Figure, benchmark_rate: float, decimals: int) -> None:
    """The département's rate as a dashed vertical line, labelled at its top."""
    figure.add_vline(
        x=benchmark_rate,
        line=dict(color="#000000", width=2, dash="dash"),
        annotation=dict(
            text=_("Taux {of_whole} : {rate}").format(rate=format_number(benchmark_rate, decimals), **whole_words()),
            yanchor="bottom",
            font=dict(size=13, color="#000000"),
        ),
        annotation_position="top right",
    )


def ranking_value_axis(
    ranked: pd.DataFrame, hidden: pd.Series, unit: str, decimals: int, rated: bool
) -> PlotlyProperties:
    """The value axis: whole ticks for counts, a rate axis reaching past the highest interval for rates."""
    return dict(
        title_text=unit,
        **(
            count_axis(ranked["value"].where(~hidden, 0).max() if len(ranked) else 0)
            if decimals == 0
            else rate_axis(ranked.loc[~hidden, "rate_high"] if rated else ranked.loc[~hidden, "value"])
        ),
    )


def ranking_figure(
    ranked: pd.DataFrame, unit: str, k: int = 5, decimals: int = 0, benchmark_rate: float | None = None
) -> go.Figure:
    """Ranked horizontal bars, largest at the top, one bar per territory; secret cells drawn empty.
    `decimals` for rates (counts are whole): a rate's bar then carries its exact 95 % interval as an
    error bar and in its hover. Bars are coloured by standing against the département when the
    ranking carries one (`territories.with_standing`), with a legend of the classes; a ranking by rate
    draws the département's rate (`benchmark_rate`) as a vertical line."""
    figure = go.Figure(layout=base_layout(unit, height=max(320, 26 * len(ranked) + 90)))
    hidden = ranked["suppressed"] if "suppressed" in ranked else pd.Series(False, index=ranked.index)
    standings = ranking_standings(ranked, hidden)
    classed = bool(standings.notna().any())
    rated = decimals > 0 and {"rate_low", "rate_high"} <= set(ranked.columns)
    figure.add_trace(ranking_bars(ranked, hidden, standings, unit, decimals, rated))
    if rated:
        figure.add_trace(rate_labels(ranked, hidden, decimals))
    if classed:
        for entry in standing_legend_entries(standings):
            figure.add_trace(entry)
    if rated and benchmark_rate is not None:
        add_benchmark_line(figure, benchmark_rate, decimals)
    figure.update_layout(
        yaxis=dict(autorange="reversed", title_text="", tickformat=None, rangemode=None),
        xaxis=ranking_value_axis(ranked, hidden, unit, decimals, rated),
        margin=dict(l=180, r=40, t=30 if not classed else 50, b=60),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, xanchor="left"),
    )
    return figure


def population_ticks(low: float, high: float) -> PlotlyProperties:
    """Log-axis ticks at 1, 2 and 5 × 10ⁿ between `low` and `high`, written in the viewer's language."""
    ticks = [
        base * 10**power
        for power in range(int(np.floor(np.log10(max(low, 1.0)))), int(np.ceil(np.log10(max(high, 1.0)))) + 1)
        for base in (1, 2, 5)
        if low <= base * 10**power <= high
    ]
    return dict(tickmode="array", tickvals=ticks, ticktext=[format_number(tick) for tick in ticks])


def funnel_limit_lines(grid: np.ndarray, benchmark_rate: float) -> list[go.Scatter]:
    """The 99,8 % then the 95 % limits around the département's rate, upper and lower, one legend
    entry per level."""
    lines = []
    for level, dash, width in ((FUNNEL_LEVELS[1], "dot", 2.2), (FUNNEL_LEVELS[0], "dash", 1.6)):
        low, high = funnel_limits(grid, benchmark_rate, level)
        name = _("Limites à {level}").format(level=format_share(level * 100, 1 if level > LEVEL else 0))
        for values, shown in ((high, True), (low, False)):
            lines.append(
                go.Scatter(
                    x=grid,
                    y=values,
                    mode="lines",
                    line=dict(color="#3a3a3a", dash=dash, width=width, shape="hv"),
                    name=name,
                    legendgroup=name,
                    showlegend=shown,
                    hoverinfo="skip",
                )
            )
    return lines


def funnel_hovers(
    group: pd.DataFrame, standing: str, rate_unit: str, count_unit: str, exposure_label: str, decimals: int
) -> list[str]:
    """Each point's hover: its name, count, exposure, rate with its 95 % interval, and standing."""
    return [
        f"<b>{name}</b><br>"
        + hover_pair(_("Effectif"), with_unit(count, count_unit))
        + "<br>"
        + hover_pair(exposure_label, format_number(exposure))
        + "<br>"
        + _("Taux : {rate} {unit} ({interval})").format(
            rate=format_number(rate, decimals),
            unit=rate_unit,
            interval=interval_text(low, high, decimals),
        )
        + "<br>"
        + _("Par rapport {to_whole} : {standing}").format(standing=standing_label(standing), **whole_words())
        for name, count, exposure, rate, low, high in zip(
            group["name_fr"],
            group["count"] if "count" in group else group["value"],
            group["exposure"],
            group["rate"],
            group["rate_low"],
            group["rate_high"],
        )
    ]


def funnel_points(
    points: pd.DataFrame, rate_unit: str, count_unit: str, exposure_label: str, decimals: int
) -> list[go.Scatter]:
    """The territories' points, one trace per standing present, coloured and shaped by it."""
    traces = []
    for standing in STANDINGS_FR:
        group = points.loc[points["standing"] == standing]
        if group.empty:
            continue
        traces.append(
            go.Scatter(
                x=group["exposure"],
                y=group["rate"],
                mode="markers",
                marker=dict(
                    symbol=STANDING_SYMBOLS[standing],
                    size=13,
                    color=STANDING_COLOURS[standing],
                    line=dict(color=STANDING_EDGE, width=1.2),
                ),
                name=standing_label(standing).capitalize(),
                customdata=group["territory_code"].tolist() if "territory_code" in group else None,
                hovertext=funnel_hovers(group, standing, rate_unit, count_unit, exposure_label, decimals),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    return traces


def funnel_figure(
    points: pd.DataFrame, benchmark_rate: float, rate_unit: str, count_unit: str, exposure_label: str, decimals: int
) -> go.Figure:
    """The funnel plot (Spiegelhalter 2005): each shown territory's rate against its population (log
    scale), the département's rate as a line, and the limits within which 95 % and 99,8 % of
    territories of each size fall by chance alone around it (`comparisons.funnel_limits`, exact
    Poisson). `points` (name_fr, exposure, rate, rate_low, rate_high, standing, count) hold visible
    territories only: a secret one is not placed (its position would give its count back). Points are
    coloured and shaped by standing; hovers give the count, the exposure (`exposure_label`: the
    population, or people × years), the rate and its 95 % interval."""
    lowest, highest = float(points["exposure"].min()), float(points["exposure"].max())
    grid = np.geomspace(lowest / 1.3, highest * 1.3, 240)
    figure = go.Figure(layout=base_layout(rate_unit, height=520))
    benchmark_line = go.Scatter(
        x=[grid[0], grid[-1]],
        y=[benchmark_rate, benchmark_rate],
        mode="lines",
        line=dict(color="#000000", width=2.5),
        name=_("Taux {of_whole} : {rate}").format(rate=format_number(benchmark_rate, decimals), **whole_words()),
        hoverinfo="skip",
    )
    points_by_standing = funnel_points(points, rate_unit, count_unit, exposure_label, decimals)
    for trace in [*funnel_limit_lines(grid, benchmark_rate), benchmark_line, *points_by_standing]:
        figure.add_trace(trace)
    figure.update_layout(
        xaxis=dict(
            type="log",
            title_text=_("{exposure} (échelle logarithmique)").format(exposure=exposure_label),
            **population_ticks(grid[0], grid[-1]),
        ),
        yaxis=dict(title_text=rate_unit, tickformat=",.1f" if decimals == 1 else ",.2f", rangemode="tozero"),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0, xanchor="left"),
        margin=dict(l=80, r=30, t=30, b=130),
    )
    return figure
