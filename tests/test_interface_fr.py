"""Streamlit's own texts that views/interface_fr.py rewrites in French are matched whole: a Streamlit
upgrade that rewords one would leave it in English, silently. The texts come from the installed
Streamlit's frontend bundle, read here, so that such an upgrade fails this test instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit

from views.interface_fr import INTERFACE_FR, UPLOADER_FR, interface_script

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
