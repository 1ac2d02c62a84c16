"""What only a browser shows of the app's refusals: the uploader's size cap (checked in the browser,
before any byte is sent), an address that names no page, and hostile names drawn as plain text.

Each in French, and in English with ?lang=en (where Streamlit's own English is the right language).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page

from browser_support import SCREENSHOTS, english_on, open_and_wait, wait_until_idle
from indicators.pages import PAGES

pytestmark = pytest.mark.browser

TOO_LARGE_FR = "Erreur : Fichier refusé : il dépasse 50,0\u202fMo, la taille maximale d'un import. Rien n'a été envoyé."


@pytest.fixture(scope="module")
def oversized(tmp_path_factory) -> Path:
    """A file just over the 50 MB cap (.streamlit/config.toml, maxUploadSize)."""
    path = tmp_path_factory.mktemp("upload") / "trop_gros.csv"
    path.write_bytes(b"a;b\n" + b"1;2\n" * (51 * 1024 * 1024 // 4))
    return path


def choose_file(page: Page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone'] button").click()
    chooser.value.set_files(str(path))


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_an_oversized_upload_is_refused_in_french_before_anything_is_sent(server, page, oversized):
    open_and_wait(page, f"{server}/importer")
    choose_file(page, oversized)
    alert = page.locator("[data-testid='stFileUploader'] [role='alert']")
    alert.wait_for(state="attached", timeout=30_000)
    # Translated as it appears (views/interface_fr.py): wait for the French words.
    alert_text = "document.querySelector(\"[data-testid='stFileUploader'] [role='alert']\").textContent"
    page.wait_for_function(f"() => {alert_text}.startsWith('Erreur')", timeout=10_000)
    assert alert.text_content() == TOO_LARGE_FR
    page.locator("[data-testid='stFileChip']").hover()  # the same message, as the chip's tooltip
    tooltip = page.get_by_text("Fichier refusé : il dépasse 50,0\u202fMo", exact=False).last
    tooltip.wait_for(timeout=10_000)
    screenshot(page, "upload_trop_gros_fr")
    assert english_on(page) == []
    assert page.get_by_text("Lecture du fichier").count() == 0  # nothing reached the pipeline


def test_an_oversized_upload_keeps_streamlit_s_english_in_the_english_app(server, page, oversized):
    open_and_wait(page, f"{server}/importer?lang=en")
    choose_file(page, oversized)
    alert = page.locator("[data-testid='stFileUploader'] [role='alert']")
    alert.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(500)
    assert alert.text_content() == "Error: File must be 50.0MB or smaller."
    screenshot(page, "upload_trop_gros_en")


def test_an_address_that_names_no_page_opens_a_french_page_that_says_so(server, page):
    open_and_wait(page, f"{server}/tendance-2024")
    assert page.url == f"{server}/tendance-2024"  # the address asked for stays in the bar
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert page.locator("[role='dialog']").count() == 0  # no Streamlit box over the main page
    main = page.locator("[data-testid='stMain']")
    assert "L'adresse demandée, « /tendance-2024 », ne mène à aucune page du tableau de bord" in main.inner_text()
    assert main.locator("[data-testid='stPageLink']").count() == len(PAGES)  # every page of the navigation
    screenshot(page, "page_introuvable_fr")
    assert english_on(page) == []
    main.get_by_role("link", name="Tendances").click()
    page.wait_for_url(f"{server}/tendances", timeout=30_000)
    wait_until_idle(page)
    assert page.locator("h1").first.inner_text() != "Page introuvable"


def test_an_address_that_names_no_page_says_so_in_english_with_lang_en(server, page):
    open_and_wait(page, f"{server}/tendance-2024?lang=en")
    assert page.locator("h1").inner_text() == "Page not found"
    assert (
        "The address asked for, “/tendance-2024”, leads to no page"
        in page.locator("[data-testid='stMain']").inner_text()
    )
    assert page.locator("[role='dialog']").count() == 0
    screenshot(page, "page_introuvable_en")


def test_the_page_stays_when_the_viewer_switches_language_on_it(server, page):
    open_and_wait(page, f"{server}/ancienne-page")
    page.get_by_text("English", exact=True).click()
    page.wait_for_url("**/ancienne-page?lang=en", timeout=30_000)
    page.wait_for_function(
        "document.querySelector('h1') && document.querySelector('h1').innerText === 'Page not found'"
    )


def test_the_presenter_mode_at_any_address_opens_the_deck(server, page):
    open_and_wait(page, f"{server}/diaporama?mode=presentation&slide=2")
    assert page.locator("[role='dialog']").count() == 0
    assert page.get_by_text("2 / 10").count() == 1


def test_hostile_headers_and_names_are_drawn_as_plain_text(server, page, tmp_path):
    content = io.StringIO()
    writer = csv.writer(content, delimiter=";", lineterminator="\n")
    writer.writerow(["indicateur", "code_commune", "periode", "valeur", '=HYPERLINK("http://evil.example";"x")'])
    writer.writerow(["consultations_sexologie", "92050", "2025-01", "4", "=1+1"])
    writer.writerow(["consultations_sexologie", "www.evil.example", "2025-02", "4", "[x](http://evil.example)"])
    upload = tmp_path / "www.evil.example.csv"
    upload.write_text(content.getvalue(), encoding="utf-8")
    open_and_wait(page, f"{server}/importer")
    choose_file(page, upload)
    page.get_by_text("Lecture du fichier").wait_for(timeout=30_000)
    wait_until_idle(page)
    screenshot(page, "en_tetes_hostiles")
    main = page.locator("[data-testid='stMain']")
    assert 'colonne « =HYPERLINK("http://evil.example";"x") » non reconnue' in main.inner_text().replace("\u2060", "")
    links = main.locator("a").evaluate_all("links => links.map(link => link.getAttribute('href') || '')")
    assert [link for link in links if "evil" in link] == []
