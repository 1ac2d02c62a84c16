"""What kind of file an analyst uploaded, said in French: a CSV, a workbook, or neither.

A refused file must not be described as a workbook because it was not a CSV: the report names
what was read, and a common non-table file (an image, a PDF, an old .xls) by what it is.
"""

from __future__ import annotations

from indicators.i18n import N_, _
from indicators.ingest.reading import RawTable

# Marked here, translated by `file_kind` when a report is made.
UNREADABLE = N_("fichier illisible : ni CSV ni classeur XLSX")
# Also what a workbook refused for its macros or links is (ingest/active_content.py): read, then refused.
WORKBOOK = N_("classeur XLSX")

# First bytes of the files most often picked by mistake in a file chooser.
SIGNATURES: dict[bytes, str] = {
    b"%PDF": N_("un document PDF"),
    b"\x89PNG": N_("une image PNG"),
    b"\xff\xd8\xff": N_("une image JPEG"),
    b"GIF8": N_("une image GIF"),
    # Excel 97–2003 (.xls) and Word .doc share this container.
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": N_(
        "un ancien fichier Office (.xls ou .doc) : l'enregistrer en .xlsx ou en CSV"
    ),
    b"\x1f\x8b": N_("une archive gzip"),
    b"Rar!": N_("une archive RAR"),
    b"7z\xbc\xaf": N_("une archive 7-Zip"),
}


def recognised_binary(content: bytes) -> str | None:
    """A French refusal for a file whose first bytes say it is no table; None for anything else."""
    for signature, kind in SIGNATURES.items():
        if content.startswith(signature):
            return _("Fichier refusé : c'est {kind}, ni un CSV ni un classeur XLSX.").format(kind=_(kind))
    return None


def file_kind(raw: RawTable | None) -> str:
    """How the file was read, for the report: None when it could not be read as a table."""
    if raw is None:
        return _(UNREADABLE)
    if raw.encoding is None:
        return _(WORKBOOK)
    return _("fichier CSV")
