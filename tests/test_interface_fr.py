"""Streamlit's own texts that views/interface_fr.py rewrites in French are matched whole, inside
Streamlit's elements found by their test ids, and Plotly's through Plotly's locale: a Streamlit
upgrade that rewords a text or renames an element would leave it in English, silently. The texts
and test ids come from the installed Streamlit's frontend bundle, read here, so that such an
upgrade fails this test instead."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import streamlit

from views.components import plotly_config
from views.interface_fr import (
    INTERFACE_FR,
    PAGE_CONTENT,
    PLOTLY_FR,
    STREAMLIT_CONTROLS,
    STREAMLIT_NAMED,
    UPLOADER_FR,
    interface_script,
)

BUNDLE = "\n".join(
    path.read_text(encoding="utf-8", errors="replace")
    for path in (Path(streamlit.__file__).parent / "static" / "static" / "js").glob("*.js")
)


@pytest.mark.parametrize(
    "english",
    [
        # The uploader: a file over maxUploadSize, a type it does not take, and its other refusals.
        "File must be ${",
        "} or smaller.",
        " files are not allowed.",
        "File size is too small.",
        "Only one file is allowed.",
        "Unexpected error. Please try again.",
        "Upload failed",
        "`Error: `",
        # The box st.navigation would show for an address that names no page.
        "`Page not found`",
        "The page that you have requested does not seem to exist",
        "Running the app's main page.",
    ],
)
def test_the_english_texts_rewritten_are_the_installed_streamlit_s(english):
    assert english in BUNDLE


def test_the_script_carries_the_uploader_s_french_messages():
    script = interface_script()
    assert json.dumps(UPLOADER_FR, ensure_ascii=False) in script
    assert "File must be " in script and " files are not allowed" in script
    assert INTERFACE_FR["Page not found"] == "Page introuvable"
    assert "{size}" in UPLOADER_FR["too_large"] and "{type}" in UPLOADER_FR["not_allowed"]


def test_the_mode_bar_s_words_are_plotly_s_and_go_through_its_locale():
    for english in PLOTLY_FR:
        assert f",`{english}`)" in BUNDLE, english  # the argument of Plotly's own translation function
    assert not set(PLOTLY_FR) & set(INTERFACE_FR), "Plotly's words are Plotly's locale's, not the rewriting's"
    config = plotly_config()
    assert config["locales"] == {"fr": {"dictionary": PLOTLY_FR}}
    assert config["locale"] == "fr" and config["displaylogo"] is False


def test_the_elements_rewritten_are_the_installed_streamlit_s():
    test_ids = re.findall(r"data-testid='(\w+)'", " ".join([*STREAMLIT_CONTROLS, *STREAMLIT_NAMED, *PAGE_CONTENT]))
    assert len(test_ids) > 25
    assert [test_id for test_id in test_ids if f"`{test_id}`" not in BUNDLE] == []
    assert "`gdg-search-bar`" in BUNDLE and "modebar" in BUNDLE


def test_the_script_rewrites_inside_streamlit_s_elements_only():
    script = interface_script()
    for selectors in (STREAMLIT_CONTROLS, STREAMLIT_NAMED, PAGE_CONTENT):
        assert json.dumps(", ".join(selectors)) in script
    for content in ("stTable", "stMarkdown", "stDataFrame", "stPlotlyChart"):
        assert f"[data-testid='{content}']" in PAGE_CONTENT
