"""Serving the app and driving Debian's Chromium for the browser tests (fixtures in conftest.py), and
reading its pages as a viewer does: visible text and accessible names, controls shown on hover,
select boxes chosen by keyboard, a copied link reopened in a context of its own."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from indicators.config import DEFAULT_DATA_DIR, REPO_ROOT, chromium_path
from indicators.deck import read_deck
from interface_words import ENGLISH

CHROMIUM = chromium_path()
ARTIFACTS = REPO_ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
# The presenter mode on the demo: one slide for each row of the shipped deck (data/deck.csv).
SLIDES = len(read_deck(DEFAULT_DATA_DIR))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(data_folder: Path, territory: str | None = None) -> Iterator[str]:
    """A Streamlit server of the app on a copy of data/ (`territory`: INDICATORS_TERRITORY, the
    default scope when None)."""
    port = free_port()
    environment = {**os.environ, "INDICATORS_DATA_DIR": str(data_folder)}
    if territory is not None:
        environment["INDICATORS_TERRITORY"] = territory
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / f"streamlit-{port}.log", "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(REPO_ROOT / "server.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            # The served app works on a copy of data/: browser tests never write into the repository.
            env=environment,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        pytest.fail(f"le serveur Streamlit n'a pas démarré (voir artifacts/streamlit-{port}.log)")
                    time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


def launch_browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable à {CHROMIUM} : installer le paquet Debian « chromium » (voir .ci/run)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def new_page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 2400}, locale="fr-FR")
    yield context.new_page()
    context.close()


def copy_data(target: Path) -> Path:
    shutil.copytree(DEFAULT_DATA_DIR, target, ignore=shutil.ignore_patterns("store", "audit", "protected"))
    return target


ERROR_BOXES = "[data-testid='stException'], [data-testid='stAlertContentError']"


def open_and_wait(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1", timeout=30_000)
    wait_until_idle(page)


def wait_until_idle(page: Page) -> None:
    """Wait until the script run is over: the status widget only shows after a delay, so a slow
    run can look idle to it while the end of the page (buttons, their shortcuts) is still coming."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def assert_no_error(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    errors = page.locator(ERROR_BOXES).all_inner_texts()
    assert not errors, f"{name} : {errors}"


# --- Reading a page as a viewer does ----------------------------------------------------------------

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


# --- Shared views: a copied link reopened, the choices it brings back ------------------------------

# The start of the notice that a link asked for a choice the page no longer offers.
NOTICE = "Le lien demandait"


def reopened(browser, url: str) -> tuple[object, Page]:
    """The copied address opened by someone else: a new browser context, nothing shared."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, locale="fr-FR")
    page = context.new_page()
    open_and_wait(page, url)
    # The selects' inputs can come a moment after the script run ends.
    page.get_by_role("combobox").first.wait_for(timeout=10_000)
    page.wait_for_timeout(500)
    return context, page


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of the selectbox labelled `label` by typing it, as a keyboard user does."""
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    wait_until_idle(page)


def shown(page: Page) -> dict[str, object]:
    """What the Tendances page shows: each select's text, the period, grouping, breakdown and finding."""
    # A select's input can come a moment after the alerts and headings of the same run.
    page.get_by_role("combobox").first.wait_for(timeout=15_000)
    page.wait_for_timeout(300)
    selects = {box.get_attribute("aria-label"): box.input_value() for box in page.get_by_role("combobox").all()}
    return {
        **selects,
        "periode": page.locator("[data-testid='stSliderThumbValue']").all_inner_texts(),
        # Streamlit 1.67 marks the chosen segment with aria-checked (its buttons carry no test id).
        "actifs": page.locator("[data-testid='stButtonGroup'] button[aria-checked='true']").all_inner_texts(),
        # The page's own radios: the sidebar holds the language switch.
        "repartition": page.locator(
            "[data-testid='stMain'] [data-testid='stRadioOption'][data-selected='true']"
        ).all_inner_texts(),
        "constat": page.locator("h2").first.inner_text(),
    }


def notices(page: Page) -> list[str]:
    return [text for text in page.locator("[data-testid='stAlertContainer']").all_inner_texts() if NOTICE in text]


def click_tile(page, territory_code: str) -> None:
    """Click the centre of a commune's tile, found through the figure's own clickable trace."""
    position = page.evaluate(
        """code => {
      const chart = document.querySelector('.stPlotlyChart .js-plotly-plot');
      const trace = chart.data.findIndex(candidate => candidate.name === 'communes');
      const point = chart.calcdata[trace].find(item => [].concat(item.data ?? item.customdata ?? [])[0] === code)
        ?? chart.calcdata[trace][chart.data[trace].customdata.findIndex(item => [].concat(item)[0] === code)];
      const box = chart.getBoundingClientRect(), x = chart._fullLayout.xaxis, y = chart._fullLayout.yaxis;
      return {x: box.left + x._offset + x.c2p(point.x), y: box.top + y._offset + y.c2p(point.y)};
    }""",
        territory_code,
    )
    page.mouse.click(position["x"], position["y"])
    wait_until_idle(page)
