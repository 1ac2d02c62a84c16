import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from indicators.ingest.reading import (
    MAX_MISENCODED_LISTED,
    UnreadableFileError,
    decode,
    first_lines,
    read_csv_text,
    read_plain_csv,
    read_upload,
    sniff_delimiter,
    xlsx_sheet_names,
)

ROWS = [["indicateur", "code_commune", "periode", "valeur"], ["consultations_sexologie", "92050", "2025-03", "12"]]


def csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")]
)
def test_encodings_are_detected(encoding, expected):
    content = "Année;Tranche d'âge;Valeur\n2025;15-17;3\n2024;11-14;4\n".encode(encoding)
    assert decode(content).encoding == expected
    assert read_upload(content, "f.csv").cells.columns.tolist() == ["Année", "Tranche d'âge", "Valeur"]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiters_are_sniffed(delimiter):
    table = read_upload(csv_bytes(ROWS, delimiter, "utf-8"), "f.csv")
    assert table.delimiter == delimiter
    assert table.cells.iloc[0].tolist() == ROWS[1]


def test_semicolon_wins_over_decimal_commas():
    assert sniff_delimiter(["a;b;c", "1,5;2,5;3", "4,0;5;6,25"]) == ";"


def test_title_lines_and_blank_lines_are_skipped_with_line_numbers_kept():
    content = (
        b"Export du 02/01/2026\n\nindicateur;code_commune;periode;valeur\n\nx;92050;2025-03;1\ny;92002;2025-04;2\n"
    )
    table = read_upload(content, "f.csv")
    assert table.header_line == 3
    assert table.lines.tolist() == [5, 6]
    assert any("ligne(s) vide(s)" in note for note in table.notes)


def test_xlsx_first_sheet_or_chosen_sheet():
    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["texte", "libre"])
    workbook.active.append(["a", "b"])
    data = workbook.create_sheet("Données")
    for row in ROWS:
        data.append(row)
    data.append(["consultations_sexologie", 92002, 2025, 7.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    first = read_upload(buffer.getvalue(), "f.xlsx")
    assert first.cells.columns.tolist() == ["texte", "libre"]
    chosen = read_upload(buffer.getvalue(), "f.xlsx", sheet="Données")
    assert chosen.cells.iloc[1].tolist() == ["consultations_sexologie", "92002", "2025", "7"]
    assert chosen.lines.tolist() == [2, 3]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "f.csv", "vide"),
        (b"\x00\x01\x02binary\x00", "f.csv", "binaires"),
        (b"PK\x03\x04not really a zip", "f.xlsx", "endommagé"),
        (b"plain text", "f.xlsx", "n'est pas un classeur"),
    ],
)
def test_unreadable_files_get_a_french_reason(content, name, message):
    with pytest.raises(UnreadableFileError, match=message):
        read_upload(content, name)


# --- The fast path (Arrow, one row per line) reads exactly what the csv module reads ------------

CELLS = st.sampled_from(["1", "2,5", "a", " c ", "", "1 234", "\u00a0z", "é", " ", "2024-01", "Total", "x y"])
LINES = st.one_of(
    st.just(""),
    st.just("  "),
    st.lists(CELLS, min_size=1, max_size=4).map(lambda cells: "\x1f".join(cells)),
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    lines=st.lists(LINES, max_size=30),
    delimiter=st.sampled_from([";", ",", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    ending=st.sampled_from(["", "\n", "\n\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_fast_path_reads_what_the_csv_module_reads(lines, delimiter, newline, ending, encoding):
    content = (newline.join(lines).replace("\x1f", delimiter) + ending.replace("\n", newline)).encode(encoding)
    decoded = decode(content)
    text, detected = decoded.text, decoded.encoding
    sniffed = sniff_delimiter(first_lines(text, 40))
    fast = read_plain_csv(content, text, detected, sniffed)
    if fast is None:
        return  # irregular file: read the slow way, nothing to compare
    slow = read_csv_text(text, detected, sniffed)
    assert fast.cells.columns.tolist() == slow.cells.columns.tolist()
    assert fast.cells.astype(object).to_numpy().tolist() == slow.cells.to_numpy().tolist()
    assert (fast.lines.tolist(), fast.notes, fast.header_line) == (slow.lines.tolist(), slow.notes, slow.header_line)


def test_quotes_and_ragged_rows_take_the_csv_module_path():
    quoted = b'indicateur;valeur\n"a;b";1\n'
    assert read_plain_csv(quoted, quoted.decode(), "utf-8", ";") is None
    assert read_upload(quoted, "f.csv").cells.iloc[0].tolist() == ["a;b", "1"]
    ragged = b"indicateur;valeur\na;1;extra\nb;2\n"
    assert read_plain_csv(ragged, ragged.decode(), "utf-8", ";") is None
    assert read_upload(ragged, "f.csv").cells.to_numpy().tolist() == [["a", "1", "extra"], ["b", "2", ""]]


PASTED = "Note : « l’œuvre » coûte 5 €"


def mixed_file(bom: bool) -> bytes:
    """A UTF-8 export in which one cell was pasted from Word in Windows-1252."""
    head = ("Indicateur;Période;Commentaire;Valeur\r\nconsultations_sexologie;2025-01;déjà vu;1\r\n").encode()
    odd = b"consultations_sexologie;2025-02;" + PASTED.encode("cp1252") + b";2\r\n"
    tail = b'consultations_sexologie;2025-03;"sur\r\ndeux lignes";3\r\n'
    return (b"\xef\xbb\xbf" if bom else b"") + head + odd + tail


@pytest.mark.parametrize("bom", [True, False])
def test_a_cell_pasted_in_windows_1252_keeps_the_file_and_names_its_line_and_column(bom):
    table = read_upload(mixed_file(bom), "f.csv")
    assert table.encoding == ("utf-8-sig" if bom else "utf-8")
    # Everything else read as UTF-8 (« déjà »), the pasted cell as Windows-1252.
    assert table.cells["Commentaire"].tolist() == ["déjà vu", PASTED, "sur\r\ndeux lignes"]
    assert table.lines.tolist() == [2, 3, 5]  # a row spanning lines is numbered by its last line
    [cell] = table.misencoded
    assert (cell.line, cell.column, cell.value, cell.read_as) == (3, "Commentaire", PASTED, "cp1252")
    assert cell.message.startswith("Ligne 3, colonne « Commentaire » : des octets ne sont pas valides en UTF-8")
    assert any("lignes 3" in note for note in table.notes)


def test_odd_bytes_in_the_header_and_after_a_cell_spanning_two_lines_are_placed():
    content = mixed_file(bom=True).replace(b"Commentaire", "Commenté".encode("cp1252")) + "x;2025-04;1;€".encode(
        "cp1252"
    )
    table = read_upload(content, "f.csv")
    assert [(cell.line, cell.column, cell.value) for cell in table.misencoded] == [
        (1, "Commenté", "Commenté"),
        (3, "Commenté", PASTED),
        (6, "Valeur", "€"),
    ]


def test_bytes_undefined_in_windows_1252_are_named_not_raised():
    content = ("Année;Tranche d'âge;Valeur\n" + "2025;15-17;3\n" * 20).encode("cp1252") + b"2024;11-14\x81;4\n"
    decoded = decode(content)
    assert decoded.encoding == "cp1252" and decoded.text.endswith("2024;11-14\ufffd;4\n")
    assert [(passage.line, passage.read) for passage in decoded.odd] == [(22, "\ufffd")]
    assert [(cell.line, cell.column) for cell in read_upload(content, "f.csv").misencoded] == [(22, "Tranche d'âge")]


def test_a_windows_1252_file_is_not_taken_for_mixed_utf8():
    content = ("Année;Tranche d'âge;Valeur\n2025;15-17;3\n2024;11-14;4\n").encode("cp1252")
    decoded = decode(content)
    assert (decoded.encoding, decoded.odd) == ("cp1252", [])


@settings(max_examples=200, deadline=None, database=None)
@given(
    content=st.binary(max_size=400)
    | st.builds(lambda head, junk: head + junk, st.just(mixed_file(True)), st.binary(max_size=50))
)
def test_any_bytes_are_read_or_refused_never_raised(content):
    try:
        read_upload(content, "f.csv")
    except UnreadableFileError as error:
        assert str(error)


@pytest.mark.parametrize(
    ("member", "damage"),
    [
        ("xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2]),
        ("xl/worksheets/sheet1.xml", lambda data: data.replace(b"<c ", b"<c<", 1)),
        ("xl/workbook.xml", lambda data: data[: len(data) // 2]),
    ],
)
def test_a_damaged_workbook_is_refused_in_french(member, damage):
    workbook = Workbook()
    for row in ROWS:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(archive, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, damage(data) if name == member else data)
    with pytest.raises(UnreadableFileError, match="classeur XLSX"):
        read_upload(archive.getvalue(), "f.xlsx")
    if member == "xl/workbook.xml":  # the page lists the sheets first: refused in French there too
        with pytest.raises(UnreadableFileError, match="classeur XLSX ne peut pas être lu"):
            xlsx_sheet_names(archive.getvalue())
    with pytest.raises(UnreadableFileError):
        xlsx_sheet_names(archive.getvalue()[:100])  # a cut archive


def test_a_file_odd_on_every_line_lists_the_first_odd_lines_and_counts_them_all():
    content = "\ufeffindicateur;valeur\n".encode() + "é;1\n".encode("cp1252") * 1000
    table = read_upload(content, "f.csv")
    assert len(table.misencoded) == MAX_MISENCODED_LISTED and table.misencoded[0].line == 2
    assert any(
        note.startswith("1000 ligne(s) contiennent des octets invalides en UTF-8 (lignes 2, 3,") for note in table.notes
    )


def workbook_bytes() -> bytes:
    workbook = Workbook()
    for row in ROWS:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_archive_whose_directory_claims_an_unknown_zip_version_is_refused_in_french():
    # Found by the long fuzz run: zipfile raised NotImplementedError("zip file version 11.2").
    content = bytearray(workbook_bytes())
    entry = content.find(b"PK\x01\x02")
    content[entry + 6 : entry + 8] = (112).to_bytes(2, "little")
    with pytest.raises(UnreadableFileError, match="classeur XLSX est endommagé"):
        read_upload(bytes(content), "f.xlsx")
    with pytest.raises(UnreadableFileError):
        xlsx_sheet_names(bytes(content))


def test_a_workbook_that_names_no_sheet_is_refused_in_french():
    # Found by the long fuzz run: workbook.worksheets[0] raised IndexError.
    import re
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_bytes())) as source, zipfile.ZipFile(archive, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(
                name, re.sub(rb"<sheets>.*</sheets>", b"<sheets></sheets>", data) if name == "xl/workbook.xml" else data
            )
    with pytest.raises(UnreadableFileError, match="aucune feuille lisible"):
        read_upload(archive.getvalue(), "f.xlsx")


# --- A cell of millions of characters: refused by line and column, never raised -----------------

LONG = "x" * 5_000_000
HEAD = "indicateur;code_commune;periode;valeur\n"
ROW = "consultations_sexologie;92050;2025-03;1\n"


@pytest.mark.parametrize(
    ("content", "where"),
    [
        # The first line itself: in the lines the delimiter is sniffed from, before any header.
        (f"a;{LONG}\nb;c\n", "Ligne 1, colonne 2 :"),
        (f"{HEAD}{ROW}{LONG};2\n", "Ligne 3, colonne « indicateur » :"),
        (f"{HEAD}{ROW * 50}consultations_sexologie;92050;2025-03;{LONG}\n", "Ligne 52, colonne « valeur » :"),
        # A quoted cell spanning lines is named by the line it starts on.
        (f'{HEAD}{ROW}consultations_sexologie;"{LONG}\n{LONG}";2025-03;1\n', "Ligne 3, colonne « code_commune » :"),
        # Past the sniffed lines, read by Arrow's fast path (which takes cells the csv module refuses).
        (f"{HEAD}{ROW * 60}consultations_sexologie;92050;2025-03;{'9' * 200_000}\n", "Ligne 62, colonne « valeur » :"),
        (f"{HEAD}{LONG}\n", "Ligne 2, colonne « indicateur » :"),
    ],
    ids=["first-line", "third-line", "line-52", "quoted", "fast-path", "one-cell-line"],
)
def test_a_cell_beyond_the_csv_limit_is_refused_naming_its_line_and_column(content, where):
    with pytest.raises(UnreadableFileError) as refusal:
        read_upload(content.encode(), "f.csv")
    message = str(refusal.value)
    assert message.startswith(where), message
    assert "une cellule de plus de 131\u202f072 caractères" in message and "refusé" in message
    assert "field" not in message  # no English from the csv module


def test_sniffing_reads_the_start_of_long_lines_only():
    assert sniff_delimiter([f"a;{LONG}", "b;c", "d;e"]) == ";"


def test_the_fast_path_leaves_an_overlong_cell_to_the_csv_module():
    content = f"{HEAD}{ROW * 20}a;b;c;{'9' * 200_000}\n".encode()
    assert read_plain_csv(content, content.decode(), "utf-8", ";") is None


def test_a_cell_just_under_the_limit_is_read():
    content = f"{HEAD}{ROW}consultations_sexologie;92050;2025-03;{'9' * 131_072}\n".encode()
    assert read_upload(content, "f.csv").cells["valeur"].str.len().tolist() == [1, 131_072]


def test_a_forged_workbook_cell_beyond_the_limit_is_refused_too():
    """openpyxl writes at most Excel's 32 767 characters to a cell, but reads whatever the XML holds."""
    workbook = Workbook()
    for row in ROWS:
        workbook.active.append(row)
    workbook.active.append(["consultations_sexologie", "92050", "2025-04", "zzzzzzzzzz"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    forged = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(forged, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name).replace(b"zzzzzzzzzz", b"z" * 200_000))
    with pytest.raises(UnreadableFileError, match=r"^Ligne 3, colonne « valeur » : une cellule de plus de"):
        read_upload(forged.getvalue(), "f.xlsx")
