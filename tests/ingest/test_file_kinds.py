"""A file that is neither a CSV nor a workbook is said to be so, never called a workbook."""

import io
import os
import zipfile

import pytest

from indicators.ingest.file_kinds import UNREADABLE, file_kind, recognised_binary
from indicators.ingest.pipeline import analyse_upload
from indicators.ingest.reading import read_upload


def a_zip_that_is_no_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "pas un classeur")
    return buffer.getvalue()


NOT_TABLES = {
    "random.csv": bytes(range(256)) * 8 + os.urandom(512),
    "image.png": b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(200),
    "document.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "archive.zip": a_zip_that_is_no_workbook(),
    "ancien.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(200),
    "photo.csv": b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(100),
}


@pytest.mark.parametrize("name", sorted(NOT_TABLES))
def test_a_file_that_is_no_table_is_refused_and_named_unreadable(name, tables):
    communes = tables.territories.loc[tables.territories["level"] == "commune"]
    report = analyse_upload(NOT_TABLES[name], name, tables.indicators, communes, tables.field_observations, True)
    assert report.refusal and report.file_kind == UNREADABLE
    # The refusal may name a workbook only to say the file is not one.
    assert "classeur" not in report.refusal or any(
        denial in report.refusal for denial in ("n'est pas", "ni un", "n'en est pas")
    )
    assert report.as_json("all_or_nothing")["file_kind"] == "fichier illisible : ni CSV ni classeur XLSX"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("document.pdf", "un document PDF"),
        ("image.png", "une image PNG"),
        ("ancien.xls", "l'enregistrer en .xlsx ou en CSV"),
    ],
)
def test_common_wrong_files_are_named_by_what_they_are(name, expected):
    assert expected in recognised_binary(NOT_TABLES[name])


def test_tables_are_named_by_how_they_were_read():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["a", "b"])
    workbook.active.append(["1", "2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert file_kind(read_upload(buffer.getvalue(), "f.xlsx")) == "classeur XLSX"
    assert file_kind(read_upload(b"a;b\n1;2\n", "f.csv")) == "fichier CSV"
    assert recognised_binary(b"a;b\n1;2\n") is None
    assert file_kind(None) == UNREADABLE
