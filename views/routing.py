"""Addresses that name no page: a page of the dashboard's own says so, in the viewer's language.

When an address names no page (a typo, a link cut short, a page renamed), `st.navigation` runs the
main page under an English box, « Page not found », that no setting translates. Instead, the name
asked for is given a hidden page of its own: a short page that says so and links every page (or, in
the presenter mode, the deck itself: a typo in a projected address is no reason to stop a talk).

Streamlit has no public API for the name asked for: the script run's pages manager holds it, and
only on the first run of an address (a rerun names its page by hash, so the name is kept in the
session while the viewer stays there). Should that attribute go, `st.navigation` falls back to its
own box, which views/interface_fr.py translates in a French page.
"""

from __future__ import annotations

from functools import partial

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from indicators.formatting import escape_markdown
from indicators.i18n import _

# The name of the unknown address this session was opened at (a rerun asks for its page by hash).
UNKNOWN_ADDRESS_KEY = "adresse_inconnue"
QUOTED_ADDRESS_CHARS = 60


def requested_page_name() -> str | None:
    """The page name this run's address asks for; None when the run asks by hash or for the main page."""
    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    if manager is None or getattr(manager, "intended_page_script_hash", None):
        return None
    name = getattr(manager, "intended_page_name", None)
    return name if isinstance(name, str) and name else None


def unknown_address(known: list[str]) -> str | None:
    """The name asked for when no page has it (kept for the session's reruns), None otherwise.

    Only a name `st.Page` takes as its address unchanged: no slash, no space at either end."""
    name = requested_page_name()
    if name is not None and name not in known and name == name.strip().strip("/") and "/" not in name:
        st.session_state[UNKNOWN_ADDRESS_KEY] = name
    remembered = st.session_state.get(UNKNOWN_ADDRESS_KEY)
    return remembered if isinstance(remembered, str) and remembered not in known else None


def not_found_page(name: str, pages: list[StreamlitPage]) -> StreamlitPage:
    """A hidden page at the unknown address: what was asked for, and a link to every page."""
    view = partial(show_not_found, name, pages)
    return st.Page(view, title=_("Page introuvable"), url_path=name, visibility="hidden")


def show_not_found(name: str, pages: list[StreamlitPage]) -> None:
    st.title(_("Page introuvable"))
    asked = name if len(name) <= QUOTED_ADDRESS_CHARS else name[: QUOTED_ADDRESS_CHARS - 1] + "…"
    st.info(
        _(
            "L'adresse demandée, « /{address} », ne mène à aucune page du tableau de bord : le lien est peut-être "
            "incomplet ou ancien. Choisir une page :"
        ).format(address=escape_markdown(asked)),
        icon=":material/link_off:",
    )
    for page in pages:
        st.page_link(page)
