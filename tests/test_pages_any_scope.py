"""Every page, grouping, slide and sheet of another département than the Hauts-de-Seine
(INDICATORS_TERRITORY): the Seine-Saint-Denis (EPTs, in both languages), the Corse-du-Sud (`2A`,
EPCI), the Guadeloupe (`971`, in English) and Paris (one commune), on a store of its communes.

The same checks as the generated stores' tour (no exception or error box, no `nan`, no French word
in English, charts that hold), and what changes with the territory: its name in the headings and
messages, its intercommunalités named as EPT or as intercommunalités, never the Hauts-de-Seine.
"""

from __future__ import annotations

import json
import re
from itertools import count

import pandas as pd
import pytest

from app_support import check_common, new_app, texts, visit_page
from indicators.chart_views import BARS_AT_MOST
from indicators.demo_data import generate_demo_observations
from indicators.i18n import in_language
from indicators.loading import IMPORT_SOURCE_PREFIX, scope_territory_table
from indicators.pages import PAGES as REGISTERED
from store_shapes import write_store

PAGES = [entry.script for entry in REGISTERED if entry.address != "fiche"]
_folders = count()


def scope_store(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    departements: list[str] | None = None,
) -> pd.DataFrame:
    """A data folder whose store holds two years of (fictitious, seeded) counts for every commune of
    the scope (of these `departements` only, when given), as an import leaves them; the app pointed
    at it. Returns the scope's territories."""
    monkeypatch.setenv("INDICATORS_TERRITORY", setting)
    territories = scope_territory_table()
    mine = territories.loc[territories["level"] == "commune"]
    if departements is not None:
        mine = mine.loc[mine["parent_code"].isin(departements)]
    communes = mine["territory_code"].tolist()
    observations = generate_demo_observations(communes, seed=len(communes))
    observations = observations.loc[observations["period"] >= "2024-01"].assign(
        source_id=f"{IMPORT_SOURCE_PREFIX}000001"
    )
    folder = write_store(tmp_path_factory.getbasetemp() / f"scope_{setting}_{next(_folders)}", observations)
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    return territories


def shown_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(texts(app))


def every_slide(absent: str | None = None) -> None:
    """Every slide of the presenter mode, checked as a page (and without `absent`)."""
    presenter = new_app({"mode": "presentation", "slide": "1"})
    check_common(presenter, "slide 1", demo=False)
    slide_count = re.search(r"(\d+) / (\d+)", " ".join(header.value for header in presenter.header))
    for number in range(2, int(slide_count.group(2)) + 1 if slide_count else 1):
        presenter.query_params["slide"] = str(number)
        presenter.run()
        check_common(presenter, f"slide {number}", demo=False)
        if absent is not None:
            assert absent not in shown_text(presenter), number


def tour(territories: pd.DataFrame, name: str, intercos_word: str) -> None:
    """Every page, both levels and measures of Territoires, every slide and three sheets."""
    app = new_app()
    for page in PAGES:
        visit_page(app, page, demo=False)
        assert "Hauts-de-Seine" not in shown_text(app), page
        if page == "views/overview.py":
            assert any(name in header.value for header in app.header), [header.value for header in app.header]
        if page == "views/territories.py":
            assert intercos_word in app.title[0].value, app.title[0].value
            # The communes' true boundaries, then the tiles again (the default up to 150 communes).
            app.segmented_control(key="fond_de_carte").set_value("contours").run()
            check_common(app, "territoires contours", demo=False)
            assert any(chart.proto.spec and '"choropleth"' in chart.proto.spec for chart in app.get("plotly_chart"))
            app.segmented_control(key="fond_de_carte").set_value("tiles").run()
            app.segmented_control(key="niveau").set_value("interco").run()
            check_common(app, "territoires interco", demo=False)
            app.segmented_control(key="mesure").set_value("rate").run()
            check_common(app, "territoires interco rate", demo=False)
            assert "Hauts-de-Seine" not in shown_text(app)
            app.segmented_control(key="niveau").set_value("commune").run()
            check_common(app, "territoires commune rate", demo=False)
    every_slide(absent="Hauts-de-Seine")
    groups = territories.loc[territories["level"] == "interco", "territory_code"]
    communes = territories.loc[territories["level"] == "commune", "territory_code"]
    sheet = new_app()
    sheet.switch_page("views/sheet.py")
    sheet.run()
    for code in [territories["parent_code"].loc[communes.index[0]], groups.iloc[0], communes.iloc[-1]]:
        sheet.selectbox(key="territoire").set_value(code).run()
        check_common(sheet, f"fiche {code}", demo=False)
        assert "Hauts-de-Seine" not in shown_text(sheet), code


@pytest.mark.parametrize(
    ("setting", "language", "name", "intercos_word"),
    [
        ("93", "fr", "Seine-Saint-Denis", "EPT"),
        ("93", "en", "Seine-Saint-Denis", "EPT"),
        ("2A", "fr", "Corse-du-Sud", "intercommunalités"),
        ("971", "en", "Guadeloupe", "intercommunalities"),
        # Paris: one commune, in the Métropole du Grand Paris but in no EPT.
        ("75", "fr", "Paris", "intercommunalités"),
    ],
)
def test_every_page_slide_and_sheet_of_another_departement(
    tmp_path_factory, monkeypatch, setting, language, name, intercos_word
):
    territories = scope_store(tmp_path_factory, monkeypatch, setting)
    with in_language(language):
        tour(territories, name, intercos_word)


def upper_tour(territories: pd.DataFrame, name: str, levels: list[str], stored_communes: int) -> None:
    """Every page; Territoires at every level of the scope (départements and régions drawn by their
    contours); every slide; the sheets of the scope, a région, a département, an intercommunalité and
    a commune."""
    app = new_app()
    for page in PAGES:
        visit_page(app, page, demo=False)
        # The scope holds the Hauts-de-Seine: never named as the territory served.
        assert "tout le département" not in shown_text(app), page
        if page == "views/overview.py":
            assert any(name in header.value for header in app.header), [header.value for header in app.header]
        if page == "views/territories.py":
            for level in levels:
                app.segmented_control(key="niveau").set_value(level).run()
                check_common(app, f"territoires {level}", demo=False)
                if level in ("departement", "region"):
                    specs = [chart.proto.spec for chart in app.get("plotly_chart")]
                    assert any('"choropleth"' in spec for spec in specs), level
                if level == "commune":
                    # With hundreds of communes with data, the ranking draws the first BARS_AT_MOST.
                    bars = [
                        trace
                        for chart in app.get("plotly_chart")
                        for trace in json.loads(chart.proto.spec)["data"]
                        if trace["type"] == "bar"
                    ]
                    drawn = max(len(trace["y"]) for trace in bars) if bars else 0
                    assert 0 < drawn <= BARS_AT_MOST
                    assert drawn == BARS_AT_MOST or stored_communes <= 2 * BARS_AT_MOST, drawn
                app.segmented_control(key="mesure").set_value("rate").run()
                check_common(app, f"territoires {level} rate", demo=False)
                app.segmented_control(key="mesure").set_value("count").run()
    every_slide()
    with_data = territories.loc[territories["level"] == "commune"]
    sheet = new_app()
    sheet.switch_page("views/sheet.py")
    sheet.run()
    wanted = [
        territories.loc[territories["level"].isin(["region", "pays"]), "territory_code"].iloc[-1],
        *territories.loc[territories["level"] == "region", "territory_code"].head(1),
        territories.loc[territories["level"] == "departement", "territory_code"].iloc[-1],
        territories.loc[territories["level"] == "interco", "territory_code"].iloc[0],
        with_data["territory_code"].iloc[0],
    ]
    for code in wanted:
        sheet.selectbox(key="territoire").set_value(code).run()
        check_common(sheet, f"fiche {code}", demo=False)


@pytest.mark.parametrize(
    ("setting", "language", "departements", "name", "levels"),
    [
        ("REG-11", "fr", ["92", "93", "95"], "Île-de-France", ["departement", "interco", "commune"]),
        ("REG-11", "en", ["93"], "Île-de-France", ["departement", "commune"]),
        ("FR", "en", ["2A", "2B", "05"], "France", ["region", "departement", "interco", "commune"]),
        ("FR", "fr", ["2A", "971"], "France", ["region", "departement", "commune"]),
    ],
)
def test_every_page_slide_and_sheet_of_a_region_and_of_france(
    tmp_path_factory, monkeypatch, setting, language, departements, name, levels
):
    territories = scope_store(tmp_path_factory, monkeypatch, setting, departements)
    stored = territories["parent_code"].isin(departements) & (territories["level"] == "commune")
    with in_language(language):
        upper_tour(territories, name, levels, int(stored.sum()))
