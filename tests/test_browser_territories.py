"""Territoires and « Ma commune » in Chromium: every choice survives a copied link, a tile of the
map opens that commune's sheet, and a stale territory in a link is said in French."""

from __future__ import annotations

import pytest

from browser_support import assert_no_error, open_and_wait, wait_until_idle
from test_browser_links import choose, notices, reopened, shown

pytestmark = pytest.mark.browser


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


def test_every_territories_choice_survives_a_copied_link(server, page, browser):
    open_and_wait(page, f"{server}/territoires")
    choose(page, "Indicateur", "Consultations de sexologie")
    choose(page, "Public", "Filles")
    page.get_by_role("slider").first.focus()
    page.keyboard.press("ArrowLeft")
    wait_until_idle(page)
    page.get_by_text("EPT", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("Taux pour 10 000 habitants", exact=True).click()
    wait_until_idle(page)
    url = page.url
    for name in ("indicateur=Consultations", "public=Filles", "periode=2024", "niveau=EPT", "mesure=Taux"):
        assert name in url, url
    before = shown(page)
    assert before["actifs"] == ["EPT", "Taux pour 10 000 habitants"], before
    context, again = reopened(browser, url)
    try:
        assert shown(again) == before
        assert not notices(again)
        assert_no_error(again, "lien_territoires_rouvert")
    finally:
        context.close()


def test_a_tile_of_the_map_opens_that_communes_sheet(server, page):
    open_and_wait(page, f"{server}/territoires?mesure=Taux+pour+10+000+habitants")
    page.locator(".stPlotlyChart").first.scroll_into_view_if_needed()
    click_tile(page, "92050")
    page.get_by_role("heading", name="Nanterre — fiche territoriale").wait_for(timeout=20_000)
    assert "/fiche?" in page.url and "territoire=Nanterre" in page.url, page.url
    assert_no_error(page, "fiche_depuis_la_carte")


def test_a_sheet_link_reopens_the_territory_and_measure(server, page, browser):
    open_and_wait(page, f"{server}/fiche")
    choose(page, "Territoire", "Paris Ouest La Défense")
    page.get_by_text("Taux pour 10 000 habitants", exact=True).click()
    wait_until_idle(page)
    url = page.url
    assert "territoire=Paris+Ouest+La+D" in url and "mesure=Taux" in url, url
    context, again = reopened(browser, url)
    try:
        assert again.get_by_role("heading", name="Paris Ouest La Défense — fiche territoriale").is_visible()
        assert shown(again)["Territoire"] == shown(page)["Territoire"]
        assert not notices(again)
    finally:
        context.close()


def test_a_stale_territory_in_a_sheet_link_is_said_in_french(server, page):
    open_and_wait(page, f"{server}/fiche?territoire=Nanter")
    assert notices(page), "aucun avis pour un territoire inconnu"
    assert "Nanter" in notices(page)[0]
    assert_no_error(page, "fiche_lien_perime")
