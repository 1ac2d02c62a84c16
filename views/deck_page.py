"""Présentation: the deck's slides, the presenter mode, and the offline exports for colloquiums."""

import html

import streamlit as st

from indicators.config import DEMO_LABEL_FR
from indicators.deck_export import deck_html, deck_pdf, slides_zip
from indicators.i18n import _
from views.cached import slides, slides_left_out
from views.errors import in_viewer_language
from views.links import presenter_address

# Links into the presenter mode open in this tab (relative: they also work under a base URL path);
# « Quitter la présentation » brings the speaker back here, in the same tab.
LINK_STYLE = """<style>
a.deck-link { display: inline-flex; align-items: center; min-height: 2.5rem; padding: 0.25rem 0.9rem;
    border-radius: 0.5rem; border: 1px solid rgba(49, 51, 63, 0.3); color: inherit; text-decoration: none;
    background: #ffffff; }
a.deck-link.primary { background: #0b57a4; border-color: #0b57a4; color: #ffffff; font-weight: 600; }
a.deck-link:hover { border-color: #0072B2; }
a.deck-link:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
</style>"""


def presenter_link(label: str, slide: int, primary: bool = False) -> None:
    css = "deck-link primary" if primary else "deck-link"
    # The link opens a new session: it carries the language (?lang=en), French needing none.
    href = html.escape(presenter_address(slide), quote=True)
    st.html(f'<a class="{css}" href="{href}" target="_self">{html.escape(label)}</a>')


deck = slides()
st.html(LINK_STYLE)
st.title(_("Présentation pour colloques"))
st.markdown(
    _(
        "Le mode présentation montre une diapositive à la fois, en grands caractères, sans les commandes du "
        "tableau de bord ; les flèches du clavier font défiler les diapositives. L'ordre et le choix des "
        "diapositives se règlent dans le fichier `data/deck.csv`."
    )
)

names = slides_left_out()
if names:
    st.info(
        _(
            "Diapositives laissées de côté, faute de données à montrer : {slides}. "
            "Elles reviendront d'elles-mêmes quand ces indicateurs auront des données."
        ).format(slides=_(" ; ").join(_("« {name} »").format(name=name) for name in names)),
        icon=":material/info:",
    )

if not deck:
    st.warning(
        _(
            "Aucune diapositive à présenter : aucun indicateur de la présentation n'a de données. Importez des "
            "données (page « Importer des données ») ou choisissez d'autres diapositives dans `data/deck.csv`."
        ),
        icon=":material/warning:",
    )
    st.stop()

presenter_link(_("Lancer le mode présentation"), 1, primary=True)

# The files are built when asked for, outside this script run: in the page's language all the same.
st.header(_("Emporter la présentation hors ligne"))
DECK_FILES = (
    (
        _("Présentation HTML autonome"),
        lambda: deck_html(deck).encode("utf-8"),
        "presentation_prostitution_mineurs.html",
        "text/html",
    ),
    (_("Télécharger toutes les diapositives (PNG)"), lambda: slides_zip(deck), "diapositives.zip", "application/zip"),
    (
        _("Document à distribuer (PDF)"),
        lambda: deck_pdf(deck),
        "presentation_prostitution_mineurs.pdf",
        "application/pdf",
    ),
)
for column, (label, make, file_name, mime) in zip(st.columns(3), DECK_FILES):
    column.download_button(
        label, data=in_viewer_language(make), file_name=file_name, mime=mime, icon=":material/download:"
    )
st.caption(
    _(
        "Le fichier HTML contient tout (graphiques compris) : il s'ouvre depuis une clé USB, sans réseau. "
        "Touche F : plein écran."
    )
)

st.header(_("Diapositives"))
demo_label = _(DEMO_LABEL_FR).lower()
for slide in deck:
    with st.container(border=True):
        st.markdown(f"**{slide.number}. {slide.headline}**")
        demo = slide.is_demo and demo_label not in slide.source.lower()  # said once, not twice
        st.caption(
            _("{source} — données fictives de démonstration").format(source=slide.source) if demo else slide.source
        )
        presenter_link(_("Ouvrir la diapositive {number}").format(number=slide.number), slide.number)
