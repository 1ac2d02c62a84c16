"""A French official sees only French: every page and slide, its charts' mode bar, its tables' toolbar
and column menu, the file uploader with a file chosen; visible text and the accessible names
(`title`, `aria-label`, `data-title`, `placeholder`, `alt`) checked against English interface words
(tests/interface_words.py: extend its list when a new one shows up).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser_support import SLIDES, english_on, open_and_wait, reveal_controls, wait_until_idle
from indicators.pages import addresses
from interface_words import ENGLISH

pytestmark = pytest.mark.browser


def test_the_english_word_list_catches_what_it_should_and_spares_french():
    assert ENGLISH.search("Download as CSV") and ENGLISH.search("13.1KB")
    assert not ENGLISH.search("Télécharger en CSV") and not ENGLISH.search("13,1 Ko")
    assert not ENGLISH.search("Panorama des sources") and not ENGLISH.search("Zoom sur une zone")


@pytest.mark.parametrize("path", addresses())
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
