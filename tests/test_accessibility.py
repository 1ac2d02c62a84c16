"""RGAA / WCAG 2.1 AA measured in Chromium: axe-core on every page, both themes and both languages
(no violation of any impact), keyboard only."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from browser_support import ARTIFACTS, open_and_wait, wait_until_idle
from indicators.pages import PAGES as REGISTERED

pytestmark = pytest.mark.browser

PAGES = {
    # Every registered page (indicators/pages.py), the home page as « vue_ensemble ».
    **{entry.address or "vue_ensemble": entry.address for entry in REGISTERED},
    # An address that names no page (views/routing.py).
    "page_introuvable": "adresse-inconnue",
    # The presentation theme: large type, high contrast, one slide per screen.
    "diapositive_1": "?mode=presentation&slide=1",
    "diapositive_4": "?mode=presentation&slide=4",
    "diapositive_5": "?mode=presentation&slide=5",
}


def address(server: str, name: str, language: str) -> str:
    """The page `name` in `language` (French needs no parameter; English is `?lang=en`)."""
    path = PAGES[name]
    if language == "fr":
        return f"{server}/{path}"
    return f"{server}/{path}{'&' if '?' in path else '?'}lang={language}"


@pytest.fixture(scope="module")
def axe_findings() -> dict:
    findings: dict = {}
    yield findings
    (ARTIFACTS / "axe.json").write_text(json.dumps(findings, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violation(server, page, name, language, axe_findings):
    open_and_wait(page, address(server, name, language))
    page.wait_for_function(f"document.documentElement.lang === '{language}'", timeout=10_000)
    # Measured on the page as it settles for a viewer: its contrast styles in effect (a caption in #4a4a4a).
    # Under two loaded test workers, axe once ran while the territories page was still being redrawn.
    if "mode=presentation" not in PAGES[name]:  # slides have their own, larger, darker type
        page.wait_for_function(
            """() => [...document.querySelectorAll("[data-testid='stCaptionContainer']")].every(
                 (caption) => getComputedStyle(caption).color === "rgb(74, 74, 74)")""",
            timeout=30_000,
        )
    page.wait_for_timeout(500)
    violations = Axe().run(page).response["violations"]
    axe_findings[f"{name}_{language}"] = [
        (violation["id"], violation["impact"], len(violation["nodes"])) for violation in violations
    ]
    found = [
        (violation["id"], violation["impact"], [node["html"][:120] for node in violation["nodes"][:3]])
        for violation in violations
    ]
    assert found == []


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", ["vue_ensemble", "tendances", "diapositive_5"])
def test_page_language_follows_the_address(server, page, name, language):
    open_and_wait(page, address(server, name, language))
    page.wait_for_function(f"document.documentElement.lang === '{language}'", timeout=10_000)


def tab_until(page: Page, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies a JS predicate on `element`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const element = document.activeElement; return !!({predicate}); }})()"):
            return
    raise AssertionError(f"jamais atteint au clavier : {predicate}")


def test_keyboard_alone_changes_the_indicator_and_reaches_the_data_table(server, page):
    open_and_wait(page, f"{server}/tendances")
    # The indicator select box, by keyboard: focus it, open it, go down one option, choose it.
    tab_until(
        page,
        "element.closest('[data-testid=\"stSelectbox\"]') && "
        "element.closest('[data-testid=\"stSelectbox\"]').innerText.includes('Indicateur')",
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_function(
        "document.querySelector('h2') && !document.querySelector('h2').innerText.startsWith('Signalements')",
        timeout=30_000,
    )
    # Then the chart's data: open the expander and enter the table, still by keyboard; focus is visible.
    # The new indicator's chart is drawn first: under two loaded workers, a redraw once took the
    # focus back to the page between the Tab and the reading of its outline.
    wait_until_idle(page)
    expander = "element.innerText && element.innerText.includes('Voir les données du graphique')"
    tab_until(page, expander)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=10_000)
    tab_until(page, "element.closest('[data-testid=\"stDataFrame\"]')")
    page.screenshot(path=str(ARTIFACTS / "screenshots" / "clavier_tableau_tendances.png"))


@pytest.mark.parametrize("name", ["tendances", "territoires"])
def test_every_chart_has_its_finding_as_text_alternative(server, page, name):
    """Each chart's accessible name is its finding (the heading above it); the map's is the generated
    sentence that says it in words, also printed under it for everyone."""
    open_and_wait(page, f"{server}/{PAGES[name]}")
    page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=20_000)
    findings = [heading.strip() for heading in page.locator("h2").all_inner_texts()]
    charts = page.locator("[data-testid='stPlotlyChart']").all()
    assert charts
    text = page.locator("[data-testid='stMain']").inner_text()
    for position, chart in enumerate(charts):
        assert chart.get_attribute("role") == "figure"
        label = chart.get_attribute("aria-label")
        if name == "territoires" and position == 0:
            assert label.startswith("Carte des 36 communes") and label in text, label
        else:
            assert label == findings[position], (label, findings)
