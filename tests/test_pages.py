"""Each page run headless through Streamlit's AppTest: no exception, and what it shows equals the data."""

import base64
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_support import dashboard_app, open_page
from indicators.choices import RankingChoice
from indicators.comparisons import change_test
from indicators.findings import observation_finding, ranking_finding
from indicators.formatting import format_change
from indicators.observations import (
    aggregate_series,
    compare_with_year_before,
    rank_territories,
    select_observations,
)

NNBSP = "\u202f"


def chart_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def values(array: list | dict) -> list:
    """Plotly sends numeric arrays as base64 typed arrays: decode them to a list."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_overview_cards_show_the_published_figures():
    app = open_page("views/overview.py")
    values = [metric.value for metric in app.metric]
    assert values[:5] == [f"7{NNBSP}000 – 10{NNBSP}000", "14 ans", f"88{NNBSP}%", "435", "226"]
    captions = " ".join(caption.value for caption in app.caption)
    assert "France, 2021" in captions and "Source : " in captions


def test_overview_field_cards_equal_the_data_and_say_demo(tables):
    app = open_page("views/overview.py")
    comparison = compare_with_year_before(tables.field_observations, "signalements_risque_prostitutionnel")
    assert app.metric[5].value == str(comparison.current_total)
    assert "en un an" in app.metric[5].delta
    assert any("Données fictives de démonstration" in warning.value for warning in app.warning)
    assert any("n'est pas le nombre de victimes" in info.value for info in app.info)


def test_trends_default_chart_equals_the_data(tables):
    app = open_page("views/trends.py")
    rows = select_observations(tables.field_observations, "signalements_risque_prostitutionnel")
    series = aggregate_series(rows, "quarter")
    total = observation_finding(
        series, "Signalements liés à un risque prostitutionnel (Hauts-de-Seine)", "signalements", "quarter"
    )
    # The latest quarter's total, then its change against the same quarter a year before: the demo's
    # 36 communes report every month, so like for like is the two totals, tested exactly.
    header = app.header[0].value
    assert header.startswith(total + ", ")
    latest = series.iloc[-1]
    before = series.loc[series["period_start"] == latest["period_start"] - pd.DateOffset(years=1), "value"]
    tested = change_test(int(latest["value"]), int(before.iloc[0]))
    assert format_change(tested.percent) in header and "champ constant" not in header
    assert ("dans les marges du hasard" in header) == (not tested.beyond_chance)
    spec = chart_specs(app)[0]
    assert values(spec["data"][0]["y"]) == series["value"].tolist()
    assert any("Données fictives" in warning.value for warning in app.warning)


def test_trends_yearly_by_sex(tables):
    app = open_page("views/trends.py")
    app.button_group(key="regroupement").set_value("year").run()
    app.radio(key="repartition").set_value("sex").run()
    assert not app.exception
    spec = chart_specs(app)[0]
    assert [trace["name"] for trace in spec["data"]] == ["Filles et jeunes femmes", "Garçons et jeunes hommes"]
    rows = select_observations(tables.field_observations, "signalements_risque_prostitutionnel")
    girls_2025 = rows.loc[(rows["sex"] == "F") & rows["period"].str.startswith("2025"), "value"].sum()
    assert f"{sum(rows.loc[rows['period'].str.startswith('2025'), 'value'])}" in app.header[0].value.replace(NNBSP, "")
    assert girls_2025 > 0


def test_trends_published_series_are_markers_with_sources():
    app = open_page("views/trends.py")
    app.button_group(key="donnees").set_value("Chiffres publiés").run()
    app.selectbox(key="indicateur").set_value("victimes_mineurs_proxenetisme").run()
    assert not app.exception
    assert app.header[0].value.startswith("Mineurs victimes de proxénétisme enregistrés : 435 (2024")
    spec = chart_specs(app)[0]
    assert {trace["mode"] for trace in spec["data"]} == {"markers"}
    assert "Sources : " in " ".join(caption.value for caption in app.caption)


def test_trends_estimate_range_is_a_range():
    app = open_page("views/trends.py")
    app.button_group(key="donnees").set_value("Chiffres publiés").run()
    app.selectbox(key="indicateur").set_value("estimation_mineurs_risque_ou_prostitution").run()
    spec = chart_specs(app)[0]
    bar = next(trace for trace in spec["data"] if trace["type"] == "bar")
    assert values(bar["base"]) == [7000]
    assert values(bar["y"]) == [3000]  # drawn up to 10 000, with no point in between
    assert f"7{NNBSP}000 – 10{NNBSP}000" in app.header[0].value


@pytest.fixture(scope="module")
def protected(tables):
    from indicators.secret.releases import protected_cells

    return protected_cells(tables, 5)


def expected_ranking(tables, protected, dimension="none", group="ensemble"):
    from indicators.disclosure import protect_totals
    from indicators.observations import rank_with_secret_last

    rows = select_observations(
        tables.field_observations,
        "signalements_risque_prostitutionnel",
        None,
        pd.Timestamp("2025-01-01"),
        pd.Timestamp("2025-12-01"),
    )
    if dimension != "none":
        rows = rows.loc[rows[dimension] == group]
    ranked = rank_territories(rows, tables.territories)
    return rank_with_secret_last(
        protect_totals(ranked, protected, "signalements_risque_prostitutionnel", dimension, group, [2025])
    )


def test_territories_ranking_equals_the_data(tables, protected):
    from indicators.disclosure import protected_ranking
    from indicators.observations import index_observations

    app = open_page("views/territories.py")
    ranked = expected_ranking(tables, protected)
    compared, _sources, _demo = protected_ranking(
        index_observations(tables.field_observations),
        tables.territories,
        protected,
        RankingChoice("signalements_risque_prostitutionnel", "2025", "2025", "none:ensemble"),
    )
    # The headline names the communes beyond chance against the département, never a masked one.
    header = app.header[0].value
    above, below = (int((compared["standing"] == standing).sum()) for standing in ("above", "below"))
    assert header.startswith("Signalements liés à un risque prostitutionnel en 2025 : ")
    assert f"{above} communes au-dessus du taux du département (" in header and f", {below} en dessous (" in header
    assert not any(name in header for name in ranked.loc[ranked["suppressed"], "name_fr"])
    assert ranking_finding(ranked, "S", "signalements", "en 2025", masked_at_most=None).startswith(
        f"{ranked.iloc[0]['name_fr']} compte le plus de signalements parmi les communes affichées"
    )
    tile_map, bars = chart_specs(app)[:2]
    assert len(bars["data"][0]["y"]) == 36
    # The map: one clickable tile per commune, named by its code.
    clickable = next(trace for trace in tile_map["data"] if trace.get("name") == "communes")
    assert sorted(clickable["customdata"]) == sorted(
        tables.territories.loc[tables.territories["level"] == "commune", "territory_code"]
    )


def test_territories_rates_are_counts_per_10000_inhabitants_with_the_secret(tables, protected):
    app = open_page("views/territories.py")
    app.segmented_control(key="mesure").set_value("rate").run()
    assert not app.exception
    ranked = expected_ranking(tables, protected).set_index("name_fr")
    people = tables.territories.set_index("name_fr")["population"]
    shown = app.dataframe[0].value.set_index("Commune")
    for name, row in shown.iterrows():
        rate = row["Taux pour 10 000 habitants"]
        if ranked.at[name, "suppressed"]:
            assert rate == "s" and row["Signalements"] == "s"
        else:
            expected = ranked.at[name, "value"] * 10_000 / people[name]
            assert float(rate.replace(",", ".").replace("\u202f", "")) == pytest.approx(expected, abs=0.05)
    assert "taux du département" in app.header[0].value and "le plus élevé" not in app.header[0].value
    assert any("INSEE" in caption.value for caption in app.caption)


def test_territories_at_the_interco_level_rank_the_four_epts(tables, protected):
    app = open_page("views/territories.py")
    app.segmented_control(key="niveau").set_value("interco").run()
    assert not app.exception
    shown = app.dataframe[0].value
    assert sorted(shown["EPT"]) == sorted(tables.territories.loc[tables.territories["level"] == "interco", "name_fr"])
    assert any("Argenteuil" in caption.value for caption in app.caption)


@pytest.mark.parametrize("sex", ["F", "M"])
def test_territories_filter_by_sex_keeps_the_secret(tables, protected, sex):
    app = open_page("views/territories.py")
    app.selectbox(key="public").set_value(f"sex:{sex}").run()
    ranked = expected_ranking(tables, protected, "sex", sex)
    # No masked commune is named, nor claimed above or below the département.
    assert not any(name in app.header[0].value for name in ranked.loc[ranked["suppressed"], "name_fr"])
    shown = app.dataframe[0].value
    masked = shown.loc[shown["Signalements"] == "s"]
    assert (masked[["Taux pour 10 000 habitants", "IC 95 % bas", "Par rapport au département"]] == "s").all(axis=None)
    secret = set(ranked.loc[ranked["suppressed"], "name_fr"])
    assert secret, "le jeu de démonstration doit contenir des effectifs masqués"
    # One symbol for every masked cell, whether small or hidden to protect another one.
    assert set(shown.loc[shown["Signalements"] == "s", "Commune"]) == secret
    bars = chart_specs(app)[1]["data"][0]
    texts = dict(zip(bars["y"], bars["text"]))
    assert all(texts[name] == "s (secret statistique)" for name in secret)


def test_sources_page_lists_sources_definitions_and_downloads(tables):
    app = open_page("views/sources.py")
    frames = [frame.value for frame in app.dataframe]
    assert len(frames[0]) == len(tables.sources)
    assert len(frames[1]) == len(tables.published_estimates)
    assert [expander.label for expander in app.expander] == tables.indicators.sort_values(
        "domain", ascending=False, kind="stable"
    )["label_fr"].tolist()
    assert "n'est pas le nombre de victimes" in app.markdown[0].value
    labels = [button.label for button in app.get("download_button")]
    assert len(labels) == 6 and any("fictives" in label for label in labels)


LATIN1_UPLOAD = (
    "Indicateur;Code commune;Période;Sexe;Tranche d'âge;Nombre\r\n"
    "Consultations de sexologie;92050;01/01/2026;F;15-17;1\u00a0204\r\n"
    "Consultations de sexologie;92071;01/02/2026;M;18-25;3\r\n"
).encode("cp1252")


@pytest.fixture()
def isolated_data(data_copy, monkeypatch):
    """Pages that write run on a copy of data/, never on the repository's."""
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    return data_copy


def test_importer_without_file_shows_guide_and_templates(isolated_data):
    app = open_page("views/importer.py", analyst=True)
    labels = [button.label for button in app.get("download_button")]
    assert labels == ["Modèle CSV", "Modèle XLSX"]
    assert "code_commune" in str(app.table[0].value.index.tolist())


def test_importer_previews_then_writes_only_on_confirmation(isolated_data):
    from indicators.loading import observation_store

    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("export.csv", LATIN1_UPLOAD, "text/csv")).run()
    assert not app.exception
    assert [metric.value for metric in app.metric] == ["2", "2", "0"]
    assert any("cp1252" in markdown.value and "point-virgule" in markdown.value for markdown in app.markdown)
    assert any("données fictives de démonstration seront retirées" in info.value for info in app.info)
    assert observation_store(isolated_data).latest_version() == 0  # nothing written by the preview
    confirm = next(button for button in app.button if button.label == "Confirmer l'import")
    confirm.click().run()
    assert not app.exception
    assert observation_store(isolated_data).latest_version() == 1
    assert any("version 1" in success.value for success in app.success)


def test_importer_lists_every_error_and_blocks_all_or_nothing(isolated_data):
    from indicators.loading import observation_store

    content = (
        b"indicateur;code_commune;periode;valeur\n"
        b"consultations_sexologie;92050;2026-01;4\nconsultations_sexologie;99999;2026-13;-4\n"
    )
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("erreurs.csv", content, "text/csv")).run()
    errors = app.dataframe[0].value
    assert errors["Ligne"].tolist() == [3, 3, 3]
    assert set(errors["Colonne"]) == {"code_commune", "periode", "valeur"}
    # Each problem also read whole, as a sentence naming its line and column.
    summary = next(markdown.value for markdown in app.markdown if markdown.value.startswith("- Ligne"))
    assert summary.count("- Ligne 3 ; colonne ") == 3 and "hors du territoire configuré" in summary
    confirm = next(button for button in app.button if button.label == "Confirmer l'import")
    assert confirm.disabled
    app.radio[0].set_value("valid_rows").run()
    confirm = next(button for button in app.button if button.label == "Confirmer l'import")
    assert not confirm.disabled
    assert observation_store(isolated_data).latest_version() == 0


def test_importer_refuses_personal_data_and_drops_the_file(isolated_data):
    from indicators.loading import observation_store

    content = (
        b"indicateur;code_commune;periode;valeur;Courriel\n"
        b"consultations_sexologie;92050;2026-01;1;lea.martin@example.fr\n"
    )
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("perso.csv", content, "text/csv")).run()
    messages = " ".join(error.value for error in app.error)
    assert "données personnelles" in messages and "Courriel" in messages
    assert "lea.martin@example.fr" not in messages
    assert app.file_uploader[0].value is None  # a new, empty uploader: the file is no longer held
    assert observation_store(isolated_data).latest_version() == 0


def test_history_lists_versions_and_rolls_back(isolated_data):
    from indicators.ingest.pipeline import analyse_upload, commit_import
    from indicators.loading import load_tables, observation_store

    tables = load_tables(isolated_data)
    communes = tables.territories.loc[tables.territories["level"] == "commune"]
    report = analyse_upload(LATIN1_UPLOAD, "export.csv", tables.indicators, communes, tables.field_observations, True)
    commit_import(report, observation_store(isolated_data), "all_or_nothing", user=None, audit_folder=isolated_data)

    app = open_page("views/history.py", analyst=True)
    history = app.dataframe[0].value
    assert history["Version"].tolist() == [1, 0]
    assert "export.csv" in history["Opération"].iloc[0]
    app.selectbox(key="history_target").set_value(0).run()
    app.checkbox(key="history_confirm").check().run()
    next(button for button in app.button if button.label == "Rétablir cette version").click().run()
    assert not app.exception
    assert observation_store(isolated_data).latest_version() == 2
    assert app.dataframe[0].value["Version"].tolist() == [2, 1, 0]
    from indicators.store.audit import read_entries

    # Recorded by the package's rollback (store.history.restore_version), as the command line's is.
    assert [
        (entry["action"], entry["restored_from"], entry["version"])
        for entry in read_entries(isolated_data)
        if entry["action"] == "retour à une version"
    ] == [("retour à une version", 0, 2)]


def test_presentation_page_lists_the_deck(tables):
    from indicators.config import DEFAULT_DATA_DIR
    from indicators.deck import protected_deck, read_deck

    app = open_page("views/deck_page.py")
    slides = protected_deck(tables, read_deck(DEFAULT_DATA_DIR), 5)
    shown = [markdown.value for markdown in app.markdown if markdown.value.startswith("**")]
    assert shown == [f"**{slide.number}. {slide.headline}**" for slide in slides]
    assert [button.label for button in app.get("download_button")] == [
        "Présentation HTML autonome",
        "Télécharger toutes les diapositives (PNG)",
        "Document à distribuer (PDF)",
    ]


@pytest.mark.parametrize(
    ("requested", "shown"), [("5", 5), ("99", 10), ("abc", 1), ("²", 1), ("9" * 5000, 10), ("0", 1)]
)
def test_presenter_mode_opens_the_named_slide(requested, shown):
    """views/presentation.py is reached through ?mode=presentation&slide=N."""
    app = dashboard_app()
    app.query_params["mode"] = "presentation"
    app.query_params["slide"] = requested
    app.run()
    assert not app.exception
    assert app.header[0].value == f"{shown} / 10"
    assert not app.get("download_button")  # no control of the normal app
    assert (len(app.warning) == 1) == (shown in {5, 6, 7, 8, 9, 10})  # demo label on demo slides only
    # A number the deck has opens quietly; anything else says, in French, which slide opened instead.
    notices = [info.value for info in app.info]
    if requested == str(shown):
        assert not notices
    else:
        [notice] = notices
        assert notice.startswith("Le lien demandait la diapositive « ") and f"diapositive {shown} affichée" in notice
        assert app.query_params["slide"] == str(shown)  # the address now names the slide shown
