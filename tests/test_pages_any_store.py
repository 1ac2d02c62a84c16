"""Every page and every slide, rendered through AppTest on stores of every shape an import can leave.

The shipped demo has every indicator, commune and month; an analyst's file never does. For each
generated store (see store_shapes.py) the whole app is run and what it shows is checked: no
exception or error box, no `nan`/`None`/`NaT`/`True` in any text, no demo wording, cards equal to
the data (or a sentence when an indicator has none), no number on a masked cell, arrows that follow
the sign, count axes without repeated tick labels, and titles that name periods present in the data.

A fifth of the stores are rendered in English (`?lang=en`) instead: the same checks, and no French
interface word (the English test draws its own shapes).

INDICATORS_STORE_SHAPES sets how many stores are drawn in all (12 by default; more for a long run).
"""

from __future__ import annotations

import re
from itertools import count

import pandas as pd
from hypothesis import given, settings
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from app_support import STORE_SETTINGS, check_common, new_app, visit_page, widget_with_prefix
from fair_checks import check_cards, check_trend, solved
from indicators.formatting import format_month, format_number
from indicators.i18n import _, current_language, in_language
from indicators.labels import FREQUENCY_FR
from indicators.observations import compare_with_year_before, with_month
from indicators.pages import PAGES as REGISTERED
from indicators.secret.lattice import SECRET_SYMBOL
from store_shapes import STORE_SHAPES, observation_tables, write_store

STORES = STORE_SHAPES
# Every registered page but Ma commune, whose own tour on generated stores checks more of it
# (tests/test_sheet_page.py: every territory's sheet, its PDF).
PAGES = [entry.script for entry in REGISTERED if entry.address != "fiche"]
_folders = count()


def try_other_choices(
    app: AppTest, frequency_prefix: str | None, years_prefix: str, observations: pd.DataFrame
) -> None:
    """Each grouping the page offers, and the period slider dragged to the data's whole span:
    every choice a viewer can make on the default indicator renders as well as the default."""
    if frequency_prefix:
        offered = widget_with_prefix(app.get("button_group"), frequency_prefix)
        labels = {_(label): code for code, label in FREQUENCY_FR.items()}
        for option in [labels[label] for label in offered.options] if offered is not None else []:
            widget_with_prefix(app.get("button_group"), frequency_prefix).set_value(option).run()
            check_common(app, f"{frequency_prefix}{option}", demo=False)
    slider = widget_with_prefix(app.get("select_slider"), years_prefix)
    if slider is not None:
        years = list(slider.options)
        slider.set_range(years[0], years[-1]).run()
        check_common(app, f"{years_prefix}{years[0]}-{years[-1]}", demo=False)
        named = re.findall(r"\b(?:19|20)\d\d\b", app.header[0].value)
        assert all(years[0] <= year <= years[-1] for year in named), (app.header[0].value, years)


def check_overview(app: AppTest, observations: pd.DataFrame, catalogue: pd.DataFrame) -> None:
    """Each field card: the indicator's latest twelve months from the data, « s » or a sentence; never 0 for nothing."""
    field = catalogue.loc[catalogue["domain"] == "field"]
    by_label = {metric.label: metric for metric in app.metric}
    for indicator_id, label in zip(field["indicator_id"], field[f"label_{current_language()}"]):
        metric = by_label[label]
        if indicator_id not in set(observations["indicator_id"]):
            assert not re.search(r"\d", metric.value), (indicator_id, metric.value)
            continue
        comparison = compare_with_year_before(observations, indicator_id)
        assert metric.value in (format_number(comparison.current_total), SECRET_SYMBOL), (indicator_id, metric.value)
        if metric.delta:
            direction = MetricProto.MetricDirection.Name(metric.proto.direction)
            negative = metric.delta.startswith(("−", "-"))
            zero = metric.delta.startswith("0")
            # An arrow follows the sign, and only a change beyond chance has one (issue 25).
            assert direction in ("NONE", "DOWN" if negative else "UP"), (metric.delta, direction)
            assert not zero or direction == "NONE", (metric.delta, direction)
    # Each stated change like for like, tested, through the secret (recomputed in fair_checks).
    check_cards(app, observations, catalogue)


def check_trend_title(app: AppTest, observations: pd.DataFrame) -> None:
    """The finding names a period that the data cover."""
    months = pd.DatetimeIndex(with_month(observations)["month"].unique())
    labels = {format_month(month, frequency) for month in months for frequency in ("month", "quarter", "year")}
    title = app.header[0].value
    named = re.findall(r"(?:en|de|à|au|–) ((?:T[1-4] )?\d{4}|[a-zéû]+ \d{4})", title)
    for label in named:
        year = re.search(r"\d{4}", label).group()
        assert any(year in known for known in labels), (title, label)


def check_trend_table(app: AppTest, observations: pd.DataFrame, indicator_id: str) -> None:
    """The table under the default trend (the département's totals) against the lattice computed
    here: a masked cell shows « s », never a number; every other cell shows its own value."""
    grouping = widget_with_prefix(app.get("button_group"), "regroupement")
    frequency = {_(label): code for code, label in FREQUENCY_FR.items()}.get(grouping.value, grouping.value)
    # The secret works indicator by indicator: this indicator's lattice is the one that matters.
    # Communes add up to their EPT too: the same hierarchy as the app's (territories.csv as shipped).
    cells = solved(observations, indicator_id)
    cells = cells.loc[
        (cells["territory_code"] == "92") & (cells["level"] == frequency) & (cells["dimension"] == "none")
    ]
    expected = {
        format_month(start, frequency): SECRET_SYMBOL if secret else format_number(value)
        for start, value, secret in zip(cells["period_start"], cells["value"], cells["suppressed"])
    }
    period = _("Période")
    table = next(frame.value for frame in app.dataframe if period in frame.value.columns)
    shown = dict(zip(table[period], table.iloc[:, 2]))
    assert shown and shown.items() <= expected.items(), {
        period: (shown[period], expected.get(period)) for period in shown if shown[period] != expected.get(period)
    }


def render_every_page_and_slide(observations: pd.DataFrame, tmp_path_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The whole app on a store drawn from `observations`, in the current language, every check applied."""
    folder = write_store(tmp_path_factory.getbasetemp() / f"store_{next(_folders)}", observations)
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    catalogue = pd.read_csv(folder / "indicators.csv")
    first_with_data = next(
        indicator
        for indicator in catalogue.loc[catalogue["domain"] == "field", "indicator_id"]
        if indicator in set(observations["indicator_id"])
    )
    app = new_app()
    for page in PAGES:
        visit_page(app, page, demo=False)
        if page == "views/overview.py":
            check_overview(app, observations, catalogue)
        if page == "views/trends.py":
            check_trend_title(app, observations)
            check_trend_table(app, observations, first_with_data)
            grouping = widget_with_prefix(app.get("button_group"), "regroupement")
            codes = {_(label): code for code, label in FREQUENCY_FR.items()}
            check_trend(app, observations, first_with_data, codes.get(grouping.value, grouping.value))
            try_other_choices(app, "regroupement", "periode", observations)
        if page == "views/territories.py":
            try_other_choices(app, None, "periode", observations)
            # The EPTs by rate: the other level and the other measure in one more render.
            app.segmented_control(key="niveau").set_value("interco").run()
            app.segmented_control(key="mesure").set_value("rate").run()
            check_common(app, "territoires ept rate", demo=False)
    presenter = new_app({"mode": "presentation", "slide": "1"})
    check_common(presenter, "slide 1", demo=False)
    slide_count = re.search(r"(\d+) / (\d+)", " ".join(header.value for header in presenter.header))
    assert slide_count or presenter.info, "ni diapositive ni phrase pour dire qu'il n'y en a pas"
    for number in range(2, int(slide_count.group(2)) + 1 if slide_count else 1):
        presenter.query_params["slide"] = str(number)
        presenter.run()
        check_common(presenter, f"slide {number}", demo=False)
        assert f"{number} / " in " ".join(header.value for header in presenter.header)


@settings(
    max_examples=STORES - STORES // 5,
    **STORE_SETTINGS,
)
@given(observations=observation_tables())
def test_every_page_and_slide_on_any_store(observations, tmp_path_factory, monkeypatch):
    render_every_page_and_slide(observations, tmp_path_factory, monkeypatch)


@settings(
    max_examples=max(1, STORES // 5),
    **STORE_SETTINGS,
)
@given(observations=observation_tables())
def test_every_page_and_slide_on_any_store_in_english(observations, tmp_path_factory, monkeypatch):
    # AppTest runs the script in the test's thread: the checks' formats follow the same language.
    with in_language("en"):
        render_every_page_and_slide(observations, tmp_path_factory, monkeypatch)
