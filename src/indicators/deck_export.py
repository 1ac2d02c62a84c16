"""Offline exports of the deck and charts: one self-contained HTML file, PNG/SVG images, a PDF.

The HTML inlines plotly.js and makes no network request, so it opens from a USB stick. Images
and the PDF are made by headless Chromium (`indicators.chromium`), both with the headline, source
line, caveat and demo label drawn into the page, not only the plot area.
Their words follow the current language (`indicators.i18n`), the page's `lang` too.
"""

from __future__ import annotations

import html
import io
import zipfile

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from indicators.chromium import figure_image, html_to_pdf
from indicators.config import DEMO_LABEL_FR
from indicators.deck import (
    Slide,
    is_tile_map,
    presentation_style,
    stack_key_date_labels,
    wrap,
)
from indicators.i18n import N_, _, current_language

IMAGE_WIDTH, IMAGE_HEIGHT = 1920, 1080
PRINTED_SLIDE = (1122, 631)  # the 297 × 167 mm page at 96 dpi: charts are drawn at page width
DECK_TITLE = N_("Prostitution des mineurs : chiffres clés")


def first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def with_footer(
    figure: go.Figure, footer: list[str], x: float, yanchor: str, font_size: int, yshift: int = 0
) -> go.Figure:
    """The image's source, caveat and demo label, one per line, left-aligned from `x` (a fraction of
    the plot's width) at the foot of the plot: above its bottom edge (`yanchor="bottom"`) or below."""
    return figure.add_annotation(
        text="<br>".join(footer),
        xref="paper",
        yref="paper",
        x=x,
        y=0,
        yshift=yshift,
        xanchor="left",
        yanchor=yanchor,
        align="left",
        showarrow=False,
        font=dict(size=font_size, color="#1a1a1a"),
    )


def map_for_image(figure: go.Figure, headline: str, footer: list[str]) -> go.Figure:
    """A tile map as a 1920×1080 image: the map on the left at the image's whole height (the
    département is taller than wide: under a headline it would shrink to a third of the width), its
    headline, legend, source and caveat on the right."""
    framed = presentation_style(figure, IMAGE_HEIGHT)
    title = wrap(headline, 46)
    scaled = bool(framed.data[-1].marker.showscale)
    legend_top = 0.94 - 0.04 * (title.count("<br>") + 1)
    framed.update_layout(
        width=IMAGE_WIDTH,
        height=IMAGE_HEIGHT,
        title=dict(text=title, x=0.47, xanchor="left", y=0.97, yanchor="top", font=dict(size=34, color="#000000")),
        margin=dict(t=30, b=30, l=30, r=40),
        xaxis=dict(domain=[0, 0.45]),
        legend=dict(x=0.47 if not scaled else 0.57, y=legend_top, yanchor="top", font_size=20, tracegroupgap=4),
    )
    framed.update_traces(
        selector=dict(name="communes"),
        marker_colorbar=dict(x=0.47, xanchor="left", y=legend_top, yanchor="top", len=0.35),
    )
    return with_footer(framed, footer, x=0.47, yanchor="bottom", font_size=19)


def figure_for_image(figure: go.Figure, headline: str, source: str, caveat: str, is_demo: bool) -> go.Figure:
    """The chart with its headline as title and source, caveat and demo label drawn under it (beside
    it for a tile map: `map_for_image`)."""
    if is_tile_map(figure):
        footer = [wrap(source, 80), _("Précaution : {caveat}").format(caveat=wrap(first_sentence(caveat), 80))]
        return map_for_image(figure, headline, [*footer, f"<b>{_(DEMO_LABEL_FR)}</b>"] if is_demo else footer)
    framed = presentation_style(figure, IMAGE_HEIGHT)
    footer = [wrap(source, 150), _("Précaution : {caveat}").format(caveat=wrap(first_sentence(caveat), 140))]
    if is_demo:
        footer.append(f"<b>{_(DEMO_LABEL_FR)}</b>")
    title = wrap(headline, 75)
    # The headline on top, then the key-date labels stacked above the plot: the plot starts below both.
    top = 50 + 42 * (title.count("<br>") + 1) + stack_key_date_labels(framed)
    legend_room = 115
    framed.update_layout(
        width=IMAGE_WIDTH,
        height=IMAGE_HEIGHT,
        title=dict(text=title, x=0.02, xanchor="left", y=0.97, yanchor="top", font=dict(size=34, color="#000000")),
        margin=dict(
            t=max(150, top), b=legend_room + 35 + 26 * sum(part.count("<br>") + 1 for part in footer), l=110, r=60
        ),
    )
    framed.update_layout(legend=dict(y=-0.06, yanchor="top"))
    return with_footer(framed, footer, x=0, yanchor="top", font_size=18, yshift=-legend_room)


def chart_image(
    figure: go.Figure, headline: str, source: str, caveat: str, is_demo: bool, image_format: str = "png"
) -> bytes:
    """A 1920×1080 PNG or an SVG of a chart, ready to paste into slides or a report."""
    return figure_image(
        figure_for_image(figure, headline, source, caveat, is_demo), image_format, IMAGE_WIDTH, IMAGE_HEIGHT
    )


def slides_zip(slides: list[Slide]) -> bytes:
    """Every slide as a 1920×1080 PNG, in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for slide in slides:
            image = chart_image(slide.figure, slide.headline, slide.source, slide.caveat, slide.is_demo)
            archive.writestr(slide_file_name(slide), image)
    return buffer.getvalue()


def slide_file_name(slide: Slide) -> str:
    """ "diapositive_01_estimation_nationale.png" (in English "slide_01_estimation_nationale.png")."""
    return _("diapositive_{number}_{slide}.png").format(number=f"{slide.number:02d}", slide=slide.slide_id)


DECK_STYLE = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: #fff; color: #000; font-family: Arial, Helvetica, sans-serif; }
.slide { display: none; height: calc(100vh - 56px); padding: 2.5vh 4vw 1vh; flex-direction: column; }
.slide.active { display: flex; }
.slide h1 { font-size: max(32px, 3.6vh); line-height: 1.2; margin: 0 0 1vh; }
.demo { display: inline-block; align-self: flex-start; background: #fff3cd; color: #5c3c00; border: 2px solid #8a5a00;
        font-size: 20px; font-weight: bold; padding: 2px 10px; margin-bottom: 1vh; }
.chart { flex: 1 1 auto; min-height: 0; }
.source, .caveat { font-size: max(16px, 1.9vh); margin: 0.4vh 0; }
nav { position: fixed; bottom: 0; left: 0; right: 0; height: 56px; display: flex; gap: 1em; align-items: center;
      justify-content: flex-end; font-size: 20px; padding: 0 4vw; background: #fff; }
nav button { font-size: 20px; padding: 4px 16px; border: 2px solid #000; background: #fff; cursor: pointer; }
nav button:focus { outline: 3px solid #0072B2; }
.sources { display: none; }
@page { size: 297mm 167mm; margin: 8mm; }
.printing .slide { display: flex; height: 150mm; page-break-after: always; padding: 0; }
.printing nav { display: none; }
.printing .sources { display: block; font-size: 11pt; }
.printing .sources li { margin-bottom: 4pt; }
/* A map slide: the map at the slide's whole height on the left (the département is taller than wide),
   its words on the right. */
.map-slide { flex: 1 1 auto; min-height: 0; display: grid; grid-template-columns: 56% 1fr; gap: 2.5vw; }
.map-slide .picture { min-height: 0; height: 100%; }
.map-slide .picture svg { display: block; width: 100%; height: 100%; }
.map-slide .words { overflow: hidden; }
.map-slide h1 { font-size: max(26px, 3.2vh); }
"""

DECK_SCRIPT = """
const slides = Array.from(document.querySelectorAll('.slide'));
const counter = document.getElementById('counter');
let current = 0;
function draw(index) {
  const slide = slides[index];
  const target = slide.querySelector('.chart');
  if (!target) return;  // a map slide is one picture, drawn by the browser itself
  if (!target.dataset.drawn) {
    const spec = JSON.parse(slide.querySelector('script[type="application/json"]').textContent);
    if (target.dataset.textHeight) fitText(spec, target.clientHeight / Number(target.dataset.textHeight));
    Plotly.newPlot(target, spec.data, spec.layout, {displayModeBar: false, responsive: true});
    target.dataset.drawn = '1';
  } else { Plotly.Plots.resize(target); }
}
// A tile map's labels are sized for the height it was drawn for: in a smaller box (a printed page),
// they shrink with it, or they would spill over the tiles.
function fitText(spec, factor) {
  if (!(factor > 0 && factor < 1)) return;
  const scale = (font) => { if (font && font.size) font.size = Math.max(6, font.size * factor); };
  spec.data.forEach((trace) => {
    scale(trace.textfont);
    if (trace.marker && trace.marker.colorbar) {
      scale(trace.marker.colorbar.tickfont);
      if (trace.marker.colorbar.title) scale(trace.marker.colorbar.title.font);
    }
  });
  if (spec.layout.legend) scale(spec.layout.legend.font);
  scale(spec.layout.font);
}
function show(index) {
  current = Math.max(0, Math.min(slides.length - 1, index));
  slides.forEach((slide, position) => slide.classList.toggle('active', position === current));
  counter.textContent = (current + 1) + ' / ' + slides.length;
  draw(current);
  history.replaceState(null, '', '#' + (current + 1));
}
document.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowRight' || event.key === 'PageDown' || event.key === ' ') {
    show(current + 1);
    event.preventDefault();
  }
  if (event.key === 'ArrowLeft' || event.key === 'PageUp') { show(current - 1); event.preventDefault(); }
  if (event.key === 'Home') show(0);
  if (event.key === 'End') show(slides.length - 1);
  if (event.key === 'f' || event.key === 'F') toggleFullScreen();
});
function toggleFullScreen() {
  if (!document.fullscreenElement) { document.documentElement.requestFullscreen(); } else { document.exitFullscreen(); }
}
if (location.search.includes('print')) {
  // Printing: every slide visible at once, each drawn at its page size.
  document.body.classList.add('printing');
  slides.forEach((slide, index) => draw(index));
} else {
  show((parseInt(location.hash.slice(1), 10) || 1) - 1);
}
"""


def map_section(slide: Slide, total: int) -> str:
    """A map slide as one picture (`Slide.picture`, the SVG of the presenter mode, inline: it scales as a whole,
    labels with their tiles) on the left at the slide's whole height, and its headline, demo label,
    source and caveat on the right: on a 16:9 page the map and its legend then take more than half
    the width, where under a headline the map took a third."""
    demo = f'<div class="demo">{html.escape(_(DEMO_LABEL_FR))}</div>' if slide.is_demo else ""
    where = html.escape(_("Diapositive {number} sur {total}").format(number=slide.number, total=total), quote=True)
    caveat = html.escape(_("Précaution : {caveat}").format(caveat=first_sentence(slide.caveat)))
    description = html.escape(slide.description or slide.headline, quote=True)
    # The picture inline (no file, no address to fetch): every text in it was escaped by tile_map_svg.
    return (
        f'<section class="slide" id="slide-{slide.number}" aria-label="{where}">'
        f'<div class="map-slide"><div class="picture" role="img" aria-label="{description}">{slide.picture}'
        f'</div><div class="words"><h1>{html.escape(slide.headline)}</h1>{demo}'
        f'<p class="source">{html.escape(slide.source)}</p><p class="caveat">{caveat}</p></div></div>'
        "</section>"
    )


def slide_section(slide: Slide, total: int) -> str:
    if slide.picture:
        return map_section(slide, total)
    map_text = slide.figure.layout.height if is_tile_map(slide.figure) else None
    figure = presentation_style(slide.figure, 560)
    figure.update_layout(height=None, autosize=True)
    spec = figure.to_json().replace("</", "<\\/")  # a label can never close the script element
    demo = f'<div class="demo">{html.escape(_(DEMO_LABEL_FR))}</div>' if slide.is_demo else ""
    where = html.escape(_("Diapositive {number} sur {total}").format(number=slide.number, total=total), quote=True)
    caveat = html.escape(_("Précaution : {caveat}").format(caveat=first_sentence(slide.caveat)))
    return (
        f'<section class="slide" id="slide-{slide.number}" aria-label="{where}">'
        f"<h1>{html.escape(slide.headline)}</h1>{demo}"
        f'<div class="chart" role="img" aria-label="{html.escape(slide.description or slide.headline, quote=True)}"'
        + (f' data-text-height="{int(map_text)}"' if map_text else "")
        + "></div>"
        f'<script type="application/json">{spec}</script>'
        f'<p class="source">{html.escape(slide.source)}</p>'
        f'<p class="caveat">{caveat}</p>'
        "</section>"
    )


def deck_html(slides: list[Slide], title: str | None = None) -> str:
    """One self-contained HTML file: plotly.js inlined, keyboard navigation, full screen (F); its
    words in the current language (the title by default « Prostitution des mineurs : chiffres clés »)."""
    title = _(DECK_TITLE) if title is None else title
    sections = "".join(slide_section(slide, len(slides)) for slide in slides)
    sources = "".join(
        f"<li>{html.escape(source)}</li>" for source in dict.fromkeys(slide.full_source for slide in slides)
    )
    # Words looked up before the f-string: the catalogue's extraction does not read inside one.
    sources_title = html.escape(_("Sources"))
    navigation = html.escape(_("Navigation entre diapositives"))
    previous, following = html.escape(_("← Précédente")), html.escape(_("Suivante →"))
    full_screen = html.escape(_("Plein écran (F)"))
    return (
        f'<!DOCTYPE html><html lang="{current_language()}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{DECK_STYLE}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>{sections}"
        f'<section class="sources"><h1>{sources_title}</h1><ul>{sources}</ul></section>'
        f'<nav aria-label="{navigation}">'
        f'<button type="button" onclick="show(current - 1)">{previous}</button>'
        '<span id="counter" aria-live="polite"></span>'
        f'<button type="button" onclick="show(current + 1)">{following}</button>'
        f'<button type="button" onclick="toggleFullScreen()">{full_screen}</button></nav>'
        f"<script>{DECK_SCRIPT}</script></body></html>"
    )


def deck_pdf(slides: list[Slide]) -> bytes:
    """The deck printed by headless Chromium: one slide per page, the sources on the last page (`?print`
    shows every slide; twenty seconds of script time let Plotly draw them all)."""
    return html_to_pdf(deck_html(slides), PRINTED_SLIDE, query="?print", script_time_ms=20_000)
