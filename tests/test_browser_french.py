"""A French official sees only French: every page and slide, its charts' mode bar, its tables' toolbar
and column menu, the file uploader with a file chosen; visible text and the accessible names
(`title`, `aria-label`, `data-title`, `placeholder`, `alt`) checked against English interface words.

The words below were all found on screen or in tooltips before views/interface_fr.py; extend the
list when a new one shows up.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from browser_support import open_and_wait, wait_until_idle
from indicators.pages import addresses

pytestmark = pytest.mark.browser

ENGLISH_INTERFACE = [
    "Upload",
    "Browse files",
    "Drag and drop",
    "per file",
    "Download",
    "Search",
    "Show/hide",
    "Fullscreen",
    "Zoom in",
    "Zoom out",
    "Autoscale",
    "Reset axes",
    "Pan",
    "Box Select",
    "Choose an option",
    "Choose options",
    "No results",
    "Clear value",
    "Clear all",
    "Print",
    "Record screen",
    "Made with Streamlit",
    "Main menu",
    "Link to heading",
    "Skip to main content",
    "Open",
    "Close",
    "Sort ascending",
    "Sort descending",
    "Pin column",
    "Hide column",
    "Running",
    "Sidebar",
    "Collapse sidebar",
    "Expand sidebar",
    "file upload",
    "Remove",
    "KB",
    "MB",
]
# Whole words: not inside a longer word ("Panorama"), but a unit right after its number ("13.1KB").
ENGLISH = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, ENGLISH_INTERFACE)) + r")(?![^\W\d_])")

# Visible text (outside scripts, styles, icon ligatures and what JavaScript hides) and accessible names.
READ_PAGE = """() => {
  const found = [];
  const skip = "script, style, noscript, [data-testid='stIconMaterial'], [aria-hidden='true']";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.data.trim();
    if (text && node.parentElement && !node.parentElement.closest(skip)) found.push(["texte", text]);
  }
  for (const element of document.querySelectorAll("[title], [aria-label], [data-title], [placeholder], [alt]")) {
    for (const name of ["title", "aria-label", "data-title", "placeholder", "alt"]) {
      const value = element.getAttribute(name);
      if (value) found.push([name, value]);
    }
  }
  return found;
}"""

PAGES = addresses()  # every registered page (indicators/pages.py)
SLIDES = 10  # data/deck.csv


def english_on(page: Page) -> list[str]:
    return sorted({f"{kind} : {text[:90]}" for kind, text in page.evaluate(READ_PAGE) if ENGLISH.search(text)})


def reveal_controls(page: Page) -> None:
    """What appears only on hover or click: a chart's mode bar, a table's toolbar and column menu."""
    for expander in page.locator("[data-testid='stExpander'] summary").all()[:2]:
        expander.click()
    wait_until_idle(page)
    for chart in page.locator("[data-testid='stPlotlyChart']").all()[:2]:
        chart.hover()
        page.wait_for_timeout(300)
    tables = page.locator("[data-testid='stDataFrame']").all()
    for table in tables[:2]:
        table.hover()
        page.wait_for_timeout(300)
    if tables:
        box = tables[0].bounding_box()
        if box:
            page.mouse.click(box["x"] + 40, box["y"] + 15)  # a column header: its menu opens
            page.wait_for_timeout(400)


def test_the_english_word_list_catches_what_it_should_and_spares_french():
    assert ENGLISH.search("Download as CSV") and ENGLISH.search("13.1KB")
    assert not ENGLISH.search("Télécharger en CSV") and not ENGLISH.search("13,1 Ko")
    assert not ENGLISH.search("Panorama des sources") and not ENGLISH.search("Zoom sur une zone")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_speaks_only_french(server, page, path):
    open_and_wait(page, f"{server}/{path}")
    reveal_controls(page)
    assert english_on(page) == []


def test_every_slide_of_the_presenter_mode_speaks_only_french(server, page):
    for slide in range(1, SLIDES + 1):
        open_and_wait(page, f"{server}/?mode=presentation&slide={slide}")
        assert english_on(page) == [], f"diapositive {slide}"


def test_the_uploader_with_a_file_chosen_speaks_french_and_gives_french_sizes(server, page, tmp_path: Path):
    upload = tmp_path / "observations.csv"
    upload.write_text("Indicateur;Code commune;Période;Valeur\n" + "consultations_sexologie;92050;2025-01;4\n" * 300)
    open_and_wait(page, f"{server}/importer")
    dropzone = page.locator("[data-testid='stFileUploaderDropzone']")
    assert "Jusqu'à 50\u202fMo par fichier" in dropzone.inner_text()
    assert dropzone.locator("input[type='file']").get_attribute("aria-label") == "Fichier à importer"
    with page.expect_file_chooser() as chooser:
        dropzone.locator("button").click()
    chooser.value.set_files(str(upload))
    page.get_by_text("Lecture du fichier").wait_for(timeout=30_000)
    wait_until_idle(page)
    chip = page.locator("[data-testid='stFileChip']")
    assert re.search(r"\d+,\d\u202fKo", chip.inner_text()), chip.inner_text()
    assert re.fullmatch(r"observations\.csv, \d+,\d\u202fKo", chip.get_attribute("aria-label") or "")
    reveal_controls(page)
    assert english_on(page) == []


# A table and a paragraph as Streamlit draws st.table and st.markdown, holding data that happen to be
# interface words: added to the real importer page, under the real script.
DATA_READING_LIKE_THE_INTERFACE = """() => {
  const main = document.querySelector("[data-testid='stMainBlockContainer']");
  const table = document.createElement("div");
  table.setAttribute("data-testid", "stTable");
  table.innerHTML = "<table><tr><th>Open</th><td>Delete</td><td title='Format'>Format</td></tr></table>";
  const markdown = document.createElement("div");
  markdown.setAttribute("data-testid", "stMarkdown");
  markdown.innerHTML = "<div data-testid='stMarkdownContainer'><p>Open</p><p aria-label='Delete'>Delete</p></div>";
  const added = document.createElement("div");
  added.id = "data-like-the-interface";
  added.append(table, markdown);
  main.append(added);
}"""


def test_data_reading_like_an_interface_word_stay_as_they_are(server, page):
    open_and_wait(page, f"{server}/importer")
    page.evaluate(DATA_READING_LIKE_THE_INTERFACE)
    page.wait_for_timeout(300)  # the script's observer has seen the new elements
    added = page.locator("#data-like-the-interface")
    table = added.locator("[data-testid='stTable']")
    assert table.locator("th").inner_text() == "Open"
    assert table.locator("td").all_inner_texts() == ["Delete", "Format"]
    assert table.locator("td").nth(1).get_attribute("title") == "Format"
    paragraphs = added.locator("[data-testid='stMarkdown'] p")
    assert paragraphs.last.inner_text() == "Delete" and paragraphs.last.get_attribute("aria-label") == "Delete"
    assert paragraphs.first.inner_text() == "Open"
    dropzone = page.locator("[data-testid='stFileUploaderDropzone']")
    assert dropzone.locator("button [data-testid='stMarkdownContainer']").inner_text() == "Choisir un fichier"
