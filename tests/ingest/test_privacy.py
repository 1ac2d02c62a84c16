"""Detection of personal data in uploaded files: both sides, since a false alarm refuses a good file."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from indicators.ingest.privacy import (
    PERSONAL_DATA_KINDS,
    PERSONAL_HEADER_KINDS,
    PersonalDataFinding,
    find_personal_data,
    normalise_header,
    personal_kinds_of_header,
)
from indicators.scope import france_territories

# The default scope's communes, read from the France table (the Hauts-de-Seine).
HAUTS_DE_SEINE_COMMUNES = tuple(france_territories().query("level == 'commune' and departement_code == '92'")["name"])
# The default scope's communes, read from the France table (the Hauts-de-Seine).
HAUTS_DE_SEINE_COMMUNES = tuple(france_territories().query("level == 'commune' and departement_code == '92'")["name"])
FIRST_DATA_LINE = 2  # line 1 holds the headers


def upload(columns: dict[str, list[str]], first_line: int = FIRST_DATA_LINE) -> list[PersonalDataFinding]:
    """Run the detector on a small file given as {header: cells}, lines numbered as in the file."""
    cells = pd.DataFrame(columns, dtype=object)
    lines = pd.Series(range(first_line, first_line + len(cells)), index=cells.index)
    return find_personal_data(cells, lines)


def one_cell_upload(value: str, header: str = "Observation") -> list[PersonalDataFinding]:
    """The value sits on file line 4, after two ordinary aggregate rows."""
    return upload({header: ["12", "Chiffres provisoires", value]})


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# --- headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Nom d'usage", "nom d usage"),
        ("E-mail", "e mail"),
        ("N° Sécu.", "n secu"),
        ("  PRÉNOM_ENFANT  ", "prenom enfant"),
        ("Né(e) le", "ne e le"),
        ("Tranche d'âge", "tranche d age"),
        ("Identifiant--national / élève", "identifiant national eleve"),
    ],
)
def test_headers_are_normalised_to_plain_lower_case_words(header, expected):
    assert normalise_header(header) == expected


PERSONAL_HEADERS = [
    ("Nom", "nom"),
    ("NOM", "nom"),
    ("Nom de famille", "nom"),
    ("Nom d'usage", "nom"),
    ("Nom du jeune", "nom"),
    ("Name", "nom"),
    ("Last name", "nom"),
    ("Surname", "nom"),
    ("Prénom", "prenom"),
    ("Prénoms", "prenom"),
    ("First name", "prenom"),
    ("Date de naissance", "date_naissance"),
    ("Naissance", "date_naissance"),
    ("Né le", "date_naissance"),
    ("Née le", "date_naissance"),
    ("Né(e) le", "date_naissance"),
    ("DDN", "date_naissance"),
    ("Birth date", "date_naissance"),
    ("Date of birth", "date_naissance"),
    ("DOB", "date_naissance"),
    ("Adresse", "adresse"),
    ("Address", "adresse"),
    ("Rue", "adresse"),
    ("Domicile", "adresse"),
    ("Téléphone", "telephone"),
    ("Tél.", "telephone"),
    ("Tel", "telephone"),
    ("Portable", "telephone"),
    ("Mobile", "telephone"),
    ("Phone", "telephone"),
    ("Email", "email"),
    ("E-mail", "email"),
    ("Mail", "email"),
    ("Courriel", "email"),
    ("Adresse e-mail", "email"),
    ("NIR", "nir"),
    ("Numéro de sécurité sociale", "nir"),
    ("Sécurité sociale", "nir"),
    ("Num sécu", "nir"),
    ("INE", "ine"),
    ("Identifiant national élève", "ine"),
]


@pytest.mark.parametrize(("header", "kind"), PERSONAL_HEADERS)
def test_personal_header_alone_refuses_the_file(header, kind):
    findings = upload({"Commune": ["Nanterre", "Sceaux"], header: ["", ""], "Valeur": ["3", "5"]})

    assert [(finding.column, finding.kind) for finding in findings] == [(header, kind)]
    finding = findings[0]
    assert finding.line is None
    assert finding.count == 0
    assert finding.masked_example is None
    assert f"« {header} »" in finding.message
    assert "refusé en entier" in finding.message


def test_header_naming_both_name_and_first_name_gives_two_findings_in_kind_order():
    findings = upload({"Nom Prénom": ["", ""]})

    assert [finding.kind for finding in findings] == ["nom", "prenom"]


def test_first_name_header_is_not_also_a_surname():
    assert personal_kinds_of_header("First name") == ("prenom",)


AGGREGATE_HEADERS = [
    "Commune",
    "Nom de la commune",
    "Nom commune",
    "Libellé commune",
    "Nom de l'indicateur",
    "Indicateur",
    "Territoire",
    "Année",
    "Mois",
    "Période",
    "Date",
    "Valeur",
    "Nombre",
    "Effectif",
    "Sexe",
    "Tranche d'âge",
    "Âge",
    "Source",
    "Note",
    "Commentaire",
    "Code commune",
    "Code INSEE",
    "CODGEO",
    "Code postal",
    "Nom de la structure",
    "Nom du service",
    "Nom du dispositif",
    "Nom de la source",
    "Nombre de fugues du domicile",
    "Nb appels au téléphone",
    "Équipe mobile",
    "Travail de rue",
    "Pays de naissance",
]


@pytest.mark.parametrize("header", AGGREGATE_HEADERS)
def test_aggregate_header_is_not_flagged(header):
    assert personal_kinds_of_header(header) == ()
    assert upload({header: ["Nanterre", "2024-01", "12"]}) == []


def test_every_header_keyword_is_already_normalised():
    assert all(normalise_header(phrase) == phrase for phrase in PERSONAL_HEADER_KINDS)
    assert set(PERSONAL_HEADER_KINDS.values()) <= set(PERSONAL_DATA_KINDS)


# --- values ------------------------------------------------------------------------------

# (cell, kind, masked example expected, identifying fragments that must never appear)
PERSONAL_VALUES = [
    ("jean.dupont@gmail.fr", "email", "j***@***.fr", ["jean.dupont", "dupont", "gmail"]),
    ("contact : lea.m@orange.fr", "email", "l***@***.fr", ["lea.m", "orange"]),
    ("06 45 78 90 12", "telephone", "06 ** ** ** 12", ["45 78 90", "457890"]),
    ("0645789012", "telephone", "06 ** ** ** 12", ["457890"]),
    ("06.45.78.90.12", "telephone", "06 ** ** ** 12", ["45.78.90", "457890"]),
    ("06-45-78-90-12", "telephone", "06 ** ** ** 12", ["45-78-90", "457890"]),
    ("+33 6 45 78 90 12", "telephone", "06 ** ** ** 12", ["45 78 90", "457890"]),
    ("0033645789012", "telephone", "06 ** ** ** 12", ["457890"]),
    ("rappeler au 01 40 97 33 45 avant midi", "telephone", "01 ** ** ** 45", ["40 97 33", "409733"]),
    ("1 85 05 78 006 084 45", "nir", "1 ** ** ** *** *** 45", ["85 05 78 006 084", "850578006084"]),
    ("185057800608445", "nir", "1 ** ** ** *** *** 45", ["850578006084"]),
    ("2850578006084", "nir", "2 ** ** ** *** ***", ["850578006084"]),
    ("2 09 11 2A 004 017 63", "nir", "2 ** ** ** *** *** 63", ["09 11 2A", "2A004"]),
    ("1234567890A", "ine", "1*********A", ["234567890"]),
    ("123456789ab", "ine", "1*********B", ["23456789"]),
    ("12 rue des Lilas", "adresse", "** rue ***", ["12", "Lilas"]),
    ("3 bis, avenue Foch", "adresse", "** avenue ***", ["Foch"]),
    ("5 bd Victor Hugo", "adresse", "** bd ***", ["Victor", "Hugo"]),
    ("14 allée des Tilleuls, Sceaux", "adresse", "** allee ***", ["Tilleuls"]),
    ("1 place de la République", "adresse", "** place ***", ["République"]),
    ("10 cours Mirabeau", "adresse", "** cours ***", ["Mirabeau"]),
    ("née le 15/03/2009", "date_naissance", "**/**/****", ["15/03", "2009"]),
    ("jeune né le 3 mars 2008, suivi PJJ", "date_naissance", "**/**/****", ["3 mars", "2008"]),
    ("né(e) le 2009-03-15", "date_naissance", "**/**/****", ["2009", "03-15"]),
    ("RDV avec M. Dupont", "note_personnelle", "M. D***", ["Dupont"]),
    ("Mme Lefèvre prévenue", "note_personnelle", "Mme L***", ["Lefèvre", "Lefevre"]),
    ("Madame Benali", "note_personnelle", "Madame B***", ["Benali"]),
    ("Monsieur Durand", "note_personnelle", "Monsieur D***", ["Durand"]),
    ("Mlle Petit", "note_personnelle", "Mlle P***", ["Petit"]),
    ("jeune fille âgée de 15 ans", "note_personnelle", "âgée de ** ans", ["15"]),
    ("elle a 14 ans, fugue", "note_personnelle", "elle a ** ans", ["14"]),
    ("il a 16 ans", "note_personnelle", "il a ** ans", ["16"]),
    ("Léa, 15 ans, fugue", "note_personnelle", "L***", ["Léa", "Lea", "15"]),
    ("Yanis suivi depuis mars", "note_personnelle", "Y***", ["Yanis"]),
    ("Lea (15 ans)", "note_personnelle", "L***", ["Lea"]),
    ("LUCAS, 14 ans", "note_personnelle", "L***", ["LUCAS"]),
    ("orientation de Chloé, vue par l'ASE", "note_personnelle", "C***", ["Chloé", "Chloe"]),
    ("Inès", "note_personnelle", "I***", ["Inès", "Ines"]),
]


@pytest.mark.parametrize(("cell", "kind", "masked", "identifying"), PERSONAL_VALUES)
def test_personal_value_is_found_on_its_line_and_masked(cell, kind, masked, identifying):
    findings = one_cell_upload(cell)

    assert [(finding.column, finding.kind) for finding in findings] == [("Observation", kind)]
    finding = findings[0]
    assert finding.line == 4
    assert finding.count == 1
    assert finding.masked_example == masked
    for shown in (finding.masked_example, finding.message):
        assert cell not in shown
        assert all(fragment not in shown for fragment in identifying)
        if len(digits(cell)) >= 8:
            assert digits(cell) not in digits(shown)


@pytest.mark.parametrize(("cell", "kind", "masked", "identifying"), PERSONAL_VALUES)
def test_message_names_the_column_and_line_in_french_never_the_value(cell, kind, masked, identifying):
    message = one_cell_upload(cell, header="Remarques du service")[0].message

    assert "« Remarques du service »" in message
    assert "ligne 4" in message
    assert "agrégés" in message and "refusé en entier" in message and "rien n'en est conservé" in message
    assert cell not in message


def test_value_in_a_column_with_a_personal_header_gives_one_merged_finding():
    findings = upload({"Téléphone": ["", "06 45 78 90 12", "", "07 11 22 33 44"]})

    assert len(findings) == 1
    finding = findings[0]
    assert (finding.kind, finding.line, finding.count) == ("telephone", 3, 2)
    assert finding.message.startswith("La colonne « Téléphone » (ligne 3) contient des numéros de téléphone")
    assert "2 cellules" in finding.message


@pytest.mark.parametrize("birth_date", ["15/03/2009", "15-03-2009", "2009-03-15", "2009-03-15 00:00:00", "3 mars 2009"])
def test_any_full_date_in_a_birth_date_column_is_a_birth_date(birth_date):
    findings = upload({"Date de naissance": ["", birth_date, birth_date]})

    assert [(f.kind, f.line, f.count, f.masked_example) for f in findings] == [("date_naissance", 3, 2, "**/**/****")]
    assert "2009" not in findings[0].message


def test_findings_follow_column_order_then_kind_order():
    findings = upload(
        {
            "Commune": ["Nanterre", "Antony"],
            "Contact": ["jean.dupont@gmail.fr", "06 45 78 90 12"],
            "Nom": ["", ""],
            "Note": ["Chiffres provisoires", "Léa, 15 ans"],
        }
    )

    assert [(f.column, f.kind, f.line) for f in findings] == [
        ("Contact", "telephone", 3),
        ("Contact", "email", 2),
        ("Nom", "nom", None),
        ("Note", "note_personnelle", 3),
    ]


def test_header_that_is_itself_a_personal_value_is_masked_too():
    findings = upload({"Commune": ["Nanterre"], "jean.dupont@gmail.fr": ["3"]})

    assert [(f.column, f.kind) for f in findings] == [("j***@***.fr", "email")]
    assert "dupont" not in repr(findings)


def test_nothing_of_a_refused_file_appears_in_clear_in_any_field():
    personal = ["jean.dupont@gmail.fr", "06 45 78 90 12", "1 85 05 78 006 084 45", "12 rue des Lilas", "Mme Lefèvre"]
    findings = upload({"Divers": personal})

    assert {f.kind for f in findings} == {"email", "telephone", "nir", "adresse", "note_personnelle"}
    shown = repr(findings)
    assert all(value not in shown for value in personal)
    assert "Lilas" not in shown and "Lefèvre" not in shown and "dupont" not in shown


def test_str_dtype_index_labels_and_empty_cells_are_handled():
    cells = pd.DataFrame(
        {"Période": ["2024-01", None, "2024-03"], "Commentaire": [np.nan, "", "06 45 78 90 12"]},
        index=[10, 20, 30],
    ).astype("str")
    lines = pd.Series([7, 8, 9], index=[10, 20, 30])

    findings = find_personal_data(cells, lines)

    assert [(f.column, f.kind, f.line) for f in findings] == [("Commentaire", "telephone", 9)]


AGGREGATE_VALUES = [
    # counts and decimals
    "0",
    "7",
    "12",
    "1234",
    "100000",
    "1 234,5",
    "1\u00a0234,5",
    "1\u202f234",
    "12,5 %",
    "3.5",
    "<5",
    "s",
    "ND",
    "123 456 789",
    "12345678901234",  # SIRET, 14 digits
    # years, INSEE codes, periods
    "2024",
    "92050",
    "92002",
    "2A004",
    "2B033",
    "2024-01",
    "01/2024",
    "15/03/2024",
    "2024-03-15",
    "2024-03-15 00:00:00",
    "01-02-2024 10:30",
    "01/01/2024 - 31/12/2024",
    "2019-2024",
    "T1 2024",
    "1er trimestre",
    "Semaine du 18 au 24 novembre",
    # age bands and group descriptions
    "F",
    "M",
    "11-14",
    "15-17 ans",
    "moins de 15 ans",
    "Jeunes âgés de 15 ans et plus",
    "L'âge de 15 ans est le seuil retenu",
    # indicator labels and ordinary notes
    "Signalements liés à un risque prostitutionnel",
    "Mineurs victimes de proxénétisme",
    "Chiffres provisoires",
    "Source : CD92",
    "Hors Semaine de prévention",
    "Données consolidées au 31/12",
    "Secret statistique",
    "12 cours de prévention réalisés",
    "dont 5 rue et 3 internet",
    "M. le Maire",
    "Madame la Préfète",
    "Antony compte 12 signalements",
    "Collège Jules Ferry",
    "Jules Ferry",
    "Louise Michel",
    "Lycée Camille Claudel, Vanves",
    "PJJ 92",
]


@pytest.mark.parametrize("cell", AGGREGATE_VALUES)
def test_aggregate_value_is_not_flagged(cell):
    assert one_cell_upload(cell, header="Valeur") == []


@pytest.mark.parametrize("commune", HAUTS_DE_SEINE_COMMUNES)
def test_commune_name_is_never_a_person(commune):
    assert upload({"Commune": [commune, commune.upper()], "Valeur": ["3", "4"]}) == []


def test_plain_dates_in_a_period_column_are_not_birth_dates():
    assert upload({"Date": ["15/03/2009", "2009-03-15", "3 mars 2009"], "Valeur": ["1", "2", "3"]}) == []


def test_hundred_thousand_row_aggregate_file_has_no_finding():
    rows = 100_000
    rng = np.random.default_rng(2021)
    cells = pd.DataFrame(
        {
            "Code commune": rng.choice(["92002", "92004", "92050", "2A004"], rows),
            "Commune": rng.choice(list(HAUTS_DE_SEINE_COMMUNES), rows),
            "Période": rng.choice(["2024-01", "01/2024", "15/03/2024", "2024"], rows),
            "Indicateur": "Signalements liés à un risque prostitutionnel",
            "Sexe": rng.choice(["F", "M"], rows),
            "Tranche d'âge": rng.choice(["11-14", "15-17", "18-25"], rows),
            "Valeur": rng.integers(0, 100_000, rows).astype(str),
            "Part": [f"{share:.1f}".replace(".", ",") for share in rng.uniform(0, 100, rows)],
            "Note": rng.choice(["", "Chiffres provisoires", "Source : CD92"], rows),
        }
    )
    lines = pd.Series(np.arange(2, rows + 2), index=cells.index)

    assert find_personal_data(cells, lines) == []


def test_one_personal_cell_among_a_hundred_thousand_is_found_on_its_line():
    rows = 100_000
    cells = pd.DataFrame({"Valeur": np.arange(rows).astype(str).astype(object)})
    cells.loc[76_543, "Valeur"] = "06 45 78 90 12"
    lines = pd.Series(np.arange(2, rows + 2), index=cells.index)

    findings = find_personal_data(cells, lines)

    assert [(f.kind, f.line, f.count) for f in findings] == [("telephone", 76_545, 1)]


def test_a_header_with_a_typographic_apostrophe_is_read_as_typed_with_a_straight_one():
    assert personal_kinds_of_header("Nom d’usage") == personal_kinds_of_header("Nom d'usage") != ()
