"""Tableau de bord sur la prostitution des mineurs: entry point, navigation only."""

import streamlit as st

from views.components import apply_page_conventions
from views.process import settle_imported_code

settle_imported_code()

presenting = st.query_params.get("mode") == "presentation"
st.set_page_config(
    page_title="Prostitution des mineurs : tableau de bord",
    page_icon=":material/monitoring:",
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "auto",
)

apply_page_conventions()

pages = [
    st.Page("views/overview.py", title="Vue d'ensemble", icon=":material/dashboard:", default=True),
    st.Page("views/trends.py", title="Tendances", icon=":material/show_chart:", url_path="tendances"),
    st.Page("views/territories.py", title="Territoires", icon=":material/map:", url_path="territoires"),
    st.Page("views/sources.py", title="Sources et méthode", icon=":material/menu_book:", url_path="sources"),
    st.Page("views/importer.py", title="Importer des données", icon=":material/upload_file:", url_path="importer"),
    st.Page("views/history.py", title="Historique", icon=":material/history:", url_path="historique"),
    st.Page("views/deck_page.py", title="Présentation", icon=":material/slideshow:", url_path="presentation"),
]
if presenting:
    # The presenter mode is the only page, with no navigation: ?mode=presentation&slide=N.
    st.navigation([st.Page("views/presentation.py", title="Mode présentation", default=True)], position="hidden").run()
else:
    st.navigation(pages).run()
