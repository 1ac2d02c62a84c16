"""Every refusal leaves an audit entry (and no version), from the function and from the command line."""

import json

import pytest

from cli_support import run_cli
from import_support import analyse
from indicators.ingest.pipeline import (
    ACTIVE_CONTENT,
    INVALID_ROWS,
    NO_VALID_ROW,
    PERSONAL_DATA,
    UNREADABLE,
    commit_import,
    refusal_reason,
    refuse_import,
)
from indicators.ingest.reading import MAX_UPLOAD_BYTES
from indicators.loading import observation_store
from indicators.store import audit
from workbooks import with_external_link, with_formula, with_macros, workbook_bytes

HEADER = "indicateur;code_commune;periode;valeur;note\n"
VALID = HEADER + "consultations_sexologie;92050;2025-01;4;\n"
REFUSED = {
    # name: (content, reason)
    "binaire.csv": (b"\x00\x01\x02\xff" * 300, UNREADABLE),
    "image.png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, UNREADABLE),
    # A quote never closed, after the lines the delimiter is guessed from: the cell runs past the csv limit.
    "guillemets.csv": (b"a;b\n" + b"1;2\n" * 50 + b'"ouvert;1\n' + b"x" * 200_000, UNREADABLE),
    "enorme.csv": (b"a;b\n" + b"1;2\n" * (MAX_UPLOAD_BYTES // 4 + 1), UNREADABLE),
    # One line of five million characters (the csv module's limit is 131 072 per cell).
    "ligne_longue.csv": ((VALID + "x" * 5_000_000 + "\n").encode(), UNREADABLE),
    "personnes.csv": (
        (HEADER + "consultations_sexologie;92050;2025-01;4;jean.dupont@example.org\n").encode(),
        PERSONAL_DATA,
    ),
    "colonnes.csv": (b"commune;nombre\nNanterre;3\n", NO_VALID_ROW),
    # An .xlsm renamed .xlsx, a workbook linked to another one, a value fetched from the network.
    "macros.xlsx": (with_macros(workbook_bytes()), ACTIVE_CONTENT),
    "liaison.xlsx": (with_external_link(workbook_bytes()), ACTIVE_CONTENT),
    "webservice.xlsx": (
        with_formula(workbook_bytes(), "D3", '_xlfn.WEBSERVICE("http://evil.example")', "5"),
        ACTIVE_CONTENT,
    ),
    "lignes.csv": ((VALID + "consultations_sexologie;99999;2025-02;4;\n").encode(), INVALID_ROWS),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_file_leaves_an_audit_entry_and_no_version(name, data_copy):
    content, reason = REFUSED[name]
    report = analyse(data_copy, content, name)
    assert refusal_reason(report, "all_or_nothing") == reason
    assert refuse_import(report, "all_or_nothing", user="analyste", audit_folder=data_copy) == reason
    [entry] = audit.read_entries(data_copy)
    assert (entry["action"], entry["who"], entry["sha256"]) == (f"import refusé ({reason})", "analyste", report.sha256)
    # Neither the file's content nor its name (it may be the personal data itself) is logged.
    assert "file_name" not in entry and name not in json.dumps(entry)
    assert observation_store(data_copy).versions() == []


def test_a_written_import_logs_itself_with_its_counts_and_an_accepted_file_is_no_refusal(data_copy):
    report = analyse(data_copy, VALID.encode(), "valide.csv")
    with pytest.raises(ValueError):
        refuse_import(report, "all_or_nothing", user="analyste", audit_folder=data_copy)
    assert audit.read_entries(data_copy) == []  # analysed, not confirmed: nothing happened yet
    commit_import(report, observation_store(data_copy), "all_or_nothing", user="analyste", audit_folder=data_copy)
    [entry] = audit.read_entries(data_copy)
    assert {key: entry[key] for key in ("action", "file_name", "version", "rows_added", "rows_removed")} == {
        "action": "import",
        "file_name": "valide.csv",
        "version": 1,
        "rows_added": 1,
        "rows_removed": 0,
    }


def test_invalid_rows_are_no_refusal_when_the_valid_ones_are_kept(data_copy):
    content, _ = REFUSED["lignes.csv"]
    assert refusal_reason(analyse(data_copy, content, "lignes.csv"), "valid_rows") is None


@pytest.mark.parametrize("options", [(), ("--dry-run", "--json")])
def test_the_command_line_records_a_refusal_with_the_system_user(options, data_copy, tmp_path):
    upload = tmp_path / "image.png"
    upload.write_bytes(REFUSED["image.png"][0])
    done = run_cli(data_copy, "ingest", str(upload), *options)
    assert done.returncode == 1
    [entry] = audit.read_entries(data_copy)
    assert entry["action"] == "import refusé (fichier illisible)"
    assert entry["who"] not in ("", "inconnu")
    assert not (data_copy / "store").exists()
    if "--json" in options:
        assert json.loads(done.stdout)["file_kind"] == "fichier illisible : ni CSV ni classeur XLSX"


def test_the_command_line_refuses_a_five_million_character_line_by_line_and_column(data_copy, tmp_path):
    upload = tmp_path / "ligne_longue.csv"
    upload.write_bytes(REFUSED["ligne_longue.csv"][0])
    done = run_cli(data_copy, "ingest", str(upload), "--json")
    assert done.returncode == 1, done.stderr.decode()[-500:]
    report = json.loads(done.stdout)
    assert report["refusal"].startswith("Ligne 3, colonne « indicateur » : une cellule de plus de 131")
    assert b"Traceback" not in done.stderr
    [entry] = audit.read_entries(data_copy)
    assert entry["action"] == "import refusé (fichier illisible)"
    assert not (data_copy / "store").exists()


def test_the_command_line_refuses_a_macro_workbook_and_names_a_formula_of_an_accepted_one(data_copy, tmp_path):
    upload = tmp_path / "macros.xlsx"
    upload.write_bytes(REFUSED["macros.xlsx"][0])
    refused = run_cli(data_copy, "ingest", str(upload))
    assert refused.returncode == 1 and "Refusé : Classeur refusé : il contient des macros" in refused.stdout.decode()
    [entry] = audit.read_entries(data_copy)
    assert entry["action"] == f"import refusé ({ACTIVE_CONTENT})"
    upload = tmp_path / "total.xlsx"
    upload.write_bytes(with_formula(workbook_bytes(), "D4", "D2+D3", "9"))
    dry = json.loads(run_cli(data_copy, "ingest", str(upload), "--dry-run", "--json").stdout)
    assert dry["ok"] is True
    assert [
        (cell["sheet"], cell["line"], cell["column"], cell["cell"], cell["formula"], cell["value"])
        for cell in dry["formulas"]
    ] == [("Données", 4, "valeur", "D4", "=D2+D3", "9")]
    text = run_cli(data_copy, "ingest", str(upload), "--dry-run").stdout.decode()
    assert "  formule : Feuille « Données », ligne 4, colonne « valeur » (cellule D4) : formule « =D2+D3 »" in text


def test_the_command_line_logs_its_imports_and_lists_neutralised_text(data_copy, tmp_path):
    upload = tmp_path / "sources.csv"
    upload.write_text(
        "indicateur;code_commune;periode;valeur;source\n"
        'consultations_sexologie;92050;2025-01;4;=HYPERLINK("http://exemple.org")\n'
        "consultations_sexologie;92050;2025-02;5;<b>CD92</b>\n",
        encoding="utf-8",
    )
    dry = json.loads(run_cli(data_copy, "ingest", str(upload), "--dry-run", "--json").stdout)
    assert [(cell["line"], cell["column"]) for cell in dry["neutralised"]] == [(2, "source"), (3, "source")]
    assert "formule" in dry["neutralised"][0]["message"] and "HTML" in dry["neutralised"][1]["message"]
    assert audit.read_entries(data_copy) == []  # a dry run that would be accepted writes nothing, not even a log line
    assert run_cli(data_copy, "ingest", str(upload)).returncode == 0
    [entry] = audit.read_entries(data_copy)
    assert (entry["action"], entry["version"]) == ("import", 1)


def test_committing_a_refused_file_writes_nothing_and_logs_nothing(data_copy):
    content, _ = REFUSED["lignes.csv"]
    report = analyse(data_copy, content, "lignes.csv")
    with pytest.raises(ValueError):
        commit_import(report, observation_store(data_copy), "all_or_nothing", user="analyste", audit_folder=data_copy)
    assert observation_store(data_copy).versions() == [] and audit.read_entries(data_copy) == []
