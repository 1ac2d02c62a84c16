"""Tolerant reading of the files analysts upload: CSV in any usual French office form, or XLSX.

Reading only turns bytes into a table of strings with the file's own line numbers; what the
cells mean is decided later (ingest/parsing.py). Nothing here writes anywhere.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from indicators.formatting import format_number
from indicators.i18n import N_, _, ngettext
from indicators.ingest.active_content import (
    FETCHING_FUNCTIONS,
    FormulaCell,
    fetching_refusal,
    has_formulas,
    macro_or_link_refusal,
    quoted,
    sheet_formulas,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

DELIMITERS = (";", "\t", ",")
# Shown in the import report (translate with `_()` where shown).
DELIMITER_NAMES = {";": N_("point-virgule"), "\t": N_("tabulation"), ",": N_("virgule")}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
# A wide layout has one column per month: 30 years of months stay far below this.
MAX_COLUMNS = 500
# The csv module's own limit on one cell, its default: never raised here, since the setting is
# process-wide (every viewer's session would share it). An observation's cell holds a few words; a
# longer cell is no data, and the file is refused naming it, on every path (csv, Arrow, XLSX).
MAX_CELL_CHARS = 131_072
# Sniffing reads the start of each sample line only: 20 lines of this length stay under the limit above.
SNIFF_LINE_CHARS = 6_000
# What a cell pasted into a UTF-8 file from Word or Excel on Windows is written in.
PASTED_ENCODING = "cp1252"
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
# Charset-normalizer's guesses for French office files, all read as Windows-1252 (their superset in practice).
LATIN_GUESSES = frozenset({"latin_1", "iso8859_15", "cp1250", "cp1252", "mac_roman"})
WINDOWS_1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"
# Odd lines placed in their cell and listed one by one; beyond, the note gives their number (a file
# that is not the encoding it claims can have one on every line).
MAX_MISENCODED_LISTED = 200
# Line ends as the csv module counts them (newline=""): line numbers must match the table's.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Bytes that did not decode, kept by the surrogateescape handler as U+DC80…U+DCFF.
ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")
DECODED_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


class UnreadableFileError(ValueError):
    """The file cannot be read as a table; the message is French and says why."""


class ActiveContentError(UnreadableFileError):
    """A workbook refused for what it runs or fetches: macros, links to other files, fetching formulas
    (ingest/active_content.py); audited under its own reason."""


@dataclass(frozen=True)
class MisencodedCell:
    """Bytes that were not valid in the file's encoding: where they are and how they were read."""

    line: int
    column: str | None  # the header of the cell holding them; None on a line that is not a row of the table
    value: str  # the cell as read (the whole line when no cell holds them)
    encoding: str  # the file's encoding, in which these bytes are invalid
    read_as: str  # the encoding they were read in instead

    @property
    def message(self) -> str:
        where = (
            _("Ligne {line}, colonne « {column} »").format(line=self.line, column=self.column)
            if self.column
            else _("Ligne {line}").format(line=self.line)
        )
        return _(
            "{where} : des octets ne sont pas valides en {encoding} ; lus en {read_as} : « {value} ». "
            "Vérifier cette valeur avant de confirmer l'import."
        ).format(
            where=where,
            encoding=ENCODING_NAMES.get(self.encoding, self.encoding),
            read_as=ENCODING_NAMES.get(self.read_as, self.read_as),
            value=self.value,
        )


@dataclass(frozen=True)
class RawTable:
    """Cells as strings (empty string for an empty cell), the file line of each row, and how it was read."""

    cells: pd.DataFrame
    lines: pd.Series
    encoding: str | None
    delimiter: str | None
    header_line: int
    notes: list[str] = field(default_factory=list)
    misencoded: list[MisencodedCell] = field(default_factory=list)
    # A workbook's formulas in the table read: their saved values are imported, to check before confirming.
    formulas: list[FormulaCell] = field(default_factory=list)


@dataclass(frozen=True)
class OddPassage:
    """A run of bytes invalid in the file's encoding: its line, where it starts in that line, how it was read."""

    line: int
    offset: int  # characters from the start of the line, in the decoded text
    read: str


@dataclass(frozen=True)
class DecodedText:
    """A file's text, its encoding, and the passages whose bytes were invalid in it."""

    text: str
    encoding: str
    odd: list[OddPassage] = field(default_factory=list)
    read_as: str | None = None  # how the odd passages were read (None: as U+FFFD)


def legacy_encoding(content: bytes) -> str:
    """What charset-normalizer finds for a file that is not UTF-8; Windows-1252 for French office files.

    The five bytes Windows-1252 leaves undefined are kept out of the sample: charset-normalizer only
    proposes encodings that decode every byte, and one stray byte would otherwise turn a French
    export into Baltic or DOS code pages. They are named as odd lines when the file is decoded.
    """
    best = from_bytes(content[:200_000].translate(None, WINDOWS_1252_UNDEFINED)).best()
    guessed = best.encoding if best else PASTED_ENCODING
    return PASTED_ENCODING if guessed in LATIN_GUESSES else guessed


def sniff_delimiter(sample_lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same number (>1) of fields most often.

    Only the start of each line is read: a line of millions of characters would otherwise make the
    csv module raise here, before the file could be refused by line and column.
    """
    lines = [line[:SNIFF_LINE_CHARS] for line in sample_lines if line.strip()][:20]
    best, best_score = ";", -1.0
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not widths or max(widths) < 2:
            continue
        typical = max(set(widths), key=widths.count)
        score = widths.count(typical) / len(widths) + (0.001 if typical > 1 else -1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def first_lines(text: str, count: int) -> list[str]:
    """The first `count` lines of `text` (as str.splitlines cuts them), without splitting it all."""
    prefix = text[:65_536]
    lines = prefix.splitlines()
    # The last line of a prefix may be cut short: enough lines after it mean the first ones are whole.
    return lines[:count] if len(lines) > count + 1 or len(prefix) == len(text) else text.splitlines()[:count]


def decode(content: bytes) -> DecodedText:
    """The text of any bytes, never raising; a UTF-8 file is decoded only once.

    A UTF-8 file (a BOM, or valid non-ASCII UTF-8 beside the invalid bytes) with a passage pasted in
    another encoding keeps UTF-8, and the passage is read in Windows-1252: those bytes are what
    Word or Excel on Windows paste. Any other file is read in the encoding charset-normalizer
    finds; bytes undefined in it become U+FFFD. Either way the odd passages are named by line.
    """
    utf8 = "utf-8-sig" if content.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return DecodedText(content.decode(utf8), utf8)
    except UnicodeDecodeError:
        pass
    # Invalid UTF-8 bytes are all >= 0x80, so surrogateescape keeps every one of them and never fails.
    escaped = content.decode(utf8, errors="surrogateescape")
    if utf8 == "utf-8-sig" or DECODED_NON_ASCII.search(escaped):
        return mend(escaped, utf8, PASTED_ENCODING)
    encoding = legacy_encoding(content)
    try:
        return DecodedText(content.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError):
        pass
    try:
        return mend(content.decode(encoding, errors="surrogateescape"), encoding, None)
    except (UnicodeDecodeError, LookupError):
        # A multi-byte guess can fail on bytes below 0x80 too; Latin-1 decodes any byte.
        return DecodedText(content.decode("latin-1"), "latin-1")


def mend(escaped: str, encoding: str, read_as: str | None) -> DecodedText:
    """Replace each run of undecoded bytes (surrogates) by its reading in `read_as` (U+FFFD when None)."""
    pieces: list[str] = []
    odd: list[OddPassage] = []
    line, line_start, previous, length = 1, 0, 0, 0  # length: of the mended text so far
    for run in ESCAPED_BYTES.finditer(escaped):
        pieces.append(escaped[previous : run.start()])
        for line_end in LINE_BREAK.finditer(escaped, previous, run.start()):
            line, line_start = line + 1, length + line_end.end() - previous
        length += run.start() - previous
        raw = run.group().encode("utf-8", errors="surrogateescape")
        read = raw.decode(read_as, errors="replace") if read_as else "\ufffd" * len(raw)
        pieces.append(read)
        if not odd or odd[-1].line != line:  # one passage per line: the report names lines
            odd.append(OddPassage(line, length - line_start, read))
        length += len(read)
        previous = run.end()
    pieces.append(escaped[previous:])
    return DecodedText("".join(pieces), encoding, odd, read_as)


def misencoded_cells(table: RawTable, decoded: DecodedText, delimiter: str) -> list[MisencodedCell]:
    """Each odd passage of `decoded` with the column and the cell of `table` that hold it."""
    rows = pd.Index(table.lines).get_indexer([passage.line for passage in decoded.odd])
    starts = line_starts(decoded.text, max((passage.line for passage in decoded.odd), default=0))
    found = []
    for passage, row in zip(decoded.odd, rows, strict=True):
        start = starts[passage.line - 1]
        before = decoded.text[start : start + passage.offset]
        # The cells before the passage on its line give its column (a cell spanning lines is not followed,
        # and a line read from inside one can look like a cell beyond the csv module's limit).
        try:
            position = len(next(csv.reader([before], delimiter=delimiter), [""])) - 1 if before else 0
        except csv.Error:
            position = len(table.cells.columns)  # no column: the passage is named by its line
        column = table.cells.columns[position] if position < len(table.cells.columns) else None
        if column is not None and passage.line == table.header_line:
            value = column
        elif column is not None and row >= 0:
            value = str(table.cells.iat[row, position])
        else:
            column, value = None, LINE_BREAK.split(decoded.text[start : start + passage.offset + 200], maxsplit=1)[0]
        found.append(
            MisencodedCell(passage.line, column, value.strip()[:120], decoded.encoding, decoded.read_as or "U+FFFD")
        )
    return found


def line_starts(text: str, count: int) -> list[int]:
    """Where the first `count` lines of `text` start, as the csv module numbers lines."""
    starts = [0]
    for line_end in LINE_BREAK.finditer(text):
        if len(starts) >= count:
            break
        starts.append(line_end.end())
    return starts + [len(text)] * (count - len(starts))


def read_csv_bytes(content: bytes) -> RawTable:
    if b"\x00" in content[:4096]:
        raise UnreadableFileError(
            _("Le fichier contient des octets binaires : ce n'est ni un CSV ni un texte lisible.")
        )
    decoded = decode(content)
    text, encoding = decoded.text, decoded.encoding
    delimiter = sniff_delimiter(first_lines(text, 40))
    # The fast path parses UTF-8 bytes: those of the mended text, for a file with odd passages.
    fast = (
        read_plain_csv(content, text, encoding, delimiter)
        if not decoded.odd
        else read_plain_csv(text.encode("utf-8"), text, "utf-8", delimiter)
    )
    table = fast if fast is not None else read_csv_text(text, encoding, delimiter)
    if not decoded.odd:
        return table
    listed = replace(decoded, odd=decoded.odd[:MAX_MISENCODED_LISTED])
    misencoded = misencoded_cells(table, listed, delimiter)
    more = len(decoded.odd) > 20
    # The French text is the same for one line or several (« ligne(s) »); English says which.
    note = ngettext(
        "{count} ligne(s) contiennent des octets invalides en {encoding} (lignes {lines}) : "
        "vérifier ces valeurs dans l'aperçu",
        "{count} ligne(s) contiennent des octets invalides en {encoding} (lignes {lines}) : "
        "vérifier ces valeurs dans l'aperçu",
        len(decoded.odd),
    ).format(
        count=len(decoded.odd),
        encoding=ENCODING_NAMES.get(encoding, encoding),
        lines=", ".join(str(passage.line) for passage in decoded.odd[:20]) + (" …" if more else ""),
    )
    return replace(table, encoding=encoding, notes=[*table.notes, note], misencoded=misencoded)


def read_csv_text(text: str, encoding: str, delimiter: str) -> RawTable:
    """Any CSV, through the csv module (quotes, ragged rows, lines of spaces)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as error:
        # The record that failed starts on the line after the last one read (csv counts every line).
        start = rows[-1][0] + 1 if rows else 1
        if "field larger than field limit" not in str(error):
            raise UnreadableFileError(_("Ligne {line} : structure CSV invalide.").format(line=start)) from error
        record = text[line_starts(text, start)[start - 1] :]
        position = overlong_field_position(record, delimiter)
        raise UnreadableFileError(overlong_cell(cell_place(rows, start, position))) from error
    return build_raw_table(rows, encoding, delimiter)


def overlong_field_position(record: str, delimiter: str) -> int | None:
    """Which field of the CSV record at the start of `record` is longer than MAX_CELL_CHARS (None if none).

    Quotes are followed as the csv module follows them: a quote opens a field only at its start and
    may span lines. Used only on a file already refused, to name the column.
    """
    other = f"[^{re.escape(delimiter)}\\r\\n]*+"
    field_pattern = re.compile(f'"[^"]*+(?:""[^"]*+)*+"?{other}|{other}')
    position, index = 0, 0
    while True:
        found = field_pattern.match(record, position)
        if found is None:  # the second branch matches the empty string: never None
            return None
        if len(found.group()) > MAX_CELL_CHARS:
            return index
        position = found.end()
        if not record.startswith(delimiter, position):
            return None
        position, index = position + 1, index + 1


def cell_place(rows: list[tuple[int, list[str]]], line: int, position: int | None) -> str:
    """« Ligne 3, colonne « valeur » » when the header before `line` names column `position`,
    « Ligne 1, colonne 2 » when it does not, « Ligne 3 » when the column is unknown."""
    if position is None:
        return _("Ligne {line}").format(line=line)
    non_blank = [cells for number, cells in rows if number < line and any(cells)][:HEADER_SEARCH_ROWS]
    header = next((cells for cells in non_blank if looks_like_header(cells)), [])
    if position < len(header) and header[position]:
        column = unique_names([name or unnamed_column(place) for place, name in enumerate(header)])[position]
        return _("Ligne {line}, colonne « {column} »").format(line=line, column=column)
    return _("Ligne {line}, colonne {number}").format(line=line, number=position + 1)


def overlong_cell(where: str) -> str:
    """The refusal of a file with a cell longer than MAX_CELL_CHARS, `where` naming its line and column."""
    return _(
        "{where} : une cellule de plus de {limit} caractères. Une observation tient en quelques mots : "
        "ce n'est pas un fichier d'observations, il est refusé."
    ).format(where=where, limit=format_number(MAX_CELL_CHARS))


def plain_source(content: bytes, text: str, encoding: str) -> bytes | None:
    """The file as UTF-8 bytes when it is plain (no quote, no NUL, no lone carriage return), None otherwise."""
    # Without quotes, line n ends at the n-th line feed, in the text as in its UTF-8 bytes.
    source = content if encoding in ("utf-8", "utf-8-sig") else text.encode("utf-8")
    if b'"' in source or b"\x00" in source or (b"\r" in source and source.count(b"\r") != source.count(b"\r\n")):
        return None
    return source


def header_search_lines(text: str, delimiter: str) -> list[tuple[int, list[str]]] | None:
    """The first lines (file line, stripped cells) as the csv module reads them, up to HEADER_SEARCH_ROWS
    non-blank ones; None when they are not all within a prefix of whole lines (very long lines)."""
    # The header is among the first lines: the csv module reads a prefix, whole lines only.
    prefix = text[:65_536]
    complete_lines = prefix.count("\n") if len(prefix) < len(text) else len(text)
    reader = csv.reader(io.StringIO(prefix, newline=""), delimiter=delimiter)
    head: list[tuple[int, list[str]]] = []
    found = 0
    for row in reader:
        if reader.line_num > complete_lines:
            return None
        head.append((reader.line_num, [cell.strip() for cell in row]))
        found += any(head[-1][1])
        if found >= HEADER_SEARCH_ROWS:
            break
    if found < HEADER_SEARCH_ROWS and len(prefix) < len(text):
        return None  # very long lines: the header search needs more than the prefix
    return head


def after_line(source: bytes, line: int) -> memoryview | None:
    """`source` from the start of the line after `line` (counted from 1); None when it has no such line."""
    body_start = 0
    for _line in range(line):
        body_start = source.find(b"\n", body_start) + 1
        if body_start == 0:
            return None
    return memoryview(source)[body_start:]


def named_cells(columns: list[pd.Categorical], header: list[str]) -> pd.DataFrame:
    """The body's columns under the header's names (an unnamed one by its place); a header wider than
    the body gets empty columns."""
    width = max(len(columns), len(header))
    names = unique_names(
        [name or unnamed_column(position) for position, name in enumerate(header + [""] * (width - len(header)))]
    )
    rows = len(columns[0])
    return pd.DataFrame(
        {
            name: columns[position] if position < len(columns) else pd.Categorical([""] * rows)
            for position, name in enumerate(names)
        }
    )


def skipped_lines_notes(
    head: list[tuple[int, list[str]]], header_index: int, header_line: int, blank_body_rows: int
) -> list[str]:
    """The notes on lines left out: title lines before the header, blank lines before it and in the body."""
    notes = []
    if header_index:
        notes.append(title_lines_note(header_index, header_line))
    blank = sum(1 for line, row_cells in head if line < header_line and not any(row_cells)) + blank_body_rows
    if blank:
        notes.append(blank_lines_note(blank))
    return notes


def read_plain_csv(content: bytes, text: str, encoding: str, delimiter: str) -> RawTable | None:
    """The fast way for the common case, giving exactly what read_csv_text would; None otherwise.

    A file with no quote, no NUL and no lone carriage return has one row per line: the header
    is found by the csv module in the first lines, the body is parsed by Arrow's multithreaded
    reader and each distinct cell is stripped once. Any irregular line (another number of
    cells, a line of spaces) makes Arrow fail, and the caller reads the file the slow way.
    """
    source = plain_source(content, text, encoding)
    if source is None:
        return None
    head = header_search_lines(text, delimiter)
    if head is None:
        return None
    non_blank = [(line, cells) for line, cells in head if any(cells)]
    if not non_blank:
        return None
    header_index = next((index for index, (_, cells) in enumerate(non_blank) if looks_like_header(cells)), 0)
    header_line, header = non_blank[header_index]
    body = after_line(source, header_line)
    first_row = re.search(rb"[^\r\n][^\n]*", body) if body is not None else None
    if body is None or first_row is None:
        return None
    width = first_row.group().count(delimiter.encode()) + 1
    if max(width, len(header)) > MAX_COLUMNS:
        raise UnreadableFileError(too_many_columns(max(width, len(header))))
    columns = arrow_string_columns(body, delimiter, width) if width >= 2 else None
    if columns is None:
        return None
    cells = named_cells(columns, header)
    lines = pd.Series(np.arange(header_line + 1, header_line + 1 + len(cells)), dtype="int64")
    blank_rows = np.logical_and.reduce(
        [cells[name].cat.codes.to_numpy() == _empty_code(cells[name]) for name in cells.columns]
    )
    if blank_rows.all():
        return None  # no data row: the header alone sets the width, as read_csv_text does
    if blank_rows.any():
        cells, lines = cells.loc[~blank_rows].reset_index(drop=True), lines[~blank_rows].reset_index(drop=True)
    notes = skipped_lines_notes(head, header_index, header_line, int(blank_rows.sum()))
    return RawTable(cells, lines, encoding, delimiter, header_line, notes)


def too_many_columns(width: int) -> str:
    return _("Fichier refusé : {width} colonnes (au plus {limit} attendues).").format(width=width, limit=MAX_COLUMNS)


def unnamed_column(position: int) -> str:
    """The name given to a column whose header cell is empty (its place, counted from 1)."""
    return _("colonne {number}").format(number=position + 1)


def title_lines_note(count: int, header_line: int) -> str:
    return ngettext(
        "{count} ligne(s) de titre avant l'en-tête ignorée(s) ; en-tête ligne {line}",
        "{count} ligne(s) de titre avant l'en-tête ignorée(s) ; en-tête ligne {line}",
        count,
    ).format(count=count, line=header_line)


def blank_lines_note(count: int) -> str:
    return ngettext("{count} ligne(s) vide(s) ignorée(s)", "{count} ligne(s) vide(s) ignorée(s)", count).format(
        count=count
    )


def _empty_code(column: pd.Series) -> int:
    categories = column.cat.categories
    # Categories are unique: get_loc gives one position.
    return int(cast(int, categories.get_loc(""))) if "" in categories else -2


def arrow_string_columns(body: memoryview, delimiter: str, width: int) -> list[pd.Categorical] | None:
    """Every cell of a quote-free UTF-8 body as stripped text, one categorical per column; None if irregular."""
    names = [f"c{position}" for position in range(width)]
    try:
        table = pacsv.read_csv(
            # pyarrow-stubs type the input as a path or an IO; a NativeFile is accepted and reads without a copy.
            pa.BufferReader(pa.py_buffer(body)),  # type: ignore[arg-type]
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char=False,
                double_quote=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            # Dictionary-encoded as they are parsed: a million cells, a few hundred distinct texts.
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.dictionary(pa.int32(), pa.string())),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        ).unify_dictionaries()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    columns = []
    for name in names:
        # Dictionary-typed by the convert options above (or built so when there is no row).
        encoded = cast(
            "pa.DictionaryArray[Any, Any]",
            table.column(name).combine_chunks()
            if table.num_rows
            else pa.array([], pa.dictionary(pa.int32(), pa.string())),
        )
        # Python's strip, on each distinct cell once: the same cells as read_csv_text gives.
        texts = cast("list[str]", encoded.dictionary.to_pylist())  # no null: strings_can_be_null=False
        if any(len(text) > MAX_CELL_CHARS for text in texts):
            return None  # Arrow takes cells the csv module refuses: the slow path names the line and column
        stripped = pd.Series([text.strip() for text in texts], dtype=object)
        remap, categories = pd.factorize(stripped)
        codes = remap[encoded.indices.to_numpy(zero_copy_only=False)]
        columns.append(pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object)))
    return columns


def xlsx_cell_text(value: object) -> str:
    """Spreadsheet cells as the analyst sees them: 12.0 → "12", dates → "2024-03-01"."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def xlsx_sheet_names(content: bytes) -> list[str]:
    guard_xlsx(content)
    workbook = open_workbook(content)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def guard_xlsx(content: bytes) -> None:
    """Refuse archives that are not XLSX or that would inflate beyond a sane size (zip bombs)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise UnreadableFileError(_("Ce fichier compressé n'est pas un classeur XLSX."))
            if sum(member.file_size for member in archive.infolist()) > MAX_XLSX_UNCOMPRESSED_BYTES:
                raise UnreadableFileError(_("Classeur refusé : une fois décompressé, il dépasserait 200 Mo."))
            if refusal := macro_or_link_refusal(archive):
                raise ActiveContentError(refusal)
    except UnreadableFileError:
        raise
    # A damaged central directory raises far more than BadZipFile: NotImplementedError for a
    # version number out of range, ValueError or EOFError for an offset or a count, struct.error…
    except Exception as error:
        raise UnreadableFileError(_("Le classeur XLSX est endommagé ou n'en est pas un.")) from error


def open_workbook(content: bytes) -> Workbook:
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise UnreadableFileError(
            _("Le classeur XLSX ne peut pas être lu ({error}).").format(error=type(error).__name__)
        ) from error


def read_xlsx_bytes(content: bytes, sheet: str | None = None) -> RawTable:
    guard_xlsx(content)
    workbook = open_workbook(content)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise UnreadableFileError(
                _("Feuille « {sheet} » introuvable ; feuilles : {sheets}.").format(
                    sheet=sheet, sheets=", ".join(workbook.sheetnames)
                )
            )
        if not workbook.worksheets:  # a damaged workbook.xml can name no sheet openpyxl can open
            raise UnreadableFileError(_("Le classeur XLSX est endommagé : il ne contient aucune feuille lisible."))
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        # A read-only workbook parses the sheet's XML (and inflates it) only here, row by row:
        # damage inside the sheet shows now, with any of the exceptions zipfile, zlib and the XML parser raise.
        try:
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                rows.append((number, [xlsx_cell_text(value) for value in values]))
        except Exception as error:
            raise UnreadableFileError(
                _(
                    "Le classeur XLSX est endommagé : la feuille « {sheet} » ne peut être "
                    "lue au-delà de la ligne {line} ({error})."
                ).format(sheet=worksheet.title, line=len(rows), error=type(error).__name__)
            ) from error
    finally:
        workbook.close()
    refuse_overlong_cells(rows)
    table = build_raw_table(rows, None, None)
    sheet_note = _("Feuille lue : « {sheet} »").format(sheet=worksheet.title)
    formulas = table_formulas(content, worksheet.title, rows, table)
    return RawTable(
        table.cells, table.lines, None, None, table.header_line, [sheet_note, *table.notes], formulas=formulas
    )


def workbook_has_formulas(content: bytes) -> bool:
    """Whether any worksheet of the (already guarded) archive holds a formula; True when a part cannot be
    read, so that the formula pass decides."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return has_formulas(archive)
    except Exception:  # damage in another sheet than the one read: zlib, zipfile or struct errors
        return True


def table_formulas(content: bytes, sheet: str, rows: list[tuple[int, list[str]]], table: RawTable) -> list[FormulaCell]:
    """The formulas of the table read (header and data lines), with the value imported for each; a
    formula that fetches its value anywhere in the sheet refuses the workbook (ingest/active_content.py)."""
    if not workbook_has_formulas(content):
        return []
    from openpyxl.utils.cell import get_column_letter

    names = list(table.cells.columns)
    imported = {table.header_line, *table.lines.tolist()}
    try:
        found = list(sheet_formulas(content, sheet))
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise UnreadableFileError(
            _("Le classeur XLSX est endommagé : les formules de la feuille « {sheet} » ne peuvent être lues.").format(
                sheet=sheet
            )
        ) from error
    flagged = []
    for line, position, formula in found:
        column = str(names[position]) if position < len(names) else unnamed_column(position)
        cell = f"{get_column_letter(position + 1)}{line}"
        if FETCHING_FUNCTIONS.search(formula):
            raise ActiveContentError(fetching_refusal(sheet, line, column, cell, formula))
        if line in imported:
            cells = rows[line - 1][1] if line <= len(rows) else []
            value = cells[position] if position < len(cells) else ""
            flagged.append(FormulaCell(sheet, line, column, cell, quoted(formula), value))
    return flagged


def refuse_overlong_cells(rows: list[tuple[int, list[str]]]) -> None:
    """A workbook's cell longer than MAX_CELL_CHARS refuses the file as a CSV's would (Excel writes at
    most 32 767 characters to a cell; only a forged workbook holds more)."""
    for line, cells in rows:
        for position, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                raise UnreadableFileError(overlong_cell(cell_place(rows, line, position)))


def looks_like_header(cells: list[str]) -> bool:
    """A header row has at least two non-empty cells and at least one that is not a number."""
    filled = [cell for cell in cells if cell]
    return len(filled) >= 2 and any(
        not cell.replace(" ", "").replace(",", "").replace(".", "").isdigit() for cell in filled
    )


def unique_names(names: list[str]) -> list[str]:
    """Two columns with the same header stay two columns: "Valeur", "Valeur (2)"."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def build_raw_table(rows: list[tuple[int, list[str]]], encoding: str | None, delimiter: str | None) -> RawTable:
    """Find the header (skipping title lines), drop blank lines, keep every row's file line number."""
    non_blank = [(line, cells) for line, cells in rows if any(cells)]
    if not non_blank:
        raise UnreadableFileError(_("Le fichier est vide : aucune ligne de données."))
    header_index = next(
        (index for index, (_, cells) in enumerate(non_blank[:HEADER_SEARCH_ROWS]) if looks_like_header(cells)), 0
    )
    header_line, header = non_blank[header_index]
    width = max(len(cells) for _, cells in non_blank[header_index:])
    if width > MAX_COLUMNS:
        raise UnreadableFileError(too_many_columns(width))
    names = unique_names(
        [name or unnamed_column(position) for position, name in enumerate(header + [""] * (width - len(header)))]
    )
    body = non_blank[header_index + 1 :]
    cells = pd.DataFrame([values + [""] * (width - len(values)) for _, values in body], columns=names, dtype=object)
    notes = []
    if header_index:
        notes.append(title_lines_note(header_index, header_line))
    blank = len(rows) - len(non_blank)
    if blank:
        notes.append(blank_lines_note(blank))
    return RawTable(
        cells, pd.Series([line for line, _ in body], dtype="int64"), encoding, delimiter, header_line, notes
    )


def read_upload(content: bytes, file_name: str, sheet: str | None = None) -> RawTable:
    """Read an uploaded file by its content (an XLSX is a zip archive), whatever its extension says."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise UnreadableFileError(_("Fichier refusé : il dépasse 50 Mo."))
    if content.startswith(b"PK\x03\x04"):
        return read_xlsx_bytes(content, sheet)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFileError(_("Le fichier porte l'extension .xlsx mais n'est pas un classeur Excel valide."))
    return read_csv_bytes(content)
