"""The import template (CSV and XLSX) and the column guide shown beside the upload.

The template's column names are what the importer reads back: they stay French in every language.
The guide's explanations are marked for translation (`column_guide`, `layout_notes`).
"""

from __future__ import annotations

import io
from contextlib import nullcontext

import pandas as pd

from indicators.i18n import N_, Language, _, in_language

# The headers the importer expects back (never translated).
TEMPLATE_COLUMNS = ["indicateur", "code_commune", "periode", "sexe", "tranche_age", "valeur", "source", "note"]

# The guide's headers and rows: the first cell of a row is a template column name (never translated),
# the others are marked here and translated by `column_guide`. Examples are data, except the note's.
GUIDE_HEADERS = [N_("Colonne"), N_("Obligatoire"), N_("Contenu accepté"), N_("Exemple")]
GUIDE_ROWS = [
    (
        "indicateur",
        N_("oui*"),
        N_("identifiant ou libellé du catalogue (accents et majuscules indifférents)"),
        "signalements_risque_prostitutionnel",
    ),
    (
        "code_commune",
        N_("oui"),
        N_("code INSEE de la commune (aussi : code insee, codgeo) ; ou une colonne « commune » avec son nom"),
        "92050",
    ),
    (
        "periode",
        N_("oui"),
        N_(
            "AAAA-MM, JJ/MM/AAAA, MM/AAAA, « mars 2024 », AAAA ou un trimestre (« T1 2025 », "
            "« 1er trimestre 2025 », « 2025-Q1 ») ; "
            "ou deux colonnes « année » et « mois » (ou « année » et « trimestre »)"
        ),
        "2025-03",
    ),
    ("sexe", N_("non"), N_("F, M ou ensemble (aussi : fille, garçon, femme, homme) ; vide = ensemble"), "F"),
    (
        "tranche_age",
        N_("non"),
        N_("11-14, 15-17, 18-25 ou ensemble (aussi : « 11 à 14 ans ») ; vide = ensemble"),
        "15-17",
    ),
    (
        "valeur",
        N_("oui"),
        N_("nombre entier ≥ 0 ; espaces entre milliers et virgule décimale acceptés (aussi : nombre, effectif)"),
        "12",
    ),
    (
        "source",
        N_("non"),
        N_("service ou partenaire à l'origine du chiffre (gardé avec la version importée)"),
        "CD92 – DEF",
    ),
    (
        "note",
        N_("non"),
        N_("remarque sur le chiffre, jamais sur une personne (vérifiée, non conservée)"),
        N_("provisoire"),
    ),
]
# The one example that is free text rather than a code or a number.
TRANSLATED_EXAMPLES = frozenset({"note"})


def column_guide() -> pd.DataFrame:
    """The column guide in the current language (column names and code examples unchanged)."""
    rows = [
        [name, _(required), _(content), _(example) if name in TRANSLATED_EXAMPLES else example]
        for name, required, content, example in GUIDE_ROWS
    ]
    return pd.DataFrame(rows, columns=[_(header) for header in GUIDE_HEADERS])


# The French guide, as built before the interface had a second language.
COLUMN_GUIDE = pd.DataFrame([list(row) for row in GUIDE_ROWS], columns=GUIDE_HEADERS)

# Marked here, translated by `layout_notes` where shown.
LAYOUT_NOTES = [
    N_(
        "Format large accepté : une colonne par année, par trimestre ou par mois (2024, 2025… ou T1 2025, T2 2025… "
        "ou 2025-01, 2025-02…) à la place de « periode » et « valeur »."
    ),
    N_(
        "Séparateur « ; », « , » ou tabulation ; encodage UTF-8 ou Windows-1252 (export Excel) ; "
        "lignes vides et ligne « Total » ignorées."
    ),
    N_(
        "Pour une même commune et une même période, donner soit le détail (par sexe ou par âge), "
        "soit le total (« ensemble »), pas les deux : "
        "un sous-total placé à côté de son détail est refusé, car les sommes compteraient deux fois. "
        "Un fichier qui apporte le détail d'un total déjà enregistré le remplace (l'aperçu le montre), et inversement."
    ),
    N_("* Sans colonne indicateur, choisir l'indicateur de tout le fichier au moment de l'import."),
    N_(
        "Aucune donnée personnelle : noms, dates de naissance, adresses, téléphones, courriels, NIR ou INE "
        "font refuser tout le fichier."
    ),
]


def layout_notes() -> list[str]:
    """The notes under the column guide, in the current language."""
    return [_(note) for note in LAYOUT_NOTES]


def template_csv() -> bytes:
    """Headers only: an example row left in by mistake would be imported as a real figure."""
    return (";".join(TEMPLATE_COLUMNS) + "\r\n").encode("utf-8-sig")


def template_xlsx(language: Language | None = None) -> bytes:
    """The template workbook: the French headers the importer reads, and the guide in `language`
    (the current language when None). A download button builds it when clicked, outside the page's
    run, where the current language is not known: give the page's language then."""
    from openpyxl import Workbook

    with in_language(language) if language else nullcontext():
        workbook = Workbook()
        sheet = workbook.worksheets[0]  # the active sheet: a new workbook has this one only
        sheet.title = "Observations"
        sheet.append(TEMPLATE_COLUMNS)
        guide = workbook.create_sheet(_("Guide des colonnes"))
        table = column_guide()
        guide.append(list(table.columns))
        for row in table.itertuples(index=False):
            guide.append(list(row))
        for note in layout_notes():
            guide.append([note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
