"""The error boundary around every page: a French message and a reference, never Streamlit's English page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from indicators.errors import error_file, error_message, log_unexpected_error


@contextmanager
def error_boundary(where: str = "") -> Iterator[None]:
    """Show any unexpected exception of the block as a French message with a reference; log it.

    st.stop, st.rerun and st.switch_page raise ScriptControlException (a BaseException, so
    `except Exception` would miss it anyway): re-raised explicitly, they keep working. A
    fragment's error was already shown by Streamlit: re-raised too, not reported twice.
    """
    try:
        yield
    except (ScriptControlException, FragmentHandledException):
        raise
    except Exception as error:
        st.error(error_message(log_unexpected_error(error, where)), icon=":material/error:")


def safe_download(build: Callable[[], bytes], file_format: str, where: str = "") -> Callable[[], bytes]:
    """A download's builder that never fails in English: on an error, the file holds the French
    message and a reference (logged with the traceback) instead of Streamlit's "Failed to generate…"."""

    def guarded() -> bytes:
        try:
            return build()
        except Exception as error:
            return error_file(log_unexpected_error(error, where), file_format)

    return guarded
