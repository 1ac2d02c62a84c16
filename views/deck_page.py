"""Présentation: the deck's slides, the presenter mode, and the offline exports for colloquiums."""

import streamlit as st

from indicators.deck_export import deck_html, deck_pdf, slides_zip
from views.cached import slides

deck = slides()
st.title("Présentation pour colloques")
st.markdown(
    "Le mode présentation montre une diapositive à la fois, en grands caractères, sans les commandes du tableau "
    "de bord ; les flèches du clavier font défiler les diapositives. L'ordre et le choix des diapositives se "
    "règlent dans le fichier `data/deck.csv`."
)
st.link_button("Lancer le mode présentation", "/?mode=presentation&slide=1", type="primary", icon=":material/slideshow:")

st.header("Emporter la présentation hors ligne")
first, second, third = st.columns(3)
first.download_button("Présentation HTML autonome", data=lambda: deck_html(deck).encode("utf-8"),
                      file_name="presentation_prostitution_mineurs.html", mime="text/html", icon=":material/download:")
second.download_button("Télécharger toutes les diapositives (PNG)", data=lambda: slides_zip(deck),
                       file_name="diapositives.zip", mime="application/zip", icon=":material/download:")
third.download_button("Document à distribuer (PDF)", data=lambda: deck_pdf(deck),
                      file_name="presentation_prostitution_mineurs.pdf", mime="application/pdf", icon=":material/download:")
st.caption("Le fichier HTML contient tout (graphiques compris) : il s'ouvre depuis une clé USB, sans réseau. "
           "Touche F : plein écran.")

st.header("Diapositives")
for slide in deck:
    with st.container(border=True):
        st.markdown(f"**{slide.number}. {slide.headline}**")
        st.caption(slide.source + (" — données fictives de démonstration" if slide.is_demo else ""))
        st.link_button(f"Ouvrir la diapositive {slide.number}", f"/?mode=presentation&slide={slide.number}")
