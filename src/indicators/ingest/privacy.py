"""Refuse uploaded files that hold data about a person: the store keeps aggregates only.

Analysts upload tables of aggregated counts. A file whose headers or cells look like personal
data (names, birth dates, addresses, phone numbers, e-mails, NIR, INE, notes about a young
person) is refused whole. This module only detects: it is pure (no I/O, no logging) and never
returns a detected value in clear, since nothing of a refused file may be kept or printed. Its
messages are written in the current language (indicators.i18n) when a file is checked.

Two families of rules:
- headers, normalised (`normalise_header`) and matched as whole words against
  `PERSONAL_HEADER_KINDS`, with the contexts that make a header aggregate again
  ("nom de la commune", "nombre de fugues du domicile", "équipe mobile");
- cell values, in every column, with compiled regexes run column by column (vectorised
  `str.contains` / `str.fullmatch`) on accent-folded text.
The value rules favour precision: counts, years, INSEE codes, periods, decimals, commune names
and indicator labels must never trip them, because a false alarm refuses a legitimate file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from indicators.formatting import format_number
from indicators.i18n import N_, _, ngettext
from indicators.ingest.distinct import factorized
from indicators.ingest.parsing import MONTH_NAMES
from indicators.scope import current_scope, france_territories
from indicators.text import comparable, fold_accents

# Declared order is the order of findings within one column.
PERSONAL_DATA_KINDS: tuple[str, ...] = (
    "nom",
    "prenom",
    "date_naissance",
    "adresse",
    "telephone",
    "email",
    "nir",
    "ine",
    "note_personnelle",
)

# What each kind is, in the analyst's words ("contient …" / "annonce …"); marked for the
# catalogue, translated with _() where a message is written.
KIND_DESCRIPTIONS_FR: dict[str, str] = {
    "nom": N_("des noms de famille"),
    "prenom": N_("des prénoms"),
    "date_naissance": N_("des dates de naissance"),
    "adresse": N_("des adresses postales"),
    "telephone": N_("des numéros de téléphone"),
    "email": N_("des adresses électroniques"),
    "nir": N_("des numéros de sécurité sociale (NIR)"),
    "ine": N_("des identifiants nationaux d'élève (INE)"),
    "note_personnelle": N_("des notes qui désignent une personne par sa civilité, son prénom ou son âge"),
}

# Normalised header phrase -> kind; matched as whole words, longest phrase first.
PERSONAL_HEADER_KINDS: dict[str, str] = {
    "nom": "nom",
    "noms": "nom",
    "nom de famille": "nom",
    "nom d usage": "nom",
    "nom de naissance": "nom",
    "nom de jeune fille": "nom",
    "name": "nom",
    "last name": "nom",
    "lastname": "nom",
    "family name": "nom",
    "surname": "nom",
    "full name": "nom",
    "prenom": "prenom",
    "prenoms": "prenom",
    "first name": "prenom",
    "firstname": "prenom",
    "given name": "prenom",
    "date de naissance": "date_naissance",
    "date naissance": "date_naissance",
    "naissance": "date_naissance",
    "lieu de naissance": "date_naissance",
    "ne le": "date_naissance",
    "nee le": "date_naissance",
    "ne e le": "date_naissance",
    "ddn": "date_naissance",
    "birth date": "date_naissance",
    "birthdate": "date_naissance",
    "date of birth": "date_naissance",
    "birthday": "date_naissance",
    "dob": "date_naissance",
    "adresse": "adresse",
    "adresse postale": "adresse",
    "address": "adresse",
    "rue": "adresse",
    "nom de rue": "adresse",
    "nom de la rue": "adresse",
    "nom de voie": "adresse",
    "domicile": "adresse",
    "telephone": "telephone",
    "numero de telephone": "telephone",
    "tel": "telephone",
    "portable": "telephone",
    "mobile": "telephone",
    "phone": "telephone",
    "phone number": "telephone",
    "email": "email",
    "e mail": "email",
    "mail": "email",
    "courriel": "email",
    "adresse email": "email",
    "adresse e mail": "email",
    "adresse mail": "email",
    "adresse electronique": "email",
    "nir": "nir",
    "numero de securite sociale": "nir",
    "securite sociale": "nir",
    "num secu": "nir",
    "n secu": "nir",
    "no secu": "nir",
    "ine": "ine",
    "identifiant national eleve": "ine",
    "identifiant national de l eleve": "ine",
}

# A header with one of these words describes a count, whatever else it mentions
# ("Nombre de fugues du domicile", "Nb appels au téléphone").
COUNT_WORDS: tuple[str, ...] = (
    "nombre",
    "nb",
    "nbre",
    "effectif",
    "effectifs",
    "total",
    "totaux",
    "taux",
    "part",
    "proportion",
    "pourcentage",
    "moyenne",
    "mediane",
    "somme",
    "count",
)

# Contexts that make a header keyword aggregate again, per kind: "nom de la commune" names
# a place, "équipe mobile" a service, "travail de rue" an outreach practice.
NOT_PERSONAL_CONTEXTS: dict[str, tuple[str, ...]] = {
    "nom": (
        "commune",
        "communes",
        "ville",
        "territoire",
        "territoires",
        "indicateur",
        "indicateurs",
        "structure",
        "structures",
        "service",
        "services",
        "dispositif",
        "dispositifs",
        "source",
        "sources",
        "etablissement",
        "etablissements",
        "association",
        "organisme",
        "partenaire",
        "departement",
        "region",
        "epci",
        "quartier",
        "iris",
        "variable",
        "serie",
        "categorie",
        "fichier",
        "programme",
        "projet",
        "action",
        "collectivite",
        "operateur",
        "producteur",
        "city",
        "town",
        "area",
        "indicator",
        "organisation",
        "organization",
    ),
    "date_naissance": ("pays de naissance", "country of birth"),
    "adresse": (
        "travail de rue",
        "situation de rue",
        "dans la rue",
        "en rue",
        "de la rue",
        "a domicile",
        "fugue",
        "fugues",
        "maraude",
        "maraudes",
    ),
    "telephone": ("equipe mobile", "unite mobile", "maraude", "maraudes", "accueil mobile"),
}


# Common first names of young people, without accents (cells are folded before matching).
# Left out on purpose: names that are also a commune (Antony), a common noun (Rose, Jade,
# Marine, Ambre) or mostly seen in street and school names (Jean, Marie, Victor, Hugo, Michel).
FRENCH_FIRST_NAMES: tuple[str, ...] = (
    "Emma",
    "Lea",
    "Chloe",
    "Manon",
    "Ines",
    "Camille",
    "Sarah",
    "Lina",
    "Louise",
    "Zoe",
    "Lola",
    "Clara",
    "Anais",
    "Oceane",
    "Maelys",
    "Lena",
    "Juliette",
    "Alice",
    "Eva",
    "Julia",
    "Mathilde",
    "Lucie",
    "Laura",
    "Yasmine",
    "Nour",
    "Sofia",
    "Aya",
    "Maya",
    "Romane",
    "Melissa",
    "Kenza",
    "Assia",
    "Shaina",
    "Kelly",
    "Morgane",
    "Marion",
    "Pauline",
    "Emilie",
    "Justine",
    "Elodie",
    "Jessica",
    "Oceana",
    "Naomie",
    "Salome",
    "Lucas",
    "Enzo",
    "Nathan",
    "Yanis",
    "Mohamed",
    "Adam",
    "Rayan",
    "Louis",
    "Theo",
    "Mathis",
    "Noah",
    "Ethan",
    "Tom",
    "Leo",
    "Gabriel",
    "Raphael",
    "Arthur",
    "Jules",
    "Maxime",
    "Thomas",
    "Kylian",
    "Bilal",
    "Ilyes",
    "Ryan",
    "Mehdi",
    "Amine",
    "Karim",
    "Sofiane",
    "Samy",
    "Kevin",
    "Dylan",
    "Alexandre",
    "Antoine",
    "Axel",
    "Quentin",
    "Valentin",
    "Baptiste",
    "Romain",
    "Julien",
    "Nicolas",
    "Killian",
    "Ibrahim",
    "Moussa",
    "Mamadou",
    "Ismael",
    "Walid",
    "Nolan",
    "Evan",
    "Timeo",
    "Noe",
    "Liam",
    "Aaron",
    "Malik",
    "Anis",
)

# School and street eponyms that start with one of those first names ("Collège" often dropped).
EPONYMS: tuple[str, ...] = (
    "jules ferry",
    "jules verne",
    "jules vallès",
    "louise michel",
    "camille claudel",
    "camille desmoulins",
    "lucie aubrac",
    "louis pasteur",
    "louis aragon",
    "romain rolland",
    "alexandre dumas",
    "thomas masaryk",
    "gabriel peri",
    "julien gracq",
)

# Every month name the importer reads (ingest.parsing.MONTH_NAMES, from the CLDR), longest first, dot optional.
_MONTHS = "(?:" + "|".join(sorted(MONTH_NAMES, key=len, reverse=True)) + r")\.?"
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    r"|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"
    rf"|\d{{1,2}}(?:er)?\s+(?i:{_MONTHS})\s+\d{{4}})"
)
# Capitalised, or in capitals when too long to be an acronym ("LUCAS", but not "TOM" or "EVA").
_NAMES = "|".join(FRENCH_FIRST_NAMES + tuple(name.upper() for name in FRENCH_FIRST_NAMES if len(name) >= 5))
_STREETS_STRONG = r"rue|avenue|av\.?|boulevard|bd|bld|allee|impasse|quai"
# Words that are streets only before a name: "12 cours Mirabeau", not "12 cours de prévention".
_STREETS_WEAK = r"place|cours|route|chemin|square|villa|passage|sentier|residence"
_PARTICLES = r"(?:de la|de l'|des|du|de|d'|la|le|les|l')"

EMAIL_PATTERN = re.compile(r"[\w.+%\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
# Same separator between every pair, so "01-02-2024 10:30" is not read as a number.
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9](?:[ .\-]?\d{2}){4}"
    r"|0[1-9](?:\d{8}|(?: \d{2}){4}|(?:\.\d{2}){4}|(?:-\d{2}){4}))(?!\w)"
)
# Sex, year, month (01-12, or 20+ for unknown months), département (2A/2B), commune, order, key.
NIR_PATTERN = re.compile(
    r"(?<!\w)[12378][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[ABab])"
    r"[ .]?\d{3}[ .]?\d{3}(?:[ .]?\d{2})?(?!\w)"
)
INE_PATTERN = re.compile(r"(?<!\w)(?:\d{10}[A-Za-z]|\d{9}[A-Za-z]{2})(?!\w)")
ADDRESS_PATTERN = re.compile(
    r"(?<!\w)\d{1,4}(?:\s?(?i:bis|ter|quater|[a-d]))?,?\s+"
    rf"(?:(?i:{_STREETS_STRONG})\s+(?!(?i:et|ou)\b)[^\W\d_]"
    rf"|(?i:{_STREETS_WEAK})\s+(?:(?i:{_PARTICLES})\s*)?[A-Z])"
)
BIRTH_PHRASE_PATTERN = re.compile(rf"(?<!\w)(?i:nee?|ne\(e\))\s+(?i:le)\s+{_DATE}")
BIRTH_DATE_CELL_PATTERN = re.compile(rf"\s*{_DATE}\s*")
# "M. le Maire" and "Madame la Préfète" are offices, not people.
HONORIFIC_PATTERN = re.compile(
    r"(?<![\w.])(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Madame|Monsieur|Mademoiselle)\s+"
    r"(?!(?:Le|La|Les|L'|Du|De|Des)\b)[A-Z][\w'\-]*"
)
# Run on unfolded text: "âgée de 15 ans" is a person, "l'âge de 15 ans" a legal threshold.
# Singular only: "jeunes âgés de 15 ans" describes a group.
AGE_PATTERN = re.compile(
    r"(?<!\w)(?:(?i:[âa]g(?:ée|ee|é|é\(e\)|e\(e\)))\s+(?i:de)|(?i:il|elle)\s+a)\s+\d{1,2}\s*(?i:ans)\b"
    r"(?!\s*(?i:et|ou)\s+(?i:plus|moins))"
)
FIRST_NAME_START_PATTERN = re.compile(rf"^\s*(?:{_NAMES})(?![\w'\-])")
FIRST_NAME_IN_TEXT_PATTERN = re.compile(rf"(?<![\w'\-])(?:{_NAMES})(?=\s*(?:,|\(\s*\d{{1,2}}\s*ans|\d{{1,2}}\s*ans))")
EPONYM_START_PATTERN = re.compile(rf"^\s*(?i:{'|'.join(EPONYMS)})(?!\w)")


@dataclass(frozen=True)
class PersonalDataFinding:
    """One reason to refuse a file: a column whose header or cells hold one kind of personal data.

    `column` is the header as in the file, masked only when the header is itself a personal
    value (a pivoted table with one column per young person).
    """

    column: str
    kind: str
    line: int | None
    count: int
    message: str
    masked_example: str | None


def normalise_header(text: str) -> str:
    """'Nom d'usage' -> 'nom d usage'; 'E-mail' -> 'e mail'; 'N° Sécu.' -> 'n secu' (text.comparable)."""
    return comparable(text)


def _contains_phrase(header: str, phrase: str) -> bool:
    return f" {phrase} " in f" {header} "


def personal_kinds_of_header(header: str) -> tuple[str, ...]:
    """Kinds of personal data a header announces, in declared order; () for aggregate headers."""
    normalised = normalise_header(header)
    if any(_contains_phrase(normalised, word) for word in COUNT_WORDS):
        return ()
    kinds: set[str] = set()
    remaining = normalised
    # Longest phrases first, consumed once matched: "first name" is a first name, not a name.
    for phrase in sorted(PERSONAL_HEADER_KINDS, key=len, reverse=True):
        if not _contains_phrase(remaining, phrase):
            continue
        kind = PERSONAL_HEADER_KINDS[phrase]
        if not any(_contains_phrase(normalised, context) for context in NOT_PERSONAL_CONTEXTS.get(kind, ())):
            kinds.add(kind)
        remaining = f" {remaining} ".replace(f" {phrase} ", " | ").strip()
    return tuple(kind for kind in PERSONAL_DATA_KINDS if kind in kinds)


def present_cells(column: pd.Series) -> pd.Series:
    """Non-empty cells as strings, object dtype: Python regexes, with the lookarounds the
    rules rely on (the Arrow engine behind the str dtype has none)."""
    text = column.astype(object).where(column.notna(), "").astype(str).astype(object)
    return text[text.str.strip() != ""]


def compose(text: str) -> str:
    """NFKC: one code point per accented letter, and no-break spaces become plain spaces."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4)
def _commune_keys(scope_code: str) -> frozenset[str]:
    france = france_territories()
    mine = france.loc[(france["level"] == "commune") & (france["departement_code"] == scope_code), "name"]
    return frozenset(normalise_header(name) for name in mine)


def scope_commune_keys() -> frozenset[str]:
    """The scope's commune names, folded: a cell that is exactly one of them is a place, not a
    person (Antony, Clamart…). Only the scope's: France has communes named Marie or Florence."""
    return _commune_keys(current_scope().code)


def _person_note_mask(cells: pd.Series, folded: pd.Series) -> pd.Series:
    """Cells that read like a note about someone, never a bare commune name."""
    named = folded.str.contains(FIRST_NAME_START_PATTERN) & ~folded.str.contains(EPONYM_START_PATTERN)
    note = (
        folded.str.contains(HONORIFIC_PATTERN)
        | cells.str.contains(AGE_PATTERN)
        | named
        | folded.str.contains(FIRST_NAME_IN_TEXT_PATTERN)
    )
    commune_keys = scope_commune_keys()
    is_commune = folded[note].map(normalise_header).isin(commune_keys)
    return note & ~is_commune.reindex(folded.index, fill_value=False)


def value_masks(cells: pd.Series, birth_column: bool = False) -> dict[str, pd.Series]:
    """For each kind found in values, which cells match (cells from `present_cells`).

    `birth_column`: the header announces birth dates, so any full date in it is one; elsewhere
    a date is a period and only "né(e) le <date>" is a birth date.
    """
    cells = cells.map(compose).astype(object)
    folded = cells.map(fold_accents).astype(object)
    birth = folded.str.contains(BIRTH_PHRASE_PATTERN)
    if birth_column:
        birth = birth | folded.str.fullmatch(BIRTH_DATE_CELL_PATTERN)
    return {
        "date_naissance": birth,
        "adresse": folded.str.contains(ADDRESS_PATTERN),
        "telephone": folded.str.contains(PHONE_PATTERN),
        "email": folded.str.contains(EMAIL_PATTERN),
        "nir": folded.str.contains(NIR_PATTERN),
        "ine": folded.str.contains(INE_PATTERN),
        "note_personnelle": _person_note_mask(cells, folded),
    }


def _mask_words(text: str) -> str:
    """Keep the first letter of each word and hide the rest; hide every digit."""
    hidden_digits = re.sub(r"\d", "*", text[:60])
    return re.sub(r"(?<=[^\W\d_])[^\W\d_]+", lambda word: "*" * len(word.group()), hidden_digits)


def _mask_name(name: str) -> str:
    """Initial and a fixed tail, so that even the length of the name is not kept."""
    return f"{name[0]}***"


def _mask_phone(found: str) -> str:
    national = "0" + re.sub(r"\D", "", found)[-9:]
    return f"{national[:2]} ** ** ** {national[-2:]}"


def _mask_nir(found: str) -> str:
    compact = re.sub(r"[ .]", "", found)
    key = f" {compact[-2:]}" if len(compact) == 15 else ""
    return f"{compact[0]} ** ** ** *** ***{key}"


def _mask_email(found: str) -> str:
    local, domain = found.split("@", 1)
    return f"{local[0]}***@***.{domain.rsplit('.', 1)[-1]}"


def _mask_ine(found: str) -> str:
    return f"{found[0]}{'*' * (len(found) - 2)}{found[-1].upper()}"


def _mask_address(found: str) -> str:
    street = re.search(rf"(?i:{_STREETS_STRONG}|{_STREETS_WEAK})", found.split(maxsplit=1)[-1])
    # The street word as the file wrote it ("rue", "avenue"…); "voie" when none is found.
    word = street.group().lower() if street else _("voie")
    return f"** {word} ***"


def _mask_note(cell: str) -> str:
    """The phrase that gave the person away, words reduced to their first letter."""
    cell = compose(cell)
    folded = fold_accents(cell)
    honorific = HONORIFIC_PATTERN.search(folded)
    if honorific:
        title, name = honorific.group().split(maxsplit=1)
        return f"{title} {_mask_name(name)}"
    age = AGE_PATTERN.search(cell)
    if age:
        return re.sub(r"\d", "*", age.group())  # "elle a ** ans": the words say nothing, the age does
    for pattern in (FIRST_NAME_IN_TEXT_PATTERN, FIRST_NAME_START_PATTERN):
        found = pattern.search(folded)
        if found:
            return _mask_name(found.group().strip())
    return _mask_words(cell.strip())


VALUE_MASKS = {
    "email": (EMAIL_PATTERN, _mask_email),
    "telephone": (PHONE_PATTERN, _mask_phone),
    "nir": (NIR_PATTERN, _mask_nir),
    "ine": (INE_PATTERN, _mask_ine),
    "adresse": (ADDRESS_PATTERN, _mask_address),
}


def masked_value(kind: str, cell: str) -> str:
    """The detected part of a cell, hidden enough that no one can be recognised from it."""
    if kind == "date_naissance":
        return "**/**/****"  # even the year narrows a person down among a few hundred minors
    if kind not in VALUE_MASKS:
        return _mask_note(cell)
    pattern, mask = VALUE_MASKS[kind]
    found = pattern.search(fold_accents(cell))
    return mask(found.group()) if found else _mask_words(cell)


def refusal_message(column: str, kind: str, line: int | None, count: int, masked: str | None) -> str:
    """Explanation for the analyst, in the current language: what, where, why; never the value in clear."""
    what = _(KIND_DESCRIPTIONS_FR[kind])
    if line is None:
        found = _("L'en-tête de la colonne « {column} » (ligne d'en-tête) annonce {what}").format(
            column=column, what=what
        )
    else:
        found = ngettext(
            "La colonne « {column} » (ligne {line}) contient {what}, dans {count} cellule, par exemple « {example} »",
            "La colonne « {column} » (ligne {line}) contient {what}, dans {count} cellules, par exemple « {example} »",
            count,
        ).format(column=column, line=line, what=what, count=format_number(count), example=masked)
    return _(
        "{finding}. Ce tableau de bord ne reçoit que des chiffres agrégés, jamais de données "
        "sur une personne : le fichier est refusé en entier et rien n'en est conservé."
    ).format(finding=found)


def _header_as_value(header: str) -> tuple[tuple[str, ...], str]:
    """Kinds of personal value the header itself is (a table pivoted by person), and the
    label to show for it: the header as in the file, or masked when it is such a value."""
    cells = present_cells(pd.Series([header], dtype=object))
    kinds = tuple(kind for kind, mask in value_masks(cells).items() if mask.any())
    label = masked_value(kinds[0], cells.iloc[0]) if kinds else header
    return kinds, label


def present_distinct(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """The distinct non-empty cells of a column as text (what `present_cells` keeps, once each),
    and for every row the position of its cell among them (−1 for an empty cell)."""
    codes, uniques = factorized(column)
    texts = pd.Series([str(value) for value in uniques], dtype=object)
    present = (texts.str.strip() != "").to_numpy(dtype=bool)
    # One more slot at the end, for the −1 code of missing cells.
    renumbered = np.full(len(texts) + 1, -1, dtype=np.int64)
    renumbered[np.flatnonzero(present)] = np.arange(int(present.sum()))
    return renumbered[codes], texts[present].reset_index(drop=True)


def _column_findings(header: str, column: pd.Series, line_numbers: pd.Series) -> list[PersonalDataFinding]:
    """Findings of one column, one per kind, evidence from header and cells merged."""
    announced = personal_kinds_of_header(header)
    header_values, label = _header_as_value(header)
    # Aggregate files repeat the same few labels: each distinct cell is checked once.
    codes, distinct = present_distinct(column)
    masks = value_masks(distinct, birth_column="date_naissance" in announced)
    findings = []
    for kind in PERSONAL_DATA_KINDS:
        # Names and first names have no value rule of their own: only the header tells.
        hits = masks[kind].to_numpy(dtype=bool) if kind in masks else np.zeros(len(distinct), dtype=bool)
        if hits.any():
            matched = np.append(hits, False)[codes]  # code −1 (empty cell) reads the appended False
            first = int(np.argmax(matched))  # first match, in file order
            line, count = int(line_numbers.iloc[first]), int(matched.sum())
            example = masked_value(kind, distinct.iloc[codes[first]])
        elif kind in announced or kind in header_values:
            line, count, example = None, 0, None
        else:
            continue
        message = refusal_message(label, kind, line, count, example)
        findings.append(PersonalDataFinding(label, kind, line, count, message, example))
    return findings


def find_personal_data(cells: pd.DataFrame, lines: pd.Series) -> list[PersonalDataFinding]:
    """cells: every column of the uploaded file as strings (object or str dtype, empty string or
    NaN for empty cells), headers as in the file. lines: the file line number of each row (same
    index as cells). Returns one finding per (column, kind), sorted by column order then kind
    (in `PERSONAL_DATA_KINDS` order); empty list when the file looks aggregate-only."""
    aligned = lines if lines.index.equals(cells.index) else lines.reindex(cells.index)
    # Positions, not labels: a file may repeat a header, and an index may repeat a label.
    line_numbers = pd.Series(aligned.to_numpy(), index=pd.RangeIndex(len(cells)))
    positional = cells.reset_index(drop=True)
    findings: list[PersonalDataFinding] = []
    for position, header in enumerate(cells.columns):
        findings.extend(_column_findings(str(header), positional.iloc[:, position], line_numbers))
    return findings
