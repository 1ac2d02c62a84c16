"""Files offered for download: CSV in the French spreadsheet convention, demo label included."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.config import DEMO_LABEL_FR
from indicators.labels import KIND_FR

DEMO_COLUMN = "statut_donnees"


def label_demo(frame: pd.DataFrame, is_demo: bool) -> pd.DataFrame:
    """Demo data say so on every exported row, so a copied file cannot lose the label."""
    if not is_demo:
        return frame
    return frame.assign(**{DEMO_COLUMN: DEMO_LABEL_FR.lower()})[[DEMO_COLUMN, *frame.columns]]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP advice).

    Numbers stay numbers: only text columns are touched, so a negative count is never altered.
    """
    text_columns = [
        column
        for column in frame.columns
        if pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(frame[column])
    ]
    return frame.assign(
        **{
            column: frame[column].map(
                lambda cell: "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
            )
            for column in text_columns
        }
    )


def to_french_csv(frame: pd.DataFrame, is_demo: bool = False) -> bytes:
    """`;`-separated, decimal comma, UTF-8 with BOM: what French spreadsheets open correctly."""
    safe = neutralise_formulas(whole_numbers(french_booleans(label_demo(frame, is_demo))))
    # CRLF line ends: what spreadsheets expect, and cells holding a carriage return get quoted.
    return safe.to_csv(index=False, sep=";", decimal=",", date_format="%Y-%m-%d", lineterminator="\r\n").encode(
        "utf-8-sig"
    )


# --- Every table a viewer can download: French headers, French codes, no English column. ---
# Columns not named here are dropped on purpose (the catalogue's English translations); a new
# column of a table must be named here or in ENGLISH_ONLY, or tests/test_exports.py fails.

ENGLISH_ONLY = {"label_en", "unit_en", "definition_en", "caveat_en", "name_en"}

SOURCES_FR = {
    "source_id": "identifiant",
    "publisher": "éditeur",
    "title": "titre",
    "published": "date de publication",
    "primary_url": "adresse d'origine",
    "read_at": "adresse lue",
    "relay": "relais",
    "relay_date": "date du relais",
    "licence": "conditions",
    "note": "remarque",
}
INDICATORS_FR = {
    "indicator_id": "indicateur",
    "label_fr": "libellé",
    "unit_fr": "unité",
    "kind": "nature",
    "domain": "domaine",
    "definition_fr": "définition",
    "caveat_fr": "précaution",
}
PUBLISHED_FR = {
    "figure_id": "identifiant",
    "indicator_id": "indicateur",
    "territory_code": "territoire",
    "period": "période",
    "value": "valeur",
    "value_low": "valeur basse",
    "value_high": "valeur haute",
    "qualifier": "qualificatif",
    "restates": "reprend",
    "source_id": "source",
    "note_fr": "remarque",
}
TERRITORIES_FR = {
    "territory_code": "code",
    "name_fr": "nom",
    "level": "niveau",
    "parent_code": "code parent",
    "source_id": "source",
    "population": "population municipale",
    "population_source_id": "source de la population",
    "ept_code": "code EPT",
    "longitude": "longitude",
    "latitude": "latitude",
    "point_source_id": "source du point",
}
KEY_DATES_FR = {
    "date": "date",
    "end_date": "date de fin",
    "label_fr": "libellé",
    "territory_code": "territoire",
    "source_id": "source",
}
OBSERVATIONS_FR = {
    "indicator_id": "indicateur",
    "territory_code": "territoire",
    "period": "période",
    "sex": "sexe",
    "age_group": "tranche d'âge",
    "value": "valeur",
    "source_id": "source",
}

DOMAIN_CODES_FR = {"published": "chiffres publiés", "field": "observations de terrain"}
QUALIFIER_CODES_FR = {
    "exact": "exact",
    "lower_bound": "borne basse (« plus de »)",
    "approximate": "approximatif",
    "derived": "calculé",
}
# WLD is the ISO-style code of the world in territories.csv; the export writes the French word.
TERRITORY_CODES_FR = {"WLD": "monde"}
LEVEL_CODES_FR = {"month": "mois", "quarter": "trimestre", "year": "année"}
SPLIT_CODES_FR = {"none": "aucune", "sex": "sexe", "age_group": "tranche d'âge"}

BOOLEANS_FR = {True: "oui", False: "non"}


def french_table(
    frame: pd.DataFrame, headers: dict[str, str], codes: dict[str, dict[str, str]] | None = None
) -> pd.DataFrame:
    """The named columns, in that order, with their codes written in French and French headers.

    A code with no French word is kept as it is (an identifier such as a source or a commune code).
    """
    present = [column for column in headers if column in frame.columns]
    return french_codes(frame[present], codes or {}).rename(columns=headers)


def french_codes(frame: pd.DataFrame, codes: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Codes written in French in the columns that have them; an unknown code is kept as it is."""
    return frame.assign(
        **{
            column: frame[column].map(
                lambda code, words=words: words.get(code, code) if isinstance(code, str) else code
            )
            for column, words in codes.items()
            if column in frame.columns
        }
    )


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    return french_table(sources, SOURCES_FR)


def indicators_table(indicators: pd.DataFrame) -> pd.DataFrame:
    return french_table(indicators, INDICATORS_FR, {"kind": KIND_FR, "domain": DOMAIN_CODES_FR})


def published_table(estimates: pd.DataFrame) -> pd.DataFrame:
    return french_table(
        estimates, PUBLISHED_FR, {"qualifier": QUALIFIER_CODES_FR, "territory_code": TERRITORY_CODES_FR}
    )


def territories_table(territories: pd.DataFrame) -> pd.DataFrame:
    return french_table(
        territories, TERRITORIES_FR, {"territory_code": TERRITORY_CODES_FR, "parent_code": TERRITORY_CODES_FR}
    )


def key_dates_table(key_dates: pd.DataFrame) -> pd.DataFrame:
    return french_table(key_dates, KEY_DATES_FR, {"territory_code": TERRITORY_CODES_FR})


def stored_period_fr(periods: pd.Series) -> pd.Series:
    """Stored periods as the exports write them: "2025", "2025-03", and "2025-Q1" → "T1 2025"."""
    return periods.astype("str").str.replace(r"^(\d{4})-Q([1-4])$", r"T\2 \1", regex=True)


def observations_table(observations: pd.DataFrame) -> pd.DataFrame:
    """Field observations as `python -m indicators export` writes them."""
    return french_table(observations.assign(period=stored_period_fr(observations["period"])), OBSERVATIONS_FR)


def period_labels(starts: pd.Series, levels: pd.Series) -> pd.Series:
    """A lattice cell's period in the exports: "2025-03" (month), "T1 2025" (quarter, as on screen
    and as analysts write it), "2025" (year)."""
    years = starts.dt.year.astype("str")
    months = starts.dt.strftime("%Y-%m")
    quarters = "T" + starts.dt.quarter.astype("str") + " " + years
    return pd.Series(
        np.select([levels == "year", levels == "quarter"], [years, quarters], months), index=starts.index, dtype="str"
    )


def french_booleans(frame: pd.DataFrame) -> pd.DataFrame:
    """« oui » / « non » instead of True / False, in any column holding only booleans (and blanks)."""

    def is_boolean(column: pd.Series) -> bool:
        if pd.api.types.is_bool_dtype(column):
            return True
        present = column.dropna()
        return (
            column.dtype == object
            and not present.empty
            and bool(present.map(lambda cell: isinstance(cell, bool | np.bool_)).all())
        )

    return frame.assign(
        **{
            column: frame[column].map(
                lambda cell: BOOLEANS_FR[bool(cell)] if isinstance(cell, bool | np.bool_) else cell
            )
            for column in frame.columns
            if is_boolean(frame[column])
        }
    )


# Columns that mean the same in every table a chart can hand over: a chart's CSV writes them in
# French even when a page passes the table's own columns (see views.components.chart_block).
CHART_COLUMNS_FR = {**PUBLISHED_FR, **OBSERVATIONS_FR, "level": "niveau", "dimension": "répartition", "kind": "nature"}
CHART_CODES_FR = {
    "qualifier": QUALIFIER_CODES_FR,
    "territory_code": TERRITORY_CODES_FR,
    "kind": KIND_FR,
    "level": LEVEL_CODES_FR,
    "dimension": SPLIT_CODES_FR,
}


def chart_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A chart's table with its known codes and headers in French; other columns kept as they are."""
    return french_codes(frame, CHART_CODES_FR).rename(columns=CHART_COLUMNS_FR)


def whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers written without decimals: « 116 », not « 116,0 »
    (a column with a blank is a float column in pandas, even for counts)."""

    def whole(column: pd.Series) -> bool:
        present = column.dropna()
        return pd.api.types.is_float_dtype(column) and bool(
            np.isfinite(present).all() and (present == present.round()).all()
        )

    return frame.assign(**{column: frame[column].astype("Int64") for column in frame.columns if whole(frame[column])})
