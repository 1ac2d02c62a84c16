"""One way to compare what people type: case, accents, punctuation and spacing set aside.

"Tranche d'âge", "TRANCHE D AGE" and "tranche_d’age" all read "tranche d age"; "Châtillon" and
"chatillon" are one commune. Headers, codes and labels of uploaded files, personal-data headers and
territory names typed on the command line are all compared in this form, and file names built from it.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# Combining accents, once NFKD has split "é" into "e" + U+0301.
COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")
# Explicit ASCII classes: the same meaning in Python's re and in the Arrow engine behind pandas' str dtype.
NOT_ALPHANUMERIC = r"[^a-z0-9]+"


def fold_accents(text: str) -> str:
    """'Léa Châtillon' → 'Lea Chatillon'; no-break spaces become plain spaces (NFKD); case kept."""
    return COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))


def comparable(text: object) -> str:
    """Lower case, accents dropped, ASCII letters and digits only, any other run of characters one
    space: "Tranche d’âge" → "tranche d age", "N° Sécu." → "n secu"."""
    folded = COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", str(text).lower()))
    return re.sub(NOT_ALPHANUMERIC, " ", folded).strip()


def comparable_values(values: pd.Series) -> pd.Series:
    """`comparable` of every cell, vectorised (the same result, cell by cell)."""
    folded = values.astype(str).str.lower().str.normalize("NFKD").str.replace(COMBINING_MARKS.pattern, "", regex=True)
    return folded.str.replace(NOT_ALPHANUMERIC, " ", regex=True).str.strip()


def file_name_part(text: str) -> str:
    """A name as it may appear in a file name: "Boucle Nord de Seine" → "boucle_nord_de_seine"."""
    return comparable(text).replace(" ", "_")
