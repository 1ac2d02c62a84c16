"""The viewer's language: French by default, English with `?lang=en`, kept in the address.

The address is the authority when a session opens (a shared link, a bookmark); the switch in the
sidebar then holds the choice for the session and writes it back into the address on every run,
so that a copied link keeps it (Streamlit's page navigation does not carry plain query parameters).
The switch is not bound with `bind="query-params"`: a bound widget writes its *formatted* option
("English") in the address, and the address promised to partners is `?lang=en`.

When the language changes, the tab reloads in the new language (views/components.py): Streamlit's
own controls, rewritten in French by views/interface_fr.py, are then drawn again from scratch, and
a screen reader hears the change announced.
"""

from __future__ import annotations

import streamlit as st

from indicators.i18n import LANGUAGE_NAMES, LANGUAGES, Language, as_language, set_language
from views.links import address_language, write_language

SWITCH_KEY = "langue"
# The switch's label says itself in both languages: a guest who reads no French must find it.
SWITCH_LABEL = "Langue · Language"


def session_language() -> Language:
    """The language of this run, set for the whole package (indicators.i18n): the switch's value
    once the session has one, else the address's `?lang=`."""
    if SWITCH_KEY not in st.session_state:
        st.session_state[SWITCH_KEY] = address_language()
    language = as_language(st.session_state[SWITCH_KEY])
    set_language(language)
    write_language(language)
    return language


def language_switch() -> None:
    """The switch, in the sidebar: each language named in itself."""
    st.sidebar.radio(
        SWITCH_LABEL,
        LANGUAGES,
        format_func=lambda language: LANGUAGE_NAMES[language],
        key=SWITCH_KEY,
        horizontal=True,
    )
