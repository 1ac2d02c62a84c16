"""Shared views in Chromium: every choice in the address, a copied link reopening the same view, a
stale link said in French, and « Copier le lien de cette vue » (clipboard, announcement, fallback).

Widgets are bound with Streamlit's bind="query-params" (views/links.py); these tests read what a
viewer sees, not the session: the copied address is opened in a new tab of a new browser context.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from playwright.sync_api import Page

from browser_support import assert_no_error, choose, notices, open_and_wait, reopened, serve, shown, wait_until_idle
from indicators.loading import STORE_FOLDER
from indicators.pages import addresses
from indicators.store.parquet import ParquetStore
from store_shapes import write_store

pytestmark = pytest.mark.browser


def observation_rows(
    indicator_id: str, communes: list[str], periods: list[str], split: bool, value: int
) -> pd.DataFrame:
    groups = [("F", "ensemble"), ("M", "ensemble")] if split else [("ensemble", "ensemble")]
    return pd.DataFrame(
        [
            (indicator_id, commune, period, sex, age, value)
            for commune in communes
            for period in periods
            for sex, age in groups
        ],
        columns=["indicator_id", "territory_code", "period", "sex", "age_group", "value"],
    )


@pytest.fixture(scope="module")
def differing_server(tmp_path_factory) -> Iterator[str]:
    """Two indicators that share nothing but Sceaux: months 2019–2021 of Nanterre and Sceaux by sex,
    against years 2023–2024 of Sceaux alone without split; two versions in the history."""
    months = [f"{year}-{month:02d}" for year in (2019, 2020, 2021) for month in range(1, 13)]
    observations = pd.concat(
        [
            observation_rows("signalements_risque_prostitutionnel", ["92050", "92071"], months, True, 12),
            observation_rows("jeunes_suivis_vaj", ["92071"], ["2023", "2024"], False, 40),
        ],
        ignore_index=True,
    ).assign(source_id="IMPORT_000001")
    folder = write_store(tmp_path_factory.mktemp("links") / "data", observations)
    ParquetStore(folder / STORE_FOLDER).commit(
        observations.assign(value=observations["value"] + 1),
        action="import",
        parent=1,
        file_name="second.csv",
        sha256="1" * 64,
        user="test",
    )
    yield from serve(folder)


@pytest.fixture()
def clipboard_page(browser, server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, locale="fr-FR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    yield context.new_page()
    context.close()


def test_every_field_trend_choice_survives_a_copied_link(server, page, browser):
    open_and_wait(page, f"{server}/tendances")
    choose(page, "Indicateur", "Consultations de sexologie")
    choose(page, "Territoire", "Nanterre")
    page.get_by_role("slider").first.focus()
    page.keyboard.press("ArrowRight")
    wait_until_idle(page)
    page.locator("[data-testid='stButtonGroup']").filter(has_text="Trimestre").get_by_text("Année", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("Par sexe", exact=True).click()
    wait_until_idle(page)
    url = page.url
    for name in ("indicateur=", "territoire=Nanterre", "periode=2020", "regroupement=Ann", "repartition=Par+sexe"):
        assert name in url, url
    before = shown(page)
    assert (
        before["periode"] == ["2020", "2025"]
        and before["repartition"]
        and before["actifs"] == ["Observations de terrain", "Année"]
    ), before
    context, again = reopened(browser, url)
    try:
        assert shown(again) == before
        assert not notices(again)
        assert_no_error(again, "lien_tendances_rouvert")
    finally:
        context.close()


def test_a_published_figures_link_reopens_family_indicator_and_territory(server, page, browser):
    open_and_wait(page, f"{server}/tendances")
    page.get_by_text("Chiffres publiés", exact=True).click()
    wait_until_idle(page)
    choose(page, "Indicateur", "Mineurs victimes de proxénétisme enregistrés")
    url = page.url
    assert "donnees=Chiffres+publi" in url and "indicateur=Mineurs+victimes+de+prox" in url, url
    before = shown(page)
    context, again = reopened(browser, url)
    try:
        assert shown(again) == before and not notices(again)
    finally:
        context.close()


def test_stale_parameters_show_the_defaults_with_a_french_notice(server, page):
    open_and_wait(
        page,
        f"{server}/tendances?indicateur=Indicateur+disparu&territoire=Nanter&periode=1990&periode=2025"
        "&repartition=Par+couleur",
    )
    said = notices(page)
    assert len(said) == 4, said
    assert any(
        "« Nanter » pour « Territoire »" in text and "la valeur par défaut est affichée" in text for text in said
    )
    assert any("« 1990 – 2025 » pour « Période »" in text for text in said)
    view = shown(page)
    assert view["Indicateur"] == "Signalements liés à un risque prostitutionnel"
    assert view["Territoire"].startswith("Hauts-de-Seine") and view["periode"] == ["2019", "2025"]
    # The address no longer carries what was not shown.
    assert "Nanter" not in page.url and "1990" not in page.url and "disparu" not in page.url, page.url
    assert_no_error(page, "lien_perime")


def test_switching_indicator_resets_what_it_does_not_offer_quietly(differing_server, page, browser):
    open_and_wait(page, f"{differing_server}/tendances")
    choose(page, "Territoire", "Nanterre")
    page.get_by_role("slider").last.focus()
    page.keyboard.press("ArrowLeft")
    wait_until_idle(page)
    page.locator("[data-testid='stButtonGroup']").get_by_text("Mois", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("Par sexe", exact=True).click()
    wait_until_idle(page)
    assert "territoire=Nanterre" in page.url and "repartition=" in page.url, page.url
    choose(page, "Indicateur", "Jeunes entrés en suivi à la Veille active jeunes")
    assert not notices(page)
    view = shown(page)
    assert view["Territoire"].startswith("Hauts-de-Seine") and view["periode"] == ["2023", "2024"], view
    assert view["repartition"] == [] or view["repartition"] == ["Aucune"], view
    # The address takes the new indicator in the browser's history after the page is drawn: under
    # load (CI's parallel workers) it was read once before that and reopened the previous indicator.
    page.wait_for_function("() => location.search.includes('indicateur=Jeunes')")
    for stale in ("territoire=", "periode=", "repartition=", "regroupement="):
        assert stale not in page.url, page.url
    assert_no_error(page, "lien_changement_indicateur")
    context, again = reopened(browser, page.url)
    try:
        assert shown(again) == view and not notices(again)
    finally:
        context.close()


def test_history_version_is_in_the_link(differing_server, page, browser):
    open_and_wait(page, f"{differing_server}/historique")
    choose(page, "Version à examiner", "1")
    assert "version=1" in page.url, page.url
    context, again = reopened(browser, page.url)
    try:
        assert again.get_by_role("combobox", name="Version à examiner").input_value() == "1"
    finally:
        context.close()
    open_and_wait(page, f"{differing_server}/historique?version=9")
    said = notices(page)
    assert len(said) == 1 and "« 9 » pour « Version à examiner »" in said[0], said


# The button is in the sidebar of every page (dashboard.py).
@pytest.mark.parametrize("address", addresses())
def test_the_copy_button_copies_the_address_and_says_so(server, clipboard_page, address):
    page = clipboard_page
    open_and_wait(page, f"{server}/{address}")
    if address == "tendances":
        choose(page, "Territoire", "Nanterre")
    button = page.get_by_role("button", name="Copier le lien de cette vue")
    button.focus()
    page.keyboard.press("Enter")  # the keyboard alone
    status = page.get_by_role("status").filter(has_text="Lien copié")
    status.wait_for(timeout=5_000)
    assert status.get_attribute("aria-live") == "polite"
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    if address == "tendances":
        assert "territoire=Nanterre" in page.url


def test_without_a_clipboard_the_address_is_shown_selected(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, locale="fr-FR")
    # As on plain http over a local network: no clipboard API in the page.
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    page = context.new_page()
    try:
        open_and_wait(page, f"{server}/tendances?territoire=Nanterre")
        page.get_by_role("button", name="Copier le lien de cette vue").click()
        field = page.get_by_role("textbox", name="Lien de cette vue, à copier (Ctrl+C) :")
        field.wait_for(timeout=5_000)
        assert field.input_value() == page.url
        assert page.evaluate("document.activeElement.classList.contains('copy-link-field')")
        assert "Copie automatique impossible" in page.get_by_role("status").first.inner_text()
    finally:
        context.close()


def test_no_copy_button_in_the_presenter_mode(server, page):
    open_and_wait(page, f"{server}/?mode=presentation&slide=2")
    assert page.get_by_role("button", name="Copier le lien de cette vue").count() == 0
