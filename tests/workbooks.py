"""Workbooks as Excel leaves them, built in the tests (no binary fixture): a saved formula value, macros,
a link to another workbook.

openpyxl writes a formula without the value a spreadsheet computes, and no macro or link part: the
builders start from an openpyxl workbook and edit its parts the way Excel would have written them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

OBSERVATIONS = [
    ["indicateur", "code_commune", "periode", "valeur"],
    ["consultations_sexologie", "92050", "2025-01", 4],
    ["consultations_sexologie", "92050", "2025-02", 5],
    ["consultations_sexologie", "92050", "2025-03", 6],
]
SHEET = "Données"
MACRO_MODULE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\nEnd Sub\r\n'


def workbook_bytes(rows: list[list[object]] | None = None, sheet: str = SHEET) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows or OBSERVATIONS:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edited(content: bytes, edit: Callable[[dict[str, bytes]], None]) -> bytes:
    """The archive with its parts changed by `edit` (a dict: part name → bytes, changed in place)."""
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    edit(parts)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return output.getvalue()


def with_formula(content: bytes, cell: str, formula: str, saved: str | None, text: bool = False) -> bytes:
    """Cell `cell` of the first sheet computed by `formula`, with the value a spreadsheet saved for it
    (None: never computed, as openpyxl or a script leaves it)."""

    def edit(parts: dict[str, bytes]) -> None:
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        kind = ' t="str"' if text else ""
        value = f"<v>{saved}</v>" if saved is not None else ""
        element = f'<c r="{cell}"{kind}><f>{escape_xml(formula)}</f>{value}</c>'
        replaced, count = re.subn(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)', element, sheet)
        assert count == 1, f"cellule {cell} absente"
        parts["xl/worksheets/sheet1.xml"] = replaced.encode()

    return edited(content, edit)


def escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def with_macros(content: bytes) -> bytes:
    """A macro workbook (.xlsm) as Excel writes one: a VBA project, declared, with the macro-enabled
    content type; whatever the file's name says."""

    def edit(parts: dict[str, bytes]) -> None:
        types = parts["[Content_Types].xml"].decode()
        types = types.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ).replace(
            "<Default ", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject" /><Default ', 1
        )
        parts["[Content_Types].xml"] = types.encode()
        relations = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = relations.replace(
            "</Relationships>",
            '<Relationship Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            'Target="vbaProject.bin" Id="rIdVba" /></Relationships>',
        ).encode()
        parts["xl/vbaProject.bin"] = MACRO_MODULE

    return edited(content, edit)


def with_external_link(content: bytes, target: str = "file:///C:/Users/analyste/source.xlsx") -> bytes:
    """A workbook linked to another one, as Excel writes it: an externalLink part (its target outside
    the file), declared in the workbook, and a cell whose formula reads it, with the value copied then."""

    def edit(parts: dict[str, bytes]) -> None:
        parts["xl/externalLinks/externalLink1.xml"] = (
            b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<externalBook r:id="rId1"><sheetNames><sheetName val="Feuil1"/></sheetNames>'
            b'<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>7</v></cell></row></sheetData>'
            b"</sheetDataSet></externalBook></externalLink>"
        )
        parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'externalLinkPath" Target="{target}" TargetMode="External"/></Relationships>'
        ).encode()
        types = parts["[Content_Types].xml"].decode()
        parts["[Content_Types].xml"] = types.replace(
            "</Types>",
            '<Override PartName="/xl/externalLinks/externalLink1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
        ).encode()
        relations = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = relations.replace(
            "</Relationships>",
            '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" '
            'Target="externalLinks/externalLink1.xml" Id="rIdLink" /></Relationships>',
        ).encode()
        workbook = parts["xl/workbook.xml"].decode()
        parts["xl/workbook.xml"] = workbook.replace(
            "<definedNames />",
            '<externalReferences><externalReference r:id="rIdLink"/></externalReferences><definedNames />',
        ).encode()

    return with_formula(edited(content, edit), "D4", "[1]Feuil1!A1", "7")
