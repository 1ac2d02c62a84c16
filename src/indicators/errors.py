"""Unexpected errors: a short reference shown to the viewer, the traceback logged under it.

A viewer sees only the reference (no message, no traceback: they could reveal data or code);
whoever runs the server finds the full traceback in its log by searching for that reference.
"""

from __future__ import annotations

import logging
import secrets

LOGGER = logging.getLogger("indicators.errors")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

ERROR_MESSAGE_FR = (
    "Une erreur inattendue est survenue. Rechargez la page ; si l'erreur persiste, transmettez la "
    "référence **{reference}** à la personne qui administre le tableau de bord."
)


def error_reference() -> str:
    """Eight hexadecimal characters: short enough to read out on the phone, unique enough for a log."""
    return secrets.token_hex(4)


def _ensure_handler() -> None:
    # Streamlit configures only its own loggers: without a handler the record would go to Python's
    # last-resort handler, with no date. A handler set up by whoever runs the server is kept.
    if not LOGGER.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        LOGGER.addHandler(handler)


def log_unexpected_error(error: BaseException, where: str = "") -> str:
    """Log the error with its traceback under a new reference, and return the reference."""
    _ensure_handler()
    reference = error_reference()
    LOGGER.error("Erreur inattendue, référence %s%s", reference, f" ({where})" if where else "", exc_info=error)
    return reference


def error_message(reference: str) -> str:
    """The French sentence a viewer sees instead of Streamlit's English exception page."""
    return ERROR_MESSAGE_FR.format(reference=reference)
