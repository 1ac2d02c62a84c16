"""The error boundary around every page: a message in the viewer's language and a reference, never
Streamlit's English page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from indicators.errors import error_file, error_message, log_unexpected_error
from indicators.i18n import current_language, in_language


@contextmanager
def error_boundary(where: str = "") -> Iterator[None]:
    """Show any unexpected exception of the block as a message with a reference, in the viewer's
    language; log it.

    st.stop, st.rerun and st.switch_page raise ScriptControlException (a BaseException, so
    `except Exception` would miss it anyway): re-raised explicitly, they keep working. A
    fragment's error was already shown by Streamlit: re-raised too, not reported twice.
    """
    try:
        yield
    except (ScriptControlException, FragmentHandledException):
        raise
    except Exception as error:
        # error_message: the sentence in this run's language (the viewer's).
        st.error(error_message(log_unexpected_error(error, where)), icon=":material/error:")


def in_viewer_language(build: Callable[[], bytes]) -> Callable[[], bytes]:
    """A download's builder that runs in the language of the page that drew its button.

    Streamlit runs a deferred download (`data=` a callable) when it is clicked, in a worker thread
    of the server's event loop: the script run's language (a ContextVar) is not there, and the
    file would come out in French whatever the page's language."""
    language = current_language()

    def in_language_of_the_page() -> bytes:
        with in_language(language):
            return build()

    return in_language_of_the_page


def safe_download(build: Callable[[], bytes], file_format: str, where: str = "") -> Callable[[], bytes]:
    """A download's builder that never fails in English: on an error, the file holds the message (in
    the page's language) and a reference (logged with the traceback) instead of Streamlit's
    "Failed to generate…"."""

    def guarded() -> bytes:
        try:
            return build()
        except Exception as error:
            return error_file(log_unexpected_error(error, where), file_format)

    return in_viewer_language(guarded)
