"""The import template (CSV and XLSX) and the column guide shown beside the upload."""

from __future__ import annotations

import io

import pandas as pd

TEMPLATE_COLUMNS = ["indicateur", "code_commune", "periode", "sexe", "tranche_age", "valeur", "source", "note"]

COLUMN_GUIDE = pd.DataFrame(
    [
        (
            "indicateur",
            "oui*",
            "identifiant ou libellé du catalogue (accents et majuscules indifférents)",
            "signalements_risque_prostitutionnel",
        ),
        (
            "code_commune",
            "oui",
            "code INSEE de la commune (aussi : code insee, codgeo) ; ou une colonne « commune » avec son nom",
            "92050",
        ),
        (
            "periode",
            "oui",
            "AAAA-MM, JJ/MM/AAAA, MM/AAAA, « mars 2024 », AAAA ou un trimestre (« T1 2025 », "
            "« 1er trimestre 2025 », « 2025-Q1 ») ; "
            "ou deux colonnes « année » et « mois » (ou « année » et « trimestre »)",
            "2025-03",
        ),
        ("sexe", "non", "F, M ou ensemble (aussi : fille, garçon, femme, homme) ; vide = ensemble", "F"),
        ("tranche_age", "non", "11-14, 15-17, 18-25 ou ensemble (aussi : « 11 à 14 ans ») ; vide = ensemble", "15-17"),
        (
            "valeur",
            "oui",
            "nombre entier ≥ 0 ; espaces entre milliers et virgule décimale acceptés (aussi : nombre, effectif)",
            "12",
        ),
        (
            "source",
            "non",
            "service ou partenaire à l'origine du chiffre (gardé avec la version importée)",
            "CD92 – DEF",
        ),
        ("note", "non", "remarque sur le chiffre, jamais sur une personne (vérifiée, non conservée)", "provisoire"),
    ],
    columns=["Colonne", "Obligatoire", "Contenu accepté", "Exemple"],
)

LAYOUT_NOTES = [
    "Format large accepté : une colonne par année, par trimestre ou par mois (2024, 2025… ou T1 2025, T2 2025… "
    "ou 2025-01, 2025-02…) à la place de « periode » et « valeur ».",
    "Séparateur « ; », « , » ou tabulation ; encodage UTF-8 ou Windows-1252 (export Excel) ; "
    "lignes vides et ligne « Total » ignorées.",
    "Pour une même commune et une même période, donner soit le détail (par sexe ou par âge), "
    "soit le total (« ensemble »), pas les deux : "
    "un sous-total placé à côté de son détail est refusé, car les sommes compteraient deux fois. "
    "Un fichier qui apporte le détail d'un total déjà enregistré le remplace (l'aperçu le montre), et inversement.",
    "* Sans colonne indicateur, choisir l'indicateur de tout le fichier au moment de l'import.",
    "Aucune donnée personnelle : noms, dates de naissance, adresses, téléphones, courriels, NIR ou INE "
    "font refuser tout le fichier.",
]


def template_csv() -> bytes:
    """Headers only: an example row left in by mistake would be imported as a real figure."""
    return (";".join(TEMPLATE_COLUMNS) + "\r\n").encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.worksheets[0]  # the active sheet: a new workbook has this one only
    sheet.title = "Observations"
    sheet.append(TEMPLATE_COLUMNS)
    guide = workbook.create_sheet("Guide des colonnes")
    guide.append(list(COLUMN_GUIDE.columns))
    for row in COLUMN_GUIDE.itertuples(index=False):
        guide.append(list(row))
    for note in LAYOUT_NOTES:
        guide.append([note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
