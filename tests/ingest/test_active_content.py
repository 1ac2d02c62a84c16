"""Workbooks that run, fetch or compute (ingest/active_content.py): macros and links refused, a fetching
formula refused, any other formula named with the value imported; each by sheet, line and column."""

from __future__ import annotations

import io
import zipfile

import pytest

from indicators.ingest.active_content import macro_parts
from indicators.ingest.reading import ActiveContentError, read_upload, xlsx_sheet_names
from workbooks import OBSERVATIONS, SHEET, edited, with_external_link, with_formula, with_macros, workbook_bytes


def test_a_plain_workbook_has_no_formula_to_name():
    table = read_upload(workbook_bytes(), "f.xlsx")
    assert table.formulas == [] and len(table.cells) == 3


@pytest.mark.parametrize("name", ["macros.xlsx", "macros.xlsm", "macros.csv"])
def test_a_macro_workbook_is_refused_whatever_its_name(name):
    content = with_macros(workbook_bytes())
    with pytest.raises(ActiveContentError) as refusal:
        read_upload(content, name)
    assert str(refusal.value).startswith("Classeur refusé : il contient des macros (xl/vbaProject.bin).")
    assert "« Classeur Excel (.xlsx) », sans macros, ou en CSV" in str(refusal.value)
    with pytest.raises(ActiveContentError):
        xlsx_sheet_names(content)  # the page's sheet choice refuses it too (and the refusal is then audited)


def test_macro_code_declared_under_another_name_is_found():
    def rename(parts: dict[str, bytes]) -> None:
        parts["xl/code.dat"] = parts.pop("xl/vbaProject.bin")
        parts["[Content_Types].xml"] = (
            parts["[Content_Types].xml"]
            .replace(b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject" />', b"")
            .replace(
                b"</Types>",
                b'<Override PartName="/xl/code.dat" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            )
        )

    content = edited(with_macros(workbook_bytes()), rename)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert macro_parts(archive) == ["xl/code.dat"]
    with pytest.raises(ActiveContentError, match=r"macros \(xl/code\.dat\)"):
        read_upload(content, "f.xlsx")


def test_a_macro_enabled_workbook_without_macro_code_is_read():
    """An .xlsm saved without code runs nothing: only its content type says « macro-enabled »."""

    def drop_code(parts: dict[str, bytes]) -> None:
        del parts["xl/vbaProject.bin"]
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject" />', b""
        )

    table = read_upload(edited(with_macros(workbook_bytes()), drop_code), "f.xlsm")
    assert len(table.cells) == 3


def test_a_workbook_linked_to_another_file_is_refused_without_naming_the_target():
    content = with_external_link(workbook_bytes(), target="file:///C:/Users/jean.dupont/suivi.xlsx")
    with pytest.raises(ActiveContentError) as refusal:
        read_upload(content, "f.xlsx")
    message = str(refusal.value)
    assert message.startswith(
        "Classeur refusé : il est lié à 1 autre(s) classeur(s) (xl/externalLinks/externalLink1.xml)"
    )
    assert "Rompre la liaison" in message
    assert "dupont" not in message  # a link's target is a path on someone's computer


@pytest.mark.parametrize(
    "formula",
    [
        '_xlfn.WEBSERVICE("http://evil.example/chiffres")',
        'VALUE(_xlfn.WEBSERVICE("http://evil.example/chiffres"))',
        '_xlfn.STOCKHISTORY("MSFT",TODAY())',
        'RTD("serveur.donnees",,"valeur")',
        '__xludf.DUMMYFUNCTION("IMPORTXML(""http://evil.example"",""//td"")")',
    ],
)
def test_a_formula_that_fetches_its_value_refuses_the_workbook_naming_its_cell(formula):
    content = with_formula(workbook_bytes(), "D3", formula, "12")
    with pytest.raises(ActiveContentError) as refusal:
        read_upload(content, "f.xlsx")
    message = str(refusal.value)
    assert message.startswith(f"Feuille « {SHEET} », ligne 3, colonne « valeur » (cellule D3) : formule « ={formula}")
    assert "classeur refusé" in message and "Collage spécial › Valeurs" in message


def test_a_fetching_formula_outside_the_table_refuses_too():
    rows = [["Export du 02/01/2026"], *OBSERVATIONS]  # a title line, above the header
    content = with_formula(workbook_bytes(rows), "A1", '_xlfn.WEBSERVICE("http://evil.example")', "x", text=True)
    with pytest.raises(ActiveContentError, match=r"ligne 1, colonne « indicateur » \(cellule A1\)"):
        read_upload(content, "f.xlsx")


def test_any_other_formula_in_the_table_is_named_with_the_value_imported():
    content = with_formula(workbook_bytes(), "D4", "SUM(D2:D3)", "9")
    table = read_upload(content, "f.xlsx")
    assert table.cells["valeur"].tolist() == ["4", "5", "9"]  # the value the spreadsheet saved is imported
    [formula] = table.formulas
    assert (formula.sheet, formula.line, formula.column, formula.cell, formula.formula, formula.value) == (
        SHEET,
        4,
        "valeur",
        "D4",
        "=SUM(D2:D3)",
        "9",
    )
    assert formula.message == (
        f"Feuille « {SHEET} », ligne 4, colonne « valeur » (cellule D4) : formule « =SUM(D2:D3) » ; la valeur "
        "importée, « 9 », est celle que le tableur a calculée au dernier enregistrement du classeur : "
        "la vérifier avant de confirmer."
    )


def test_a_formula_never_computed_is_said_to_be_read_empty():
    table = read_upload(with_formula(workbook_bytes(), "D2", "D3+1", None), "f.xlsx")
    [formula] = table.formulas
    assert formula.value == "" and "sans valeur enregistrée" in formula.message
    assert table.cells["valeur"].tolist()[0] == ""


def test_shared_formulas_are_each_named_with_their_own_text():
    def share(parts: dict[str, bytes]) -> None:
        sheet = parts["xl/worksheets/sheet1.xml"]
        sheet = sheet.replace(
            b'<c r="D3" t="n"><v>5</v></c>', b'<c r="D3"><f t="shared" ref="D3:D4" si="0">D2+1</f><v>5</v></c>'
        )
        sheet = sheet.replace(b'<c r="D4" t="n"><v>6</v></c>', b'<c r="D4"><f t="shared" si="0"/><v>6</v></c>')
        parts["xl/worksheets/sheet1.xml"] = sheet

    table = read_upload(edited(workbook_bytes(), share), "f.xlsx")
    assert [(cell.cell, cell.formula, cell.value) for cell in table.formulas] == [
        ("D3", "=D2+1", "5"),
        ("D4", "=D3+1", "6"),
    ]


def test_a_formula_above_the_header_is_not_imported_and_not_named():
    rows = [["Export"], *OBSERVATIONS]
    table = read_upload(with_formula(workbook_bytes(rows), "A1", "TODAY()", "46000"), "f.xlsx")
    assert table.header_line == 2 and table.formulas == []
