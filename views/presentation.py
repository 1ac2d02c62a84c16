"""Mode présentation (?mode=presentation&slide=N): one slide, large type, no app controls."""

import base64
import html
from collections.abc import Callable
from typing import Protocol

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from indicators.config import DEMO_LABEL_FR
from indicators.deck import presentation_style, requested_slide, slide_notice
from indicators.deck_export import first_sentence
from indicators.formatting import escape_markdown
from indicators.i18n import _
from views.cached import slides
from views.links import address_of, slide_asked, write_slide

# Back to the Présentation page in the same tab (relative: it also works under a base URL path).
# st.link_button always opens a new tab, which leaves the speaker with two copies of the app.
EXIT_URL = "./presentation"

# Static style only (no data in it): hide the app's chrome and enlarge the text for a room.
# The slide is one column as high as the screen: the chart takes whatever the headline, the
# captions and the navigation row leave, at any projector resolution.
st.html("""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 3rem 0.8rem !important; max-width: 100% !important;
    height: calc(100vh - 8px); display: flex; flex-direction: column; }  /* 8px: stMain's own bottom edge */
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {
    flex: 1 1 auto; min-height: 0; gap: 0.4rem !important; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
    > [data-testid="stElementContainer"]:has([data-testid="stPlotlyChart"]) {
    flex: 1 1 0; min-height: 260px; }
[data-testid="stMainBlockContainer"] [data-testid="stPlotlyChart"] { height: 100% !important; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
    > [data-testid="stElementContainer"]:has(.slide-map) {
    flex: 1 1 0; min-height: 260px; }
[data-testid="stElementContainer"]:has(.slide-map) [data-testid="stHtml"], .slide-map { height: 100%; width: 100%; }
.slide-map img { display: block; width: 100%; height: 100%; object-fit: contain; object-position: left top; }
/* A map slide: the map on the left, as high as the screen allows (the département is taller than wide),
   its words on the right. */
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
    > [data-testid="stLayoutWrapper"]:has(.slide-map),
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
    > [data-testid="stHorizontalBlock"]:has(.slide-map) { flex: 1 1 0; min-height: 0; }
[data-testid="stHorizontalBlock"]:has(.slide-map), [data-testid="stColumn"]:has(.slide-map),
[data-testid="stColumn"]:has(.slide-map) > [data-testid="stVerticalBlock"] { height: 100%; }
[data-testid="stColumn"]:has(.slide-map) [data-testid="stElementContainer"]:has(.slide-map) {
    flex: 1 1 0; min-height: 0; }
[data-testid="stColumn"]:has(.slide-words) h1 { font-size: 32px !important; }
[data-testid="stMain"] h1 { font-size: 36px !important; line-height: 1.2 !important; padding: 0 0 0.3rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {
    font-size: 18px !important; color: #1a1a1a !important; }
[data-testid="stAlertContainer"] p { font-size: 20px !important; font-weight: 700; color: #3d2a00 !important; }
[data-testid="stAlertContainer"] { padding: 0.35rem 0.8rem !important; }
[data-testid="stMain"] button p { font-size: 20px !important; }
a.presentation-exit { display: flex; align-items: center; justify-content: center; min-height: 2.5rem;
    padding: 0.25rem 0.75rem; border: 1px solid rgba(49, 51, 63, 0.3); border-radius: 0.5rem; color: inherit;
    text-decoration: none; font-size: 20px; background: #ffffff; }
a.presentation-exit:hover { border-color: #0072B2; color: #0072B2; }
a.presentation-exit:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
</style>""")


class HtmlPlace(Protocol):
    """Where the link goes: a column, or `st` itself (the page's body)."""

    @property
    def html(self) -> Callable[..., DeltaGenerator]: ...


def exit_link(place: HtmlPlace) -> None:
    """A plain link, styled as the other buttons, that leaves the presenter mode in the same tab (a new
    session: it carries the language, French needing none)."""
    url = address_of(EXIT_URL)
    # Translated outside the f-string: the catalogue's extractor does not read inside one (Python 3.11).
    label = _("Quitter la présentation")
    place.html(
        f'<a class="presentation-exit" href="{html.escape(url, quote=True)}" target="_self">{html.escape(label)}</a>'
    )


deck = slides()
if not deck:
    st.title(_("Aucune diapositive à présenter"), anchor=False)
    st.info(
        _(
            "Aucun indicateur de la présentation n'a de données à montrer : les diapositives des indicateurs sans "
            "données sont laissées de côté. Importez des données (page « Importer des données ») ou choisissez "
            "d'autres diapositives dans le fichier data/deck.csv."
        ),
        icon=":material/info:",
    )
    exit_link(st)
    st.stop()

asked = slide_asked()
request = requested_slide(asked, len(deck))
number = request.number
slide = deck[number - 1]
if request.corrected and asked is not None:
    write_slide(number)  # a bookmark or a copied link now names the slide shown
    st.info(escape_markdown(slide_notice(asked, number, len(deck))), icon=":material/link_off:")


def go_to(target: int) -> None:
    write_slide(target)


if slide.picture:
    # A map is one picture that shrinks as a whole: labels sized in pixels would spill over smaller tiles.
    # It takes the left of the slide at its full height, the demo label under it (the département is
    # taller than wide: there is room below); the headline and captions stand beside it.
    picture_place, words = st.columns([4, 3], gap="medium")
    picture = base64.b64encode(slide.picture.encode("utf-8")).decode("ascii")
    picture_place.html(
        f'<div class="slide-map"><img src="data:image/svg+xml;base64,{picture}" '
        f'alt="{html.escape(slide.description or slide.headline, quote=True)}"></div>'
    )
    if slide.is_demo:
        picture_place.warning(_(DEMO_LABEL_FR), icon=":material/science:")
    words.html('<span class="slide-words"></span>')
    words.title(slide.headline, anchor=False)
    words.caption(slide.source)
    words.caption(_("Précaution : {caveat}").format(caveat=first_sentence(slide.caveat)))
else:
    st.title(slide.headline, anchor=False)
    if slide.is_demo:
        st.warning(_(DEMO_LABEL_FR), icon=":material/science:")
    st.plotly_chart(
        presentation_style(slide.figure, None),
        config={"displayModeBar": False, "responsive": True},
        height="stretch",
        key=f"slide_{number}",
    )
    st.caption(slide.source)
    st.caption(_("Précaution : {caveat}").format(caveat=first_sentence(slide.caveat)))

previous, counter, following, leave = st.columns([2, 1, 2, 2], vertical_alignment="center")
# The arrow keys are the buttons' shortcuts: Streamlit draws the key (← or →) after the label,
# so the labels carry no arrow of their own.
previous.button(
    _("Précédente"),
    on_click=go_to,
    args=(number - 1,),
    disabled=number == 1,
    shortcut="ArrowLeft",
    key="previous_slide",
    width="stretch",
)
counter.header(f"{number} / {len(deck)}", anchor=False)
following.button(
    _("Suivante"),
    on_click=go_to,
    args=(number + 1,),
    disabled=number == len(deck),
    shortcut="ArrowRight",
    key="next_slide",
    width="stretch",
)
exit_link(leave)
