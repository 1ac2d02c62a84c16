"""Ma commune: one territory's sheet (a commune, an EPT or the département), on screen and as one A4 PDF."""

import streamlit as st

from indicators.cards import DELTA_COLOURS
from indicators.i18n import _
from indicators.labels import translated
from indicators.scope import producer_words
from indicators.sheet_export import (
    MEASURES_FR,
    sheet_file_name,
    sheet_pdf,
    trend_alt,
    trend_svg,
)
from views.cached import places, tables, territory_sheet
from views.components import demo_banner, svg_figure
from views.errors import safe_download
from views.links import shared_choice

# Static CSS only (never data): the browser's own print gives the sheet alone, without the app around it.
PRINT_STYLE = """<style>
@media print {
  @page { size: A4 portrait; margin: 8mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stSidebarCollapsedControl"], .stDownloadButton, .st-key-territoire, .st-key-mesure,
  .copy-link { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; zoom: 0.5; }
  [data-testid="stVerticalBlockBorderWrapper"] { break-inside: avoid; }
}
</style>"""

data = tables()
st.html(PRINT_STYLE)
st.title(_("Ma commune : fiche territoriale"))
choices = places()
left, right = st.columns([2, 1])
code = shared_choice(left.selectbox, _("Territoire"), list(choices), format_func=choices.get, key="territoire")
measure = shared_choice(
    right.radio,
    _("Graphiques en"),
    list(MEASURES_FR),
    format_func=translated(MEASURES_FR).get,
    key="mesure",
    horizontal=True,
)
sheet = territory_sheet(code)

st.header(sheet.title, anchor=False)
st.markdown(f"{sheet.level_text} · {sheet.population_text} (INSEE)")
st.caption(
    _("Observations de terrain {producer} ; {version} ; fiche produite le {day}.").format(
        producer=producer_words(), version=sheet.version_text, day=sheet.produced_on
    )
)
if sheet.is_demo:
    demo_banner()
st.download_button(
    _("Télécharger la fiche (PDF A4)"),
    data=safe_download(lambda: sheet_pdf(sheet), "pdf", sheet_file_name(sheet)),
    file_name=sheet_file_name(sheet),
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
    key="fiche_pdf",
)
st.caption(
    _(
        "Pour le conseil municipal : le PDF tient sur une page A4, avec ses sources ; l'impression de la page "
        "elle-même (Ctrl+P) en prend deux."
    )
)

for block in sheet.blocks:
    with st.container(border=True):
        st.markdown(
            f"**{block.label}** ({block.unit})",
            help=_("{definition}\n\nPrécaution : {caveat}").format(definition=block.definition, caveat=block.caveat),
        )
        if not block.has_data:
            st.markdown(
                _("Aucune donnée : rien n'a été importé pour ce territoire et cet indicateur (ce n'est pas un zéro).")
            )
            continue
        st.caption(block.window_text)
        figures, chart = st.columns([3, 2])
        cards = block.cards
        # An arrow and a colour only for a change beyond chance; neither colour says "good" or "bad".
        for column, card in zip(figures.columns(len(cards)), cards):
            column.metric(
                card.label,
                card.value,
                delta=card.note or None,
                delta_color=DELTA_COLOURS[card.arrow] if card.arrow != "off" else "off",
                delta_arrow=card.arrow,
                help=card.help or None,
            )
        for note in block.notes:
            figures.caption(note)
        if block.trend:
            svg_figure(chart, trend_svg(block, measure), block.label, trend_alt(block, measure))

st.caption(sheet.sources_text)
st.caption(sheet.population_source)
st.caption(sheet.secret_text)
st.caption(sheet.rate_caveat)
st.caption(sheet.method_text)
for caveat in dict.fromkeys(block.caveat for block in sheet.blocks if block.has_data):
    st.caption(_("Précaution : {caveat}").format(caveat=caveat))
if sheet.partial_note:
    st.caption(sheet.partial_note)
