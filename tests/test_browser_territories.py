"""Territoires and « Ma commune » in Chromium: every choice survives a copied link, a tile of the
map opens that commune's sheet, and a stale territory in a link is said in French."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from browser_support import (
    SCREENSHOTS,
    assert_no_error,
    choose,
    click_tile,
    notices,
    open_and_wait,
    reopened,
    serve,
    shown,
    wait_until_idle,
)
from indicators.charts import STANDING_COLOURS
from indicators.config import DEFAULT_DATA_DIR
from indicators.loading import scope_territory_table
from store_shapes import write_store

pytestmark = pytest.mark.browser


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
    page.get_by_text("Entonnoir : taux selon la population", exact=True).click()
    wait_until_idle(page)
    url = page.url
    for name in (
        "indicateur=Consultations",
        "public=Filles",
        "periode=2024",
        "niveau=EPT",
        "mesure=Taux",
        "vue=Entonnoir",
    ):
        assert name in url, url
    before = shown(page)
    assert before["actifs"] == ["EPT", "Taux pour 10 000 habitants", "Entonnoir : taux selon la population"], before
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


# --- The comparison with the whole: a small commune's high rate beside a large commune's moderate one ---

MARNES, BOULOGNE = "Marnes-la-Coquette", "Boulogne-Billancourt"


@pytest.fixture(scope="module")
def compared_server(tmp_path_factory) -> Iterator[str]:
    """One report per 1 000 inhabitants in 2025 in every commune (populations 1 752 to 119 019), except
    Marnes-la-Coquette with 5 (the highest rate, 28,5 for 10 000, within chance: 1,75 expected) and
    Boulogne-Billancourt with 165 (13,9, beyond chance: 119 expected); Sceaux and Bourg-la-Reine under k."""
    territories = scope_territory_table(DEFAULT_DATA_DIR)
    communes = territories.loc[territories["level"] == "commune"]
    special = {"92047": 5, "92012": 165, "92071": 3, "92014": 2}
    counts = {
        code: special.get(code, round(int(people) / 1000))
        for code, people in zip(communes["territory_code"], communes["population"])
    }
    observations = pd.DataFrame(
        {
            "indicator_id": "signalements_risque_prostitutionnel",
            "territory_code": list(counts),
            "period": "2025",
            "sex": "ensemble",
            "age_group": "ensemble",
            "value": list(counts.values()),
            "source_id": "IMPORT_000001",
        }
    )
    yield from serve(write_store(tmp_path_factory.mktemp("compared") / "data", observations))


def plotly_data(page, index: int) -> list[dict]:
    """The traces of the page's `index`-th Plotly chart, as the browser holds them."""
    return page.evaluate(
        """index => Array.from(document.querySelectorAll('.stPlotlyChart .js-plotly-plot'))[index].data
            .map(trace => ({name: trace.name, customdata: trace.customdata, hovertext: trace.hovertext,
                            fillcolor: trace.fillcolor, mode: trace.mode}))""",
        index,
    )


def test_the_map_colours_by_standing_and_names_only_the_commune_beyond_chance(compared_server, page):
    open_and_wait(page, f"{compared_server}/territoires?mesure=Taux+pour+10+000+habitants")
    header = page.locator("h2").first.inner_text()
    assert BOULOGNE in header and "au-delà du hasard" in header, header
    assert MARNES not in header and "le plus élevé" not in header, header
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "Taux du département en 2025 : " in text and "limite à 99,8" in text
    page.locator(".stPlotlyChart").first.scroll_into_view_if_needed()
    page.wait_for_selector(".stPlotlyChart .legendtitletext", timeout=20_000)
    assert "Couleur : taux comparé au taux du département" in page.locator(".legendtitletext").first.text_content()
    traces = plotly_data(page, 0)
    fills = {
        trace["customdata"][0]: trace["fillcolor"]
        for trace in traces
        if trace["mode"] == "lines" and trace["fillcolor"]
    }
    assert fills["92012"] == STANDING_COLOURS["above"] and fills["92047"] == STANDING_COLOURS["similar"]
    hovers = dict(zip(*next((t["customdata"], t["hovertext"]) for t in traces if t["name"] == "communes")))
    assert "IC 95" in hovers["92012"] and "au-dessus" in hovers["92012"]
    for secret in ("92071", "92014"):  # under k: no rate, no interval, no class
        assert hovers[secret].endswith("secret statistique") and "IC" not in hovers[secret], hovers[secret]
    assert_no_error(page, "territoires_carte_comparee")


def test_the_funnel_view_draws_its_limits_and_stays_in_the_address(compared_server, page, browser):
    open_and_wait(page, f"{compared_server}/territoires?mesure=Taux+pour+10+000+habitants")
    page.get_by_text("Entonnoir : taux selon la population", exact=True).click()
    wait_until_idle(page)
    assert "vue=Entonnoir" in page.url, page.url
    heading = page.get_by_role("heading", name="Taux selon la population en 2025", exact=False)
    heading.wait_for(timeout=20_000)
    assert "1 commune au-delà des limites à 99,8" in heading.inner_text()
    funnel = page.locator(".stPlotlyChart").nth(1)
    funnel.scroll_into_view_if_needed()
    funnel.locator(".main-svg").first.wait_for(timeout=20_000)
    names = {trace["name"] for trace in plotly_data(page, 1)}
    assert {"Limites à 95\u202f%", "Limites à 99,8\u202f%", "Au-dessus", "Comparable"} <= names, names
    assert any(name.startswith("Taux du département : ") for name in names)
    placed = {code for trace in plotly_data(page, 1) if trace["mode"] == "markers" for code in trace["customdata"]}
    assert "92012" in placed and "92047" in placed and not placed & {"92071", "92014"}
    assert "ne sont pas placées" in page.locator("[data-testid='stMain']").inner_text()
    funnel.screenshot(path=str(SCREENSHOTS / "territoires_entonnoir.png"))
    context, again = reopened(browser, page.url)
    try:
        again.get_by_role("heading", name="Taux selon la population en 2025", exact=False).wait_for(timeout=20_000)
        assert_no_error(again, "entonnoir_lien_rouvert")
    finally:
        context.close()
