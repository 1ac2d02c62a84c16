"""Ma commune: one territory's sheet (a commune, an EPT or the département), on screen and as one A4 PDF."""

import streamlit as st

from indicators.cards import DELTA_COLOURS
from indicators.formatting import change_direction
from indicators.i18n import _
from indicators.labels import translated
from indicators.sheet_export import (
    MEASURES_FR,
    sheet_file_name,
    sheet_pdf,
    trend_alt,
    trend_svg,
)
from views.cached import places, tables, territory_sheet
from views.components import demo_banner
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
    _("Observations de terrain du Département ; {version} ; fiche produite le {day}.").format(
        version=sheet.version_text, day=sheet.produced_on
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
        current, previous = block.current, block.previous
        assert current is not None  # a block with data always has its latest window
        st.caption(
            _("{period}, comparé à {previous}").format(period=current.period, previous=previous.period)
            if previous
            else _("{period} (pas de chiffre un an plus tôt)").format(period=current.period)
        )
        figures, chart = st.columns([3, 2])
        cards = figures.columns(4 if block.department else 3)
        # The arrow follows the sign; neither colour says "good" or "bad" (cards.DELTA_COLOURS).
        direction = change_direction(block.change_percent)
        cards[0].metric(
            _("Derniers 12 mois"),
            current.text,
            delta=block.change_text,
            delta_color=DELTA_COLOURS[direction],
            delta_arrow=direction,
        )
        cards[1].metric(_("Un an plus tôt"), previous.text if previous else "—")
        cards[2].metric(_("Taux / 10 000 hab."), current.rate_text)
        if block.department:
            cards[3].metric(
                "Hauts-de-Seine",
                block.department.text,
                delta=_("taux : {rate}").format(rate=block.department.rate_text),
                delta_color="off",
                delta_arrow="off",
            )
        if block.count_rank and block.rate_rank:
            figures.caption(
                _("Classement {year} : effectif, {count_rank} ; taux, {rate_rank}.").format(
                    year=block.rank_year, count_rank=block.count_rank.text, rate_rank=block.rate_rank.text
                )
            )
        elif sheet.level != "departement":
            figures.caption(_("Classement : pas d'année complète à classer."))
        if block.trend:
            chart.image(trend_svg(block, measure), caption=trend_alt(block, measure), width="stretch")

st.caption(sheet.sources_text)
st.caption(sheet.population_source)
st.caption(sheet.secret_text)
st.caption(sheet.rate_caveat)
for caveat in dict.fromkeys(block.caveat for block in sheet.blocks if block.has_data):
    st.caption(_("Précaution : {caveat}").format(caveat=caveat))
if sheet.partial_note:
    st.caption(sheet.partial_note)
