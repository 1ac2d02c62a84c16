"""The served app opened in a real headless Chromium: every page renders, with no error box.

Screenshots land in artifacts/screenshots/ (ignored by git) so a person can look at them.
These tests fail, never skip, when the browser is missing: CI installs Debian's chromium.
"""

from __future__ import annotations

import re

import pytest

from browser_support import assert_no_error, open_and_wait, wait_until_idle
from indicators.pages import PAGES as REGISTERED

pytestmark = pytest.mark.browser

# Every registered page, named by its address (the home page « overview »).
PAGES = {entry.address or "overview": entry.address for entry in REGISTERED}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_without_error(server, page, name):
    open_and_wait(page, f"{server}/{PAGES[name]}")
    assert_no_error(page, name)
    assert page.locator("h1").first.inner_text().strip()
    if name in {"overview", "tendances", "territoires"}:
        assert page.locator("[data-testid='stMain']").inner_text().count("Données fictives de démonstration") >= 1


def test_overview_shows_range_and_sources(server, page):
    open_and_wait(page, server)
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "7\u202f000 – 10\u202f000" in text
    assert "Source : " in text and "France, 2021" in text


@pytest.mark.parametrize("name", ["tendances", "territoires"])
def test_charts_are_drawn(server, page, name):
    open_and_wait(page, f"{server}/{PAGES[name]}")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert page.locator(".js-plotly-plot .point, .js-plotly-plot .bars path").count() > 5
    # « Source : » or « Sources : » (Territoires also cites the populations and the contours).
    assert re.search(r"Sources? : ", page.locator("[data-testid='stMain']").inner_text())


def test_published_figures_in_trends(server, page):
    open_and_wait(page, f"{server}/tendances")
    page.get_by_text("Chiffres publiés", exact=True).click()
    page.wait_for_timeout(1500)
    page.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Mineurs victimes de proxénétisme enregistrés", exact=True).click()
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(1000)
    assert_no_error(page, "tendances_chiffres_publies")
    heading = page.locator("h2").first.inner_text()
    assert heading.startswith("Mineurs victimes de proxénétisme enregistrés : 435 (2024")
    # Three sources, three marker-only traces: no line drawn between sparse published points.
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() == 3
    assert page.locator(".js-plotly-plot .scatterlayer .js-line").count() == 0


def test_data_table_opens_with_its_download(server, page):
    open_and_wait(page, f"{server}/territoires")
    page.get_by_text("Voir les données du graphique").click()
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=10_000)
    assert page.get_by_role("button", name="Télécharger ces données (CSV)").is_visible()
    assert_no_error(page, "territoires_tableau")


def test_chart_image_download_is_a_full_hd_png(server, page, tmp_path):
    import struct

    open_and_wait(page, f"{server}/territoires")
    page.get_by_text("Voir les données du graphique").first.click()
    # The image is built on click: clicked once the page is idle (under load, a click during a rerun
    # was lost), and given longer.
    wait_until_idle(page)
    with page.expect_download(timeout=240_000) as download:
        page.get_by_role("button", name="Image PNG 1920×1080").first.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    content = saved.read_bytes()
    assert saved.suffix == ".png" and content.startswith(b"\x89PNG")
    assert struct.unpack(">II", content[16:24]) == (1920, 1080)


def test_secret_counts_never_reach_the_browser(server, page):
    open_and_wait(page, f"{server}/territoires")
    page.locator("[data-testid='stSelectbox']").nth(1).click()
    page.get_by_role("option", name="Garçons et jeunes hommes").click()
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(1000)
    labels = page.locator(".js-plotly-plot .bars text").evaluate_all("texts => texts.map(text => text.textContent)")
    assert "s (secret statistique)" in labels
    assert not {"1", "2", "3", "4"} & set(labels)
    assert_no_error(page, "territoires_secret_statistique")
