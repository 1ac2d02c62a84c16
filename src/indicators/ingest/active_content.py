"""What a workbook runs, fetches or computes instead of stating: macros, links to other files, formulas.

An XLSX keeps, beside each formula, the value Excel computed when the file was last saved, and the
reader imports that value (openpyxl never computes). What is decided here, in French, by sheet,
line and column:

- **refused**: a workbook with macro code (a VBA project, Excel 4 macro or dialog sheets, found by
  name or by declared content type: an `.xlsm` renamed `.xlsx` included), because its values may
  have been written by code no one reviewed (a macro-enabled type with no code runs nothing: it is
  read); a workbook linked to other files (`xl/externalLinks/`), because linked values are copies,
  from an unknown date, of a file the dashboard never sees; a formula that fetches from the network
  or another program (WEBSERVICE, STOCKHISTORY, RTD, CALL, Google Sheets' IMPORT… kept in an
  export…) anywhere in the sheet read, for the same reason. None of these could carry a source
  line. Excel turns each into plain values (save as .xlsx without macros, Data › Edit links ›
  Break link, Paste special › Values): the refusal says how.
- **flagged**: any other formula in the table read (a total, a sum, a reference to another
  cell). Its cached value is what the analyst saw in Excel and is imported, but it is named in
  the preview with its formula, so that a stale or never-computed value is checked before
  confirming: refusing every formula would refuse most office workbooks for nothing.

Refusals are returned as French sentences, never raised: the reader (ingest/reading.py) raises its
own error with them, and turns any failure of the formula pass into a French refusal too.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from indicators.i18n import _, ngettext

# Parts of a macro workbook, by their usual names, and the content types that declare one under any
# name. The macro-enabled workbook type alone is no macro: an .xlsm saved without code runs nothing.
MACRO_PARTS = re.compile(r"(?i)(^|/)vbaProject\.bin$|^xl/(macrosheets|dialogsheets)/")
MACRO_CONTENT_TYPES = re.compile(rb"(?i)vbaProject|macrosheet|dialogsheet")
CONTENT_TYPE_DECLARATION = re.compile(rb"<(?:\w+:)?(?:Override|Default)\b[^>]*>")
DECLARED_PART = re.compile(rb'PartName\s*=\s*"/?([^"]+)"')
DECLARED_EXTENSION = re.compile(rb'Extension\s*=\s*"([^"]+)"')
EXTERNAL_LINK_PARTS = re.compile(r"(?i)^xl/externalLinks/[^/]+\.xml$")
WORKSHEET_PARTS = re.compile(r"(?i)^xl/worksheets/[^/]+\.xml$")
# A formula element in a worksheet's XML (`<f>`, `<f t="shared" …/>`, `<x:f>`), not `<filterColumn>`.
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
# Functions whose value comes from the network or another program (Excel, and Google Sheets' own,
# which its XLSX exports keep inside __xludf.DUMMYFUNCTION("…") with their last value).
FETCHING_FUNCTIONS = re.compile(
    r"(?i)\b(WEBSERVICE|STOCKHISTORY|IMAGE|RTD|CALL|REGISTER(?:\.ID)?|"
    r"IMPORT(?:DATA|XML|HTML|FEED|RANGE)|GOOGLEFINANCE)\s*\("
)
# A formula is quoted this far in a message or a table.
QUOTED_FORMULA_CHARS = 120


@dataclass(frozen=True)
class FormulaCell:
    """A formula in the table read: where it is, what it says, and the value Excel saved for it."""

    sheet: str
    line: int
    column: str  # the header of its column in the table read
    cell: str  # its address in the sheet, « D7 »
    formula: str
    value: str  # the value imported ("" when the workbook holds none)

    @property
    def message(self) -> str:
        where = formula_place(self.sheet, self.line, self.column, self.cell)
        if not self.value:
            return _(
                "{where} : formule « {formula} » sans valeur enregistrée (le classeur n'a jamais été calculé "
                "par un tableur) : la cellule est lue vide."
            ).format(where=where, formula=self.formula)
        return _(
            "{where} : formule « {formula} » ; la valeur importée, « {value} », est celle que le tableur a "
            "calculée au dernier enregistrement du classeur : la vérifier avant de confirmer."
        ).format(where=where, formula=self.formula, value=self.value)


def formula_place(sheet: str, line: int, column: str, cell: str) -> str:
    return _("Feuille « {sheet} », ligne {line}, colonne « {column} » (cellule {cell})").format(
        sheet=sheet, line=line, column=column, cell=cell
    )


def macro_or_link_refusal(archive: zipfile.ZipFile) -> str | None:
    """Why a workbook is refused for its macros or its links to other files; None when it has neither."""
    names = archive.namelist()
    macros = macro_parts(archive)
    if macros:
        return _(
            "Classeur refusé : il contient des macros ({parts}). Ses valeurs peuvent avoir été écrites par "
            "leur code : l'enregistrer au format « Classeur Excel (.xlsx) », sans macros, ou en CSV, puis "
            "l'importer."
        ).format(parts=", ".join(macros[:3]))
    links = [name for name in names if EXTERNAL_LINK_PARTS.match(name)]
    if links:
        return ngettext(
            "Classeur refusé : il est lié à {count} autre(s) classeur(s) ({parts}) ; ses valeurs liées sont des "
            "copies, d'une date inconnue, d'un fichier que le tableau de bord ne voit pas. Dans le tableur : "
            "Données › Modifier les liens › Rompre la liaison (les valeurs restent), puis importer.",
            "Classeur refusé : il est lié à {count} autre(s) classeur(s) ({parts}) ; ses valeurs liées sont des "
            "copies, d'une date inconnue, d'un fichier que le tableau de bord ne voit pas. Dans le tableur : "
            "Données › Modifier les liens › Rompre la liaison (les valeurs restent), puis importer.",
            len(links),
        ).format(count=len(links), parts=", ".join(links[:3]))
    return None


def macro_parts(archive: zipfile.ZipFile) -> list[str]:
    """The parts of the archive that hold macro code: by their usual names, or declared as such in
    [Content_Types].xml (by part name or by extension), whatever they are called."""
    names = archive.namelist()
    found = {name for name in names if MACRO_PARTS.search(name)}
    if "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml")  # small: the archive's size was checked first
        declarations = CONTENT_TYPE_DECLARATION.findall(types)
        # A part declared by name takes that type, whatever its extension's default says.
        named = {
            part.group(1).decode(errors="replace") for text in declarations if (part := DECLARED_PART.search(text))
        }
        for declaration in declarations:
            if not MACRO_CONTENT_TYPES.search(declaration):
                continue
            if part := DECLARED_PART.search(declaration):
                found.update(name for name in names if name == part.group(1).decode(errors="replace"))
            elif extension := DECLARED_EXTENSION.search(declaration):
                suffix = "." + extension.group(1).decode(errors="replace").lower()
                found.update(name for name in names if name.lower().endswith(suffix) and name not in named)
    return sorted(found)


def has_formulas(archive: zipfile.ZipFile) -> bool:
    """Whether any worksheet holds a formula: read as raw XML, so a workbook without (most exports)
    is not parsed twice."""
    for name in archive.namelist():
        if WORKSHEET_PARTS.match(name):
            with archive.open(name) as part:
                tail = b""
                while chunk := part.read(1 << 20):
                    if FORMULA_ELEMENT.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def sheet_formulas(content: bytes, sheet: str) -> Iterator[tuple[int, int, str]]:
    """Each formula of `sheet`: its line, its column's position (from 0) and its text (« =SUM(D2:D6) »).

    A second, formula-reading pass of openpyxl (the first one read the values Excel saved)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
    try:
        for line, row in enumerate(workbook[sheet].iter_rows(), start=1):
            for position, cell in enumerate(row):
                if cell.data_type == "f":
                    text = getattr(cell.value, "text", None) or str(cell.value)  # an array formula keeps its text
                    yield line, position, text if text.startswith("=") else f"={text}"
    finally:
        workbook.close()


def fetching_refusal(sheet: str, line: int, column: str, cell: str, formula: str) -> str:
    """The refusal of a formula that fetches its value from the network or another program."""
    return _(
        "{where} : formule « {formula} », qui va chercher sa valeur sur le réseau ou dans un autre programme : "
        "classeur refusé (sa valeur n'a pas de source vérifiable). Remplacer la formule par sa valeur (Copier, "
        "puis Collage spécial › Valeurs) ou importer un CSV."
    ).format(where=formula_place(sheet, line, column, cell), formula=quoted(formula))


def quoted(formula: str) -> str:
    return formula if len(formula) <= QUOTED_FORMULA_CHARS else formula[: QUOTED_FORMULA_CHARS - 1] + "…"
