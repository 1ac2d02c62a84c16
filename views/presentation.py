"""Mode présentation (?mode=presentation&slide=N): one slide, large type, no app controls."""

import streamlit as st

from indicators.config import DEMO_LABEL_FR
from indicators.deck import presentation_style
from indicators.deck_export import first_sentence
from views.cached import slides

# Static style only (no data in it): hide the app's chrome and enlarge the text for a room.
st.html("""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 3rem 0.5rem !important; max-width: 100% !important; }
[data-testid="stMain"] h1 { font-size: 36px !important; line-height: 1.2 !important; padding: 0 0 0.3rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { font-size: 18px !important; color: #1a1a1a !important; }
/* The chart takes the room's screen height, whatever the projector's resolution. */
[data-testid="stPlotlyChart"] { height: calc(100vh - 340px) !important; min-height: 300px; }
[data-testid="stAlertContainer"] p { font-size: 20px !important; font-weight: 700; color: #3d2a00 !important; }
[data-testid="stAlertContainer"] { padding: 0.35rem 0.8rem !important; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.4rem !important; }
[data-testid="stMain"] button p { font-size: 20px !important; }
</style>""")

deck = slides()
requested = st.query_params.get("slide", "1")
number = min(max(int(requested) if requested.isdigit() else 1, 1), len(deck))
slide = deck[number - 1]


def go_to(target: int) -> None:
    st.query_params["slide"] = str(target)


st.title(slide.headline, anchor=False)
if slide.is_demo:
    st.warning(DEMO_LABEL_FR, icon=":material/science:")
st.plotly_chart(presentation_style(slide.figure, None), config={"displayModeBar": False, "responsive": True},
                height="stretch", key=f"slide_{number}")
st.caption(slide.source)
st.caption(f"Précaution : {first_sentence(slide.caveat)}")

previous, counter, following, leave = st.columns([2, 1, 2, 2], vertical_alignment="center")
previous.button("← Précédente", on_click=go_to, args=(number - 1,), disabled=number == 1, shortcut="ArrowLeft",
                key="previous_slide", width="stretch")
counter.header(f"{number} / {len(deck)}", anchor=False)
following.button("Suivante →", on_click=go_to, args=(number + 1,), disabled=number == len(deck), shortcut="ArrowRight",
                 key="next_slide", width="stretch")
leave.link_button("Quitter la présentation", "/presentation", width="stretch")
