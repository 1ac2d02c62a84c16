"""« Ma commune » through AppTest: the linked territory opens, figures equal the sheet, and any store renders
with periods named as summed, an arrow only beyond chance and nothing computed from a masked cell."""

from __future__ import annotations

from itertools import count

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from streamlit.proto.Metric_pb2 import Metric as MetricProto

from app_support import check_common, new_app, texts
from fair_scenarios import unequal_store
from indicators.config import DEMO_LABEL_FR
from indicators.i18n import in_language
from indicators.loading import scope_territory_table
from indicators.secret.lattice import SECRET_SYMBOL
from store_shapes import observation_tables, stores_drawn, write_store

PAGE = "views/sheet.py"
_folders = count()
LAST_TWELVE = ("12 derniers mois", "Derniers 12 mois", "last 12 months", "Last 12 months")
CHANCE = ("dans les marges du hasard", "within the margins of chance")
BEYOND = ("hausse nette", "baisse nette", "clear rise", "clear fall")
INTERVAL = ("IC 95", "95% CI")


def open_sheet(query: dict[str, str] | None = None):
    app = new_app(query)
    app.switch_page(PAGE)
    app.run()
    return app


def test_linked_commune_opens_its_sheet():
    app = open_sheet({"territoire": "Nanterre"})
    check_common(app, PAGE, demo=True)
    assert app.selectbox(key="territoire").value == "92050"
    assert [header.value for header in app.header] == ["Nanterre — fiche territoriale"]
    values = [metric.value for metric in app.metric]
    assert values[:4] == ["15", "18", "1,5", "568"]
    assert [metric.label for metric in app.metric[:4]] == [
        "2025 (12 mois)",
        "2024",
        "Taux sur 12 mois / 10 000 hab.",
        "Hauts-de-Seine, mêmes mois",
    ]
    # 15 after 18: chance explains it, so no arrow and no colour; the interval beside the rate.
    assert app.metric[0].delta == "dans les marges du hasard"
    assert app.metric[0].proto.direction == MetricProto.MetricDirection.NONE
    assert app.metric[2].delta == "IC 95 % : 0,9 – 2,5"
    assert SECRET_SYMBOL in values  # consultations de sexologie, 2025: masked, with its rate
    assert any(DEMO_LABEL_FR in warning.value for warning in app.warning)
    assert not app.info
    check_fair(app)


def test_unknown_linked_territory_is_said_in_french():
    app = open_sheet({"territoire": "Paris"})
    assert app.selectbox(key="territoire").value == "92"
    assert any("« Paris »" in info.value for info in app.info)


def test_interco_and_rate_charts():
    app = open_sheet({"territoire": "Boucle Nord de Seine (EPT)", "mesure": "Taux pour 10 000 habitants"})
    check_common(app, PAGE, demo=True)
    assert app.radio(key="mesure").value == "rate"
    captions = " ".join(caption.value for caption in app.caption)
    assert "Argenteuil" in captions and "celui des Hauts-de-Seine" in captions
    assert "rang" not in captions  # no raw rank: where the EPT stands against the département instead
    # The trend by rate: per year, each bar with its exact interval, read aloud in the image's caption.
    assert any("pour 10 000 habitants et par an : " in text and "(IC 95 % : " in text for text in texts(app))
    check_fair(app)


def check_fair(app) -> None:
    """What every sheet page keeps: no « 12 derniers mois », an arrow and a colour only on a change
    beyond chance, no interval or class beside a masked count."""
    assert not [text for text in texts(app) if any(phrase in text for phrase in LAST_TWELVE)]
    metrics = list(app.metric)
    for position, metric in enumerate(metrics):
        delta = metric.delta or ""
        arrow = metric.proto.direction != MetricProto.MetricDirection.NONE
        assert arrow == any(word in delta for word in BEYOND), (metric.label, delta)
        if any(phrase in delta for phrase in CHANCE):
            assert metric.proto.color == MetricProto.MetricColor.GRAY and "%" not in delta
        if metric.value == SECRET_SYMBOL:
            assert not any(phrase in delta for phrase in INTERVAL), (metric.label, delta)
        if metric.label.startswith(("Taux", "Annualised rate", "12-month rate")):
            # The rate card follows its count's card: masked together, an interval only when shown.
            assert (metric.value == SECRET_SYMBOL) == (metrics[position - 2].value == SECRET_SYMBOL)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_unequal_coverage_reads_fairly(tmp_path_factory, monkeypatch, language):
    monkeypatch.setenv("INDICATORS_DATA_DIR", unequal_store(tmp_path_factory))
    with in_language(language):
        app = open_sheet({"territoire": "Nanterre"})
        check_common(app, PAGE, demo=False)
        check_fair(app)
        by_label = {metric.label: metric for metric in app.metric}
        shown = " ".join(texts(app))
        if language == "fr":
            # January–March only: named as summed, an annualised rate; 8 then 10 is chance, 20 then 60 is not.
            assert by_label["janvier – mars 2026 (3 mois)"].value == "21"
            assert "Taux annualisé / 10 000 hab." in by_label
            deltas = [metric.delta for metric in app.metric]
            assert "dans les marges du hasard" in deltas and "+200\u202f%, hausse nette" in deltas
        else:
            assert by_label["January – March 2026 (3 months)"].value == "21"
            assert "Annualised rate / 10,000 inhab." in by_label
        app.selectbox(key="territoire").set_value("92").run()
        check_fair(app)
        # The département compares on the four communes of both years only, and says so; its
        # prevention total adds up the 11 communes that reported.
        shown = " ".join(texts(app))
        assert "4 communes, 3 mois" in shown or "4 municipalities, 3 months" in shown
        assert (
            "Hauts-de-Seine : 11 communes sur 36 ont transmis." in shown
            or "Hauts-de-Seine: 11 municipalities out of 36 reported." in shown
        )
        app.selectbox(key="territoire").set_value("92047").run()
        check_fair(app)
        # Marnes-la-Coquette: its prevention count of 2 masked, with its rate, and no class; its
        # reports (21 in three months among 1 752 inhabitants) stand above the département.
        assert by_label_value(app, SECRET_SYMBOL)
        standings = [
            caption.value
            for caption in app.caption
            if "celui des Hauts-de-Seine" in caption.value or "that of Hauts-de-Seine" in caption.value
        ]
        assert len(standings) == 1 and standings[0].startswith(("Taux au-dessus", "Rate above"))


def by_label_value(app, value: str) -> list[str]:
    return [metric.label for metric in app.metric if metric.value == value]


@settings(
    max_examples=stores_drawn(0.8, at_least=6),
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(observations=observation_tables())
def test_sheet_page_on_any_store(observations, tmp_path_factory, monkeypatch):
    folder = write_store(tmp_path_factory.getbasetemp() / f"sheet_page_{next(_folders)}", observations)
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    territories = scope_territory_table(folder).set_index("territory_code")["name_fr"]
    touched = territories[sorted(set(observations["territory_code"]))].tolist()
    untouched = [
        name
        for code, name in territories.items()
        if code.startswith("92") and len(code) == 5 and code not in set(observations["territory_code"])
    ]
    app = open_sheet()
    check_common(app, PAGE, demo=False)
    for label in ["Paris Ouest La Défense (EPT)", touched[0], *untouched[:1]]:
        app.selectbox(key="territoire").set_value(
            next(code for code, name in territories.items() if name == label or f"{name} (EPT)" == label)
        ).run()
        check_common(app, f"{PAGE} {label}", demo=False)
        assert [header.value for header in app.header] == [f"{label.removesuffix(' (EPT)')} — fiche territoriale"]
        if label in untouched:
            # Nothing imported for this commune: said for every indicator, never a zero.
            assert not app.metric
            assert len([text for text in app.markdown if text.value.startswith("Aucune donnée")]) == 5
        check_fair(app)
    app.radio(key="mesure").set_value("rate").run()
    check_common(app, f"{PAGE} taux", demo=False)
    check_fair(app)
