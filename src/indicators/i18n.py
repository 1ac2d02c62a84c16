"""The interface's language: French by default, English on request (`?lang=en`).

Every interface string is written in French in the code and marked `_("…")`; its English version
lives in the gettext catalogue `locale/en/LC_MESSAGES/messages.po` (Babel's tooling: `pybabel
extract`, `update`, `compile`, configured in babel.cfg and pyproject.toml). The catalogue is compiled
in memory when first needed, so serving the app needs no build step.

The language is a `ContextVar`, not a global: Streamlit runs each viewer's script in its own thread,
and two viewers in two languages must never see each other's words. `dashboard.py` sets it at the
top of every run; the command line sets it from `--lang`. Strings defined at import time (tables of
labels) are marked `N_("…")` and translated with `_()` where they are shown.

Texts with values use named fields, translated before they are filled:
`_("{count} communes sans coordonnées").format(count=…)`.

The data tables carry their own texts in both languages (`label_fr`, `label_en`, `name_en`…):
`localized` (a row) and `localized_column` (a column) are the one place that picks the viewer's,
the French text standing in where the English one is empty or missing.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeGuard

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

if TYPE_CHECKING:
    import pandas as pd

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
DEFAULT_LANGUAGE: Language = "fr"
# The Babel locale of each language: numbers, dates and month names.
LOCALES: dict[Language, str] = {"fr": "fr_FR", "en": "en_GB"}
# Each language named in itself, as a language switch shows it.
LANGUAGE_NAMES: dict[Language, str] = {"fr": "Français", "en": "English"}

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_LANGUAGE: ContextVar[Language] = ContextVar("language", default=DEFAULT_LANGUAGE)


def as_language(value: object) -> Language:
    """A language asked for by an address or a command line: "en" or "EN" → "en"; anything else → French."""
    text = str(value or "").strip().lower()
    return "en" if text == "en" else DEFAULT_LANGUAGE


def current_language() -> Language:
    """The language of the current script run (or command)."""
    return _LANGUAGE.get()


def current_locale() -> str:
    """The Babel locale of the current language: "fr_FR" or "en_GB"."""
    return LOCALES[_LANGUAGE.get()]


def set_language(language: Language) -> None:
    """For the rest of this script run (or command): texts in `language`."""
    _LANGUAGE.set(language)


@contextmanager
def in_language(language: Language) -> Iterator[None]:
    """Texts in `language` within the block only (exports and tests)."""
    token = _LANGUAGE.set(language)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def catalogue_path(language: Language) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """The compiled catalogue of `language` (French is the source: no catalogue)."""
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    with catalogue_path(language).open("rb") as po_file:
        catalog = read_po(po_file, locale=LOCALES[language])
    compiled = BytesIO()
    # Fuzzy entries are not used: an unchecked translation shows the French text, and the
    # catalogue test fails on it.
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` (French) in the current language; an empty label stays empty (gettext would
    give the catalogue's header for "")."""
    language = _LANGUAGE.get()
    if language == DEFAULT_LANGUAGE or not message:
        return message
    return translations(language).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, in the current language.
    French uses the singular for 0 and 1; English for 1 only."""
    language = _LANGUAGE.get()
    if language == DEFAULT_LANGUAGE:
        return singular if abs(count) < 2 else plural
    return translations(language).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a French string for the catalogue without translating it now (import-time tables);
    `_()` translates it where it is shown."""
    return message


def has_text(value: object) -> TypeGuard[str]:
    """Whether a data table's text cell says something: a blank, missing or non-text cell does not."""
    return isinstance(value, str) and bool(value.strip())


def localized(row: object, field: str) -> str:
    """A text field of a data table's row in the current language: `label_fr` or `label_en` of `row`
    (a pandas row or a mapping). An empty or missing English text falls back to the French one."""
    getter = getattr(row, "get", None)
    if getter is None:
        raise TypeError("localized() needs a row with .get()")
    language = _LANGUAGE.get()
    if language != DEFAULT_LANGUAGE:
        text = getter(f"{field}_{language}")
        if has_text(text):
            return text
    french = getter(f"{field}_fr")
    return french if isinstance(french, str) else ""


def localized_column(table: pd.DataFrame, field: str) -> pd.Series:
    """A text column of a data table in the current language (`label_en`, `name_en`…), with the
    French text where the other language's is empty or missing: `localized` for a whole column."""
    french = table[f"{field}_fr"]
    column = f"{field}_{_LANGUAGE.get()}"
    if column == f"{field}_fr" or column not in table.columns:
        return french
    own = table[column]
    return own.where(own.map(has_text).astype(bool), french)
