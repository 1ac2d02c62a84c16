"""The English catalogue is complete and faithful, and a viewer's language never leaks to another."""

from __future__ import annotations

import ast
import re
import threading
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from indicators.i18n import (
    _,
    as_language,
    catalogue_path,
    current_language,
    in_language,
    localized,
    localized_column,
    ngettext,
    set_language,
)

REPO = Path(__file__).resolve().parents[1]
# Where the interface's strings live (babel.cfg, scripts/catalogue.sh).
SOURCES = [REPO / "dashboard.py", REPO / "views", REPO / "src" / "indicators"]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def source_files() -> list[Path]:
    return [path for source in SOURCES for path in ([source] if source.is_file() else sorted(source.rglob("*.py")))]


@cache
def marked_strings() -> frozenset[str]:
    """Every msgid the code marks today (`_`, `N_`, `ngettext`), found as `pybabel extract` does."""
    found: set[str] = set()
    for path in source_files():
        for _line, message, _comments, _context in extract_from_file("python", str(path), keywords=DEFAULT_KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(found)


@pytest.fixture(scope="module")
def catalogue():  # type: ignore[no-untyped-def]
    with catalogue_path("en").open("rb") as po_file:
        return read_po(po_file, locale="en_GB")


def translated(entry) -> bool:  # type: ignore[no-untyped-def]
    return all(entry.string) if isinstance(entry.string, tuple) else bool(entry.string.strip())


def test_the_code_marks_the_interface_for_translation():
    # Guards the test below from passing on an empty extraction.
    assert len(marked_strings()) > 500


def test_no_string_is_marked_inside_an_f_string():
    # `pybabel extract` does not read inside f-strings on Python 3.11: such a text would stay French.
    inside = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                inside += [
                    f"{path.name}:{call.lineno}"
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id in {"_", "N_", "ngettext"}
                    and call.args
                    and isinstance(call.args[0], ast.Constant)  # a marked N_ constant is extracted where defined
                ]
    assert not inside, inside


def test_every_marked_string_has_an_english_entry(catalogue):
    in_catalogue = {entry.id[0] if isinstance(entry.id, tuple) else entry.id for entry in catalogue if entry.id}
    missing = sorted(marked_strings() - in_catalogue)
    assert not missing, f"{len(missing)} strings without an entry (run scripts/catalogue.sh): {missing[:10]}"


def test_no_entry_is_empty_or_fuzzy(catalogue):
    unfinished = [entry.id for entry in catalogue if entry.id and (entry.fuzzy or not translated(entry))]
    assert not unfinished, f"{len(unfinished)} unfinished entries: {unfinished[:10]}"


def test_every_translation_keeps_the_placeholders_of_its_french_text(catalogue):
    for entry in catalogue:
        if not entry.id:
            continue
        if isinstance(entry.id, str):
            assert set(PLACEHOLDER.findall(entry.string)) == set(PLACEHOLDER.findall(entry.id)), entry.id
            continue
        # Plurals: the plural form keeps every field; the singular may say "one" instead of {count}.
        fields = set(PLACEHOLDER.findall(entry.id[1]))
        assert set(PLACEHOLDER.findall(entry.string[-1])) == fields, entry.id
        assert set(PLACEHOLDER.findall(entry.string[0])) <= fields, entry.id


def test_the_catalogue_has_no_entry_the_code_no_longer_marks(catalogue):
    stale = [
        entry.id
        for entry in catalogue
        if entry.id and (entry.id if isinstance(entry.id, str) else entry.id[0]) not in marked_strings()
    ]
    assert not stale, f"{len(stale)} stale entries (run scripts/catalogue.sh): {stale[:10]}"


def test_french_is_the_source_and_english_comes_from_the_catalogue():
    assert _("Tendances") == "Tendances"
    with in_language("en"):
        assert _("Tendances") == "Trends"
        assert ngettext("{years} an", "{years} ans", 1).format(years=1) == "1 year"
    assert ngettext("{years} an", "{years} ans", 0).format(years=0) == "0 an"


def test_an_address_asks_for_english_only_with_en():
    assert [as_language(value) for value in ("en", "EN", " en ", "fr", "de", "", None)] == [
        "en",
        "en",
        "en",
        "fr",
        "fr",
        "fr",
        "fr",
    ]


def test_a_data_text_in_english_falls_back_to_french_when_empty():
    row = {"label_fr": "Mineurs repérés", "label_en": "Identified minors", "caveat_fr": "Partiel", "caveat_en": ""}
    with in_language("en"):
        assert localized(row, "label") == "Identified minors"
        assert localized(row, "caveat") == "Partiel"
    assert localized(row, "label") == "Mineurs repérés"


def test_a_data_column_in_english_falls_back_to_french_where_empty_or_missing():
    names = pd.DataFrame(
        {"name_fr": ["Monde", "Nanterre", "Antony"], "name_en": ["World", "  ", None], "note_fr": ["a", "b", "c"]}
    )
    with in_language("en"):
        assert localized_column(names, "name").tolist() == ["World", "Nanterre", "Antony"]
        assert localized_column(names, "note").tolist() == ["a", "b", "c"]
    assert localized_column(names, "name").tolist() == ["Monde", "Nanterre", "Antony"]


def test_two_viewers_in_two_languages_never_see_each_others_words():
    # Streamlit runs each session's script in its own thread: the language is per thread of work.
    seen: dict[str, list[str]] = {"fr": [], "en": []}
    start = threading.Barrier(2)

    def viewer(language: str) -> None:
        set_language(language)  # type: ignore[arg-type]
        start.wait()
        for _round in range(200):
            seen[language].append(_("Tendances"))

    threads = [threading.Thread(target=viewer, args=(language,)) for language in ("fr", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(seen["fr"]) == {"Tendances"}
    assert set(seen["en"]) == {"Trends"}
    assert current_language() == "fr"
