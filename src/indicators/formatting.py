"""Numbers, ranges, shares, ages, dates and periods as each language writes them (Babel).

French (fr_FR): Babel puts a narrow no-break space between thousands ("7 000") and before "%"
("12,5 %"), the French typographic rule, which keeps numbers on one line; a range is spaced
("7 000 – 10 000"), a day is 23/11/2022. English (en_GB, `?lang=en`): "7,000", "12.5%",
"7,000–10,000", "23 Nov 2022". The language is the current script run's (indicators.i18n).
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Literal

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_percent, parse_pattern

from indicators.i18n import N_, _, current_language, current_locale, ngettext

EN_DASH = "\u2013"
MISSING = "—"


@cache
def _number_pattern(decimals: int) -> NumberPattern:
    # Parsed once: a ranking formats hundreds of numbers per view, and Babel's format_decimal
    # parses its locale and pattern on every call (what it then does is `pattern.apply`).
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def format_number(value: float | None, decimals: int = 0) -> str:
    """7000 → "7 000" ("7,000" in English); 12.5 with one decimal → "12,5" ("12.5")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text: str = _number_pattern(decimals).apply(value, _locale(current_locale()))
    return text


def format_share(percent_points: float | None, decimals: int = 0) -> str:
    """Shares are stored in percent points: 12.5 → "12,5 %" ("12.5%" in English)."""
    if percent_points is None or math.isnan(percent_points):
        return MISSING
    # French separates the sign by a narrow no-break space; English writes it against the number.
    sign = "\u202f%" if current_language() == "fr" else "%"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + sign
    return format_percent(percent_points / 100, format=pattern, locale=current_locale())


def format_change(percent: float | None, decimals: int = 0) -> str:
    """Signed change: 68 → "+68 %", -3.5 → "−3,5 %" (typographic minus); -0.2 → "0 %" (a sign
    on a change that rounds to nothing would read as a fall or a rise)."""
    if percent is None or math.isnan(percent):
        return MISSING
    if round(abs(percent), decimals) == 0:
        percent = 0.0
    sign = "+" if percent > 0 else ("\u2212" if percent < 0 else "")
    return sign + format_share(abs(percent), decimals)


def format_range(low: float, high: float, unit: str = "") -> str:
    """A range stays a range: (7000, 10000) → "7 000 – 10 000" (English: "7,000–10,000")."""
    separator = f" {EN_DASH} " if current_language() == "fr" else EN_DASH
    text = f"{format_number(low)}{separator}{format_number(high)}"
    return f"{text} {unit}".strip()


def format_age(years: float) -> str:
    """14 → "14 ans"; 14.6667 → "14 ans et 8 mois" ("14 years and 8 months")."""
    whole_years = int(years)
    months = round((years - whole_years) * 12)
    if months == 12:
        whole_years, months = whole_years + 1, 0
    text = ngettext("{years} an", "{years} ans", whole_years).format(years=whole_years)
    if not months:
        return text
    return _("{years} et {months}").format(
        years=text, months=ngettext("{months} mois", "{months} mois", months).format(months=months)
    )


# A day as each language writes it in a sentence or a table.
DAY_PATTERNS = {"fr": "dd/MM/yyyy", "en": "d MMM yyyy"}


def format_day(day: pd.Timestamp | str) -> str:
    """23/11/2022 (English: 23 Nov 2022)."""
    return format_date(pd.Timestamp(day).date(), DAY_PATTERNS[current_language()], locale=current_locale())


def format_period(period: str) -> str:
    """Published periods in words: "2021" → "2021", "2021-11" → "novembre 2021",
    "2021-11-15" → "15/11/2021", "2016/2020" → "de 2016 à 2020"."""
    if "/" in period:
        start, end = period.split("/")
        return _("de {start} à {end}").format(start=start, end=end)
    if len(period) == 4:
        return period
    if len(period) == 7:
        return format_date(pd.Timestamp(period + "-01").date(), "MMMM yyyy", locale=current_locale())
    return format_day(period)


def format_publication_date(published: object) -> str:
    """When a source was published (a period of data/sources.csv, `format_period`), or « sans date »
    ("undated") when the source gives none."""
    return format_period(published) if isinstance(published, str) else _("sans date")


def format_short_month(month_start: pd.Timestamp) -> str:
    """A month in few letters, as a date axis writes it: "mars 2025" ("Mar 2025"); "janv. 2025"."""
    return format_date(month_start.date(), "MMM yyyy", locale=current_locale())


# A quarter, on screen and in the exports: "T1 2025" in French, "Q1 2025" in English.
QUARTER_LABEL = N_("T{quarter} {year}")


def format_month(month_start: pd.Timestamp, frequency: str = "month") -> str:
    """Label of an aggregated period: "mars 2024", "T1 2024" or "2024" ("March 2024", "Q1 2024")."""
    if frequency == "year":
        return str(month_start.year)
    if frequency == "quarter":
        return _(QUARTER_LABEL).format(quarter=month_start.quarter, year=month_start.year)
    return format_date(month_start.date(), "MMMM yyyy", locale=current_locale())


def format_span(start: pd.Timestamp, end: pd.Timestamp, frequency: str = "month") -> str:
    """The periods from `start` to `end` (first months of their periods), as officials say them:
    "mars 2026", "janvier – mars 2026", "novembre 2025 – février 2026", "T1 – T3 2026", "2024 – 2025"."""
    first, last = format_month(start, frequency), format_month(end, frequency)
    if first == last:
        return first
    if frequency != "year" and start.year == end.year:
        first = first.removesuffix(f" {start.year}")
    return f"{first} {EN_DASH} {last}"


# English units whose singular is not the plural without its "s" (data/indicators.csv, unit_en).
ENGLISH_SINGULARS = {"people": "person"}


def with_unit(value: float, unit: str) -> str:
    """A count and its unit (in the current language), singular for 0 and 1 as French writes it
    ("0 jeune", "1 jeune", "2 jeunes") and for 1 only in English ("1 minor", "0 minors",
    "1 young person")."""
    words = unit.split(" ")
    if current_language() == "fr":
        if abs(value) < 2 and words[0].endswith("s") and len(words[0]) > 2:
            words[0] = words[0][:-1]
    elif abs(value) == 1:
        last = words[-1]
        if last in ENGLISH_SINGULARS:
            words[-1] = ENGLISH_SINGULARS[last]
        elif last.endswith("s") and len(last) > 2:
            words[-1] = last[:-1]
    return f"{format_number(value)} {' '.join(words)}".strip()


# The arrow of a change, as Streamlit's metric names it.
Direction = Literal["up", "down", "off"]


def change_direction(percent: float | None, decimals: int = 0) -> Direction:
    """Arrow of a change as `format_change` writes it: "up", "down", or "off" when it rounds to 0 %."""
    if percent is None or math.isnan(percent) or round(abs(percent), decimals) == 0:
        return "off"
    return "up" if percent > 0 else "down"


def format_value(value: float | None, kind: str, unit: str = "") -> str:
    """A figure as officials read it, according to its kind in the catalogue."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if kind == "share":
        return format_share(value, decimals=0 if float(value).is_integer() else 1)
    if kind == "change":
        return format_change(value)
    if kind == "age":
        return format_age(value)
    return format_number(value)


def format_figure(row: pd.Series, kind: str) -> str:
    """A published figure: its value or range, with "plus de" / "environ" where the source says so."""
    if pd.isna(row["value"]):
        return format_range(row["value_low"], row["value_high"])
    text = format_value(row["value"], kind)
    if row["qualifier"] == "lower_bound":
        return _("plus de {figure}").format(figure=text)
    if row["qualifier"] == "approximate":
        return _("environ {figure}").format(figure=text)
    return text


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
# Streamlit's Markdown makes links of addresses (« http:// », « www. »), e-mails (« @ ») and icons of
# « :material/…: » in the text as read, escapes resolved: an escape cannot stop them. An invisible
# word joiner after a colon that a word follows, before « @ » and inside « www. » breaks each one.
WORD_JOINER = "\u2060"
TEXT_TRIGGERS = re.compile(r"(\\:)(?=\S)|(?=@)|(?i:(?<=www)(?=\\\.))")


def escape_markdown(text: str) -> str:
    """Text from an uploaded file or an address shown through Streamlit's Markdown, as plain text:
    every markup character escaped, and what Markdown links by itself broken (see TEXT_TRIGGERS), so
    a header, a cell or a sheet name never becomes a link, an icon, an image or formatting. Only an
    invisible character is added: the viewer reads the text as written."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    return TEXT_TRIGGERS.sub(lambda found: (found.group(1) or "") + WORD_JOINER, escaped)
