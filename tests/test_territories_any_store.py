"""Territoires on stores of every shape an import can leave (tests/store_shapes.py), in French and in
English: communes and EPTs, counts and rates, ranking and funnel, the latest year and the whole span
(where communes often cover different months: annualised rates).

What the secret and fair comparisons forbid is checked on what the page sends: no rate, interval
or class on a masked count; no masked territory named in a headline; never « le plus élevé » of a
rate; « la plus faible » (or « compte le plus ») only where the masked territories cannot
contradict it, which the test decides from the lattice it solves itself.

INDICATORS_STORE_SHAPES sets how many stores are drawn (half of it, at least 4; a quarter in English).
"""

from __future__ import annotations

import json
import re
from itertools import count

import pandas as pd
from hypothesis import given, settings

from app_support import STORE_SETTINGS, check_common, new_app, texts, widget_with_prefix
from fair_checks import solved
from indicators.i18n import current_language, in_language
from indicators.observations import with_month
from indicators.secret.lattice import SECRET_SYMBOL
from store_shapes import observation_tables, stores_drawn, write_store

STORES = stores_drawn(0.5, at_least=4)
_folders = count()
WORDS = {
    "fr": {
        "count": "Signalements|Jeunes|Participants|Professionnels|Consultations",
        "rate": "Taux pour 10 000 habitants",
        "low": "IC 95 % bas",
        "high": "IC 95 % haut",
        "standing": "Par rapport au département",
        "raw_highest": "taux le plus élevé",
        "lowest": "la plus faible",
        "among": "parmi les communes affichées",
        "most": "compte le plus de",
        "secret_hover": "secret statistique",
        "interval": "IC 95",
        "view": "Entonnoir : taux selon la population",
    },
    "en": {
        "count": "Reports|Young|Participants|Professionals|Consultations",
        "rate": "Rate per 10,000 inhabitants",
        "low": "95% CI low",
        "high": "95% CI high",
        "standing": "Compared to the département",
        "raw_highest": "highest rate",
        "lowest": "the lowest",
        "among": "among the municipalities shown",
        "most": "has the most",
        "secret_hover": "statistical confidentiality",
        "interval": "95% CI",
        "view": "Funnel plot: rate by population",
    },
}


def words() -> dict[str, str]:
    return WORDS[current_language()]


def masked_places(app) -> tuple[set[str], pd.DataFrame]:
    """The territories the page's table shows masked, and the table."""
    table = next(frame.value for frame in app.dataframe if words()["rate"] in frame.value.columns)
    count_column = next(column for column in table.columns if re.match(words()["count"], str(column)))
    place = table.columns[0]
    return set(table.loc[table[count_column] == SECRET_SYMBOL, place]), table


def department_bound(observations: pd.DataFrame, indicator_id: str, years: list[int], shown_sum: int) -> int | None:
    """What the masked communes add up to at most, from the lattice solved here: the département's
    public total over the years minus the visible communes' (None while a year's total is secret)."""
    cells = solved(observations, indicator_id)
    totals = cells.loc[
        (cells["territory_code"] == "92")
        & (cells["level"] == "year")
        & (cells["dimension"] == "none")
        & cells["period_start"].dt.year.isin(years)
    ]
    if totals.empty or totals["suppressed"].any():
        return None
    return int(totals["value"].sum()) - shown_sum


def years_shown(app, observations: pd.DataFrame, indicator: str) -> list[int]:
    """The whole years the page sums: the slider's span, or the indicator's only year."""
    slider = widget_with_prefix(app.get("select_slider"), "periode")
    if slider is not None:
        first, last = (int(year) for year in slider.value)
        return list(range(first, last + 1))
    return sorted(set(with_month(observations.loc[observations["indicator_id"] == indicator])["month"].dt.year))


def check_territories(app, where: str, observations: pd.DataFrame) -> None:
    """One render of Territoires against the rules of the secret and of fair comparisons."""
    check_common(app, where, demo=False)
    if not app.dataframe:
        return  # « Aucune donnée … »: nothing ranked
    masked, table = masked_places(app)
    # No rate, interval or class on a masked count (an interval gives its count back).
    for column in (words()["rate"], words()["low"], words()["high"], words()["standing"]):
        assert (table.loc[table.iloc[:, 0].isin(masked), column] == SECRET_SYMBOL).all(), (where, column)
    shown = texts(app)
    headline = " ".join(header.value for header in app.header)
    for name in masked:
        # Whole names only: « Colombes » masked, « La Garenne-Colombes » named is no disclosure.
        assert not re.search(rf"(?<![\w'-]){re.escape(name)}(?![\w'-])", headline), (where, name, headline)
    for text in shown:
        assert words()["raw_highest"] not in text, (where, text)
        if masked and words()["lowest"] in text:
            assert words()["among"] in text, (where, text)
    indicator = app.selectbox(key="indicateur").value
    years = years_shown(app, observations, indicator)
    if words()["most"] in headline and words()["among"] not in headline and masked:
        count_column = next(column for column in table.columns if re.match(words()["count"], str(column)))
        visible = table.loc[table[count_column] != SECRET_SYMBOL, count_column]
        numbers = [int(re.sub(r"\D", "", value)) for value in visible]
        bound = department_bound(observations, indicator, years, sum(numbers))
        assert bound is not None and bound < max(numbers), (where, headline, bound)
    # The map: no interval or class in a masked tile's hover.
    for spec in (json.loads(chart.proto.spec) for chart in app.get("plotly_chart")):
        for trace in spec["data"]:
            if trace.get("name") == "communes":
                for hover in trace.get("hovertext", []):
                    if hover.endswith(words()["secret_hover"]):
                        assert words()["interval"] not in hover, (where, hover)


def render_territories(observations: pd.DataFrame, tmp_path_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = write_store(tmp_path_factory.getbasetemp() / f"store_territoires_{next(_folders)}", observations)
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    app = new_app()
    app.switch_page("views/territories.py")
    app.run()
    check_territories(app, "territoires", observations)
    slider = widget_with_prefix(app.get("select_slider"), "periode")
    options = list(slider.options) if slider is not None else []
    spans = [None, (options[0], options[-1])] if options else [None]
    for span in spans:
        if span is not None:
            widget_with_prefix(app.get("select_slider"), "periode").set_range(*span).run()
        for level in ("commune", "interco"):
            for measure in ("count", "rate"):
                if not app.get("button_group"):
                    continue
                app.segmented_control(key="niveau").set_value(level).run()
                app.segmented_control(key="mesure").set_value(measure).run()
                check_territories(app, f"territoires {span} {level} {measure}", observations)
            if any(control.key == "vue" for control in app.get("button_group")):
                app.segmented_control(key="vue").set_value("entonnoir").run()
                check_territories(app, f"territoires {span} {level} entonnoir", observations)
                app.segmented_control(key="vue").set_value("classement").run()


@settings(max_examples=STORES - STORES // 4, **STORE_SETTINGS)
@given(observations=observation_tables())
def test_territories_on_any_store(observations, tmp_path_factory, monkeypatch):
    render_territories(observations, tmp_path_factory, monkeypatch)


@settings(max_examples=max(1, STORES // 4), **STORE_SETTINGS)
@given(observations=observation_tables())
def test_territories_on_any_store_in_english(observations, tmp_path_factory, monkeypatch):
    with in_language("en"):
        render_territories(observations, tmp_path_factory, monkeypatch)
