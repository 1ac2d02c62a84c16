"""Vue d'ensemble, Tendances and the import preview on stores whose years do not cover the same
communes or months (issue 25), through AppTest, in French and English.

Generated stores (`store_shapes.unequal_coverage_tables`): no card, title or table behind a chart
states a change that is not like for like (recomputed in `fair_checks`), an arrow or « hausse
nette » where chance explains it, or « 12 derniers mois » over fewer months. Then the issue's own
scenarios: 4 communes then 36, 8 then 10, 20 then 60, 10 communes of 36, the import preview's
« +2 510 % », and a chart of « s » points that offers a coarser grouping.
"""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given, settings
from streamlit.proto.Metric_pb2 import Metric as MetricProto

from app_support import STORE_SETTINGS, new_app, open_page, texts, visit_page, widget_with_prefix
from fair_checks import TWELVE_MONTHS, check_cards, check_trend
from indicators.i18n import _, in_language
from indicators.labels import FREQUENCY_FR
from indicators.loading import observation_store
from store_shapes import COMMUNES, IMPORT_SOURCE_PREFIX, stores_drawn, unequal_coverage_tables, write_store

STORES = stores_drawn(1 / 6, at_least=4)
INDICATOR = "signalements_risque_prostitutionnel"
NNBSP = "\u202f"
_stores = iter(range(10_000))


def store(triples: list[tuple[str, str, int]], indicator: str = INDICATOR) -> pd.DataFrame:
    frame = pd.DataFrame(triples, columns=["territory_code", "period", "value"])
    return frame.assign(
        indicator_id=indicator, sex="ensemble", age_group="ensemble", source_id=f"{IMPORT_SOURCE_PREFIX}000001"
    )[["indicator_id", "territory_code", "period", "sex", "age_group", "value", "source_id"]]


def opened(observations: pd.DataFrame, tmp_path_factory, monkeypatch, query: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    folder = write_store(tmp_path_factory.getbasetemp() / f"fair_store_{next(_stores)}", observations)
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    return new_app(query), pd.read_csv(folder / "indicators.csv")


def card_of(app, label: str):  # type: ignore[no-untyped-def]
    """The field card under `label`: its metric and its caption."""
    metric = next(metric for metric in app.metric if metric.label == label)
    return metric, MetricProto.MetricDirection.Name(metric.proto.direction)


def render_and_check(observations: pd.DataFrame, tmp_path_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app, catalogue = opened(observations, tmp_path_factory, monkeypatch)
    visit_page(app, "views/overview.py", demo=False)
    check_cards(app, observations, catalogue)
    first = next(
        indicator
        for indicator in catalogue.loc[catalogue["domain"] == "field", "indicator_id"]
        if indicator in set(observations["indicator_id"])
    )
    visit_page(app, "views/trends.py", demo=False)
    codes = {_(label): code for code, label in FREQUENCY_FR.items()}
    offered = widget_with_prefix(app.get("button_group"), "regroupement")
    for label in list(offered.options) if offered is not None else []:
        widget_with_prefix(app.get("button_group"), "regroupement").set_value(codes[label]).run()
        visit_page(app, "views/trends.py", demo=False)
        check_trend(app, observations, first, codes[label])
    for text in texts(app):
        assert not TWELVE_MONTHS.search(text), text


@settings(max_examples=STORES, **STORE_SETTINGS)
@given(observations=unequal_coverage_tables())
def test_no_change_across_unequal_coverage_on_generated_stores(observations, tmp_path_factory, monkeypatch):
    render_and_check(observations, tmp_path_factory, monkeypatch)


@settings(max_examples=max(2, STORES // 3), **STORE_SETTINGS)
@given(observations=unequal_coverage_tables())
def test_no_change_across_unequal_coverage_on_generated_stores_in_english(observations, tmp_path_factory, monkeypatch):
    with in_language("en"):
        render_and_check(observations, tmp_path_factory, monkeypatch)


# --- The scenarios ------------------------------------------------------------------------------


def four_then_thirty_six() -> pd.DataFrame:
    before = [(commune, f"2025-{month:02d}", 40) for commune in COMMUNES[:4] for month in range(1, 13)]
    after = [
        (commune, f"2026-0{month}", 50 if position < 4 else 14)
        for position, commune in enumerate(COMMUNES)
        for month in (1, 2, 3)
    ]
    return store(before + after)


def test_four_communes_then_thirty_six_read_like_for_like(tmp_path_factory, monkeypatch):
    observations = four_then_thirty_six()
    app, catalogue = opened(observations, tmp_path_factory, monkeypatch)
    label = catalogue.set_index("indicator_id").at[INDICATOR, "label_fr"]
    metric, direction = card_of(app, label)
    assert metric.value == format(4 * 9 * 40 + 4 * 3 * 50 + 32 * 3 * 14, ",d").replace(",", NNBSP)
    # 4 communes × January–March: 600 against 480.
    assert metric.delta == f"+25{NNBSP}% à champ constant, hausse nette" and direction == "UP"
    captions = [caption.value for caption in app.caption]
    assert any(
        "avril 2025 – mars 2026 ; de 3 à 12 mois sur 12 selon la commune ; "
        "comparé à la même période un an plus tôt à champ constant : 4 communes, 3 mois." in caption
        for caption in captions
    ), captions
    check_cards(app, observations, catalogue)
    visit_page(app, "views/trends.py", demo=False)
    title = app.header[0].value
    assert title.startswith("Signalements liés à un risque prostitutionnel (Hauts-de-Seine) : ")
    # By month (fifteen months of figures open by month): March 2026 against March 2025, on the four.
    assert f"en mars 2026 ; à champ constant (4 communes, 1 mois) : +25{NNBSP}% par rapport à mars 2025" in title
    check_trend(app, observations, INDICATOR, "month")
    widget_with_prefix(app.get("button_group"), "regroupement").set_value("quarter").run()
    title = app.header[0].value
    assert f"en T1 2026 ; à champ constant (4 communes, 3 mois) : +25{NNBSP}% par rapport à T1 2025" in title
    check_trend(app, observations, INDICATOR, "quarter")


def test_four_communes_then_thirty_six_in_english(tmp_path_factory, monkeypatch):
    observations = four_then_thirty_six()
    with in_language("en"):
        app, catalogue = opened(observations, tmp_path_factory, monkeypatch)
        label = catalogue.set_index("indicator_id").at[INDICATOR, "label_en"]
        metric, direction = card_of(app, label)
        assert metric.delta == "+25% like for like, a clear rise" and direction == "UP"
        check_cards(app, observations, catalogue)
        visit_page(app, "views/trends.py", demo=False)
        widget_with_prefix(app.get("button_group"), "regroupement").set_value("quarter").run()
        assert "in Q1 2026; like for like (4 municipalities, 3 months): +25% compared with Q1 2025" in (
            app.header[0].value
        )
        check_trend(app, observations, INDICATOR, "quarter")


def test_eight_then_ten_has_no_arrow_anywhere(tmp_path_factory, monkeypatch):
    observations = store([(COMMUNES[0], "2024", 8), (COMMUNES[0], "2025", 10)])
    app, catalogue = opened(observations, tmp_path_factory, monkeypatch)
    metric, direction = card_of(app, catalogue.set_index("indicator_id").at[INDICATOR, "label_fr"])
    assert metric.value == "10" and direction == "NONE"
    assert metric.delta == f"+25{NNBSP}% en un an, dans les marges du hasard"
    visit_page(app, "views/trends.py", demo=False)
    title = app.header[0].value
    assert title.endswith(f"+25{NNBSP}% par rapport à 2024 (dans les marges du hasard)"), title
    assert "nette" not in title
    check_trend(app, observations, INDICATOR, "year")


def test_twenty_then_sixty_keeps_its_arrow(tmp_path_factory, monkeypatch):
    observations = store([(COMMUNES[0], "2024", 20), (COMMUNES[0], "2025", 60)])
    app, catalogue = opened(observations, tmp_path_factory, monkeypatch)
    metric, direction = card_of(app, catalogue.set_index("indicator_id").at[INDICATOR, "label_fr"])
    assert metric.delta == f"+200{NNBSP}% en un an, hausse nette" and direction == "UP"


def test_ten_communes_of_thirty_six_are_said(tmp_path_factory, monkeypatch):
    observations = store(
        [(commune, year, 300 + position) for position, commune in enumerate(COMMUNES[:10]) for year in ("2024", "2025")]
    )
    app, _catalogue = opened(observations, tmp_path_factory, monkeypatch)
    assert any("10 communes sur 36 ont transmis" in caption.value for caption in app.caption)


# --- Sparse views ---------------------------------------------------------------------------------------


def test_a_chart_mostly_of_secret_points_offers_the_same_view_by_quarter(tmp_path_factory, monkeypatch):
    # Antony's months: mostly 1 to 4 (secret), beside two large communes.
    months = pd.period_range("2024-01", "2025-12", freq="M").strftime("%Y-%m")
    antony = [(COMMUNES[0], month, 2 + (position % 3)) for position, month in enumerate(months)]
    others = [(commune, month, 60) for commune in COMMUNES[1:3] for month in months]
    observations = store(antony + others)
    app, _catalogue = opened(
        observations, tmp_path_factory, monkeypatch, {"territoire": "Antony", "regroupement": "Mois"}
    )
    visit_page(app, "views/trends.py", demo=False)
    notes = [info.value for info in app.info if "La plupart des points" in info.value]
    assert notes and "regroupés par trimestre" in notes[0], [info.value for info in app.info]
    links = [element.proto.body for element in app.get("html") if "view-link" in element.proto.body]
    assert len(links) == 1 and "Voir le même graphique par trimestre" in links[0]
    href = re.search(r'href="([^"]+)"', links[0]).group(1).replace("&amp;", "&")
    assert href.startswith("?") and "regroupement=Trimestre" in href and "territoire=Antony" in href
    assert "periode=2024&periode=2025" in href and "indicateur=" in href
    # The link opens that view: by quarter, Antony's points show more.
    query = dict(pair.split("=", 1) for pair in href[1:].split("&") if not pair.startswith("periode"))
    from urllib.parse import unquote_plus

    coarser = new_app({key: unquote_plus(value) for key, value in query.items()})
    visit_page(coarser, "views/trends.py", demo=False)
    assert widget_with_prefix(coarser.get("button_group"), "regroupement").value == "quarter"


def test_a_chart_with_few_secret_points_says_nothing_of_it(tmp_path_factory, monkeypatch):
    observations = store([(COMMUNES[0], f"2025-{month:02d}", 40) for month in range(1, 13)])
    app, _catalogue = opened(observations, tmp_path_factory, monkeypatch, {"regroupement": "Mois"})
    visit_page(app, "views/trends.py", demo=False)
    assert not any("La plupart des points" in info.value for info in app.info)
    assert not [element for element in app.get("html") if "view-link" in element.proto.body]


# --- The import preview ---------------------------------------------------------------------------------


def test_the_import_preview_compares_like_for_like(data_copy, monkeypatch):
    """The probe's second file (January–March 2026, 36 communes) over the first (2025, 4 communes):
    the preview said « +2 510 % »."""
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    first = "indicateur;code_commune;periode;valeur\n" + "".join(
        f"{INDICATOR};{commune};2025-{month:02d};40\n" for commune in COMMUNES[:4] for month in range(1, 13)
    )
    second = "indicateur;code_commune;periode;valeur\n" + "".join(
        f"{INDICATOR};{commune};2026-0{month};{50 if position < 4 else 14}\n"
        for position, commune in enumerate(COMMUNES)
        for month in (1, 2, 3)
    )
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("annee_2025.csv", first.encode(), "text/csv")).run()
    next(button for button in app.button if button.label == "Confirmer l'import").click().run()
    assert observation_store(data_copy).latest_version() == 1
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("t1_2026.csv", second.encode(), "text/csv")).run()
    assert not app.exception
    finding = next(markdown.value for markdown in app.markdown if markdown.value.startswith("**Après import"))
    assert (
        f"en T1 2026 ; à champ constant (4 communes, 3 mois) : +25{NNBSP}% par rapport à T1 2025 (hausse nette)"
        in finding
    ), finding
    assert not re.search(r"\d[\d\u202f]*\u202f%", finding.replace(f"+25{NNBSP}%", "")), finding
