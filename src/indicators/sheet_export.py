"""A territory's sheet on one A4 page: self-contained HTML (inline SVG charts, no network), printed to PDF.

The HTML needs nothing but itself: the small trend charts are SVG drawn here (no plotly.js, no
kaleido), so a sheet prints in one Chromium run of about a second, and forty sheets in one run,
split into one file per territory (pypdf), by the Chromium of `indicators.chromium`.
Its words, month names and `lang` follow the current language (`indicators.i18n`).
"""

from __future__ import annotations

import contextvars
import html
import io
import re
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from babel.dates import get_month_names
from pypdf import PdfReader, PdfWriter

from indicators.chromium import html_to_pdf
from indicators.config import DEMO_LABEL_FR
from indicators.formatting import MISSING, format_number
from indicators.i18n import N_, _, current_language, current_locale
from indicators.scope import producer_words
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.sheet import IndicatorBlock, Sheet, TrendPoint
from indicators.text import file_name_part

# The rate's unit on a sheet: per year, so that bars of months, quarters and years compare; said
# annualised when a bar does not rest on twelve months of every commune.
RATE_UNIT = N_("pour 10 000 habitants et par an")
ANNUALISED_RATE_UNIT = N_("pour 10 000 habitants et par an (taux annualisés)")
# The arrow beside a change beyond chance (`ChangeStatement.arrow`); none beside one that chance explains.
ARROW_SIGNS = {"up": "↑ ", "down": "↓ ", "off": ""}
# The measures a sheet's charts can show, in French: `measure_labels()` in the current language.
MEASURES_FR = {"count": N_("Effectif"), "rate": N_("Taux pour 10 000 habitants")}
CHART_WIDTH, CHART_HEIGHT = 300, 112  # SVG user units; drawn 62 mm wide on the page
BAR_COLOUR, PARTIAL_COLOUR = "#0072B2", "#9cc3e0"
DENSE_NOTES = 8  # notes on a sheet beyond which its type is set tighter (one A4 page)


def measure_labels() -> dict[str, str]:
    """The measures of MEASURES_FR in the current language: "Effectif" → "Count"."""
    return {measure: _(label) for measure, label in MEASURES_FR.items()}


@cache
def short_months(locale: str) -> list[str]:
    """ "janv.", "févr.", "mars"… (fr_FR) or "Jan", "Feb", "Mar"… (en_GB), as the CLDR abbreviates them."""
    return list(get_month_names("abbreviated", locale=locale).values())


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def point_value(point: TrendPoint, measure: str) -> float | None:
    return point.rate if measure == "rate" else point.value


def point_text(point: TrendPoint, measure: str) -> str:
    value = point_value(point, measure)
    if value is None:
        return SECRET_SYMBOL if point.value is None else MISSING
    return format_number(value, 1 if measure == "rate" else 0)


def point_description(point: TrendPoint, measure: str) -> str:
    """A bar's value as read aloud, its interval with a rate: « 1,5 (IC 95 % : 0,9 – 2,5) »."""
    text = point_text(point, measure)
    if measure != "rate" or point.low is None or point.high is None:
        return text
    return _("{value} (IC 95 % : {low} – {high})").format(
        value=text, low=format_number(point.low, 1), high=format_number(point.high, 1)
    )


def rate_unit(block: IndicatorBlock) -> str:
    """The trend's rate unit, said annualised when any bar is (a month, a quarter, a partial year)."""
    return _(ANNUALISED_RATE_UNIT) if any(point.annualised for point in block.trend) else _(RATE_UNIT)


def axis_label(point: TrendPoint, frequency: str) -> tuple[str, str]:
    """Two short lines under a bar: ("", "2024"), ("T1", "2024"), ("mars", "2024"); in English
    ("Q1", "2024"), ("Mar", "2024")."""
    year = str(point.period_start.year)
    if frequency == "quarter":
        return _("T{quarter}").format(quarter=point.period_start.quarter), year
    if frequency == "month":
        return short_months(current_locale())[point.period_start.month - 1], year
    return "", year


def trend_alt(block: IndicatorBlock, measure: str) -> str:
    """The chart's text alternative: every bar's period and value, as a screen reader reads them."""
    unit = block.unit if measure == "count" else rate_unit(block)
    complete, partial = _("{period} : {value}"), _("{period} : {value} (incomplet)")
    values = _(" ; ").join(
        (complete if point.complete else partial).format(period=point.label, value=point_description(point, measure))
        for point in block.trend
    )
    return _("{indicator}, {unit} : {values}.").format(indicator=block.label, unit=unit, values=values)


# Inside the SVG itself: the page shows it as an image, where the page's own CSS never reaches.
SVG_STYLE = (
    "text { font-family: 'DejaVu Sans', Arial, sans-serif; text-anchor: middle; } "
    ".value { font-size: 9.5px; fill: #111; } "
    ".axis { font-size: 9px; fill: #333; } .secret { font-size: 11px; fill: #444; font-style: italic; }"
)


def interval_mark(middle: float, low_y: float, high_y: float) -> str:
    """A rate's 95 % interval drawn over its bar: a vertical line with short caps."""
    return (
        f'<path d="M{middle - 3:.1f},{high_y:.1f} h6 M{middle:.1f},{high_y:.1f} V{low_y:.1f} '
        f'M{middle - 3:.1f},{low_y:.1f} h6" stroke="#222" stroke-width="1" fill="none"/>'
    )


def trend_svg(block: IndicatorBlock, measure: str = "count") -> str:
    """Bars of the latest periods; a masked bar is a gap with « s », a partial period a lighter bar;
    a rate carries its 95 % interval."""
    points = block.trend
    if not points:
        return ""
    values = [point_value(point, measure) for point in points]
    highs = [point.high for point in points if measure == "rate" and point.high is not None]
    top = max([value for value in values if value is not None] + highs + [0]) or 1
    left, bottom, plot_top = 4, CHART_HEIGHT - 26, 16
    step = (CHART_WIDTH - 2 * left) / len(points)
    width = step * 0.66
    parts = [
        f'<line x1="{left}" y1="{bottom}" x2="{CHART_WIDTH - left}" y2="{bottom}" stroke="#555" stroke-width="1"/>'
    ]
    for position, (point, value) in enumerate(zip(points, values)):
        middle = left + step * (position + 0.5)
        if value is None:
            parts.append(f'<text x="{middle:.1f}" y="{bottom - 3}" class="secret">{point_text(point, measure)}</text>')
        else:
            height = (bottom - plot_top) * value / top
            colour = BAR_COLOUR if point.complete else PARTIAL_COLOUR
            parts.append(
                f'<rect x="{middle - width / 2:.1f}" y="{bottom - height:.1f}" width="{width:.1f}" '
                f'height="{max(height, 0.0):.1f}" fill="{colour}"/>'
            )
            label_top = bottom - height
            if measure == "rate" and point.low is not None and point.high is not None:
                high_y = bottom - (bottom - plot_top) * point.high / top
                parts.append(interval_mark(middle, bottom - (bottom - plot_top) * point.low / top, high_y))
                label_top = high_y
            parts.append(
                f'<text x="{middle:.1f}" y="{label_top - 3:.1f}" class="value">'
                f"{escape(point_text(point, measure))}</text>"
            )
        first, second = axis_label(point, block.trend_frequency)
        if first:
            parts.append(f'<text x="{middle:.1f}" y="{bottom + 11}" class="axis">{escape(first)}</text>')
        parts.append(
            f'<text x="{middle:.1f}" y="{bottom + (22 if first else 12)}" class="axis">{escape(second)}</text>'
        )
    return (
        f'<svg viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" aria-label="{escape(trend_alt(block, measure))}" '
        f'xmlns="http://www.w3.org/2000/svg"><style>{SVG_STYLE}</style>{"".join(parts)}</svg>'
    )


def figure_cell(caption: str, value: str, note: str = "") -> str:
    return (
        f'<div class="figure"><div class="caption">{escape(caption)}</div><div class="value">{escape(value)}</div>'
        f'<div class="note">{escape(note)}</div></div>'
    )


def block_html(block: IndicatorBlock) -> str:
    """One indicator: its latest window and its change, the year before, its rate and interval, the
    département over the same months (the cards name their periods), the notes (coverage, field of
    the change, standing), its trend."""
    title = f'<h2>{escape(block.label)} <span class="unit">({escape(block.unit)})</span></h2>'
    if not block.has_data:
        nodata = _("Aucune donnée : rien n'a été importé pour ce territoire et cet indicateur (ce n'est pas un zéro).")
        return f'<section class="block empty">{title}<p class="nodata">{nodata}</p></section>'
    cells = [figure_cell(card.label, card.value, ARROW_SIGNS[card.arrow] + card.note) for card in block.cards]
    notes = "".join(f'<p class="note">{escape(note)}</p>' for note in block.notes)
    chart = trend_svg(block)
    legend = ""
    if not all(point.complete for point in block.trend):
        partial_bar = _("barre claire : période incomplète")
        legend = f'<div class="legend">{partial_bar}</div>'
    return (
        f'<section class="block">{title}<div class="row"><div class="text">'
        f'<div class="figures">{"".join(cells)}</div>'
        f'{notes}<p class="definition">{escape(block.definition)}</p></div>'
        f'<div class="chart">{chart}{legend}</div></div></section>'
    )


SHEET_STYLE = """
@page { size: A4 portrait; margin: 8mm 10mm; }
* { box-sizing: border-box; }
html, body { margin: 0; background: #fff; color: #111; font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; }
/* No ligatures: "fi" stays two letters when searched or copied. */
body { font-size: 8.5pt; line-height: 1.22; font-variant-ligatures: none; }
header { border-bottom: 2px solid #0072B2; padding-bottom: 1.5mm; margin-bottom: 1mm; }
h1 { font-size: 16pt; margin: 0 0 0.5mm; }
.facts { font-size: 9.5pt; margin: 0; }
.meta { font-size: 8pt; color: #333; margin: 0.6mm 0 0; }
.demo { display: inline-block; background: #fff3cd; color: #5c3c00; border: 1.5px solid #8a5a00; font-weight: bold;
        font-size: 9pt; padding: 0.3mm 2mm; margin-top: 1mm; }
.block { border-bottom: 1px solid #bbb; padding: 1.2mm 0; break-inside: avoid; }
h2 { font-size: 10.5pt; margin: 0 0 1mm; }
h2 .unit { font-weight: normal; color: #333; font-size: 9pt; }
.row { display: flex; gap: 3mm; }
.text { flex: 1 1 auto; min-width: 0; }
.chart { flex: 0 0 62mm; }
.chart svg { width: 62mm; height: auto; display: block; }
.legend { font-size: 7.5pt; color: #333; }
.figures { display: flex; gap: 1.5mm; }
.figure { flex: 1 1 0; border: 1px solid #ccc; border-radius: 1mm; padding: 0.8mm 1.5mm; min-width: 0; }
.figure .caption { font-size: 7.5pt; color: #333; }
.figure .value { font-size: 12pt; font-weight: bold; line-height: 1.1; }
.figure .note { font-size: 7.5pt; color: #333; min-height: 1em; }
.note { margin: 0.5mm 0 0; font-size: 7.5pt; }
.definition { margin: 0.6mm 0 0; font-size: 7.5pt; color: #333; }
.nodata { margin: 0; font-size: 9pt; }
footer { margin-top: 2mm; font-size: 7.5pt; color: #222; }
footer p { margin: 0 0 0.8mm; }
.dense { font-size: 7.8pt; }
.dense .block { padding: 0.8mm 0; }
.dense .note, .dense .definition, .dense .figure .note, .dense .figure .caption, .dense footer { font-size: 7pt; }
.dense .chart { flex-basis: 56mm; }
.dense .chart svg { width: 56mm; }
.sheet { break-after: page; }
.sheet:last-child { break-after: auto; }
"""


def sheet_body(sheet: Sheet) -> str:
    """One sheet's content, as one page of a printed document."""
    demo = f'<div class="demo">{escape(_(DEMO_LABEL_FR))}</div>' if sheet.is_demo else ""
    caveats = dict.fromkeys(block.caveat for block in sheet.blocks if block.has_data)
    notes = [
        sheet.sources_text,
        sheet.population_source,
        sheet.secret_text,
        sheet.rate_caveat,
        sheet.method_text,
        *(_("Précaution : {caveat}").format(caveat=caveat) for caveat in caveats),
    ]
    if sheet.partial_note:
        notes.append(sheet.partial_note)
    footer = "".join(f"<p>{escape(note)}</p>" for note in notes)
    blocks = "".join(block_html(block) for block in sheet.blocks)
    meta = _("Observations de terrain {producer} ; {version} ; fiche produite le {day}.").format(
        producer=escape(producer_words()), version=escape(sheet.version_text), day=escape(sheet.produced_on)
    )
    # A sheet with many notes (partial totals, changes on a common field) is set a little tighter to hold on one page.
    dense = " dense" if sum(len(block.notes) for block in sheet.blocks) > DENSE_NOTES else ""
    return (
        f'<article class="sheet{dense}"><header><h1>{escape(sheet.title)}</h1>'
        f'<p class="facts">{escape(sheet.level_text)} · '
        f"{escape(sheet.population_text)} (INSEE)</p>"
        f'<p class="meta">{meta}</p>{demo}</header>'
        f"<main>{blocks}</main><footer>{footer}</footer></article>"
    )


def sheets_html(sheets: list[Sheet], title: str) -> str:
    """Self-contained HTML sized for A4, one sheet per page (its own print rules, no external request)."""
    return (
        f'<!DOCTYPE html><html lang="{current_language()}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{SHEET_STYLE}</style></head><body>"
        + "".join(sheet_body(sheet) for sheet in sheets)
        + "</body></html>"
    )


def sheet_html(sheet: Sheet) -> str:
    """The sheet as one self-contained HTML page sized for A4."""
    return sheets_html([sheet], sheet.title)


def page_count(pdf: bytes) -> int:
    """Pages of a PDF Chromium wrote (its page objects are never compressed): said, not assumed, by the command."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def sheet_file_name(sheet: Sheet, suffix: str = "pdf") -> str:
    """ "fiche_92050_nanterre.pdf", "fiche_200057990_boucle_nord_de_seine.pdf": ASCII, no spaces
    (in English "fact_sheet_92050_nanterre.pdf")."""
    return _("fiche_{code}_{name}.{suffix}").format(
        code=sheet.territory_code, name=file_name_part(sheet.name), suffix=suffix
    )


def sheet_pdfs(sheets: list[Sheet], workers: int = 4) -> list[bytes]:
    """Every sheet as its own one-page A4 PDF (in the order given). All sheets are printed in one
    Chromium run, one per page, and the document split into pages: a Chromium start costs more than
    a page. Should a sheet ever take more than one page, each is printed on its own instead (a few
    runs at once), so that a file never holds another territory's page."""
    if len(sheets) > 1:
        pages = split_pages(html_to_pdf(sheets_html(sheets, _("Fiches territoriales"))))
        if len(pages) == len(sheets):
            return pages
    return [one_pdf(sheet) for sheet in sheets] if workers <= 1 else _parallel_pdfs(sheets, workers)


def split_pages(pdf: bytes) -> list[bytes]:
    """Each page of a PDF as a PDF of its own."""
    reader = PdfReader(io.BytesIO(pdf))
    documents = []
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        documents.append(buffer.getvalue())
    return documents


def one_pdf(sheet: Sheet) -> bytes:
    return html_to_pdf(sheet_html(sheet))


def _parallel_pdfs(sheets: list[Sheet], workers: int) -> list[bytes]:
    # Each sheet printed in the caller's context: its language (a ContextVar) is not a thread's default.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        printing = [pool.submit(contextvars.copy_context().run, one_pdf, sheet) for sheet in sheets]
        return [future.result() for future in printing]


def sheet_pdf(sheet: Sheet) -> bytes:
    """One sheet as a one-page A4 PDF."""
    return one_pdf(sheet)
