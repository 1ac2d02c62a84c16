"""A région and France in Chromium (INDICATORS_TERRITORY=REG-11, =FR), on a store of a few of their
départements' communes (fictitious counts, as an import leaves them):
the départements (and France's 13 metropolitan régions) drawn from the shipped contours with nothing asked of any
other server, a région's 1 266 communes drawn on demand within the time an official waits, and a
click on an area opening that territory's sheet."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import assert_no_error, new_page, open_and_wait, serve, wait_until_idle
from indicators.config import TERRITORY_VARIABLE
from indicators.demo_data import generate_demo_observations
from indicators.loading import IMPORT_SOURCE_PREFIX, scope_territory_table
from store_shapes import write_store

pytestmark = pytest.mark.browser

SCOPES = {
    # setting: (name, the level's label and its areas, an area to click (code, sheet's name))
    "REG-11": ("Île-de-France", "Départements", 8, ("93", "Seine-Saint-Denis")),
    "FR": ("France", "Régions", 13, ("REG-11", "Île-de-France")),
}
# The départements whose communes the store holds: a few, so that the first page's secret takes
# seconds (docs/PERFORMANCE.md gives the time at larger scopes).
STORED = {"REG-11": ["92", "93", "95"], "FR": ["93", "2A", "971"]}


def scope_store(folder: Path, setting: str) -> Path:
    """A data folder whose store holds a year of counts for the communes of STORED[setting]."""
    previous = os.environ.get(TERRITORY_VARIABLE)
    os.environ[TERRITORY_VARIABLE] = setting
    try:
        territories = scope_territory_table()
    finally:
        if previous is None:
            os.environ.pop(TERRITORY_VARIABLE, None)
        else:
            os.environ[TERRITORY_VARIABLE] = previous
    mine = territories.loc[(territories["level"] == "commune") & territories["parent_code"].isin(STORED[setting])]
    observations = generate_demo_observations(mine["territory_code"].tolist(), seed=11)
    observations = observations.loc[observations["period"] >= "2025-01"].assign(
        source_id=f"{IMPORT_SOURCE_PREFIX}000001"
    )
    return write_store(folder, observations)


@pytest.fixture(scope="module", params=sorted(SCOPES))
def upper_server(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    folder = scope_store(tmp_path_factory.mktemp(f"scope_{request.param}") / "data", request.param)
    for url in serve(folder, territory=request.param):
        yield request.param, url


@pytest.fixture
def upper_page(browser) -> Iterator[object]:
    yield from new_page(browser)


def area_centre(page, code: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """code => {
      const areas = [...document.querySelectorAll('.stPlotlyChart path.choroplethlocation')];
      const area = areas.find(path => path.__data__ && path.__data__.loc === code);
      const box = area.getBoundingClientRect();
      return {x: box.left + box.width / 2, y: box.top + box.height / 2};
    }""",
        code,
    )


def test_the_scopes_areas_are_drawn_offline_and_open_their_sheets(upper_server, upper_page):
    setting, url = upper_server
    name, label, areas, (code, sheet_name) = SCOPES[setting]
    page = upper_page
    elsewhere: list[str] = []
    page.on("request", lambda request: elsewhere.append(request.url) if not request.url.startswith(url) else None)
    open_and_wait(page, f"{url}/")
    assert page.get_by_role("heading", name=f"Observations de terrain : {name}").is_visible()
    open_and_wait(page, f"{url}/territoires?niveau={label}")
    page.locator(".stPlotlyChart").first.scroll_into_view_if_needed()
    page.wait_for_function(
        "n => document.querySelectorAll('.stPlotlyChart path.choroplethlocation').length >= n", arg=areas
    )
    body = page.locator("[data-testid='stMain']").inner_text()
    assert f"Carte des {areas} " in body, body[:400]
    assert not elsewhere, elsewhere
    assert_no_error(page, f"carte_{setting}")
    position = area_centre(page, code)
    page.mouse.click(position["x"], position["y"])
    page.get_by_role("heading", name=f"{sheet_name} — fiche territoriale").wait_for(timeout=30_000)
    assert_no_error(page, f"fiche_{setting}_depuis_la_carte")


@pytest.mark.parametrize("upper_server", ["REG-11"], indirect=True)
def test_a_regions_communes_are_drawn_on_demand_offline(upper_server, upper_page):
    """Its 1 266 communes, each an area, with nothing asked elsewhere (the time it takes to draw is a
    measure, in docs/PERFORMANCE.md, not a test)."""
    _setting, url = upper_server
    page = upper_page
    elsewhere: list[str] = []
    page.on("request", lambda request: elsewhere.append(request.url) if not request.url.startswith(url) else None)
    open_and_wait(page, f"{url}/territoires?niveau=Communes")
    wait_until_idle(page)
    page.locator(".stPlotlyChart").first.scroll_into_view_if_needed()
    page.wait_for_function(
        "n => document.querySelectorAll('.stPlotlyChart path.choroplethlocation').length >= n", arg=1266
    )
    body = page.locator("[data-testid='stMain']").inner_text()
    assert re.search(r"Carte des 1\s?266 communes", body), body[:400]
    assert not elsewhere, elsewhere
    assert_no_error(page, "communes_REG-11")
