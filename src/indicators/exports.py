"""Files offered for download: CSV in the spreadsheet convention of the current language (French:
`;` and decimal comma; English: `,` and decimal point), headers and codes in that language, demo
label included."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.config import DEMO_LABEL_FR
from indicators.formatting import QUARTER_LABEL
from indicators.i18n import N_, _, current_language, localized_column
from indicators.labels import KIND_FR

# The demo column's header (French by default; `_(DEMO_COLUMN)` in the current language).
DEMO_COLUMN = N_("statut_donnees")


def label_demo(frame: pd.DataFrame, is_demo: bool) -> pd.DataFrame:
    """Demo data say so on every exported row, so a copied file cannot lose the label."""
    if not is_demo:
        return frame
    column = _(DEMO_COLUMN)
    return frame.assign(**{column: _(DEMO_LABEL_FR).lower()})[[column, *frame.columns]]


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
    return spreadsheet_csv(frame, is_demo, separator=";", decimal=",")


def to_english_csv(frame: pd.DataFrame, is_demo: bool = False) -> bytes:
    """`,`-separated, decimal point, UTF-8 with BOM: what English spreadsheets open correctly."""
    return spreadsheet_csv(frame, is_demo, separator=",", decimal=".")


def to_csv(frame: pd.DataFrame, is_demo: bool = False) -> bytes:
    """The CSV of the current language's spreadsheets: French (`;`, decimal comma) or English (`,`,
    decimal point). Words written by the export (demo label, oui/non) follow the language too."""
    return to_english_csv(frame, is_demo) if current_language() == "en" else to_french_csv(frame, is_demo)


def spreadsheet_csv(frame: pd.DataFrame, is_demo: bool, separator: str, decimal: str) -> bytes:
    safe = neutralise_formulas(whole_numbers(booleans_as_words(label_demo(frame, is_demo))))
    # CRLF line ends: what spreadsheets expect, and cells holding a carriage return get quoted.
    return safe.to_csv(
        index=False, sep=separator, decimal=decimal, date_format="%Y-%m-%d", lineterminator="\r\n"
    ).encode("utf-8-sig")


# --- Every table a viewer can download: headers and codes in the viewer's language (French by
# default), no column of the other language. The words below are French, marked N_ and translated
# when a table is written. Columns not named here are dropped on purpose (the catalogue's English
# translations); a new column of a table must be named here or in ENGLISH_ONLY, or
# tests/test_exports.py fails.

ENGLISH_ONLY = {"label_en", "unit_en", "definition_en", "caveat_en", "name_en"}

SOURCES_FR = {
    "source_id": N_("identifiant"),
    "publisher": N_("éditeur"),
    "title": N_("titre"),
    "published": N_("date de publication"),
    "primary_url": N_("adresse d'origine"),
    "read_at": N_("adresse lue"),
    "relay": N_("relais"),
    "relay_date": N_("date du relais"),
    "licence": N_("conditions"),
    "note": N_("remarque"),
}
INDICATORS_FR = {
    "indicator_id": N_("indicateur"),
    "label_fr": N_("libellé"),
    "unit_fr": N_("unité"),
    "kind": N_("nature"),
    "domain": N_("domaine"),
    "definition_fr": N_("définition"),
    "caveat_fr": N_("précaution"),
}
PUBLISHED_FR = {
    "figure_id": N_("identifiant"),
    "indicator_id": N_("indicateur"),
    "territory_code": N_("territoire"),
    "period": N_("période"),
    "value": N_("valeur"),
    "value_low": N_("valeur basse"),
    "value_high": N_("valeur haute"),
    "qualifier": N_("qualificatif"),
    "restates": N_("reprend"),
    "source_id": N_("source"),
    "note_fr": N_("remarque"),
}
TERRITORIES_FR = {
    "territory_code": N_("code"),
    "name_fr": N_("nom"),
    "level": N_("niveau"),
    "parent_code": N_("code parent"),
    "source_id": N_("source"),
    "population": N_("population municipale"),
    "population_source_id": N_("source de la population"),
    "interco_code": N_("code intercommunalité"),
    "longitude": N_("longitude"),
    "latitude": N_("latitude"),
    "point_source_id": N_("source du point"),
    "kind": N_("forme"),
    "outside_count": N_("communes hors du territoire"),
    "outside_names": N_("communes hors du territoire (noms)"),
}
KEY_DATES_FR = {
    "date": N_("date"),
    "end_date": N_("date de fin"),
    "label_fr": N_("libellé"),
    "territory_code": N_("territoire"),
    "source_id": N_("source"),
}
OBSERVATIONS_FR = {
    "indicator_id": N_("indicateur"),
    "territory_code": N_("territoire"),
    "period": N_("période"),
    "sex": N_("sexe"),
    "age_group": N_("tranche d'âge"),
    "value": N_("valeur"),
    "source_id": N_("source"),
}

DOMAIN_CODES_FR = {"published": N_("chiffres publiés"), "field": N_("observations de terrain")}
QUALIFIER_CODES_FR = {
    "exact": N_("exact"),
    "lower_bound": N_("borne basse (« plus de »)"),
    "approximate": N_("approximatif"),
    "derived": N_("calculé"),
}
# WLD is the ISO-style code of the world in territories.csv; the export writes the word.
TERRITORY_CODES_FR = {"WLD": N_("monde")}
LEVEL_CODES_FR = {"month": N_("mois"), "quarter": N_("trimestre"), "year": N_("année")}
SPLIT_CODES_FR = {"none": N_("aucune"), "sex": N_("sexe"), "age_group": N_("tranche d'âge")}

BOOLEANS_FR = {True: N_("oui"), False: N_("non")}


def readable_table(
    frame: pd.DataFrame, headers: dict[str, str], codes: dict[str, dict[str, str]] | None = None
) -> pd.DataFrame:
    """The named columns, in that order, with their codes and headers written in the current
    language (French by default). In English, a French text column (`label_fr`) gives way to its
    English one (`label_en`) where that one is filled.

    A code with no word is kept as it is (an identifier such as a source or a commune code).
    """
    present = [column for column in headers if column in frame.columns]
    table = codes_as_words(in_language_columns(frame, present), codes or {})
    return table.rename(columns={column: _(header) for column, header in headers.items()})


def in_language_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`columns` of `frame`, each `…_fr` text column in the current language (the French text where
    the other language's is empty or missing)."""
    french = [column for column in columns if column.endswith("_fr")]
    return frame[columns].assign(**{column: localized_column(frame, column.removesuffix("_fr")) for column in french})


def codes_as_words(frame: pd.DataFrame, codes: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Codes written as words of the current language (French by default) in the columns that have
    them; an unknown code is kept as it is."""
    written = {column: {code: _(word) for code, word in words.items()} for column, words in codes.items()}
    return frame.assign(
        **{
            column: frame[column].map(
                lambda code, words=words: words.get(code, code) if isinstance(code, str) else code
            )
            for column, words in written.items()
            if column in frame.columns
        }
    )


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    return readable_table(sources, SOURCES_FR)


def indicators_table(indicators: pd.DataFrame) -> pd.DataFrame:
    return readable_table(indicators, INDICATORS_FR, {"kind": KIND_FR, "domain": DOMAIN_CODES_FR})


def published_table(estimates: pd.DataFrame) -> pd.DataFrame:
    return readable_table(
        estimates, PUBLISHED_FR, {"qualifier": QUALIFIER_CODES_FR, "territory_code": TERRITORY_CODES_FR}
    )


def territories_table(territories: pd.DataFrame) -> pd.DataFrame:
    return readable_table(
        territories, TERRITORIES_FR, {"territory_code": TERRITORY_CODES_FR, "parent_code": TERRITORY_CODES_FR}
    )


def key_dates_table(key_dates: pd.DataFrame) -> pd.DataFrame:
    return readable_table(key_dates, KEY_DATES_FR, {"territory_code": TERRITORY_CODES_FR})


def exported_periods(periods: pd.Series) -> pd.Series:
    """Stored periods as the exports write them: "2025", "2025-03", and "2025-Q1" → "T1 2025"
    (in English "Q1 2025")."""
    replacement = _(QUARTER_LABEL).replace("\\", "\\\\").replace("{quarter}", r"\2").replace("{year}", r"\1")
    return periods.astype("str").str.replace(r"^(\d{4})-Q([1-4])$", replacement, regex=True)


def observations_table(observations: pd.DataFrame) -> pd.DataFrame:
    """Field observations as `python -m indicators export` writes them."""
    return readable_table(observations.assign(period=exported_periods(observations["period"])), OBSERVATIONS_FR)


def period_labels(starts: pd.Series, levels: pd.Series) -> pd.Series:
    """A lattice cell's period in the exports: "2025-03" (month), "T1 2025" (quarter, as on screen
    and as analysts write it; "Q1 2025" in English), "2025" (year)."""
    years = starts.dt.year.astype("str")
    months = starts.dt.strftime("%Y-%m")
    template = _(QUARTER_LABEL)
    quarter_numbers = starts.dt.quarter.astype("str")
    quarters = pd.Series(
        [template.format(quarter=quarter, year=year) for quarter, year in zip(quarter_numbers, years)],
        index=starts.index,
        dtype="str",
    )
    return pd.Series(
        np.select([levels == "year", levels == "quarter"], [years, quarters], months), index=starts.index, dtype="str"
    )


def booleans_as_words(frame: pd.DataFrame) -> pd.DataFrame:
    """« oui » / « non » (in English "yes" / "no") instead of True / False, in any column holding
    only booleans (and blanks)."""

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
                lambda cell: _(BOOLEANS_FR[bool(cell)]) if isinstance(cell, bool | np.bool_) else cell
            )
            for column in frame.columns
            if is_boolean(frame[column])
        }
    )


# Columns that mean the same in every table a chart can hand over: a chart's CSV writes them in
# the current language even when a page passes the table's own columns (see
# views.components.chart_block).
CHART_COLUMNS_FR = {
    **PUBLISHED_FR,
    **OBSERVATIONS_FR,
    "level": N_("niveau"),
    "dimension": N_("répartition"),
    "kind": N_("nature"),
}
CHART_CODES_FR = {
    "qualifier": QUALIFIER_CODES_FR,
    "territory_code": TERRITORY_CODES_FR,
    "kind": KIND_FR,
    "level": LEVEL_CODES_FR,
    "dimension": SPLIT_CODES_FR,
}


def chart_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A chart's table with its known codes and headers in the current language (French by
    default); other columns kept as they are."""
    return codes_as_words(frame, CHART_CODES_FR).rename(
        columns={column: _(header) for column, header in CHART_COLUMNS_FR.items()}
    )


# The coverage columns of a file whose figures add up several communes or months
# (`comparisons.cell_coverage`): how many communes sent rows for a figure out of how many it
# covers, how many months its rows cover out of how many its period has.
COVERAGE_HEADERS_FR = {
    "communes": N_("communes comptées"),
    "communes_expected": N_("communes attendues"),
    "months": N_("mois couverts"),
    "months_expected": N_("mois attendus"),
}
# The same in a chart's table (`disclosure.series_tables`), whose headers are written without accents.
SERIES_COVERAGE_HEADERS_FR = {
    "communes": N_("communes_comptees"),
    "communes_expected": N_("communes_attendues"),
    "months": N_("mois_couverts"),
    "months_expected": N_("mois_attendus"),
}

# The headers `disclosure.public_cells` writes (in French), and the words of its level and
# breakdown columns.
PUBLIC_HEADERS_FR = (
    N_("indicateur"),
    N_("territoire"),
    N_("niveau"),
    N_("période"),
    N_("répartition"),
    N_("groupe"),
    N_("valeur"),
    *COVERAGE_HEADERS_FR.values(),
)


def public_table(cells: pd.DataFrame) -> pd.DataFrame:
    """`disclosure.public_cells` (its words in French, its headers in French or already in the
    current language) in the current language: headers, levels (mois → month) and breakdowns
    (sexe → sex). Unchanged in French; words already translated are kept as they are."""
    if current_language() == "fr":
        return cells
    words = {french: _(french) for french in (*LEVEL_CODES_FR.values(), *SPLIT_CODES_FR.values())}
    translated = cells.assign(
        **{
            column: cells[column].map(lambda word: words.get(word, word) if isinstance(word, str) else word)
            for column in ("niveau", "répartition", _("niveau"), _("répartition"))
            if column in cells.columns
        }
    )
    return translated.rename(columns={header: _(header) for header in PUBLIC_HEADERS_FR})


def whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers written without decimals: « 116 », not « 116,0 »
    (a column with a blank is a float column in pandas, even for counts)."""

    def whole(column: pd.Series) -> bool:
        present = column.dropna()
        return pd.api.types.is_float_dtype(column) and bool(
            np.isfinite(present).all() and (present == present.round()).all()
        )

    return frame.assign(**{column: frame[column].astype("Int64") for column in frame.columns if whole(frame[column])})
