"""Presenter mode at projector sizes, keyboard navigation, and the offline deck with no network."""

import re

import pytest
from playwright.sync_api import Page, expect

from browser_support import SCREENSHOTS, assert_no_error, open_and_wait, wait_until_idle
from indicators.config import DEFAULT_DATA_DIR
from indicators.deck import protected_deck, read_deck
from indicators.deck_export import deck_html

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]
DEMO_SLIDES = {5, 6, 7, 8, 9, 10}


def layout_facts(page: Page) -> dict:
    return page.evaluate("""() => {
        const root = document.documentElement, main = document.querySelector('[data-testid="stMain"]');
        const headline = document.querySelector('h1');
        const ticks = Array.from(document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text'));
        const texts = Array.from(document.querySelectorAll('h1, [data-testid="stCaptionContainer"] p, button p'));
        const sidebar = document.querySelector('[data-testid="stSidebar"]');
        return {
            pageScrolls: root.scrollHeight > root.clientHeight || main.scrollHeight > main.clientHeight,
            headlinePx: parseFloat(getComputedStyle(headline).fontSize),
            smallestTickPx: Math.min(...ticks.map(tick => parseFloat(getComputedStyle(tick).fontSize))),
            overflowing: texts.filter(element => element.scrollWidth > element.clientWidth + 1)
                .map(element => element.textContent),
            sidebar: !!sidebar && getComputedStyle(sidebar).display !== 'none',
            text: main.innerText,
            chartPx: document.querySelector('[data-testid="stPlotlyChart"], .slide-map').getBoundingClientRect().height,
            lastRowBottom: document.querySelector('a.presentation-exit').getBoundingClientRect().bottom,
        };
    }""")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_slide_fits_a_projector_screen(server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = context.new_page()
    try:
        for number in range(1, 11):
            open_and_wait(page, f"{server}/?mode=presentation&slide={number}")
            page.wait_for_selector(".js-plotly-plot .main-svg, .slide-map img", timeout=30_000)
            # The slide is complete once its navigation row is drawn.
            page.wait_for_function(
                f"document.querySelector('[data-testid=\"stMain\"]').innerText.includes('{number} / 10')",
                timeout=30_000,
            )
            facts = layout_facts(page)
            page.screenshot(path=str(SCREENSHOTS / f"presentation_{width}x{height}_{number}.png"))
            assert not facts["pageScrolls"], f"diapositive {number} : la page défile"
            assert facts["headlinePx"] >= 32
            assert facts["smallestTickPx"] >= 18
            assert facts["overflowing"] == [], facts["overflowing"]
            assert not facts["sidebar"]
            assert f"{number} / 10" in facts["text"]
            assert "Source" in facts["text"]
            assert ("Données fictives de démonstration" in facts["text"]) == (number in DEMO_SLIDES)
            # The slide uses the screen's height: the chart takes what the text leaves, the last row sits at the bottom.
            assert facts["chartPx"] >= 0.45 * height, facts
            assert height - facts["lastRowBottom"] <= 40, facts
            assert_no_error(page, f"presentation_{width}x{height}_{number}")
    finally:
        context.close()


def test_arrow_keys_walk_the_deck_and_the_url_names_the_slide(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = context.new_page()
    try:
        open_and_wait(page, f"{server}/?mode=presentation&slide=3")
        assert "3 / 10" in page.locator("[data-testid='stMain']").inner_text()
        for key, number in (("ArrowRight", 4), ("ArrowLeft", 3)):
            # The keys belong to the buttons: a key pressed before they are drawn does nothing.
            expect(page.get_by_role("button", name="Suivante")).to_be_enabled(timeout=30_000)
            page.keyboard.press(key)
            page.wait_for_function(
                f"document.querySelector('[data-testid=\"stMain\"]').innerText.includes('{number} / 10')",
                timeout=30_000,
            )
            page.wait_for_url(f"**slide={number}", timeout=15_000)
            wait_until_idle(page)
    finally:
        context.close()


def test_presentation_page_offers_the_deck_and_its_downloads(server, page):
    open_and_wait(page, f"{server}/presentation")
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "Lancer le mode présentation" in text and "Document à distribuer (PDF)" in text
    assert_no_error(page, "presentation_page")


def test_offline_deck_renders_every_chart_with_the_network_blocked(tables, browser, tmp_path):
    deck = tmp_path / "presentation.html"
    deck.write_text(deck_html(protected_deck(tables, read_deck(DEFAULT_DATA_DIR), 5)), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    requests: list[str] = []

    def block(route):
        if not route.request.url.startswith("file://"):
            requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", block)
    page = context.new_page()
    try:
        page.goto(deck.as_uri())
        for number in range(1, 11):
            slide = page.locator(f"#slide-{number}")
            # A chart drawn by Plotly, or a map's picture (one SVG, see deck_export.map_section).
            slide.locator(".main-svg, .map-slide svg").first.wait_for(timeout=15_000)
            assert "active" in slide.get_attribute("class")
            assert page.locator("#counter").inner_text() == f"{number} / 10"
            page.screenshot(path=str(SCREENSHOTS / f"deck_hors_ligne_{number}.png"))
            page.keyboard.press("ArrowRight")
        assert requests == []
    finally:
        context.close()


def test_navigation_labels_carry_one_arrow_each(server, browser):
    """The arrow keys are the buttons' shortcuts and Streamlit draws the key after the label:
    the label itself has no arrow, or the button would read « ← Précédente ← »."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = context.new_page()
    try:
        open_and_wait(page, f"{server}/?mode=presentation&slide=3")
        expect(page.get_by_role("button", name="Suivante")).to_be_enabled(timeout=30_000)
        labels = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stMain"] button'))
            .filter(button => button.innerText.trim()).map(button => button.innerText.replace(/\\s+/g, ' ').trim())""")
        assert labels == ["Précédente ←", "Suivante →"], labels
        page.screenshot(path=str(SCREENSHOTS / "presentation_fleches.png"))
    finally:
        context.close()


def test_leaving_the_presentation_returns_to_the_app_in_the_same_tab(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = context.new_page()
    try:
        open_and_wait(page, f"{server}/?mode=presentation&slide=2")
        leave = page.get_by_role("link", name="Quitter la présentation")
        expect(leave).to_be_visible(timeout=30_000)
        assert leave.get_attribute("target") in (None, "_self")
        leave.click()
        page.wait_for_url("**/presentation", timeout=30_000)
        expect(page.get_by_role("heading", name="Présentation pour colloques")).to_be_visible(timeout=30_000)
        assert len(context.pages) == 1  # no second tab left behind
        assert "mode=presentation" not in page.url
        # And back into the presenter mode from the page, in the same tab again.
        page.get_by_role("link", name="Lancer le mode présentation").click()
        page.wait_for_url("**mode=presentation&slide=1", timeout=30_000)
        expect(page.get_by_role("link", name="Quitter la présentation")).to_be_visible(timeout=30_000)
        assert len(context.pages) == 1
        assert_no_error(page, "presentation_quitter")
    finally:
        context.close()


YEARLY_IMPORT = """indicateur;code_commune;annee;sexe;tranche_age;effectif
signalements_risque_prostitutionnel;92002;2023;ensemble;ensemble;12
signalements_risque_prostitutionnel;92004;2023;ensemble;ensemble;9
signalements_risque_prostitutionnel;92002;2024;ensemble;ensemble;15
signalements_risque_prostitutionnel;92004;2024;ensemble;ensemble;7
"""


@pytest.fixture(scope="module")
def imported_server(tmp_path_factory):
    """The app after a real import: one indicator, by year, two communes (no demo data left)."""
    import os
    import subprocess
    import sys

    from browser_support import copy_data, serve

    root = tmp_path_factory.mktemp("imported")
    folder = copy_data(root / "data")
    upload = root / "signalements_annuels.csv"
    upload.write_text(YEARLY_IMPORT, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "indicators", "ingest", str(upload)],
        check=True,
        capture_output=True,
        env={**os.environ, "INDICATORS_DATA_DIR": str(folder)},
        timeout=120,
    )
    yield from serve(folder)


def test_after_an_import_every_slide_has_figures_a_source_and_no_demo_label(imported_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = context.new_page()
    texts: list[str] = []
    try:
        for number in range(1, 7):
            open_and_wait(page, f"{imported_server}/?mode=presentation&slide={number}")
            page.wait_for_function(
                f"document.querySelector('[data-testid=\"stMain\"]').innerText.includes('{number} / 6')", timeout=30_000
            )
            page.wait_for_selector(".js-plotly-plot .main-svg, .slide-map img", timeout=30_000)
            text = page.locator("[data-testid='stMain']").inner_text()
            page.screenshot(path=str(SCREENSHOTS / f"presentation_import_{number}.png"))
            # Points and bars of a chart, or the filled tiles of a map.
            marks = page.locator(".js-plotly-plot .point, .js-plotly-plot .bars path, .slide-map img").count()
            assert marks > 0, f"diapositive {number} : graphique vide"
            assert not re.search(r"\b(nan|None|NaT)\b|fictives|démonstration", text), text
            source = next(line for line in text.splitlines() if line.startswith("Source"))
            assert source.split(":", 1)[1].strip(), f"diapositive {number} : « {source} »"
            assert_no_error(page, f"presentation_import_{number}")
            texts.append(text)
        # The imported indicator has its field slide (the last two slides are its map and its EPT's series).
        assert any("Signalements liés à un risque prostitutionnel" in text for text in texts)
    finally:
        context.close()
