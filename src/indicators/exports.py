"""Files offered for download: CSV in the French spreadsheet convention, demo label included."""

from __future__ import annotations

import pandas as pd

from indicators.config import DEMO_LABEL_FR

DEMO_COLUMN = "statut_donnees"


def label_demo(frame: pd.DataFrame, is_demo: bool) -> pd.DataFrame:
    """Demo data say so on every exported row, so a copied file cannot lose the label."""
    if not is_demo:
        return frame
    return frame.assign(**{DEMO_COLUMN: DEMO_LABEL_FR.lower()})[[DEMO_COLUMN, *frame.columns]]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP advice).

    Numbers stay numbers: only text columns are touched, so a negative count is never altered.
    """
    text_columns = [column for column in frame.columns
                    if pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(frame[column])]
    return frame.assign(**{
        column: frame[column].map(lambda cell: "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell)
        for column in text_columns
    })


def to_french_csv(frame: pd.DataFrame, is_demo: bool = False) -> bytes:
    """`;`-separated, decimal comma, UTF-8 with BOM: what French spreadsheets open correctly."""
    safe = neutralise_formulas(label_demo(frame, is_demo))
    # CRLF line ends: what spreadsheets expect, and cells holding a carriage return get quoted.
    return safe.to_csv(index=False, sep=";", decimal=",", date_format="%Y-%m-%d", lineterminator="\r\n").encode("utf-8-sig")
