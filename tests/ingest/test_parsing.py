"""A corpus of messy but realistic files, each with its exact expected rows and errors."""

import io

import pandas as pd
import pytest
from openpyxl import Workbook

from indicators.config import DEFAULT_DATA_DIR
from indicators.ingest.parsing import (
    RowError,
    error_summary,
    match_indicators,
    normalise_age_groups,
    parse_numbers,
    parse_periods,
    parse_quarter_numbers,
    prepare_observations,
    resolve_territories,
)
from indicators.ingest.reading import read_upload
from indicators.loading import scope_territory_table


@pytest.fixture(scope="module")
def catalogue(tables):
    return tables.indicators


@pytest.fixture(scope="module")
def communes(tables):
    return tables.territories.loc[tables.territories["level"] == "commune"]


def prepare(text: str, catalogue, communes, encoding="utf-8", **options):
    return prepare_observations(read_upload(text.encode(encoding), "f.csv"), catalogue, communes, **options)


def rows_of(prepared) -> list[tuple]:
    return [
        tuple(row)
        for row in prepared.rows[["indicator_id", "territory_code", "period", "sex", "age_group", "value"]].itertuples(
            index=False
        )
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", "2024"),
        ("2024-3", "2024-03"),
        ("2024-03-15", "2024-03"),
        ("15/03/2024", "2024-03"),
        ("03/2024", "2024-03"),
        ("mars 2024", "2024-03"),
        ("Janv. 2024", "2024-01"),
        ("2024-03-01 00:00:00", "2024-03"),
    ],
)
def test_periods(text, expected):
    assert parse_periods(pd.Series([text])).tolist() == [expected]


@pytest.mark.parametrize("text", ["2024-13", "31/02/2024", "1850", "hier", "", "2024/03"])
def test_bad_periods(text):
    assert parse_periods(pd.Series([text])).isna().all()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234", 1234),
        ("1\u00a0234", 1234),
        ("1\u202f234", 1234),
        ("1.234", 1234),
        ("12,5", 12.5),
        ("7", 7),
        ("1 234,0", 1234),
    ],
)
def test_french_numbers(text, expected):
    assert parse_numbers(pd.Series([text])).tolist() == [expected]


def test_age_groups_and_indicators_by_label(catalogue):
    assert normalise_age_groups(pd.Series(["11 à 14 ans", "15-17", "", "9-10"])).tolist()[:3] == [
        "11-14",
        "15-17",
        "ensemble",
    ]
    labels = pd.Series(
        ["CONSULTATIONS DE SEXOLOGIE", "signalements lies a un risque prostitutionnel", "jeunes_suivis_vaj", "autre"]
    )
    assert match_indicators(labels, catalogue).tolist()[:3] == [
        "consultations_sexologie",
        "signalements_risque_prostitutionnel",
        "jeunes_suivis_vaj",
    ]


def test_latin1_semicolon_decimal_comma_export(catalogue, communes):
    text = (
        "Indicateur;Code INSEE;Année;Mois;Sexe;Tranche d'âge;Effectif\r\n"
        "Signalements liés à un risque prostitutionnel;92050;2026;janvier;Filles;11 à 14 ans;1\u00a0204\r\n"
        "signalements_risque_prostitutionnel;92050;2026;2;M;15-17;3,0\r\n"
        "\r\n"
        "Total;;;;;;1207\r\n"
    )
    prepared = prepare(text, catalogue, communes, encoding="cp1252")
    assert rows_of(prepared) == [
        ("signalements_risque_prostitutionnel", "92050", "2026-01", "F", "11-14", 1204),
        ("signalements_risque_prostitutionnel", "92050", "2026-02", "M", "15-17", 3),
    ]
    assert prepared.errors == []
    assert any("Total" in note for note in prepared.notes)
    assert prepared.rows["line"].tolist() == [2, 3]


def test_wide_layout_with_commune_names(catalogue, communes):
    text = "Commune,2023,2024,Source\nNanterre,10,12,CD92\nSceaux,,3,CD92\n"
    prepared = prepare(text, catalogue, communes, default_indicator="professionnels_formes")
    assert rows_of(prepared) == [
        ("professionnels_formes", "92050", "2023", "ensemble", "ensemble", 10),
        ("professionnels_formes", "92050", "2024", "ensemble", "ensemble", 12),
        ("professionnels_formes", "92071", "2024", "ensemble", "ensemble", 3),
    ]
    assert any("format large" in note for note in prepared.notes)
    assert prepared.declared_sources == ["CD92"]


def test_every_problem_is_reported_at_once_by_line_and_column(catalogue, communes):
    text = (
        "indicateur;code_commune;periode;sexe;tranche_age;valeur;borne basse;borne haute\n"
        "consultations_sexologie;92050;2025-01;F;15-17;4;;\n"  # line 2: valid
        "consultations_sexologie;92999;2025-01;F;15-17;4;;\n"  # 3: commune outside
        "consultations_sexologie;75056;2025-01;F;15-17;4;;\n"  # 4: Paris
        "consultations_sexologie;92;2025-01;F;15-17;4;;\n"  # 5: a département
        "consultations_sexologie;9205;2025-01;F;15-17;4;;\n"  # 6: 09205 after zero-fill: unknown
        "inconnu;92050;2025-02;F;15-17;4;;\n"  # 7: unknown indicator
        "consultations_sexologie;92050;13/2025;F;15-17;4;;\n"  # 8: bad period
        "consultations_sexologie;92050;2025-03;F;15-17;-1;;\n"  # 9: negative
        "consultations_sexologie;92050;2025-04;F;15-17;2,5;;\n"  # 10: not an integer
        "consultations_sexologie;92050;2025-05;X;15-17;2;;\n"  # 11: bad sex
        "consultations_sexologie;92050;2025-06;F;10-12;2;;\n"  # 12: bad age group
        "consultations_sexologie;92050;2025-07;F;15-17;5;6;9\n"  # 13: low > value
        "consultations_sexologie;92050;2025-08;F;15-17;12;1;9\n"  # 14: value > high
        "consultations_sexologie;92050;2025-01;Fille;15-17;4;;\n"  # 15: duplicate of line 2
        "consultations_sexologie;92050;2025-09;F;15-17;;;\n"
    )  # 16: missing value
    prepared = prepare(text, catalogue, communes)
    found = {(error.line, error.column, error.message.split(" (")[0].split(" ;")[0]) for error in prepared.errors}
    assert found == {
        (3, "code_commune", "commune hors du territoire configuré"),
        (4, "code_commune", "commune hors du territoire configuré"),
        (5, "code_commune", "code de département : les observations s'importent par commune"),
        (6, "code_commune", "commune hors du territoire configuré"),
        (7, "indicateur", "indicateur inconnu"),
        (8, "periode", "période illisible"),
        (9, "valeur", "effectif négatif"),
        (10, "valeur", "effectif non entier"),
        (11, "sexe", "sexe non reconnu"),
        (12, "tranche_age", "tranche d'âge non reconnue"),
        (13, "borne basse", "borne basse supérieure à la valeur"),
        (14, "borne haute", "valeur supérieure à la borne haute"),
        (15, "—", "doublon de la ligne 2"),
        (16, "valeur", "valeur manquante"),
    }
    assert prepared.rows["line"].tolist() == [2]
    unknown = next(error for error in prepared.errors if error.line == 7)
    assert "consultations_sexologie" in unknown.message and unknown.value == "inconnu"


def test_missing_columns_are_named(catalogue, communes):
    prepared = prepare("commune;nombre\nNanterre;3\n", catalogue, communes)
    assert {error.column for error in prepared.errors} == {
        "indicateur (ou choisir l'indicateur à l'import)",
        "période (ou année, trimestre, mois)",
    }
    assert prepared.rows.empty


def test_unknown_columns_are_ignored_and_said(catalogue, communes):
    prepared = prepare(
        "indicateur;code_commune;periode;valeur;couleur\nconsultations_sexologie;92050;2025-01;3;bleu\n",
        catalogue,
        communes,
    )
    assert len(prepared.rows) == 1
    assert "colonne « couleur » non reconnue : ignorée" in prepared.notes


def test_subtotal_rows_beside_their_detail_are_refused_with_their_line(catalogue, communes):
    # A pivot table exported with its subtotals: Nanterre's girls' subtotal and grand total repeat the detail.
    text = (
        "Indicateur;Code commune;Période;Sexe;Tranche d'âge;Nombre\n"
        "Consultations de sexologie;92050;2026-01;F;11-14;4\n"
        "Consultations de sexologie;92050;2026-01;F;15-17;6\n"
        "Consultations de sexologie;92050;2026-01;F;Total;10\n"
        "Consultations de sexologie;92050;2026-01;Total;Total;10\n"
        "Consultations de sexologie;92050;2026-02;M;Total;3\n"
        "Consultations de sexologie;92002;2026-01;Total;Total;7\n"
    )
    prepared = prepare(text, catalogue, communes)
    assert [(error.line, error.column, error.value) for error in prepared.errors] == [
        (4, "Sexe / Tranche d'âge", "F / Total"),
        (5, "Sexe / Tranche d'âge", "Total / Total"),
    ]
    assert "deux fois" in prepared.errors[0].message
    # A total alone in its month and commune is a figure like any other: kept.
    assert rows_of(prepared) == [
        ("consultations_sexologie", "92050", "2026-01", "F", "11-14", 4),
        ("consultations_sexologie", "92050", "2026-01", "F", "15-17", 6),
        ("consultations_sexologie", "92050", "2026-02", "M", "ensemble", 3),
        ("consultations_sexologie", "92002", "2026-01", "ensemble", "ensemble", 7),
    ]


def test_error_summary_gives_each_problem_once_with_its_lines():
    errors = [RowError(line, "Code commune", "99999", "commune hors du département") for line in range(2, 13)]
    errors += [
        RowError(4, "Sexe", "F / ensemble", "total qui recompte d'autres lignes"),
        RowError(None, "valeur", "", "colonne obligatoire introuvable"),
    ]
    assert error_summary(errors) == [
        "Lignes 2, 3, 4, 5, 6, 7, 8, 9 et 3 autre(s) ; colonne Code commune : commune hors du département",
        "Ligne 4 ; colonne Sexe : total qui recompte d'autres lignes",
        "colonne valeur : colonne obligatoire introuvable",
    ]


QUARTER_SPELLINGS = [
    "T1 2025",
    "T1-2025",
    "2025-T1",
    "2025 T1",
    "1er trimestre 2025",
    "2025 Q1",
    "Q1 2025",
    "2025-Q1",
    "2025Q1",
    "t1 2025",
    "premier trimestre 2025",
    "Trimestre 1 2025",
    "1ER TRIMESTRE 2025",
]


@pytest.mark.parametrize("text", QUARTER_SPELLINGS)
def test_first_quarter_spellings(text):
    assert parse_periods(pd.Series([text])).tolist() == ["2025-Q1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2e trimestre 2025", "2025-Q2"),
        ("2ème trimestre 2025", "2025-Q2"),
        ("2EME TRIMESTRE 2025", "2025-Q2"),
        ("deuxième trimestre 2024", "2024-Q2"),
        ("3e trim. 2025", "2025-Q3"),
        ("T4 2024", "2024-Q4"),
        ("2024T4", "2024-Q4"),
    ],
)
def test_other_quarters(text, expected):
    assert parse_periods(pd.Series([text])).tolist() == [expected]


@pytest.mark.parametrize("text", ["T5 2025", "Q0 2025", "5e trimestre 2025", "T1 1850", "T12025x", "trimestre 2025"])
def test_bad_quarters(text):
    assert parse_periods(pd.Series([text])).isna().all()


def test_month_names_are_not_taken_for_quarters():
    # "oct 2024" and "sept 2024" end in t followed by a year: still months.
    assert parse_periods(pd.Series(["oct 2024", "sept. 2024"])).tolist() == ["2024-10", "2024-09"]


def test_quarter_without_its_year():
    cells = pd.Series(["T1", "1", "1er trimestre", "Q4", "2e trim.", "5", "mars"])
    assert parse_quarter_numbers(cells).tolist()[:5] == [1, 1, 1, 4, 2]
    assert parse_quarter_numbers(cells)[5:].isna().all()


def xlsx_bytes(text: str) -> bytes:
    """The same table as a workbook (the first sheet), cells as text as an analyst typed them."""
    workbook = Workbook()
    for line in text.strip("\n").split("\n"):
        workbook.active.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def prepare_as(kind: str, text: str, catalogue, communes, **options):
    content, name = (xlsx_bytes(text), "f.xlsx") if kind == "xlsx" else (text.encode("utf-8"), "f.csv")
    return prepare_observations(read_upload(content, name), catalogue, communes, **options)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "header", ["Trimestre", "TRIMESTRE", "Période", "periode", "Date", "Mois", "Année", "trimestre"]
)
@pytest.mark.parametrize("cell", ["T1 2025", "1er trimestre 2025", "2025-Q1", "Q1 2025", "2025 T1"])
def test_long_quarterly_file_under_any_period_header(kind, header, cell, catalogue, communes):
    text = f"indicateur;code_commune;{header};valeur\nconsultations_sexologie;92050;{cell};4\n"
    prepared = prepare_as(kind, text, catalogue, communes)
    assert prepared.errors == []
    assert rows_of(prepared) == [("consultations_sexologie", "92050", "2025-Q1", "ensemble", "ensemble", 4)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("quarter", "expected"),
    [("T1", "2025-Q1"), ("1", "2025-Q1"), ("1er trimestre", "2025-Q1"), ("Q3", "2025-Q3"), ("4e trimestre", "2025-Q4")],
)
def test_year_and_quarter_columns_combine_into_a_quarter(kind, quarter, expected, catalogue, communes):
    text = f"indicateur;code_commune;Année;Trimestre;valeur\nconsultations_sexologie;92050;2025;{quarter};4\n"
    prepared = prepare_as(kind, text, catalogue, communes)
    assert prepared.errors == []
    assert rows_of(prepared) == [("consultations_sexologie", "92050", expected, "ensemble", "ensemble", 4)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("month", "expected"), [("3", "2025-03"), ("03", "2025-03"), ("mars", "2025-03"), ("Décembre", "2025-12")]
)
def test_year_and_month_columns_still_combine_into_a_month(kind, month, expected, catalogue, communes):
    text = f"indicateur;code_commune;annee;MOIS;valeur\nconsultations_sexologie;92050;2025;{month};4\n"
    prepared = prepare_as(kind, text, catalogue, communes)
    assert prepared.errors == []
    assert rows_of(prepared) == [("consultations_sexologie", "92050", expected, "ensemble", "ensemble", 4)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_lone_month_column_of_whole_periods_is_the_period(kind, catalogue, communes):
    text = (
        "indicateur;code_commune;Mois;valeur\n"
        "consultations_sexologie;92050;mars 2024;4\nconsultations_sexologie;92050;mars;5\n"
    )
    prepared = prepare_as(kind, text, catalogue, communes)
    assert rows_of(prepared) == [("consultations_sexologie", "92050", "2024-03", "ensemble", "ensemble", 4)]
    assert [(error.line, error.column, error.value) for error in prepared.errors] == [(3, "Mois", "mars")]
    assert "T1 2025" in prepared.errors[0].message  # the message lists the quarter formats too


def test_a_bad_quarter_beside_its_year_names_both_columns(catalogue, communes):
    prepared = prepare(
        "indicateur;code_commune;Année;Trimestre;valeur\nconsultations_sexologie;92050;2025;T5;4\n", catalogue, communes
    )
    assert [(error.line, error.column, error.value) for error in prepared.errors] == [
        (2, "Année + Trimestre", "2025 / T5")
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "headers",
    [
        ("T1 2025", "T2 2025", "T3 2025"),
        ("2025-T1", "2025-T2", "2025-T3"),
        ("1er trimestre 2025", "2e trimestre 2025", "3e trimestre 2025"),
        ("2025-Q1", "2025-Q2", "2025-Q3"),
    ],
)
def test_wide_file_with_one_column_per_quarter_is_melted(kind, headers, catalogue, communes):
    text = f"Commune;{';'.join(headers)}\nNanterre;10;12;\nSceaux;1;;3\n"
    prepared = prepare_as(kind, text, catalogue, communes, default_indicator="professionnels_formes")
    assert prepared.errors == []
    assert rows_of(prepared) == [
        ("professionnels_formes", "92050", "2025-Q1", "ensemble", "ensemble", 10),
        ("professionnels_formes", "92071", "2025-Q1", "ensemble", "ensemble", 1),
        ("professionnels_formes", "92050", "2025-Q2", "ensemble", "ensemble", 12),
        ("professionnels_formes", "92071", "2025-Q3", "ensemble", "ensemble", 3),
    ]
    assert any("format large reconnu : 3 colonnes" in note for note in prepared.notes)


def test_text_that_would_run_as_a_formula_or_as_html_is_named_by_line_and_column(catalogue, communes):
    text = (
        "indicateur;code_commune;periode;valeur;source;note\n"
        'consultations_sexologie;92050;2025-01;4;=HYPERLINK("http://exemple.org");\n'  # 2: formula
        "consultations_sexologie;92050;2025-02;5;CD92;<img src=x onerror=alert(1)>\n"  # 3: markup
        "consultations_sexologie;92050;2025-03;-6;@SOMME(A1);- provisoire\n"  # 4: two, and -6 is a number
        "consultations_sexologie;92050;2025-04;+7;CD92;-\n"
    )  # 5: nothing
    prepared = prepare(text, catalogue, communes)
    assert [(cell.line, cell.column, cell.value) for cell in prepared.neutralised] == [
        (2, "source", '=HYPERLINK("http://exemple.org")'),
        (3, "note", "<img src=x onerror=alert(1)>"),
        (4, "note", "- provisoire"),
        (4, "source", "@SOMME(A1)"),
    ]
    assert "« = »" in prepared.neutralised[0].message and "formule" in prepared.neutralised[0].message
    assert "HTML" in prepared.neutralised[1].message
    assert error_summary(prepared.neutralised[1:2]) == [f"Ligne 3 ; colonne note : {prepared.neutralised[1].message}"]


def test_a_commune_column_may_hold_insee_codes():
    # Analysts often head the code column « Commune »: it was refused as « commune inconnue ».
    few_communes = pd.DataFrame({"territory_code": ["92002", "92004"], "name_fr": ["Antony", "Asnières-sur-Seine"]})
    cells = pd.DataFrame({"Commune": ["92002", "Asnières-sur-Seine", "Paris"]})
    codes, errors = resolve_territories(cells, pd.Series([2, 3, 4]), {"territory_name": "Commune"}, few_communes)
    assert codes.tolist()[:2] == ["92002", "92004"] and pd.isna(codes.tolist()[2])
    assert [error.line for error in errors] == [4]


# --- Another territory: any commune of the scope, its arrondissements municipaux summed into their city ---


def scope_communes(monkeypatch, setting: str) -> pd.DataFrame:
    monkeypatch.setenv("INDICATORS_TERRITORY", setting)
    territories = scope_territory_table(DEFAULT_DATA_DIR)
    return territories.loc[territories["level"] == "commune"]


def test_a_communes_name_of_another_departement_is_read_whatever_its_case_accents_or_hyphens(monkeypatch, catalogue):
    communes = scope_communes(monkeypatch, "93")
    text = (
        "Commune;Période;Indicateur;Valeur\n"
        "SAINT DENIS;2026-01;signalements_risque_prostitutionnel;7\n"
        "epinay-sur-seine;2026-01;signalements_risque_prostitutionnel;5\n"
        "Nanterre;2026-01;signalements_risque_prostitutionnel;3\n"
    )
    prepared = prepare(text, catalogue, communes)
    assert [row[1] for row in rows_of(prepared)] == ["93066", "93031"]
    assert [(error.line, error.message) for error in prepared.errors] == [
        (4, "commune inconnue dans le territoire configuré (Seine-Saint-Denis, 39 communes)")
    ]


def test_arrondissements_are_summed_into_their_city(monkeypatch, catalogue):
    communes = scope_communes(monkeypatch, "75")
    text = (
        "Code commune;Période;Indicateur;Valeur\n"
        "75101;2026-01;signalements_risque_prostitutionnel;2\n"
        "75118;2026-01;signalements_risque_prostitutionnel;9\n"
        "75120;2026-02;signalements_risque_prostitutionnel;4\n"
    )
    prepared = prepare(text, catalogue, communes)
    assert not prepared.errors
    assert sorted(rows_of(prepared)) == [
        ("signalements_risque_prostitutionnel", "75056", "2026-01", "ensemble", "ensemble", 11),
        ("signalements_risque_prostitutionnel", "75056", "2026-02", "ensemble", "ensemble", 4),
    ]


def test_an_arrondissement_beside_its_citys_own_row_is_refused_not_counted_twice(monkeypatch, catalogue):
    communes = scope_communes(monkeypatch, "13")
    text = (
        "Code commune;Période;Indicateur;Valeur\n"
        "13055;2026-01;signalements_risque_prostitutionnel;20\n"
        "13201;2026-01;signalements_risque_prostitutionnel;3\n"
        "13202;2026-02;signalements_risque_prostitutionnel;6\n"
    )
    prepared = prepare(text, catalogue, communes)
    assert sorted(rows_of(prepared)) == [
        ("signalements_risque_prostitutionnel", "13055", "2026-01", "ensemble", "ensemble", 20),
        ("signalements_risque_prostitutionnel", "13055", "2026-02", "ensemble", "ensemble", 6),
    ]
    assert [(error.line, error.value) for error in prepared.errors] == [(3, "13201")]
    assert "gardez l'un ou l'autre" in prepared.errors[0].message


def test_homonyms_of_a_region_are_told_apart_by_a_departement_column(monkeypatch, catalogue):
    """Île-de-France holds two communes named Marolles-en-Brie, in the 77 and in the 94."""
    communes = scope_communes(monkeypatch, "REG-11")
    text = (
        "Commune;Département;Période;Indicateur;Valeur\n"
        "Marolles-en-Brie;94;2026-01;signalements_risque_prostitutionnel;7\n"
        "marolles en brie;77;2026-01;signalements_risque_prostitutionnel;5\n"
        "Marolles-en-Brie;;2026-01;signalements_risque_prostitutionnel;2\n"
        "Nanterre;92;2026-01;signalements_risque_prostitutionnel;3\n"
    )
    prepared = prepare(text, catalogue, communes)
    assert sorted(row[1] for row in rows_of(prepared)) == ["77278", "92050", "94048"]
    assert [(error.line, error.column) for error in prepared.errors] == [(4, "Commune")]
    message = prepared.errors[0].message
    assert "commune homonyme" in message
    assert "Marolles-en-Brie (77), Marolles-en-Brie (94)" in message and "Département" in message


def test_homonyms_without_a_departement_column_are_refused_with_their_candidates(monkeypatch, catalogue):
    communes = scope_communes(monkeypatch, "FR")
    text = (
        "Commune;Période;Indicateur;Valeur\n"
        "Saint-Denis;2026-01;signalements_risque_prostitutionnel;7\n"
        "Nanterre;2026-01;signalements_risque_prostitutionnel;3\n"
    )
    prepared = prepare(text, catalogue, communes)
    assert [row[1] for row in rows_of(prepared)] == ["92050"]
    assert [error.line for error in prepared.errors] == [2]
    assert "Saint-Denis (93), Saint-Denis (974)" in prepared.errors[0].message
