"""Another département than the Hauts-de-Seine in Chromium (INDICATORS_TERRITORY): the Seine-Saint-Denis
and the Corse-du-Sud. Its map draws one tile per commune of its own, a tile opens that commune's sheet,
its intercommunalités are ranked under their own name, and no page names the Hauts-de-Seine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browser_support import (
    assert_no_error,
    click_tile,
    copy_data,
    new_page,
    open_and_wait,
    serve,
    wait_until_idle,
)

pytestmark = pytest.mark.browser

SCOPES = {
    # code: (name, communes, its first commune (code, name), the intercommunalités' level label)
    "93": ("Seine-Saint-Denis", 39, ("93001", "Aubervilliers"), "EPT"),
    "2A": ("Corse-du-Sud", 124, ("2A004", "Ajaccio"), "Intercommunalités"),
}


@pytest.fixture(scope="module", params=sorted(SCOPES))
def scope_server(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    folder = copy_data(tmp_path_factory.mktemp(f"scope_{request.param}") / "data")
    for url in serve(folder, territory=request.param):
        yield request.param, url


@pytest.fixture
def scope_page(browser) -> Iterator[object]:
    yield from new_page(browser)


def test_a_departements_map_holds_its_communes_and_opens_their_sheets(scope_server, scope_page):
    code, url = scope_server
    _name, communes, (commune_code, commune_name), _label = SCOPES[code]
    page = scope_page
    open_and_wait(page, f"{url}/territoires?mesure=Taux+pour+10+000+habitants")
    chart = page.locator(".stPlotlyChart").first
    chart.scroll_into_view_if_needed()
    tiles = page.evaluate(
        """() => {
      const chart = document.querySelector('.stPlotlyChart .js-plotly-plot');
      const trace = chart.data.find(candidate => candidate.name === 'communes');
      return trace.customdata.map(item => [].concat(item)[0]);
    }"""
    )
    assert len(tiles) == communes and all(str(tile).startswith(code) for tile in tiles), tiles[:5]
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Hauts-de-Seine" not in body
    assert f"Carte des {communes} communes" in body
    assert_no_error(page, f"carte_{code}")
    click_tile(page, commune_code)
    page.get_by_role("heading", name=f"{commune_name} — fiche territoriale").wait_for(timeout=30_000)
    assert "Hauts-de-Seine" not in page.locator("[data-testid='stMain']").inner_text()
    assert_no_error(page, f"fiche_{code}_depuis_la_carte")


def test_a_departements_intercommunalites_are_ranked_under_their_own_name(scope_server, scope_page):
    code, url = scope_server
    name, _communes, _first, intercos_label = SCOPES[code]
    page = scope_page
    open_and_wait(page, f"{url}/territoires")
    page.get_by_text(intercos_label, exact=True).click()
    wait_until_idle(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Hauts-de-Seine" not in body
    assert "Taux du département" in body
    assert_no_error(page, f"intercommunalites_{code}")
    open_and_wait(page, f"{url}/")
    assert page.get_by_role("heading", name=f"Observations de terrain : {name}").is_visible()


def test_a_departements_contours_are_drawn_offline_and_open_the_sheets(scope_server, scope_page):
    """The true boundaries: one area per commune, nothing asked of any other server (Plotly's base
    map is the app's own empty file), a click on a commune opening its sheet."""
    code, url = scope_server
    _name, communes, (commune_code, commune_name), _label = SCOPES[code]
    page = scope_page
    elsewhere: list[str] = []
    page.on("request", lambda request: elsewhere.append(request.url) if not request.url.startswith(url) else None)
    open_and_wait(page, f"{url}/territoires?fond_de_carte=Contours")
    page.locator(".stPlotlyChart").first.scroll_into_view_if_needed()
    page.wait_for_function(
        "n => document.querySelectorAll('.stPlotlyChart path.choroplethlocation').length >= n", arg=communes
    )
    assert not elsewhere, elsewhere
    assert_no_error(page, f"contours_{code}")
    position = page.evaluate(
        """code => {
      const areas = [...document.querySelectorAll('.stPlotlyChart path.choroplethlocation')];
      const area = areas.find(path => path.__data__ && path.__data__.loc === code);
      const box = area.getBoundingClientRect();
      return {x: box.left + box.width / 2, y: box.top + box.height / 2};
    }""",
        commune_code,
    )
    page.mouse.click(position["x"], position["y"])
    page.get_by_role("heading", name=f"{commune_name} — fiche territoriale").wait_for(timeout=30_000)
    assert_no_error(page, f"fiche_{code}_depuis_les_contours")
