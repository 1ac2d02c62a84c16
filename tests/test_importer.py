"""The import page (views/importer.py) on files it refuses or neutralises: said plainly, and audited once."""

import re

import pytest

from app_support import open_page
from indicators.loading import observation_store
from indicators.store import audit
from workbooks import with_external_link, with_formula, with_macros, workbook_bytes


@pytest.fixture()
def isolated_data(data_copy, monkeypatch):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    return data_copy


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("octets.csv", bytes(range(256)) * 20),
        ("archive.xlsx", b"PK\x03\x04" + b"\x00" * 200),
        ("scan.csv", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
    ],
)
def test_a_file_that_is_no_table_is_not_called_a_workbook_and_is_audited_once(name, content, isolated_data):
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not app.exception
    reading = next(markdown.value for markdown in app.markdown if name.split(".")[0] in markdown.value)
    assert "fichier illisible : ni CSV ni classeur XLSX" in reading
    assert app.error  # the refusal, in French
    app.run()  # a rerun with the same file (any widget change) records nothing more
    assert [entry["action"] for entry in audit.read_entries(isolated_data)] == ["import refusé (fichier illisible)"]
    assert observation_store(isolated_data).latest_version() == 0


def test_personal_data_refusal_is_audited_through_the_shared_function(isolated_data):
    content = (
        "indicateur;code_commune;periode;valeur;Courriel\n"
        "consultations_sexologie;92050;2026-01;1;lea.martin@example.fr\n"
    )
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("lea_martin.csv", content.encode(), "text/csv")).run()
    [entry] = audit.read_entries(isolated_data)
    assert entry["action"] == "import refusé (données personnelles)" and "lea_martin" not in str(entry)


def test_neutralised_text_is_listed_by_line_and_column_before_confirming(isolated_data):
    content = (
        "indicateur;code_commune;periode;valeur;source\n"
        "consultations_sexologie;92050;2026-01;4;CD92\n"
        'consultations_sexologie;92050;2026-02;5;=HYPERLINK("http://exemple.org")\n'
    )
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("sources.csv", content.encode(), "text/csv")).run()
    assert not app.exception
    assert any("Texte neutralisé dans 1 ligne(s)" in info.value for info in app.info)
    # Escaped for Markdown ("\\:"), as every text that comes from the file.
    assert any(
        markdown.value.startswith("- Ligne 3 ; colonne source \\: texte qu'un tableur exécuterait comme une formule")
        for markdown in app.markdown
    )
    assert any("fichier CSV" in markdown.value and "encodage utf-8" in markdown.value for markdown in app.markdown)
    next(button for button in app.button if button.label == "Confirmer l'import").click().run()
    assert observation_store(isolated_data).latest_version() == 1
    assert [entry["action"] for entry in audit.read_entries(isolated_data)] == ["import"]


def test_a_quarterly_file_is_previewed_by_quarter(isolated_data):
    content = "Indicateur;Code commune;Trimestre;Nombre\n" + "".join(
        f"consultations_sexologie;92050;{quarter};{value}\n"
        for quarter, value in (("T1 2025", 10), ("2e trimestre 2025", 12), ("2025-Q3", 14), ("4e trim. 2025", 16))
    )
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("trimestres.csv", content.encode(), "text/csv")).run()
    assert not app.exception
    finding = next(markdown.value for markdown in app.markdown if markdown.value.startswith("**Après import"))
    assert "T4 2025" in finding, finding  # drawn per quarter, not summed into the year


def test_a_five_million_character_line_is_refused_in_french_and_audited(isolated_data):
    content = b"indicateur;code_commune;periode;valeur\nconsultations_sexologie;92050;2025-01;4\n" + b"x" * 5_000_000
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("longue.csv", content, "text/csv")).run()
    assert not app.exception
    [refusal] = [error.value for error in app.error]
    assert refusal.startswith("Ligne 3, colonne « indicateur » \\: une cellule de plus de 131"), refusal
    assert [entry["action"] for entry in audit.read_entries(isolated_data)] == ["import refusé (fichier illisible)"]
    assert observation_store(isolated_data).latest_version() == 0


def test_an_imported_file_name_is_quoted_under_every_chart_without_becoming_a_link(isolated_data):
    content = "indicateur;code_commune;periode;valeur\nconsultations_sexologie;92050;2025-01;4\n"
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("www.evil.example.csv", content.encode(), "text/csv")).run()
    next(button for button in app.button if button.label == "Confirmer l'import").click().run()
    assert observation_store(isolated_data).latest_version() == 1
    trends = open_page("views/trends.py")
    sources = [caption.value for caption in trends.caption if "Fichier" in caption.value]
    assert sources and all("« www_evil.example.csv »" in source for source in sources), sources
    history = open_page("views/history.py", analyst=True)
    versions = history.dataframe[0].value.astype(str)
    assert "www_evil.example.csv" in versions.to_string() and "www.evil" not in versions.to_string()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_read(markdown: str) -> str:
    """What a viewer reads of escaped Markdown: escapes resolved, word joiners invisible."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


@pytest.mark.parametrize(
    ("name", "build", "refusal"),
    [
        ("renomme.xlsx", lambda: with_macros(workbook_bytes()), "Classeur refusé : il contient des macros"),
        ("lie.xlsx", lambda: with_external_link(workbook_bytes()), "Classeur refusé : il est lié à 1 autre"),
        (
            "webservice.xlsx",
            lambda: with_formula(workbook_bytes(), "D3", '_xlfn.WEBSERVICE("http://evil.example")', "5"),
            "Feuille « Données », ligne 3, colonne « valeur » (cellule D3) : formule « =_xlfn.WEBSERVICE(",
        ),
    ],
    ids=["macros", "external-link", "webservice"],
)
def test_a_workbook_that_runs_or_fetches_is_refused_in_french_and_audited(name, build, refusal, isolated_data):
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value((name, build(), XLSX)).run()
    assert not app.exception
    errors = [as_read(error.value) for error in app.error]
    assert any(error.startswith(refusal) for error in errors), errors
    # Named for what it is: a workbook, read, then refused (not « ni CSV ni classeur XLSX »).
    assert any(markdown.value.endswith(" : classeur XLSX.") for markdown in app.markdown)
    assert [entry["action"] for entry in audit.read_entries(isolated_data)] == [
        "import refusé (macros, liaisons ou formules externes)"
    ]
    assert observation_store(isolated_data).latest_version() == 0
    assert not [button for button in app.button if button.label == "Confirmer l'import"]


def test_a_formula_whose_saved_value_is_imported_is_named_in_the_preview(isolated_data):
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("total.xlsx", with_formula(workbook_bytes(), "D4", "D2+D3", "9"), XLSX)).run()
    assert not app.exception and not app.error
    [warning] = [warning.value for warning in app.warning if "formule" in warning.value]
    assert warning.startswith("1 cellule(s) du classeur sont calculées par une formule")
    formulas = next(frame.value for frame in app.dataframe if "Formule" in frame.value.columns)
    assert formulas.to_dict("records") == [
        {
            "Feuille": "Données",
            "Ligne": 4,
            "Colonne": "valeur",
            "Cellule": "D4",
            "Formule": "=D2+D3",
            "Valeur importée": "9",
        }
    ]
    next(button for button in app.button if button.label == "Confirmer l'import").click().run()
    assert observation_store(isolated_data).latest_version() == 1


def test_a_formula_never_computed_is_said_to_be_read_empty_on_the_page(isolated_data):
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("script.xlsx", with_formula(workbook_bytes(), "D2", "D3+1", None), XLSX)).run()
    formulas = next(frame.value for frame in app.dataframe if "Formule" in frame.value.columns)
    shown = formulas[["Cellule", "Valeur importée"]].to_dict("records")
    assert shown == [{"Cellule": "D2", "Valeur importée": "(vide)"}]
    assert any("Une formule sans valeur enregistrée est lue vide" in caption.value for caption in app.caption)
