"""« Ma commune » through AppTest: the linked territory opens, figures equal the sheet, and any store renders."""

from __future__ import annotations

from itertools import count

import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings

from indicators.config import DEMO_LABEL_FR
from indicators.disclosure import SECRET_SYMBOL
from store_shapes import observation_tables, write_store
from test_pages_any_store import check_common, new_app

PAGE = "views/sheet.py"
_folders = count()


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
    assert SECRET_SYMBOL in values  # consultations de sexologie, 2025: masked, with its rate
    assert any(DEMO_LABEL_FR in warning.value for warning in app.warning)
    assert not app.info


def test_unknown_linked_territory_is_said_in_french():
    app = open_sheet({"territoire": "Paris"})
    assert app.selectbox(key="territoire").value == "92"
    assert any("« Paris »" in info.value for info in app.info)


def test_ept_and_rate_charts():
    app = open_sheet({"territoire": "Boucle Nord de Seine (EPT)", "mesure": "Taux pour 10 000 habitants"})
    check_common(app, PAGE, demo=True)
    assert app.radio(key="mesure").value == "rate"
    captions = " ".join(caption.value for caption in app.caption)
    assert "Argenteuil" in captions and "sur 4 EPT avec une valeur publiable" in captions


@settings(
    max_examples=20,
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
    territories = pd.read_csv(folder / "territories.csv", dtype=str).set_index("territory_code")["name_fr"]
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
    app.radio(key="mesure").set_value("rate").run()
    check_common(app, f"{PAGE} taux", demo=False)
