"""Unexpected errors: a short reference shown to the viewer, the traceback logged under it.

A viewer sees only the reference (no message, no traceback: they could reveal data or code);
whoever runs the server finds the full traceback in its log by searching for that reference.
"""

from __future__ import annotations

import io
import logging
import secrets
from html import escape
from typing import TYPE_CHECKING

from indicators.i18n import N_, _

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont, ImageFont


class ChromiumError(RuntimeError):
    """Chromium could not make a file (indicators.chromium): not installed where configured,
    failed, or took too long. Its message is French and is all the command line prints."""


LOGGER = logging.getLogger("indicators.errors")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# French texts marked for the catalogue; shown in the viewer's language with `_()`.
ERROR_MESSAGE_FR = N_(
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
    """The sentence a viewer sees (in their language) instead of Streamlit's exception page."""
    return _(ERROR_MESSAGE_FR).format(reference=reference)


DOWNLOAD_ERROR_FR = N_(
    "Le fichier n'a pas pu être produit (erreur inattendue). Référence à transmettre à la "
    "personne qui administre le tableau de bord : {reference}."
)


def error_file(reference: str, file_format: str) -> bytes:
    """What a download that failed delivers instead of the file: the message (in the viewer's language)
    and the reference, in the format asked for (Streamlit itself would write "Failed to generate file
    for download")."""
    message = _(DOWNLOAD_ERROR_FR).format(reference=reference)
    if file_format == "svg":
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="80"><text x="20" y="45" '
            f'font-family="sans-serif" font-size="18">{escape(message)}</text></svg>'
        ).encode()
    if file_format == "png":
        from PIL import (  # Streamlit's own dependency, loaded only on failure
            Image,
            ImageDraw,
        )

        image = Image.new("RGB", (1400, 80), "white")
        ImageDraw.Draw(image).text((20, 28), message, fill="black", font=_font(18))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
    return (message + "\r\n").encode("utf-8-sig")


def _font(size: int) -> FreeTypeFont | ImageFont:
    # Pillow's built-in font has no accented letters: a system font when there is one (Debian's
    # chromium brings DejaVu and Liberation), the built-in one otherwise.
    from PIL import ImageFont as image_font  # loaded only on failure, like the rest of Pillow

    for name in ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"):
        try:
            return image_font.truetype(name, size)
        except OSError:
            continue
    return image_font.load_default(size)
