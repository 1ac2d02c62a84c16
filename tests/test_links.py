"""Shared views (views/links.py): the stale-link notice, bound widgets on Tendances and Historique,
and the indicator switch on stores where indicators differ (fixed keys must reset cleanly).

INDICATORS_STORE_SHAPES sets how many generated stores the switch test draws (two fifths of it, at least 4).
"""

from __future__ import annotations

from itertools import count

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from streamlit.testing.v1 import AppTest

from app_support import ANALYST_HASH, dashboard_app
from indicators.config import REPO_ROOT
from indicators.i18n import in_language
from indicators.labels import BREAKDOWN_FR, FREQUENCY_FR
from indicators.loading import scope_territory_table
from indicators.territories import territory_choices
from store_shapes import observation_tables, stores_drawn, write_store
from views.links import address_of, notice_text, presenter_address, unoffered, view_address

NOTICE = "Le lien demandait"
STORES = stores_drawn(0.4, at_least=4)
_folders = count()
# Widgets list their options as labels; set_value takes the option itself.
FREQUENCIES = {label: value for value, label in FREQUENCY_FR.items()}
BREAKDOWNS = {label: value for value, label in BREAKDOWN_FR.items()}
_TERRITORIES = scope_territory_table(REPO_ROOT / "data")
PLACES = {
    label: code for code, label in territory_choices(_TERRITORIES, _TERRITORIES["territory_code"].tolist()).items()
}


@pytest.mark.parametrize(
    ("values", "options", "expected"),
    [
        (["Nanterre"], ["Nanterre", "Sceaux"], False),
        (["Nanteré"], ["Nanterre", "Sceaux"], True),
        (["2019", "2025"], ["2019", "2020", "2025"], False),
        (["2010", "2025"], ["2019", "2025"], True),
    ],
)
def test_a_value_is_offered_only_as_its_formatted_label(values, options, expected):
    assert unoffered(values, options) is expected


def test_formatted_labels_are_what_a_link_names():
    labels = {"month": "Mois", "year": "Année"}
    assert not unoffered(["Année"], ["month", "year"], labels.get)
    assert unoffered(["year"], ["month", "year"], labels.get)


def test_the_notice_quotes_the_value_as_plain_text_and_briefly():
    text = notice_text(["**gras** [lien](http://x)"], "Territoire")
    assert text.startswith("Le lien demandait « ") and "pour « Territoire »" in text
    assert "**gras**" not in text and "](http" not in text
    assert "…" in notice_text(["x" * 500], "Indicateur") and len(notice_text(["x" * 500], "Indicateur")) < 200


def test_a_link_carries_the_viewer_s_language_french_needing_none():
    assert presenter_address(3) == "./?mode=presentation&slide=3"
    assert address_of("./presentation") == "./presentation"
    assert view_address({"periode": ["2019", "2025"]}) == "?periode=2019&periode=2025"
    with in_language("en"):
        assert presenter_address(3) == "./?mode=presentation&slide=3&lang=en"
        assert address_of("./presentation") == "./presentation?lang=en"
        assert view_address({"territoire": "Nanterre"}) == "?territoire=Nanterre&lang=en"


def app_on(page: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
    """A viewer opening `page` from a link carrying `query`."""
    app = dashboard_app()
    app.secrets["analysts"] = {"password_hash": ANALYST_HASH}
    app.session_state["analyst_signed_in"] = True
    for name, value in (query or {}).items():
        app.query_params[name] = value
    # AppTest opens the default page first (a switch before the first run is ignored): the link's
    # parameters are not bound there, so they reach `page` as they would from the address bar.
    app.run()
    app.switch_page(page)
    return app.run()


def notices(app: AppTest) -> list[str]:
    return [info.value for info in app.info if info.value.startswith(NOTICE)]


def test_a_shared_trend_link_reopens_every_choice(monkeypatch, data_copy):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    app = app_on(
        "views/trends.py",
        {
            "indicateur": "Jeunes entrés en suivi à la Veille active jeunes",
            "territoire": "Nanterre",
            "periode": ["2021", "2023"],
            "regroupement": "Année",
            "repartition": "Par sexe",
        },
    )
    assert not app.exception and not notices(app), notices(app)
    assert app.selectbox(key="indicateur").value == "jeunes_suivis_vaj"
    assert app.selectbox(key="territoire").value == "92050"
    assert app.select_slider(key="periode").value == ("2021", "2023")
    assert app.button_group(key="regroupement").value == "year"
    assert app.radio(key="repartition").value == "sex"


@pytest.mark.parametrize(
    ("name", "value", "label"),
    [
        ("indicateur", "Indicateur disparu", "Indicateur"),
        ("territoire", "Nanteré", "Territoire"),
        ("periode", ["1990", "2025"], "Période"),
        ("regroupement", "Semaine", "Regroupement"),
        ("repartition", "Par couleur", "Répartition"),
        ("donnees", "Rumeurs", "Type de données"),
    ],
)
def test_a_stale_trend_parameter_shows_the_default_with_a_french_notice(data_copy, monkeypatch, name, value, label):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    app = app_on("views/trends.py", {name: value})
    assert not app.exception and not app.error
    assert notices(app) == [notice_text(value if isinstance(value, list) else [value], label)]
    assert app.selectbox(key="indicateur").value == "signalements_risque_prostitutionnel"
    assert app.selectbox(key="territoire").value == "92"
    assert app.select_slider(key="periode").value == ("2019", "2025")
    assert app.radio(key="repartition").value == "none"
    # The notice is said once: the viewer's next change is theirs.
    app.radio(key="repartition").set_value("sex").run()
    assert not notices(app)


def test_a_published_figures_link_names_family_indicator_and_territory(data_copy, monkeypatch):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    app = app_on(
        "views/trends.py", {"donnees": "Chiffres publiés", "indicateur": "Mineurs victimes de proxénétisme enregistrés"}
    )
    assert not app.exception and not notices(app)
    assert app.selectbox(key="indicateur").value == "victimes_mineurs_proxenetisme"
    assert app.header[0].value.startswith("Mineurs victimes de proxénétisme enregistrés")


def test_switching_family_resets_the_indicator_without_notice(data_copy, monkeypatch):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    app = app_on("views/trends.py")
    app.selectbox(key="territoire").set_value("92050").run()
    app.button_group(key="donnees").set_value("Chiffres publiés").run()
    assert not app.exception and not notices(app)
    assert app.selectbox(key="indicateur").value in set(
        pd.read_csv(data_copy / "indicators.csv").query("domain == 'published'")["indicator_id"]
    )
    app.button_group(key="donnees").set_value("Observations de terrain").run()
    assert not app.exception and not notices(app)
    assert app.selectbox(key="territoire").value == "92"


def test_history_version_is_shared_and_a_missing_one_is_said(data_copy, monkeypatch, tmp_path):
    observations = pd.DataFrame(
        {
            "indicator_id": ["jeunes_suivis_vaj"] * 2,
            "territory_code": ["92050", "92051"],
            "period": ["2024", "2024"],
            "sex": ["ensemble"] * 2,
            "age_group": ["ensemble"] * 2,
            "value": [12, 30],
            "source_id": ["import_000001"] * 2,
        }
    )
    folder = write_store(tmp_path / "store", observations)
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    app = app_on("views/history.py", {"version": "1"})
    assert not app.exception and not notices(app)
    assert app.selectbox(key="version").value == 1
    app = app_on("views/history.py", {"version": "7"})
    assert notices(app) == [notice_text(["7"], "Version à examiner")]
    assert app.selectbox(key="version").value == 1


# Numbers only Python's str.isdigit() accepts, and one int() refuses for its length: every bound
# parameter that names a number (a version, a year) compares labels, and never converts them.
NOT_NUMBERS = ["²", "٣", "9" * 5000, "-1", "1e9"]


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=["superscript", "arabic-indic", "5000-digits", "negative", "exp"])
def test_a_number_like_version_or_year_in_the_address_gives_the_default_with_a_notice(
    value, data_copy, monkeypatch, tmp_path
):
    observations = pd.DataFrame(
        {
            "indicator_id": ["jeunes_suivis_vaj"] * 2,
            "territory_code": ["92050", "92051"],
            "period": ["2024", "2025"],
            "sex": ["ensemble"] * 2,
            "age_group": ["ensemble"] * 2,
            "value": [12, 30],
            "source_id": ["IMPORT_000001"] * 2,
        }
    )
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(write_store(tmp_path / "store", observations)))
    history = app_on("views/history.py", {"version": value})
    assert not history.error, [error.value for error in history.error]
    assert notices(history) == [notice_text([value], "Version à examiner")]
    assert history.selectbox(key="version").value == 1
    trends = app_on("views/trends.py", {"periode": [value, "2025"]})
    assert not trends.error and notices(trends) == [notice_text([value, "2025"], "Période")]
    assert trends.select_slider(key="periode").value == ("2024", "2025")


def valid(app: AppTest) -> None:
    """No exception, no error, no notice (every change was the viewer's), every widget on an offered option."""
    assert not app.exception, [exception.message for exception in app.exception]
    assert not app.error, [error.value for error in app.error]
    assert not notices(app), notices(app)
    for widget in [*app.selectbox, *app.radio]:
        assert widget.value in widget.options or widget.format_func(widget.value) in widget.options, widget.key
    for slider in app.select_slider:
        assert all(str(year) in slider.options for year in slider.value), (slider.key, slider.value, slider.options)


def last_choice(widget) -> object:
    """The last option of a widget, as its own value (options are formatted labels)."""
    return widget.options[-1]


@settings(
    max_examples=STORES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(observations=observation_tables())
def test_switching_indicator_with_every_choice_made_resets_what_is_not_offered(
    observations, tmp_path_factory, monkeypatch
):
    """Every widget moved off its default, then each indicator chosen in turn (and back): a value the
    new indicator does not offer (years, grouping, commune, breakdown) returns to the default."""
    folder = write_store(tmp_path_factory.getbasetemp() / f"links_{next(_folders)}", observations)
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    app = app_on("views/trends.py")
    valid(app)
    indicators = app.selectbox(key="indicateur").options
    labels = dict(
        zip(pd.read_csv(folder / "indicators.csv")["label_fr"], pd.read_csv(folder / "indicators.csv")["indicator_id"])
    )
    for label in [*indicators, indicators[0]]:
        move_every_choice(app)
        valid(app)
        app.selectbox(key="indicateur").set_value(labels[label]).run()
        valid(app)


def move_every_choice(app: AppTest) -> None:
    """The last commune, the last year alone, the last grouping and the last breakdown offered."""
    territory = [widget for widget in app.selectbox if widget.key == "territoire"]
    if territory and len(territory[0].options) > 1:
        # select_index would give the label as the value: the code behind the last label instead.
        territory[0].set_value(PLACES[territory[0].options[-1]]).run()
    slider = [widget for widget in app.select_slider if widget.key == "periode"]
    if slider:
        slider[0].set_range(slider[0].options[-1], slider[0].options[-1]).run()
    grouping = [widget for widget in app.button_group if widget.key == "regroupement"]
    if grouping and len(grouping[0].options) > 1:
        last = grouping[0].options[-1]
        grouping[0].set_value(FREQUENCIES[getattr(last, "content", last)]).run()
    breakdown = [widget for widget in app.radio if widget.key == "repartition"]
    if breakdown and len(breakdown[0].options) > 1:
        breakdown[0].set_value(BREAKDOWNS[breakdown[0].options[-1]]).run()
