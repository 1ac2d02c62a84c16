"""The sheet as HTML and as a one-page A4 PDF (Chromium): its name, « s » where masked, no small count,
the demo label."""

from __future__ import annotations

import html
import io
import re
import unicodedata
from itertools import count
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from fair_scenarios import unequal_store
from indicators.__main__ import main
from indicators.config import DEMO_LABEL_FR
from indicators.i18n import in_language
from indicators.loading import load_tables, scope_territory_table
from indicators.observations import index_observations
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.secret.releases import protected_cells
from indicators.sheet import TrendPoint, build_sheet, sheet_basis
from indicators.sheet_export import (
    axis_label,
    page_count,
    sheet_file_name,
    sheet_html,
    sheet_pdf,
    trend_svg,
)
from store_shapes import observation_tables, stores_drawn, write_store

K = 5
_folders = count()
A4_POINTS = (595.0, 842.0)


@pytest.fixture(scope="module")
def demo_basis(tables):
    return sheet_basis(tables, protected_cells(tables, K), index_observations(tables.field_observations), K)


@pytest.fixture(scope="module")
def small_basis(tmp_path_factory):
    """An imported store of small counts (0 to 6 a month in every commune): most commune figures are secret."""
    months = [f"{year}-{month:02d}" for year in (2024, 2025) for month in range(1, 13)]
    rows = [
        dict(
            indicator_id="signalements_risque_prostitutionnel",
            territory_code=code,
            period=period,
            sex="ensemble",
            age_group="ensemble",
            value=(position + step) % 7,
            source_id="IMPORT_000001",
        )
        for position, code in enumerate(scope_territory_table().query("level == 'commune'")["territory_code"])
        for step, period in enumerate(months)
    ]
    folder = write_store(tmp_path_factory.mktemp("small") / "data", pd.DataFrame(rows))
    tables = load_tables(folder)
    return sheet_basis(tables, protected_cells(tables, K), index_observations(tables.field_observations), K)


def pdf_text(pdf: bytes) -> str:
    return folded(" ".join(spaced(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages))


def folded(text: str) -> str:
    """Compatibility forms folded ("ﬁ" → "fi", "…" → "..."), the narrow no-break space of "1 295" kept."""
    return unicodedata.normalize("NFKC", text.replace("\u202f", "\x00")).replace("\x00", "\u202f")


def spaced(text: str) -> str:
    """Line breaks and runs of spaces as one space; the narrow no-break space inside "1 295" kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def count_tokens(text: str, sheet) -> list[int]:
    """Whole numbers standing alone in the text once every sentence that is not a figure is taken out
    (definitions, caveats, sources, dates, version, the secret's own definition « de 1 à 4 », the
    periods and what partial totals cover: « janvier – mars 2026 (3 mois) », « 3 mois sur 12 »)."""
    figures = [figure for block in sheet.blocks for figure in (block.current, block.previous, block.department)]
    phrases = [
        sheet.secret_text,
        sheet.version_text,
        sheet.produced_on,
        sheet.sources_text,
        sheet.population_source,
        sheet.rate_caveat,
        sheet.method_text,
        sheet.level_text,
        sheet.population_text,
        *(block.definition for block in sheet.blocks),
        *(block.caveat for block in sheet.blocks),
        *(block.window_text for block in sheet.blocks),
        *(card.label for block in sheet.blocks for card in block.cards),
        *(figure.coverage for figure in figures if figure is not None and figure.coverage),
        *(block.change.field for block in sheet.blocks if block.change is not None and block.change.field),
    ]
    for phrase in sorted(
        filter(None, phrases), key=len, reverse=True
    ):  # a date inside a source line goes with its line
        text = text.replace(folded(spaced(phrase)), " ")
    return [int(token) for token in re.findall(r"(?<![\w,.\u202f/])\d+(?![\w,.\u202f/%])", text)]


def test_html_is_self_contained_and_says_what_the_sheet_says(demo_basis):
    sheet = build_sheet(demo_basis, "92050")
    page = sheet_html(sheet)
    assert "Nanterre — fiche territoriale" in page and DEMO_LABEL_FR in page
    assert (
        "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page.split("<footer>")[0]
    )
    assert "<script" not in page and page.count("<svg") == 5
    assert sheet_file_name(sheet) == "fiche_92050_nanterre.pdf"
    assert sheet_file_name(build_sheet(demo_basis, "200057990")) == "fiche_200057990_boucle_nord_de_seine.pdf"


def test_masked_bar_is_a_gap_with_the_symbol(small_basis):
    sheet = build_sheet(small_basis, "92002")
    block = next(block for block in sheet.blocks if block.has_data)
    svg = trend_svg(block)
    masked = [point for point in block.trend if point.value is None]
    assert masked, "le magasin de petits effectifs doit masquer des années"
    assert svg.count(f">{SECRET_SYMBOL}</text>") == len(masked)
    assert svg.count("<rect") == len(block.trend) - len(masked)
    assert DEMO_LABEL_FR not in sheet_html(sheet)


@pytest.mark.browser
def test_pdf_is_one_a4_page_with_name_and_demo_label(demo_basis):
    sheet = build_sheet(demo_basis, "92050")
    pdf = sheet_pdf(sheet)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 == page_count(pdf)
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4_POINTS[0]) < 2 and abs(float(box.height) - A4_POINTS[1]) < 2
    text = pdf_text(pdf)
    assert "Nanterre" in text and DEMO_LABEL_FR in text
    masked = [block for block in sheet.blocks if block.current.masked]
    assert masked and re.search(rf"(?<!\w){SECRET_SYMBOL}(?!\w)", text)


@pytest.mark.browser
def test_pdf_of_small_counts_shows_s_and_no_count_below_k(small_basis):
    for code in ("92002", "200057990"):
        sheet = build_sheet(small_basis, code)
        pdf = sheet_pdf(sheet)
        text = pdf_text(pdf)
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
        assert sheet.name in text and DEMO_LABEL_FR not in text
        if any(block.current and block.current.masked for block in sheet.blocks):
            assert re.search(rf"(?<!\w){SECRET_SYMBOL}(?!\w)", text)
        small = [number for number in count_tokens(text, sheet) if 1 <= number < K]
        assert not small, (code, small, text)


@pytest.mark.browser
def test_cli_all_writes_forty_one_page_sheets(tmp_path, data_copy, monkeypatch, capsys):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    assert main(["fiche", "--all", "--out-dir", str(tmp_path / "fiches")]) == 0
    written = sorted((tmp_path / "fiches").glob("fiche_*.pdf"))
    assert len(written) == 40
    assert (tmp_path / "fiches" / "fiche_92050_nanterre.pdf") in written
    assert all(page_count(path.read_bytes()) == 1 for path in written)
    printed = capsys.readouterr()
    assert "40 fiches écrites" in printed.out
    # The progress line, on the error stream (the standard output lists the files written).
    assert "Fiches préparées : 40 sur 40" in printed.err and "Impression de 40 fiches en PDF" in printed.err
    # Printed in one run and split: each file holds its own territory's page, never a neighbour's.
    from pypdf import PdfReader

    from indicators.loading import load_tables

    names = dict(
        zip(load_tables(data_copy).territories["territory_code"], load_tables(data_copy).territories["name_fr"])
    )
    for path in written:
        code = path.name.split("_")[1]
        assert PdfReader(path).pages[0].extract_text().startswith(f"{names[code]} — fiche territoriale"), path.name


def test_cli_unknown_territory_is_a_french_usage_error(data_copy, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    assert main(["fiche", "--territory", "75056", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "Territoire inconnu : « 75056 »" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


# --- In English (?lang=en, `fiche --lang en`) -------------------------------------------------------


def test_html_in_english(demo_basis):
    with in_language("en"):
        sheet = build_sheet(demo_basis, "92050")
        page = sheet_html(sheet)
        name = sheet_file_name(sheet)
    assert page.startswith('<!DOCTYPE html><html lang="en">')
    assert "2025 (12 months)" in page and "12-month rate / 10,000 inhab." in page and "95% CI: " in page
    assert "Caveat: " in page and "Field observations of the Département; " in page
    assert "Derniers 12 mois" not in page and "Précaution" not in page and "fiche produite" not in page
    assert name == "fact_sheet_92050_nanterre.pdf"
    assert sheet_html(build_sheet(demo_basis, "92050")).startswith('<!DOCTYPE html><html lang="fr">')


def test_axis_labels_follow_the_language():
    march = TrendPoint(pd.Timestamp("2025-03-01"), "mars 2025", 7, None, True)
    assert axis_label(march, "month") == ("mars", "2025") and axis_label(march, "quarter") == ("T1", "2025")
    with in_language("en"):
        assert axis_label(march, "month") == ("Mar", "2025") and axis_label(march, "quarter") == ("Q1", "2025")
    assert axis_label(march, "year") == ("", "2025")


def test_cli_in_english_writes_an_english_sheet(data_copy, monkeypatch, capsys, tmp_path):
    """`fiche --lang en`: the sheet's HTML (what Chromium prints, caught here) and the output in English."""
    import indicators.sheet_export as sheet_export

    printed = []

    def html_not_pdf(sheets, workers=4):
        printed.extend(sheet_export.sheets_html([sheet], sheet.title) for sheet in sheets)
        return [b"%PDF-1.4 /Type /Page" for _sheet in sheets]

    monkeypatch.setattr(sheet_export, "sheet_pdfs", html_not_pdf)
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    assert main(["fiche", "--lang", "en", "--territory", "Nanterre", "--out", str(tmp_path / "s.pdf")]) == 0
    said = capsys.readouterr().out
    assert f": {tmp_path / 's.pdf'} (1 kB, 1 A4 page)" in said and "1 fact sheet written in " in said
    assert len(printed) == 1 and printed[0].startswith('<!DOCTYPE html><html lang="en">')
    assert "12-month rate / 10,000 inhab." in printed[0]


def test_cli_unknown_territory_in_english(data_copy, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    assert main(["fiche", "--lang", "en", "--territory", "75056", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "Unknown area: “75056”. Give the INSEE code" in capsys.readouterr().err


@pytest.mark.browser
def test_pdfs_printed_side_by_side_keep_the_language(demo_basis):
    """Sheets printed on worker threads (when one sheet would take two pages) stay in the caller's language."""
    from indicators.sheet_export import _parallel_pdfs

    with in_language("en"):
        sheets = [build_sheet(demo_basis, code) for code in ("92050", "92002")]
        pdfs = _parallel_pdfs(sheets, 2)
    texts = [pdf_text(pdf) for pdf in pdfs]
    assert all("12-month rate" in text and "Taux" not in text for text in texts)


# --- Fair comparisons on the printed sheet ---------------------------------------------------------------

LAST_TWELVE = ("12 derniers mois", "Derniers 12 mois", "last 12 months", "Last 12 months")
INTERVALS = ("IC 95 % : ", "95% CI: ")


def expected_marks(sheet) -> tuple[int, int, int]:
    """How many up arrows, down arrows and intervals the sheet states: an arrow per change beyond
    chance, an interval per visible figure with a rate (the territory's and the département's)."""
    arrows = [block.change.arrow for block in sheet.blocks if block.change is not None]
    figures = [figure for block in sheet.blocks for figure in (block.current, block.department) if figure]
    intervals = sum(1 for figure in figures if not figure.masked and figure.low is not None)
    return arrows.count("up"), arrows.count("down"), intervals


def check_printed(text: str, sheet) -> None:
    """A sheet's text (HTML or PDF): named as summed, an arrow only beyond chance, an interval only
    beside a visible count."""
    assert not [phrase for phrase in LAST_TWELVE if phrase in text]
    text = spaced(text).replace(folded(spaced(sheet.method_text)), " ")  # the footer says what « IC 95 % » is
    ups, downs, intervals = expected_marks(sheet)
    assert (text.count("↑"), text.count("↓")) == (ups, downs), sheet.name
    assert sum(text.count(marker) for marker in INTERVALS) == intervals, sheet.name
    for block in sheet.blocks:
        if block.has_data:
            length = block.window.months
            assert f"({length} mois)" in text or f"({length} months)" in text or f"({length} month)" in text


@pytest.fixture(scope="module")
def unequal_basis(tmp_path_factory):
    tables = load_tables(Path(unequal_store(tmp_path_factory)))
    return sheet_basis(tables, protected_cells(tables, K), index_observations(tables.field_observations), K)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_html_of_unequal_coverage_states_what_is_fair(unequal_basis, language):
    with in_language(language):
        sheets = {code: build_sheet(unequal_basis, code) for code in ("92050", "92", "92047", "92002")}
        pages = {code: sheet_html(sheet) for code, sheet in sheets.items()}
    for code, sheet in sheets.items():
        check_printed(html.unescape(pages[code]), sheet)
    nanterre = html.unescape(pages["92050"])
    if language == "fr":
        assert "janvier – mars 2026 (3 mois)" in nanterre and "Taux annualisé / 10 000 hab." in nanterre
        assert "↑ +200\u202f%, hausse nette" in nanterre and "dans les marges du hasard" in nanterre
    else:
        assert "January – March 2026 (3 months)" in nanterre and "Annualised rate / 10,000 inhab." in nanterre
        assert "↑ +200%, a clear rise" in nanterre and "within the margins of chance" in nanterre


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fr", "en"])
def test_pdf_of_unequal_coverage_states_what_is_fair(unequal_basis, language):
    with in_language(language):
        sheets = [build_sheet(unequal_basis, code) for code in ("92050", "92")]
        pdfs = [sheet_pdf(sheet) for sheet in sheets]
    for sheet, pdf in zip(sheets, pdfs):
        assert page_count(pdf) == 1
        text = pdf_text(pdf)
        check_printed(text, sheet)
        assert not [number for number in count_tokens(text, sheet) if 1 <= number < K]
    french = pdf_text(pdfs[0])
    assert ("janvier – mars 2026 (3 mois)" if language == "fr" else "January – March 2026 (3 months)") in french


@settings(
    max_examples=stores_drawn(0.4, at_least=4),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(observations=observation_tables(), english=st.booleans())
def test_html_of_any_store_states_what_is_fair(observations, english, tmp_path_factory):
    folder = write_store(tmp_path_factory.getbasetemp() / f"sheet_html_{next(_folders)}", observations)
    tables = load_tables(folder)
    basis = sheet_basis(tables, protected_cells(tables, K), index_observations(tables.field_observations), K)
    touched = sorted(set(observations["territory_code"]))
    with in_language("en" if english else "fr"):
        for code in ("92", touched[0], "200057982"):
            sheet = build_sheet(basis, code)
            check_printed(html.unescape(sheet_html(sheet)), sheet)
