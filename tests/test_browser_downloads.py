"""Downloads built on click, clicked in quick succession in Chromium: every file arrives, whole.

A download button used to rerun the page; the rerun gave every deferred button a new file id and
dropped the old ones, so PNG clicked right after CSV asked for a dropped id ("Deferred file … not
found" in the server log) and never came. Also: no page makes a request beyond localhost.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from browser_support import open_and_wait
from indicators.pages import addresses

pytestmark = pytest.mark.browser

BOM = "\ufeff".encode()
EXPECTED = {".csv": ("text/csv", BOM), ".png": ("image/png", b"\x89PNG\r\n\x1a\n"), ".svg": ("image/svg+xml", b"<svg")}


def click_all_and_collect(page, buttons: list, timeout_ms: int = 90_000) -> tuple[dict, set[str]]:
    """Click every button without waiting in between; return the downloads by file name and the
    content types the server sent for generated files."""
    downloads, types = {}, set()
    page.on("download", lambda download: downloads.__setitem__(download.suggested_filename, download))
    page.on(
        "response",
        lambda response: (
            types.add(response.headers.get("content-type", "").split(";")[0])
            if "/media/" in response.url and "/static/" not in response.url
            else None
        ),
    )
    for button in buttons:
        button.click()
    waited = 0
    while len(downloads) < len(buttons) and waited < timeout_ms:
        page.wait_for_timeout(500)
        waited += 500
    for download in downloads.values():
        download.path()  # waits until the file is complete
    return downloads, types


def test_chart_csv_png_svg_clicked_in_quick_succession_all_arrive(server, page):
    open_and_wait(page, f"{server}/tendances")
    page.get_by_text("Voir les données du graphique").first.click()
    page.wait_for_timeout(500)
    buttons = [
        page.get_by_role("button", name=label).first
        for label in ("Télécharger ces données (CSV)", "Image PNG 1920×1080", "Image SVG")
    ]
    downloads, types = click_all_and_collect(page, buttons)
    assert sorted(Path(name).suffix for name in downloads) == [".csv", ".png", ".svg"], sorted(downloads)
    assert types == {"text/csv", "image/png", "image/svg+xml"}
    for name, download in downloads.items():
        assert download.failure() is None, name
        magic = EXPECTED[Path(name).suffix][1]
        assert magic in Path(download.path()).read_bytes()[:300], name
    csv = next(download for name, download in downloads.items() if name.endswith(".csv"))
    assert Path(csv.path()).read_text(encoding="utf-8-sig").startswith("statut_donnees;indicateur;")


def test_every_table_of_the_sources_page_clicked_in_quick_succession_arrives(server, page):
    open_and_wait(page, f"{server}/sources")
    buttons = page.locator("[data-testid='stDownloadButton'] button")
    # Every table's button drawn before any is clicked (under load the end of the page can lag).
    expect(buttons).to_have_count(6, timeout=60_000)
    downloads, types = click_all_and_collect(page, [buttons.nth(index) for index in range(buttons.count())])
    assert sorted(downloads) == sorted(
        [
            "sources.csv",
            "indicateurs.csv",
            "chiffres_publies.csv",
            "territoires.csv",
            "dates_cles.csv",
            "observations_terrain.csv",
        ]
    )
    assert types == {"text/csv"}
    for name, download in downloads.items():
        assert download.failure() is None, name
        assert Path(download.path()).read_bytes().startswith(BOM), name


@pytest.mark.parametrize(
    "path",
    [*addresses(), "?mode=presentation&slide=1"],
)
def test_no_request_leaves_localhost(server, page, path):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    open_and_wait(page, f"{server}/{path}")
    page.wait_for_timeout(1000)
    assert hosts == {"127.0.0.1"}, hosts
    # The favicon is the app's own file (assets/icone.png), not a font host's glyph.
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(link => link.href)")
    assert icons and all(urlparse(icon).hostname == "127.0.0.1" and "/media/" in icon for icon in icons), icons
