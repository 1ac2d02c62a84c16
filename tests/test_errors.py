"""The error boundary: an unexpected error is shown in French with a reference, logged under it."""

import io
import logging
import re
from xml.etree import ElementTree

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from app_support import dashboard_app
from indicators.errors import error_reference, log_unexpected_error
from views.errors import safe_download

RAISING_PAGE = """
import streamlit as st
from views.errors import error_boundary

with error_boundary("page de test"):
    st.write("avant l'erreur")
    {}["clé absente"]
    st.write("après l'erreur")
"""

STOPPING_PAGE = """
import streamlit as st
from views.errors import error_boundary

with error_boundary():
    st.write("avant l'arrêt")
    st.stop()
st.write("jamais écrit")
"""

RERUNNING_PAGE = """
import streamlit as st
from views.errors import error_boundary

st.session_state.setdefault("runs", 0)
st.session_state["runs"] += 1
with error_boundary():
    if st.session_state["runs"] == 1:
        st.rerun()
st.write(f"exécutions : {st.session_state['runs']}")
"""

ENGLISH = ("This app has encountered an error", "Ask Google", "Traceback", "KeyError", "error")


def shown_text(app: AppTest) -> str:
    return " ".join(
        str(element.value)
        for kind in ("markdown", "error", "exception", "warning")
        for element in app.get(kind)
        if hasattr(element, "value")
    )


def test_reference_is_eight_hexadecimal_characters():
    references = {error_reference() for _ in range(50)}
    assert all(re.fullmatch(r"[0-9a-f]{8}", reference) for reference in references)
    assert len(references) == 50


def test_logged_error_keeps_its_traceback_under_the_reference(caplog, expected_page_errors):
    try:
        raise ValueError("détail technique")
    except ValueError as error:
        with caplog.at_level(logging.ERROR, logger="indicators.errors"):
            reference = log_unexpected_error(error, "Tendances")
    [record] = caplog.records
    assert reference in record.getMessage() and "Tendances" in record.getMessage()
    assert record.exc_info[0] is ValueError
    assert "détail technique" in caplog.text and "Traceback" in caplog.text


def test_an_unexpected_error_is_shown_in_french_with_its_reference(caplog, expected_page_errors):
    app = AppTest.from_string(RAISING_PAGE, default_timeout=30)
    with caplog.at_level(logging.ERROR, logger="indicators.errors"):
        app.run()
    assert not app.exception, "Streamlit's own exception page was shown"
    [error] = app.error
    assert error.value.startswith("Une erreur inattendue est survenue.")
    reference = re.search(r"\*\*([0-9a-f]{8})\*\*", error.value).group(1)
    assert not any(word in error.value for word in ENGLISH)
    assert "clé absente" not in shown_text(app)
    assert [markdown.value for markdown in app.markdown] == ["avant l'erreur"]
    [record] = [record for record in caplog.records if record.name == "indicators.errors"]
    assert reference in record.getMessage() and "page de test" in record.getMessage()
    assert record.exc_info[0] is KeyError and "clé absente" in caplog.text and "Traceback" in caplog.text


def test_st_stop_passes_through_the_boundary():
    app = AppTest.from_string(STOPPING_PAGE, default_timeout=30).run()
    assert not app.error and not app.exception
    assert [markdown.value for markdown in app.markdown] == ["avant l'arrêt"]


def test_st_rerun_passes_through_the_boundary():
    app = AppTest.from_string(RERUNNING_PAGE, default_timeout=30).run()
    assert not app.error and not app.exception
    assert [markdown.value for markdown in app.markdown] == ["exécutions : 2"]


def test_every_page_of_the_dashboard_runs_inside_the_boundary(monkeypatch, caplog, expected_page_errors):
    import views.cached

    def broken_tables():
        raise RuntimeError("panne simulée")

    # Pages read `tables` from views.cached on each run: every page now fails on its first read.
    monkeypatch.setattr(views.cached, "tables", broken_tables)
    for page in ("views/overview.py", "views/sources.py"):
        app = dashboard_app()
        app.run()
        if page != "views/overview.py":
            app.switch_page(page)
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="indicators.errors"):
            app.run()
        assert not app.exception, [exception.message for exception in app.exception]
        [error] = app.error
        reference = re.search(r"\*\*([0-9a-f]{8})\*\*", error.value).group(1)
        assert error.value.startswith("Une erreur inattendue est survenue.")
        assert "panne simulée" not in shown_text(app)
        assert reference in caplog.text and "panne simulée" in caplog.text


def failing_build() -> bytes:
    raise OSError("chromium introuvable")


@pytest.mark.parametrize("file_format", ["csv", "png", "svg"])
def test_a_failed_download_delivers_a_french_file_with_the_reference(file_format, caplog, expected_page_errors):
    with caplog.at_level(logging.ERROR, logger="indicators.errors"):
        payload = safe_download(failing_build, file_format, "graphique.csv")()
    [record] = [record for record in caplog.records if record.name == "indicators.errors"]
    reference = re.search(r"référence ([0-9a-f]{8})", record.getMessage()).group(1)
    assert "graphique.csv" in record.getMessage() and record.exc_info[0] is OSError
    if file_format == "png":
        with Image.open(io.BytesIO(payload)) as image:
            assert image.format == "PNG"  # a picture of the message, as the button promised an image
        return
    text = payload.decode("utf-8-sig")
    if file_format == "svg":
        text = "".join(ElementTree.fromstring(text).itertext())
    assert text.startswith("Le fichier n'a pas pu être produit") and reference in text
    assert "chromium" not in text


def test_a_download_that_works_is_left_alone():
    assert safe_download(lambda: b"a;b\r\n", "csv")() == b"a;b\r\n"


def test_the_messages_in_english():
    from indicators.errors import error_file, error_message
    from indicators.i18n import in_language

    with in_language("en"):
        message = error_message("0badcafe")
        file = error_file("0badcafe", "csv").decode("utf-8-sig")
    assert message.startswith("An unexpected error occurred. Reload the page; ") and "**0badcafe**" in message
    assert file.startswith("The file could not be produced (unexpected error).") and "0badcafe" in file
