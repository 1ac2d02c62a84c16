"""From a raw uploaded table to validated observation rows: headers, layouts, values, errors.

Tolerant on form (French or English headers with or without accents, wide layouts, decimal
commas, spaces between thousands, several date formats, a trailing "Total" row), strict on
content: every problem is reported at once with its file line, column and value, in the current
language (indicators.i18n; French by default). What is read stays French whatever the language:
month names ("mars 2024"), quarters ("1er trimestre"), sexes and age groups as analysts write them.
All parsing is vectorised, and done once per distinct cell (`indicators.ingest.distinct`): a million-row
file repeats a few hundred distinct texts, so large files stay fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np
import pandas as pd
from babel.dates import get_month_names

from indicators.i18n import N_, _, ngettext
from indicators.ingest.distinct import as_text, distinct_texts, factorized, per_distinct
from indicators.ingest.reading import RawTable
from indicators.keys import fits_in_one_key, pack_codes
from indicators.observations import overlapping_totals
from indicators.schemas import AGE_GROUPS
from indicators.scope import arrondissements_of, current_scope, france_territories
from indicators.text import comparable, comparable_values

KEY = ["indicator_id", "territory_code", "period", "sex", "age_group"]

# Normalised header (see normalise_text) → canonical column.
HEADER_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        [
            "indicateur",
            "indicator",
            "indicator id",
            "id indicateur",
            "code indicateur",
            "libelle indicateur",
            "nom de l indicateur",
        ],
        "indicator",
    ),
    **dict.fromkeys(
        [
            "code commune",
            "code insee",
            "codgeo",
            "code geo",
            "code geographique",
            "code territoire",
            "territoire",
            "territory",
            "territory code",
            "insee",
            "code",
            "depcom",
            "com",
        ],
        "territory",
    ),
    **dict.fromkeys(["commune", "nom commune", "nom de la commune", "libelle commune", "libgeo"], "territory_name"),
    # Read only beside commune names, to tell homonyms apart (Saint-Denis in 93 and in 974).
    **dict.fromkeys(
        ["departement", "code departement", "dep", "dept", "numero departement", "num departement"], "departement"
    ),
    **dict.fromkeys(
        [
            "periode",
            "period",
            "date",
            "mois annee",
            "annee mois",
            "trimestre annee",
            "annee trimestre",
            "date d observation",
        ],
        "period",
    ),
    **dict.fromkeys(["annee", "an", "year", "millesime"], "year"),
    **dict.fromkeys(["mois", "month"], "month"),
    **dict.fromkeys(["trimestre", "trim", "quarter"], "quarter"),
    **dict.fromkeys(["valeur", "nombre", "effectif", "effectifs", "nb", "value", "count", "total"], "value"),
    **dict.fromkeys(["borne basse", "valeur basse", "minimum", "min", "value low"], "value_low"),
    **dict.fromkeys(["borne haute", "valeur haute", "maximum", "max", "value high"], "value_high"),
    **dict.fromkeys(["sexe", "sex", "genre"], "sex"),
    **dict.fromkeys(
        ["tranche d age", "tranche age", "tranches d age", "classe d age", "age", "age group"], "age_group"
    ),
    **dict.fromkeys(["source", "sources"], "source"),
    **dict.fromkeys(["note", "notes", "commentaire", "commentaires", "remarque", "remarques"], "note"),
}

# Month names as French spreadsheets write them, from the CLDR (Babel): "janvier", "janv.", "févr.", "août"…,
# compared without accents or dots; plus the informal abbreviations the CLDR does not list.
MONTH_NAMES = {
    comparable(name): number
    for width in ("wide", "abbreviated")
    for context in ("format", "stand-alone")
    for number, name in get_month_names(width, context, locale="fr_FR").items()
} | {"jan": 1, "fev": 2, "sep": 9}
SEX_CODES = {
    **dict.fromkeys(["f", "fille", "filles", "femme", "femmes", "feminin", "filles et jeunes femmes"], "F"),
    **dict.fromkeys(["m", "h", "garcon", "garcons", "homme", "hommes", "masculin", "garcons et jeunes hommes"], "M"),
    **dict.fromkeys(["", "ensemble", "total", "tous", "t", "mixte", "filles et garcons", "les deux"], "ensemble"),
}
# Ordinal words before "trimestre", rewritten as the digits analysts also write ("2e trimestre").
QUARTER_WORDS = {
    r"\bpremier\b": "1er",
    r"\b(?:deuxieme|second|seconde)\b": "2e",
    r"\btroisieme\b": "3e",
    r"\bquatrieme\b": "4e",
}
# Every spelling of a quarter, once normalised ("1er trimestre", "3e trim", "t1", "2025t1", "trimestre 2"), → "q1".
QUARTER_TOKENS = [
    (r"\b([1-4])(?:er|re|e|eme|nd|nde)? ?(?:trimestre|trim)\b", r"q\1"),
    (r"\b(?:trimestre|trim) ?([1-4])(?!\d)", r"q\1"),
    (r"(?<![a-z])[tq] ?([1-4])(?!\d)", r"q\1"),
]
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"), or HTML a page would render.
FORMULA_START = ("=", "+", "-", "@")
HTML_MARKUP = r"<\s*/?\s*[a-zA-Z!]|javascript:"
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
DEPARTMENT_CODE = re.compile(r"^(\d{2}|2[AB]|97\d)$")


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str
    value: str
    message: str


class _Places(TypedDict):
    """Where one problem was found: its lines and its columns."""

    lines: list[int]
    columns: list[str]


def error_summary(errors: list[RowError], lines_shown: int = 8) -> list[str]:
    """One sentence per distinct problem, with the lines and columns it was found on: the full
    messages an analyst reads once, where a table would repeat them on every line."""
    grouped: dict[str, _Places] = {}
    for error in errors:
        entry = grouped.setdefault(error.message, {"lines": [], "columns": []})
        if error.line is not None:
            entry["lines"].append(error.line)
        if error.column not in entry["columns"]:
            entry["columns"].append(error.column)
    sentences = []
    for message, entry in grouped.items():
        lines = sorted(set(entry["lines"]))
        columns = ", ".join(column for column in entry["columns"] if column and column != "—")
        if not lines:
            sentences.append(
                _("colonne {columns} : {message}").format(columns=columns, message=message) if columns else message
            )
            continue
        shown = ", ".join(str(line) for line in lines[:lines_shown])
        if len(lines) > lines_shown:
            shown = _("{lines} et {count} autre(s)").format(lines=shown, count=len(lines) - lines_shown)
        where = ngettext("Ligne {lines}", "Lignes {lines}", len(lines)).format(lines=shown)
        if columns:
            sentences.append(
                _("{where} ; colonne {columns} : {message}").format(where=where, columns=columns, message=message)
            )
        else:
            sentences.append(_("{where} : {message}").format(where=where, message=message))
    return sentences


@dataclass(frozen=True)
class PreparedUpload:
    rows: pd.DataFrame  # valid rows: KEY + value + line
    errors: list[RowError]
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    declared_sources: list[str] = field(default_factory=list)
    # Cells whose text is neutralised (formula or HTML): never run, shown or kept as written.
    neutralised: list[RowError] = field(default_factory=list)


def normalise_series(values: pd.Series) -> pd.Series:
    """text.comparable of every cell, vectorised, computed once per distinct cell."""
    return per_distinct(values, comparable_values)


def parse_periods(values: pd.Series, categorical: bool = False) -> pd.Series:
    """Periods to "YYYY-MM", "YYYY-Qn" or "YYYY"; NaN where the text is no period.

    Accepted: 2024, 2024-03, 2024-03-15 (a day counts for its month), 15/03/2024, 03/2024,
    "mars 2024", "janv. 2024"; quarters as "T1 2025", "2025-T1", "1er trimestre 2025",
    "3e trim. 2025", "Q1 2025", "2025Q1" (case and accents ignored). A quarter stays a quarter.
    """
    return per_distinct(values, _parse_periods_distinct, categorical)


def _parse_periods_distinct(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip()
    # Text parts, missing (NaN) until a pattern finds them.
    year: pd.Series = pd.Series(np.nan, index=values.index, dtype=object)
    month: pd.Series = pd.Series(np.nan, index=values.index, dtype=object)
    day: pd.Series = pd.Series(np.nan, index=values.index, dtype=object)
    patterns = [
        (r"^(?P<y>\d{4})$", ("y", None, None)),
        (r"^(?P<y>\d{4})-(?P<m>\d{1,2})$", ("y", "m", None)),
        (r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$", ("y", "m", "d")),
        (r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$", ("y", "m", "d")),
        (r"^(?P<m>\d{1,2})/(?P<y>\d{4})$", ("y", "m", None)),
    ]
    for pattern, (y, m, d) in patterns:
        found = text.str.extract(pattern)
        hit = found[y].notna() & year.isna()
        year[hit] = found.loc[hit, y]
        if m:
            month[hit] = found.loc[hit, m]
        if d:
            day[hit] = found.loc[hit, d]
    normalised = comparable_values(text)
    named = normalised.str.extract(r"^(?P<name>[a-z]+) (?P<y>\d{4})$")
    named_month = named["name"].map(MONTH_NAMES)
    hit = named_month.notna() & year.isna()
    year[hit], month[hit] = named.loc[hit, "y"], named_month[hit].astype(int).astype(str)
    tokens = _quarter_tokens(normalised)
    quarter = pd.Series(np.nan, index=values.index, dtype=object)
    for pattern in (r"^(?P<y>\d{4}) ?q(?P<q>[1-4])$", r"^q(?P<q>[1-4]) ?(?P<y>\d{4})$"):
        found = tokens.str.extract(pattern)
        hit = found["y"].notna() & year.isna()
        year[hit], quarter[hit] = found.loc[hit, "y"], found.loc[hit, "q"]

    years = pd.to_numeric(year, errors="coerce")
    months = pd.to_numeric(month, errors="coerce")
    days = pd.to_numeric(day, errors="coerce")
    valid = years.between(1990, 2100) & (months.isna() | months.between(1, 12))
    dated = pd.to_datetime(
        pd.DataFrame({"year": years, "month": months, "day": days}).where(days.notna()).dropna().astype(int),
        errors="coerce",
    )
    valid &= days.isna() | dated.reindex(values.index).notna()
    monthly = years.astype("Int64").astype(str) + "-" + months.astype("Int64").astype(str).str.zfill(2)
    result = monthly.where(months.notna(), years.astype("Int64").astype(str))
    result = result.where(quarter.isna(), years.astype("Int64").astype(str) + "-Q" + quarter.astype(str))
    return result.where(valid)


def _quarter_tokens(normalised: pd.Series) -> pd.Series:
    """Normalised text with any spelling of a quarter rewritten as "q1"…"q4"."""
    for pattern, replacement in [*QUARTER_WORDS.items(), *QUARTER_TOKENS]:
        normalised = normalised.str.replace(pattern, replacement, regex=True)
    return normalised


def parse_quarter_numbers(values: pd.Series) -> pd.Series:
    """A quarter without its year ("T1", "1", "1er trimestre", "Q1") → 1…4; NaN otherwise."""
    return per_distinct(values, _quarter_numbers_distinct)


def _quarter_numbers_distinct(values: pd.Series) -> pd.Series:
    found = _quarter_tokens(comparable_values(values)).str.extract(r"^q?([1-4])$")[0]
    return pd.to_numeric(found, errors="coerce")


def parse_month_numbers(values: pd.Series) -> pd.Series:
    """A month without its year ("3", "03", "mars", "janv.") → 1…12 (NaN when unreadable)."""
    month_text = normalise_series(values)
    return pd.to_numeric(month_text, errors="coerce").fillna(month_text.map(MONTH_NAMES))


def parse_numbers(values: pd.Series) -> pd.Series:
    """French numbers: "1 234", "1 234" (no-break spaces), "1.234", "12,5" → floats; NaN if unreadable."""
    return per_distinct(values, _parse_numbers_distinct)


def _parse_numbers_distinct(values: pd.Series) -> pd.Series:
    # Not Babel's parse_decimal: one file mixes French ("1 234,5"), English ("12.5") and dotted-thousands
    # ("1.234") cells, and a locale-bound parser reads "1.234" as 1,234 (a count of one and a bit).
    text = values.astype(str).str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    dotted_thousands = text.str.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
    text = text.where(~dotted_thousands, text.str.replace(".", "", regex=False))
    return pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")


def normalise_age_groups(values: pd.Series, categorical: bool = False) -> pd.Series:
    """ "11 à 14 ans", "11-14", "11/14" → "11-14"; empty or "tous âges" → "ensemble"; NaN if unknown."""
    return per_distinct(values, _age_groups_distinct, categorical)


def _age_groups_distinct(values: pd.Series) -> pd.Series:
    text = comparable_values(values)
    bounds = text.str.extract(r"^(\d{1,2}) (?:a )?(\d{1,2})(?: ans)?$")
    ranged = bounds[0] + "-" + bounds[1]
    overall = text.isin(["", "ensemble", "tous", "tous ages", "total", "tout age"])
    result = ranged.where(ranged.isin(AGE_GROUPS))
    return result.where(~overall, "ensemble")


def match_indicators(values: pd.Series, catalogue: pd.DataFrame, categorical: bool = False) -> pd.Series:
    """Catalogue id or French label, accents and case ignored → indicator id; NaN if unknown."""
    lookup = {comparable(identifier): identifier for identifier in catalogue["indicator_id"]}
    lookup |= {
        comparable(label): identifier for identifier, label in zip(catalogue["indicator_id"], catalogue["label_fr"])
    }
    return per_distinct(values, lambda distinct: comparable_values(distinct).map(lookup), categorical)


def map_headers(headers: list[str]) -> dict[str, str]:
    """Original header → canonical column, for the headers that are recognised (first one wins)."""
    mapping: dict[str, str] = {}
    for header in headers:
        canonical = HEADER_SYNONYMS.get(comparable(header))
        if canonical and canonical not in mapping.values():
            mapping[header] = canonical
    return mapping


def drop_total_rows(
    cells: pd.DataFrame, lines: pd.Series, split_headers: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """A "Total" row at the bottom of a spreadsheet export is a sum, not an observation.

    "Total" in the sex or age column is not such a row: it means everyone, a figure of its own
    (refused later only if the same file also gives its detail).
    """

    def total_cell(distinct: pd.Series) -> pd.Series:
        return comparable_values(distinct).str.fullmatch(r"total( general| departement)?")

    positions = [position for position, header in enumerate(cells.columns) if header not in split_headers]
    is_total = pd.DataFrame(
        {position: per_distinct(cells.iloc[:, position], total_cell) for position in positions}, index=cells.index
    ).any(axis=1)
    note = _("ligne {line} « Total » ignorée (c'est une somme, pas une observation)")
    notes = [note.format(line=line) for line in lines[is_total.to_numpy()]]
    return cells.loc[~is_total], lines[~is_total.to_numpy()], notes


def melt_wide(
    cells: pd.DataFrame, lines: pd.Series, mapping: dict[str, str]
) -> tuple[pd.DataFrame, pd.Series, dict[str, str], list[str]]:
    """One column per year, quarter or month → one row per (row, period); the long format is left as is."""
    if "value" in mapping.values():
        return cells, lines, mapping, []
    unmapped = [header for header in cells.columns if header not in mapping]
    period_headers = [
        header for header, period in zip(unmapped, parse_periods(pd.Series(unmapped))) if pd.notna(period)
    ]
    if len(period_headers) < 2:
        return cells, lines, mapping, []
    keep = [header for header in cells.columns if header in mapping]
    # Named for the analyst: errors on the melted values name these columns.
    period_column, value_column = _("période (colonne)"), _("valeur (cellule)")
    long = cells.assign(_line=lines.to_numpy()).melt(
        id_vars=[*keep, "_line"], value_vars=period_headers, var_name=period_column, value_name=value_column
    )
    long = long.loc[long[value_column].astype(str).str.strip() != ""]
    note = _("format large reconnu : {count} colonnes de périodes ({first} … {last}) mises en lignes").format(
        count=len(period_headers), first=period_headers[0], last=period_headers[-1]
    )
    return (
        long.drop(columns="_line").reset_index(drop=True),
        long["_line"].reset_index(drop=True),
        {**mapping, period_column: "period", value_column: "value"},
        [note],
    )


def neutralised_cells(cells: pd.DataFrame, lines: pd.Series) -> list[RowError]:
    """Every cell, in any column, whose text would run as a spreadsheet formula or as HTML markup.

    Such text is never executed: file names and declared sources are kept without it, every page
    escapes what it shows and every export prefixes it with an apostrophe. The analyst is still
    told, by line and column, before confirming. A number ("-3", "+5") is no formula.
    """

    formula_message = _(
        "texte qu'un tableur exécuterait comme une formule (commence par « {character} ») : "
        "neutralisé, il ne sera jamais exécuté"
    )
    markup_message = _("balise HTML : neutralisée, elle sera affichée comme du texte, jamais interprétée")

    def classify(distinct: pd.Series) -> pd.Series:
        text = distinct.astype(str).str.strip()
        formula = text.str.startswith(FORMULA_START) & (text.str.len() > 1) & _parse_numbers_distinct(text).isna()
        markup = text.str.contains(HTML_MARKUP, case=False, regex=True)
        kind = pd.Series("", index=distinct.index, dtype=object)
        kind[formula] = text[formula].str[0].map(lambda character: formula_message.format(character=character))
        kind[markup] = markup_message
        return kind

    found: list[RowError] = []
    for header in cells.columns:
        # Classified once per distinct value; only the (rare) flagged rows are looked at row by row.
        codes, uniques = factorized(cells[header])
        kinds = classify(uniques).to_numpy()
        flagged_values = np.flatnonzero(kinds != "")
        if flagged_values.size == 0:
            continue
        flagged = np.isin(codes, flagged_values)
        found += [
            RowError(int(line), str(header), str(uniques.iloc[code])[:120], str(kinds[code]))
            for line, code in zip(lines[flagged], codes[flagged])
        ]
    return sorted(found, key=lambda cell: (cell.line or 0, cell.column))


def column_errors(bad: pd.Series, lines: pd.Series, header: str, raw: pd.Series, message: str) -> list[RowError]:
    """One error per offending row, with its file line, the original header and the cell's text."""
    return [RowError(int(line), header, str(value), message) for line, value in zip(lines[bad.to_numpy()], raw[bad])]


def with_arrondissements(communes: pd.DataFrame) -> pd.DataFrame:
    """The scope's communes (territory_code, name_fr, departement) and the arrondissements
    municipaux of its cities, in their city's département."""
    arrondissements = arrondissements_of(communes["territory_code"].astype(str).tolist(), france_territories())
    parents = communes["parent_code"] if "parent_code" in communes else pd.Series(None, index=communes.index)
    departement_of = dict(zip(communes["territory_code"], parents))
    return pd.concat(
        [
            communes[["territory_code", "name_fr"]].assign(departement=parents.to_numpy()),
            arrondissements.rename(columns={"name": "name_fr"})[["territory_code", "name_fr"]].assign(
                departement=arrondissements["commune_code"].map(departement_of).to_numpy()
            ),
        ],
        ignore_index=True,
    )


def departement_key(cells: pd.Series) -> pd.Series:
    """A département column's cells as codes to compare: « 93 », « 2a », « 974 », « 1 » (for 01)."""
    text = cells.astype(str).str.strip().str.upper()
    return text.where(~text.str.fullmatch(r"\d"), text.str.zfill(2))


def codes_from_names(
    cells: pd.Series,
    lines: pd.Series,
    header: str,
    communes: pd.DataFrame,
    departements: pd.Series | None = None,
) -> tuple[pd.Series, list[RowError]]:
    """The codes of a column of commune names (whatever their case, accents or hyphens) or codes:
    a "Commune" column often holds INSEE codes rather than names, and either is read. Homonyms
    (Saint-Denis in 93 and in 974) are told apart by a département column (`departements`);
    without one, or when it names neither, they are refused with the candidates listed."""
    keys = [comparable(name) for name in communes["name_fr"]]
    counted = pd.Series(keys).value_counts()
    homonyms = {str(key) for key in counted.index[counted > 1]}
    names = {key: code for key, code in zip(keys, communes["territory_code"]) if key not in homonyms}
    names |= {code: code for code in communes["territory_code"]}
    codes = per_distinct(cells, lambda distinct: comparable_values(distinct).map(names), categorical=True)
    errors: list[RowError] = []
    if homonyms:
        codes, errors = homonym_codes(cells, lines, header, communes, departements, codes, homonyms)
    message = _("commune inconnue dans le territoire configuré ({scope})").format(scope=current_scope().described())
    refused_lines = [error.line for error in errors if error.line is not None]
    unknown = codes.isna().to_numpy() & ~np.isin(lines.to_numpy(), refused_lines)
    return codes, sorted(errors + column_errors(pd.Series(unknown), lines, header, cells, message), key=error_order)


def error_order(error: RowError) -> tuple[int, str]:
    return (error.line or 0, error.column)


def homonym_codes(
    cells: pd.Series,
    lines: pd.Series,
    header: str,
    communes: pd.DataFrame,
    departements: pd.Series | None,
    codes: pd.Series,
    homonyms: set[str],
) -> tuple[pd.Series, list[RowError]]:
    """`codes` completed for the rows naming a homonym: by the row's département when it names one
    of the candidates, else an error listing them."""
    keyed = communes.assign(key=[comparable(name) for name in communes["name_fr"]])
    keyed = keyed.loc[keyed["key"].isin(homonyms)]
    by_departement = {
        (key, str(departement)): code
        for key, departement, code in zip(keyed["key"], keyed["departement"], keyed["territory_code"])
    }
    row_keys = comparable_values(cells.astype(str))
    ambiguous = row_keys.isin(homonyms).to_numpy()
    if not ambiguous.any():
        return codes, []
    row_departements = departement_key(departements) if departements is not None else pd.Series("", index=cells.index)
    found = [
        by_departement.get((key, departement))
        for key, departement in zip(row_keys[ambiguous], row_departements[ambiguous])
    ]
    codes = codes.astype(object).copy()
    codes.iloc[np.flatnonzero(ambiguous)] = found
    candidates = {
        key: ", ".join(f"{name} ({departement})" for name, departement in zip(group["name_fr"], group["departement"]))
        for key, group in keyed.groupby("key")
    }
    errors = [
        RowError(
            int(line),
            header,
            str(value),
            _(
                "commune homonyme dans le territoire configuré : {candidates} ; précisez son département "
                "(colonne « Département ») ou son code INSEE"
            ).format(candidates=candidates[key]),
        )
        for line, value, key, code in zip(lines[ambiguous], cells[ambiguous], row_keys[ambiguous], found)
        if code is None
    ]
    return codes.astype("category"), errors


def resolve_territories(
    cells: pd.DataFrame, lines: pd.Series, columns: dict[str, str], communes: pd.DataFrame
) -> tuple[pd.Series, list[RowError]]:
    """COG codes (or commune names when there is no code column) checked against the scope's communes
    and their arrondissements municipaux (kept as such here: `summed_into_cities` adds them up)."""
    communes = with_arrondissements(communes)
    if "territory" not in columns:
        departements = cells[columns["departement"]] if "departement" in columns else None
        return codes_from_names(
            cells[columns["territory_name"]], lines, columns["territory_name"], communes, departements
        )
    header = columns["territory"]
    known_codes = set(communes["territory_code"])

    def classify(distinct: pd.Series) -> pd.DataFrame:
        raw = distinct.astype(str).str.strip().str.upper()
        codes = raw.where(~raw.str.fullmatch(r"\d{4}"), raw.str.zfill(5))  # a spreadsheet dropped the leading 0
        return pd.DataFrame(
            {
                "code": codes,
                "is_commune": codes.str.fullmatch(COMMUNE_CODE),
                "is_department": codes.str.fullmatch(DEPARTMENT_CODE),
                "known": codes.isin(known_codes),
            }
        )

    checked = per_distinct(cells[header], classify)
    is_commune, is_department, known = (checked[column] for column in ("is_commune", "is_department", "known"))
    codes = per_distinct(cells[header], lambda distinct: classify(distinct)["code"], categorical=True)
    errors = (
        column_errors(
            ~is_commune & ~is_department,
            lines,
            header,
            cells[header],
            _("code de territoire au mauvais format (code commune INSEE à 5 caractères attendu, ex. 92050)"),
        )
        + column_errors(
            is_department,
            lines,
            header,
            cells[header],
            _("code de département : les observations s'importent par commune (code INSEE à 5 caractères)"),
        )
        + column_errors(
            is_commune & ~known,
            lines,
            header,
            cells[header],
            _("commune hors du territoire configuré ({scope})").format(scope=current_scope().described()),
        )
    )
    return codes.where(is_commune & known), errors


PERIOD_FORMATS = N_(
    "AAAA, AAAA-MM, JJ/MM/AAAA, MM/AAAA, « mars 2024 » ou un trimestre « T1 2025 », « 1er trimestre 2025 »"
)


def read_periods(cells: pd.DataFrame, columns: dict[str, str]) -> tuple[pd.Series, str, pd.Series]:
    """The period of each row: from a period column, from year + month or year + quarter columns,
    from a year column alone, or from a lone month or quarter column holding whole periods."""
    if "period" in columns:
        header = columns["period"]
        return parse_periods(cells[header], categorical=True), header, cells[header]
    part = next((name for name in ("month", "quarter") if name in columns), None)
    if "year" not in columns:
        assert part is not None  # a file without any period column was refused (missing_columns)
        header = columns[part]  # "mars 2024", "T1 2025" under a Mois or Trimestre header
        return parse_periods(cells[header], categorical=True), header, cells[header]
    header = columns["year"]
    if part is None:
        return parse_periods(cells[header], categorical=True), header, cells[header]
    part_header = columns[part]
    if part == "month":
        number = parse_month_numbers(cells[part_header])
        suffix = number.astype("Int64").astype(str).str.zfill(2)
    else:
        number = parse_quarter_numbers(cells[part_header])
        suffix = "Q" + number.astype("Int64").astype(str)
    combined = (cells[header].astype(str).str.strip() + "-" + suffix).where(number.notna(), "")
    # A cell that already holds a whole period ("mars 2024" under Mois) is read as it is.
    whole = parse_periods(cells[part_header]).notna()
    text = cells[part_header].astype(str).where(whole, combined)
    raw = cells[header].astype(str) + " / " + cells[part_header].astype(str)
    return parse_periods(text, categorical=True), f"{header} + {part_header}", raw


def value_errors(numbers: pd.Series, raw: pd.Series, lines: pd.Series, header: str) -> list[RowError]:
    empty = per_distinct(raw, lambda distinct: distinct.astype(str).str.strip() == "")
    unreadable = numbers.isna() & ~empty
    return (
        column_errors(empty, lines, header, raw, _("valeur manquante"))
        + column_errors(unreadable, lines, header, raw, _("nombre illisible"))
        + column_errors(numbers < 0, lines, header, raw, _("effectif négatif"))
        + column_errors(
            numbers.notna() & (numbers % 1 != 0),
            lines,
            header,
            raw,
            _("effectif non entier (un nombre de personnes ou d'actes est entier)"),
        )
    )


def bound_errors(cells: pd.DataFrame, lines: pd.Series, columns: dict[str, str], values: pd.Series) -> list[RowError]:
    """Optional bounds: low ≤ value ≤ high."""
    low = parse_numbers(cells[columns["value_low"]]) if "value_low" in columns else None
    high = parse_numbers(cells[columns["value_high"]]) if "value_high" in columns else None
    # (rows breaking the rule, the bound's column, the message)
    checks: list[tuple[pd.Series, str, str]] = []
    if low is not None:
        checks.append((low > values, "value_low", _("borne basse supérieure à la valeur")))
    if high is not None:
        checks.append((values > high, "value_high", _("valeur supérieure à la borne haute")))
    if low is not None and high is not None:
        checks.append((low > high, "value_low", _("borne basse supérieure à la borne haute")))
    return [
        error
        for bad, bound, message in checks
        for error in column_errors(bad, lines, columns[bound], cells[columns[bound]], message)
    ]


def missing_columns(columns: dict[str, str], default_indicator: str | None) -> list[RowError]:
    required = {
        _("indicateur (ou choisir l'indicateur à l'import)"): default_indicator is not None or "indicator" in columns,
        _("code commune (ou nom de la commune)"): "territory" in columns or "territory_name" in columns,
        _("période (ou année, trimestre, mois)"): any(
            name in columns for name in ("period", "year", "month", "quarter")
        ),
        _("valeur (ou une colonne par année, par trimestre ou par mois)"): "value" in columns,
    }
    message = _("colonne obligatoire introuvable")
    return [RowError(None, name, "", message) for name, present in required.items() if not present]


def duplicate_rows(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Which rows repeat an earlier row's key, and the line of that earlier row (file order)."""
    duplicated = key_numbers(rows).duplicated(keep="first")
    if not duplicated.any():
        return duplicated, rows["line"]
    # Only keys that occur more than once need the line of their first occurrence.
    repeated = rows.loc[key_numbers(rows).duplicated(keep=False)]
    first_line = repeated.groupby(KEY, sort=False)["line"].transform("first")
    return duplicated, first_line.reindex(rows.index)


def key_numbers(rows: pd.DataFrame) -> pd.Series:
    """One integer per row, equal for equal keys: the key columns' codes combined (categoricals are free)."""
    columns, sizes = [], []
    for column in KEY:
        codes, uniques = factorized(rows[column])
        columns.append(codes + 1)  # missing (−1) is a value of its own
        sizes.append(len(uniques) + 1)
    if not fits_in_one_key(sizes):  # never with real keys; exact anyway
        return pd.Series(pd.factorize(pd.MultiIndex.from_frame(rows[KEY]))[0], index=rows.index)
    combined = pack_codes(columns, sizes)
    return pd.Series(combined, index=rows.index)


@dataclass(frozen=True)
class RecognisedTable:
    """A raw table with its columns recognised: total rows dropped, a wide table melted long."""

    cells: pd.DataFrame
    lines: pd.Series
    columns: dict[str, str]  # canonical name → the file's header
    split_headers: tuple[str, ...]  # the file's sex and age group headers, those it has
    notes: list[str]
    neutralised: list[RowError]


def recognise_table(raw: RawTable) -> RecognisedTable:
    """The file's headers mapped to canonical columns, cells neutralised, total rows dropped, a wide
    table melted long; notes on what was left out or ignored."""
    mapping = map_headers(list(raw.cells.columns))
    by_canonical = {canonical: header for header, canonical in mapping.items()}
    split_headers = tuple(by_canonical[name] for name in ("sex", "age_group") if name in by_canonical)
    neutralised = neutralised_cells(raw.cells, raw.lines)
    cells, lines, notes = drop_total_rows(raw.cells, raw.lines, split_headers)
    cells, lines, mapping, wide_notes = melt_wide(cells, lines, mapping)
    columns = {canonical: header for header, canonical in mapping.items()}
    notes = [*raw.notes, *wide_notes, *notes]
    unrecognised = _("colonne « {header} » non reconnue : ignorée")
    notes += [unrecognised.format(header=header) for header in cells.columns if header not in mapping]
    return RecognisedTable(cells, lines, columns, split_headers, notes, neutralised)


def read_indicators(
    table: RecognisedTable, catalogue: pd.DataFrame, default_indicator: str | None
) -> tuple[pd.Series, list[RowError]]:
    """Each row's field indicator, from its column or the one chosen at import, and the unknown ones."""
    if "indicator" not in table.columns:
        return pd.Series(default_indicator, index=table.cells.index), []
    field_catalogue = catalogue.loc[catalogue["domain"] == "field"]
    header = table.columns["indicator"]
    indicators = match_indicators(table.cells[header], field_catalogue, categorical=True)
    known = ", ".join(field_catalogue["indicator_id"])
    return indicators, column_errors(
        indicators.isna(),
        table.lines,
        header,
        table.cells[header],
        _("indicateur inconnu ; indicateurs connus : {known}").format(known=known),
    )


def read_groups(table: RecognisedTable) -> tuple[pd.Series, pd.Series, list[RowError]]:
    """Each row's sex and age group ("ensemble" without such a column), and the unrecognised ones."""
    cells, lines, columns = table.cells, table.lines, table.columns
    sexes = ages = pd.Series("ensemble", index=cells.index)
    errors: list[RowError] = []
    if "sex" in columns:
        sexes = per_distinct(
            cells[columns["sex"]], lambda distinct: comparable_values(distinct).map(SEX_CODES), categorical=True
        )
        errors += column_errors(
            sexes.isna(), lines, columns["sex"], cells[columns["sex"]], _("sexe non reconnu (F, M ou ensemble)")
        )
    if "age_group" in columns:
        ages = normalise_age_groups(cells[columns["age_group"]], categorical=True)
        errors += column_errors(
            ages.isna(),
            lines,
            columns["age_group"],
            cells[columns["age_group"]],
            _("tranche d'âge non reconnue (11-14, 15-17, 18-25 ou ensemble)"),
        )
    return sexes, ages, errors


def without_duplicates(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[RowError]]:
    """The rows without those repeating an earlier row's key, and an error naming each repeat's first line."""
    duplicated, first_line = duplicate_rows(rows)
    duplicate = _("doublon de la ligne {line} (même indicateur, commune, période, sexe et âge)")
    errors = [
        RowError(int(line), "—", "", duplicate.format(line=int(first)))
        for line, first in zip(rows.loc[duplicated, "line"], first_line[duplicated])
    ]
    return rows.loc[~duplicated], errors


def summed_into_cities(rows: pd.DataFrame, communes: pd.DataFrame) -> tuple[pd.DataFrame, list[RowError]]:
    """Rows of arrondissements municipaux (Paris, Lyon, Marseille) added up into their city, one row
    per key at the line of its first arrondissement; an arrondissement's row refused where the file
    also gives its city's own row for the same key (the city would count it twice)."""
    arrondissements = arrondissements_of(communes["territory_code"].astype(str).tolist(), france_territories())
    city_of = dict(zip(arrondissements["territory_code"], arrondissements["commune_code"]))
    codes = rows["territory_code"].astype(str)
    detailed = codes.isin(city_of)
    if not detailed.any():
        return rows, []
    cities = rows.assign(territory_code=codes.map(city_of).where(detailed, codes))
    own_keys = set(map(tuple, cities.loc[~detailed, KEY].astype(str).to_numpy().tolist()))
    twice = detailed & pd.Series(
        [tuple(key) in own_keys for key in cities[KEY].astype(str).to_numpy().tolist()], index=rows.index
    )
    errors = [
        RowError(
            int(line),
            "—",
            str(code),
            _("arrondissement dont la ville a aussi sa propre ligne pour la même période : gardez l'un ou l'autre"),
        )
        for line, code in zip(rows.loc[twice, "line"], codes[twice])
    ]
    kept = cities.loc[~twice].astype(dict.fromkeys(KEY, str))
    summed = kept.groupby(KEY, sort=False, as_index=False).agg(value=("value", "sum"), line=("line", "min"))
    return summed, errors


def without_overlapping_totals(
    rows: pd.DataFrame, cells: pd.DataFrame, split_headers: tuple[str, ...]
) -> tuple[pd.DataFrame, list[RowError]]:
    """The rows without totals that count other rows again, and an error for each, with its split
    cells as the file wrote them ("Total", an empty cell…) so the analyst finds the line."""
    overlapping = overlapping_totals(rows)
    empty = _("(vide)")
    written = (
        cells.loc[rows.index[overlapping], list(split_headers)].astype(str).map(lambda cell: cell.strip() or empty)
    )
    overlap = _(
        "total qui recompte d'autres lignes (même indicateur et commune, même période ou période "
        "incluse : mois d'un trimestre ou d'une année), compté deux fois dans les sommes : gardez le "
        "détail ou le total, pas les deux"
    )
    errors = [
        RowError(
            int(line),
            " / ".join(split_headers) or "—",
            " / ".join(cells_written),
            overlap,
        )
        for line, cells_written in zip(rows.loc[overlapping, "line"], written.itertuples(index=False))
    ]
    return rows.loc[~overlapping], errors


def declared_sources(table: RecognisedTable) -> list[str]:
    """The distinct sources the file's source column names, sorted (none without the column)."""
    if "source" not in table.columns:
        return []
    return sorted({text for text in distinct_texts(table.cells[table.columns["source"]]).str.strip() if text})


def prepare_observations(
    raw: RawTable, catalogue: pd.DataFrame, communes: pd.DataFrame, default_indicator: str | None = None
) -> PreparedUpload:
    """Recognise, parse and validate every row; valid rows come out in the store's format."""
    table = recognise_table(raw)
    cells, lines, columns = table.cells, table.lines, table.columns
    missing = missing_columns(columns, default_indicator)
    if missing:
        return PreparedUpload(
            pd.DataFrame(columns=[*KEY, "value", "line"]),
            missing,
            table.notes,
            len(cells),
            neutralised=table.neutralised,
        )

    indicators, errors = read_indicators(table, catalogue, default_indicator)
    territories, territory_errors = resolve_territories(cells, lines, columns, communes)
    periods, period_header, period_raw = read_periods(cells, columns)
    values = parse_numbers(cells[columns["value"]])
    errors += territory_errors
    errors += column_errors(
        periods.isna(),
        lines,
        period_header,
        period_raw,
        _("période illisible (formats acceptés : {formats})").format(formats=_(PERIOD_FORMATS)),
    )
    errors += value_errors(values, cells[columns["value"]], lines, columns["value"])
    errors += bound_errors(cells, lines, columns, values)
    sexes, ages, group_errors = read_groups(table)
    errors += group_errors

    rows = pd.DataFrame(
        {
            "indicator_id": indicators,
            "territory_code": territories,
            "period": periods,
            "sex": sexes,
            "age_group": ages,
            "value": values,
            "line": lines.to_numpy(),
        }
    )
    bad_lines = {error.line for error in errors}
    if bad_lines:
        rows = rows.loc[~rows["line"].isin(bad_lines)]
    rows, duplicate_errors = without_duplicates(rows)
    rows, overlap_errors = without_overlapping_totals(rows, cells, table.split_headers)
    rows, city_errors = summed_into_cities(rows, communes)
    errors += duplicate_errors + overlap_errors + city_errors
    # Keys were categoricals while checked (fast to compare and group); they leave as text.
    rows = rows.reset_index(drop=True)
    rows = rows.assign(**{column: as_text(rows[column]) for column in KEY}, value=rows["value"].astype("int64"))
    errors.sort(key=lambda error: (error.line or 0, error.column))
    return PreparedUpload(rows, errors, table.notes, len(cells), declared_sources(table), table.neutralised)
