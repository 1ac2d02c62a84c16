"""Tableau de bord sur la prostitution des mineurs: entry point, navigation only."""

from pathlib import Path

import streamlit as st

from indicators.i18n import _
from indicators.pages import PAGES, PRESENTATION
from views.components import apply_page_conventions
from views.errors import error_boundary
from views.keyed import start_run
from views.language import language_switch, session_language
from views.links import copy_link_button, presenter_mode
from views.process import collect_now_and_then, settle_imported_code
from views.routing import not_found_page, unknown_address

# Shipped with the app: a material-symbol favicon is fetched from an internet font host.
PAGE_ICON = Path(__file__).parent / "assets" / "icone.png"

settle_imported_code()
start_run()  # the data's fingerprint, read once for this run (views/cached.py)
session_language()  # French, or English with ?lang=en, for every text of this run (views/language.py)

presenting = presenter_mode()
st.set_page_config(
    page_title=_("Prostitution des mineurs : tableau de bord"),
    page_icon=str(PAGE_ICON),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "auto",
)

apply_page_conventions()

# Every page, declared once in indicators/pages.py (the tests' tours and the load test read it too).
pages = [
    st.Page(entry.script, title=_(entry.title), icon=entry.icon, url_path=entry.address or None, default=entry.default)
    for entry in PAGES
]
if presenting:
    # The presenter mode is the only page, with no navigation: ?mode=presentation&slide=N, at any address
    # (one that names no page gets its own hidden copy of the deck: views/routing.py).
    unknown = unknown_address([""])
    deck = [
        st.Page(PRESENTATION.script, title=_(PRESENTATION.title), default=address is None, url_path=address)
        for address in [None, *([unknown] if unknown else [])]
    ]
    page = st.navigation(deck, position="hidden")
else:
    # An address that names no page opens a page saying so, in the viewer's language (views/routing.py).
    unknown = unknown_address([page.url_path for page in pages])
    page = st.navigation([*pages, not_found_page(unknown, pages)] if unknown else pages)
    # Below the navigation, on every page: the address carries the page's choices (views/links.py).
    copy_link_button(st.sidebar)
    language_switch()
# Any unexpected error of a page: a French message and a reference, its traceback in the server log.
try:
    with error_boundary(page.title):
        page.run()
finally:
    collect_now_and_then()  # instead of Streamlit's collection after every run (.streamlit/config.toml)
