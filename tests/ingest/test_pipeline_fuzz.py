"""Fuzzing the whole import analysis: damaged analyst files give a report, never an exception.

Small valid and invalid files, in the shapes the importer accepts (long, wide per year or month,
split by sex or age, French or English headers, CSV in several encodings and delimiters, XLSX),
are mutated at random (bytes flipped, cells inserted, lines repeated or cut, delimiters swapped,
re-encoded, truncated, XML inside a workbook damaged), beside the hostile probe's own files (a line of
five million characters, a macro workbook, a workbook linked to another, formulas), and passed to
`analyse_upload`, the
function behind the page and `python -m indicators ingest`. Each case must end in a report
(accepted, refused, or with errors), within a time and a memory bound.

The seed is fixed; INDICATORS_FUZZ_CASES sets the number of cases (the default, 400, keeps the
file to its share of the suite's budget: about 20 s on 2 busy cores) and INDICATORS_FUZZ_SEED the seed, for a long run:

    INDICATORS_FUZZ_CASES=100000 .venv/bin/python -m pytest tests/ingest/test_pipeline_fuzz.py -s
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import time
import tracemalloc
import zipfile
from collections import Counter
from collections.abc import Callable
from functools import cache

import pandas as pd
import pytest
from openpyxl import Workbook

from indicators.ingest.pipeline import ImportReport, analyse_upload
from indicators.loading import DataTables
from indicators.observations import is_demo
from workbooks import with_external_link, with_formula, with_macros, workbook_bytes

CASES = int(os.environ.get("INDICATORS_FUZZ_CASES", "400"))
SEED = int(os.environ.get("INDICATORS_FUZZ_SEED", "20261130"))
# A long run appends its figures to this file every 1 000 cases (JSON lines), to be read while it runs.
PROGRESS = os.environ.get("INDICATORS_FUZZ_PROGRESS")
# CPU seconds of one case (wall time on a shared machine measures the neighbours): the issue saw
# no file above 5 s on this machine; the bound leaves room for a slower CI runner.
SECONDS_PER_CASE = 10.0
# Python allocations of one case (tracemalloc peak): the files are a few kB, a leak or blow-up is not.
PEAK_BYTES_PER_CASE = 256 * 1024 * 1024
# Every TRACED_EVERY-th case is traced for memory, and not timed: tracemalloc slows pandas down severalfold.
TRACED_EVERY = 10

LONG_FR = [
    ["Indicateur", "Code commune", "Période", "Sexe", "Tranche d'âge", "Valeur"],
    ["Consultations de sexologie", "92050", "01/01/2025", "F", "15-17", "1 204"],
    ["Consultations de sexologie", "92050", "01/01/2025", "M", "15-17", "3"],
    ["consultations_sexologie", "92002", "2025-02", "", "", "12,0"],
    ["signalements_risque_prostitutionnel", "92071", "mars 2025", "ensemble", "11-14", "4"],
]
LONG_EN = [
    ["indicator", "commune code", "period", "sex", "age group", "value"],
    ["jeunes_suivis_vaj", "92004", "2024-11", "F", "11-14", "2"],
    ["jeunes_suivis_vaj", "92004", "2024-11", "M", "11-14", "1"],
    ["jeunes_suivis_vaj", "92007", "T1 2025", "", "", "7"],
]
WIDE_YEARS = [
    ["Export du 02/01/2026"],
    [],
    ["indicateur", "code_commune", "sexe", "2023", "2024", "2025"],
    ["participants_prevention", "92002", "F", "10", "12", "15"],
    ["participants_prevention", "92002", "M", "9", "11", "14"],
    ["Total", "", "", "19", "23", "29"],
]
WIDE_MONTHS = [
    ["code_commune", "tranche_age", "2025-01", "2025-02", "2025-03"],
    ["92050", "11-14", "1", "0", "2"],
    ["92050", "15-17", "3", "4", "5"],
    ["92009", "ensemble", "6", "", "7"],
]
YEAR_MONTH = [
    ["Code INSEE", "Année", "Mois", "Genre", "Effectif"],
    ["92002", "2025", "3", "fille", "5"],
    ["92002", "2025", "3", "garçon", "2"],
]
INVALID = [
    ["indicateur", "code_commune", "periode", "sexe", "valeur"],
    ["consultations_sexologie", "99999", "2025-13", "X", "-3"],
    ["inconnu", "92050", "1850-01", "F", "douze"],
    ["consultations_sexologie", "92050", "2025-01", "ensemble", "4"],
    ["consultations_sexologie", "92050", "2025-01", "F", "3"],
]
PERSONAL = [
    ["indicateur", "code_commune", "periode", "valeur", "Nom", "Téléphone"],
    ["consultations_sexologie", "92050", "2025-01", "1", "Martin", "06 12 34 56 78"],
]
# (rows, indicator chosen on the page when the file has no indicator column)
SHAPES: list[tuple[list[list[str]], str | None]] = [
    (LONG_FR, None),
    (LONG_EN, None),
    (WIDE_YEARS, None),
    (WIDE_MONTHS, "consultations_sexologie"),
    (YEAR_MONTH, "professionnels_formes"),
    (INVALID, None),
    (PERSONAL, None),
]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "mac_roman", "utf-16", "latin-1"]
DELIMITERS = [";", ",", "\t", "|"]
NEWLINES = ["\r\n", "\n", "\r"]
PASTED = ["’", "œ", "€", "« guillemets »", "Œuvre – n°"]


def csv_file(rows: list[list[str]], delimiter: str, newline: str, encoding: str) -> bytes:
    text = newline.join(delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row) for row in rows)
    return (text + newline).encode(encoding, errors="replace")


def xlsx_file(rows: list[list[str]], numeric: bool) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([int(cell) if numeric and cell.isdigit() else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Mutations of the rows (before the file is written) -------------------------------------


def insert_cell(rows: list[list[str]], rng: random.Random) -> None:
    row = rng.choice(rows) if rows else []
    row.insert(
        rng.randint(0, len(row)), rng.choice(["", "x", "12", "-1", "2025-01", "=1+1", "Total", "ensemble", "é" * 50])
    )


def repeat_line(rows: list[list[str]], rng: random.Random) -> None:
    if rows:
        index = rng.randrange(len(rows))
        rows[index:index] = [list(rows[index])] * rng.randint(1, 50)


def cut_line(rows: list[list[str]], rng: random.Random) -> None:
    if rows:
        del rows[rng.randrange(len(rows))]


def cut_cell(rows: list[list[str]], rng: random.Random) -> None:
    row = rng.choice(rows) if rows else []
    if row:
        index = rng.randrange(len(row))
        row[index] = row[index][: rng.randint(0, len(row[index]))]


def paste_cell(rows: list[list[str]], rng: random.Random) -> None:
    row = rng.choice(rows) if rows else []
    if row:
        index = rng.randrange(len(row))
        row[index] += rng.choice(PASTED)


def swap_columns(rows: list[list[str]], rng: random.Random) -> None:
    width = max((len(row) for row in rows), default=0)
    if width >= 2:
        first, second = rng.sample(range(width), 2)
        for row in rows:
            if len(row) > max(first, second):
                row[first], row[second] = row[second], row[first]


ROW_MUTATIONS: list[Callable[[list[list[str]], random.Random], None]] = [
    insert_cell,
    repeat_line,
    cut_line,
    cut_cell,
    paste_cell,
    swap_columns,
]


# --- Mutations of the bytes ------------------------------------------------------------------


def flip_bytes(content: bytes, rng: random.Random) -> bytes:
    data = bytearray(content)
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def truncate(content: bytes, rng: random.Random) -> bytes:
    return content[: rng.randint(0, len(content))]


def swap_delimiters(content: bytes, rng: random.Random) -> bytes:
    old, new = rng.sample([b";", b",", b"\t", b"\n", b'"'], 2)
    return content.replace(old, new)


def insert_bytes(content: bytes, rng: random.Random) -> bytes:
    position = rng.randint(0, len(content))
    junk = rng.choice(
        [
            b"\x00",
            b"\xef\xbb\xbf",
            b'"',
            b"\r",
            b"\xff\xfe",
            bytes(rng.randrange(256) for _ in range(16)),
            "’œ€".encode("cp1252"),
            b"PK\x03\x04",
        ]
    )
    return content[:position] + junk + content[position:]


def duplicate_region(content: bytes, rng: random.Random) -> bytes:
    if not content:
        return content
    start = rng.randrange(len(content))
    end = min(len(content), start + rng.randint(1, 200))
    return content[:end] + content[start:end] * rng.randint(1, 20) + content[end:]


def re_encode(content: bytes, rng: random.Random) -> bytes:
    text = content.decode("utf-8", errors="replace")
    return text.encode(rng.choice(ENCODINGS), errors="replace")


def paste_windows_1252(content: bytes, rng: random.Random) -> bytes:
    """A passage pasted from Word or Excel on Windows into a UTF-8 file."""
    position = rng.randint(0, len(content))
    return content[:position] + rng.choice(PASTED).encode("cp1252") + content[position:]


BYTE_MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    flip_bytes,
    truncate,
    swap_delimiters,
    insert_bytes,
    duplicate_region,
    re_encode,
    paste_windows_1252,
]


def damage_workbook(content: bytes, rng: random.Random) -> bytes:
    """Mutate the XML of one member of the archive and zip it again (openpyxl then parses the damage)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    names = source.namelist()
    victim = rng.choice([name for name in names if name.endswith(".xml")] or names)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            data = source.read(name)
            if name == victim:
                data = rng.choice([flip_bytes, truncate, duplicate_region, insert_bytes])(data, rng)
            target.writestr(name, data)
    return output.getvalue()


def long_line_file() -> bytes:
    """A valid file, then one line of five million characters (the csv module stops at 131 072 per cell)."""
    return csv_file(LONG_FR, ";", "\n", "utf-8") + b"x" * 5_000_000 + b"\n"


# Whole files from the hostile probe of issue #24, mutated like the others: built once, here (openpyxl
# and zipfile, tests/workbooks.py), not kept as binary fixtures.
SEED_FILES: list[tuple[str, Callable[[], bytes]]] = [
    ("ligne_longue.csv", long_line_file),
    ("macros.xlsx", lambda: with_macros(workbook_bytes())),
    ("liaison.xlsx", lambda: with_external_link(workbook_bytes())),
    ("webservice.xlsx", lambda: with_formula(workbook_bytes(), "D3", '_xlfn.WEBSERVICE("http://evil.example")', "5")),
    ("total.xlsx", lambda: with_formula(workbook_bytes(), "D4", "SUM(D2:D3)", "9")),
]
SEED_SHARE = 0.05


@cache
def seed_file(name: str) -> bytes:
    return dict(SEED_FILES)[name]()


def mutated_seed(rng: random.Random) -> tuple[bytes, str, str | None]:
    """One of the seed files, mutated as a workbook or as bytes (or not at all)."""
    name = rng.choice([name for name, _build in SEED_FILES])
    content = seed_file(name)
    if name.endswith(".xlsx"):
        if rng.random() < 0.5:
            content = damage_workbook(content, rng)
    elif rng.random() < 0.5:
        content = rng.choice([flip_bytes, insert_bytes, swap_delimiters, paste_windows_1252])(content, rng)
    return content, name, None


def fuzz_case(rng: random.Random) -> tuple[bytes, str, str | None]:
    """One mutated file: its bytes, its name and the indicator chosen on the page."""
    if rng.random() < SEED_SHARE:
        return mutated_seed(rng)
    rows, indicator = rng.choice(SHAPES)
    rows = [list(row) for row in rows]
    for _ in range(rng.randint(0, 3)):
        rng.choice(ROW_MUTATIONS)(rows, rng)
    if rng.random() < 0.2:
        content, name = xlsx_file(rows, numeric=rng.random() < 0.5), "observations.xlsx"
        if rng.random() < 0.5:
            content = damage_workbook(content, rng)
        elif rng.random() < 0.5:
            content = rng.choice([flip_bytes, truncate, duplicate_region])(content, rng)
    else:
        content = csv_file(rows, rng.choice(DELIMITERS), rng.choice(NEWLINES), rng.choice(ENCODINGS))
        for _ in range(rng.randint(0, 3)):
            content = rng.choice(BYTE_MUTATIONS)(content, rng)
        name = rng.choice(["observations.csv", "export.txt", "classeur.xlsx"])
    return content, name, indicator if rng.random() < 0.8 else None


def outcome(report: ImportReport) -> str:
    if report.refusal:
        return "refused"
    return "with errors" if report.errors or not report.acceptable("all_or_nothing") else "accepted"


def check_report(report: ImportReport) -> None:
    """What the page and `ingest --json` read from a report is there and serialisable."""
    assert isinstance(report, ImportReport)
    assert report.refusal is None or (isinstance(report.refusal, str) and report.refusal)
    assert all(isinstance(error.message, str) and error.message for error in report.errors)
    json.dumps(report.as_json("valid_rows"), ensure_ascii=False)


@pytest.fixture(scope="module")
def contexts(tables: DataTables) -> list[tuple[pd.DataFrame, bool]]:
    """The store as the analyst may find it: the demo data, or a small real import."""
    real = tables.field_observations.head(200).assign(source_id="IMPORT_000001")
    return [(tables.field_observations, is_demo(tables.field_observations)), (real, False)]


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("ligne_longue.csv", "Ligne 6, colonne « Indicateur » : une cellule de plus de 131"),
        ("macros.xlsx", "Classeur refusé : il contient des macros (xl/vbaProject.bin)."),
        ("liaison.xlsx", "Classeur refusé : il est lié à 1 autre(s) classeur(s)"),
        ("webservice.xlsx", "Feuille « Données », ligne 3, colonne « valeur » (cellule D3) : formule"),
        ("total.xlsx", None),
    ],
)
def test_each_seed_file_unmutated_is_refused_or_named(name, refusal, tables: DataTables):
    communes = tables.territories.loc[tables.territories["level"] == "commune"]
    current = tables.field_observations
    report = analyse_upload(seed_file(name), name, tables.indicators, communes, current, is_demo(current))
    check_report(report)
    if refusal is None:
        assert report.refusal is None and [cell.cell for cell in report.formulas] == ["D4"]
    else:
        assert report.refusal is not None and report.refusal.startswith(refusal), report.refusal


def test_mutated_files_always_give_a_report(tables: DataTables, contexts):
    communes = tables.territories.loc[tables.territories["level"] == "commune"]
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    failures: list[str] = []  # every case that raised or broke a bound, to replay by its number and seed
    slowest, peak = (0.0, -1), (0, -1)
    started, started_cpu = time.perf_counter(), time.process_time()
    for case in range(CASES):
        content, name, indicator = fuzz_case(rng)
        current, current_is_demo = contexts[case % len(contexts)]
        traced = case % TRACED_EVERY == 0
        if traced:
            tracemalloc.start()
        began = time.process_time()
        try:
            report = analyse_upload(
                content, name, tables.indicators, communes, current, current_is_demo, default_indicator=indicator
            )
            check_report(report)
            outcomes[outcome(report)] += 1
        except Exception as error:  # the point of the test: record the case that raised, to replay it
            outcomes["exceptions"] += 1
            failures.append(
                f"case {case} ({name}, {len(content)} bytes) raised {type(error).__name__}: {error} {content[:200]!r}"
            )
        elapsed = time.process_time() - began
        if traced:
            case_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            peak = max(peak, (case_peak, case))
            if case_peak > PEAK_BYTES_PER_CASE:
                failures.append(f"case {case} allocated {case_peak / 2**20:.0f} MiB at its peak")
        else:
            slowest = max(slowest, (elapsed, case))
            if elapsed > SECONDS_PER_CASE:
                failures.append(f"case {case} took {elapsed:.1f} s of CPU")
        if (PROGRESS and (case + 1) % 1000 == 0) or case + 1 == CASES:
            summary = {
                "cases": case + 1,
                "seed": SEED,
                "seconds": round(time.perf_counter() - started),
                "cpu_seconds": round(time.process_time() - started_cpu),
                "outcomes": dict(outcomes),
                "exceptions": outcomes["exceptions"],
                "failures": len(failures),
                "slowest_case": slowest[1],
                "slowest_cpu_seconds": round(slowest[0], 3),
                "peak_case": peak[1],
                "peak_mib": round(peak[0] / 2**20, 2),
                "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
            if PROGRESS:
                with open(PROGRESS, "a", encoding="utf-8") as log:
                    log.write(json.dumps({**summary, "first_failures": failures[:5]}, ensure_ascii=False) + "\n")
    print(f"\nfuzz: {json.dumps(summary, ensure_ascii=False)}")
    assert not failures, f"{len(failures)} case(s) failed (seed {SEED}):\n" + "\n".join(failures[:20])
    # A fixed seed and mutations that keep many files readable: every kind of outcome occurs.
    assert CASES < 100 or {"accepted", "refused", "with errors"} <= set(outcomes), outcomes
