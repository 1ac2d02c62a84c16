"""Running the app headless through Streamlit's AppTest, and what every rendered page must satisfy.

`open_page` opens one page in a fresh session (signed in as an analyst when asked); `new_app`
starts a session for the tours on generated stores, in the current language, and `visit_page`
moves it from page to page. `check_common` holds what any page, on any store, must never show.
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache

import numpy as np
from google.protobuf.json_format import MessageToDict
from hypothesis import HealthCheck, Phase
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

from indicators.access import hash_password
from indicators.config import REPO_ROOT
from indicators.i18n import current_language
from interface_words import FRENCH, FRENCH_NUMBER, interface_part

ANALYST_PASSWORD = "mot de passe de test"
ANALYST_HASH = hash_password(ANALYST_PASSWORD)
# Words that only a programming language writes, never a French sentence.
FORBIDDEN = re.compile(r"\b(nan|NaN|None|NaT|True|False|null|undefined|Traceback)\b")
DEMO_WORDS = re.compile(r"fictive|démonstration|fictitious|demonstration", re.IGNORECASE)

# No shrinking: each example renders the whole app (about a second), and a failing store is
# reported as drawn, which is readable enough (its rows are in the failure message).
STORE_SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


def open_page(page: str, analyst: bool = False, query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """Run a page, opened from an address carrying `query`; `analyst=True` configures an analyst
    password and signs in with it. No exception and no error box, or the test fails here."""
    app = dashboard_app(timeout)
    if analyst:
        app.secrets["analysts"] = {"password_hash": ANALYST_HASH}
        app.session_state["analyst_signed_in"] = True
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.run()
    if page != "views/overview.py":
        app.switch_page(page)
        app.run()
    assert not app.exception, [exception.message for exception in app.exception]
    assert not app.error, [error.value for error in app.error]
    return app


@cache
def installed_components() -> BidiComponentManager:
    """Streamlit's registry of installed components, which AppTest builds by scanning every installed
    package (0.4 s) unless given one: the installed packages do not change during the suite."""
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def dashboard_app(timeout: float = 60) -> AppTest:
    """A new session of dashboard.py, not yet run, sharing the suite's component registry."""
    app = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=timeout)
    app._bidi_component_manager = installed_components()
    return app


def new_app(query: dict[str, str] | None = None) -> AppTest:
    """A signed-in analyst's session on the home page, in the current language (`?lang=` otherwise)."""
    app = dashboard_app()
    app.session_state["analyst_signed_in"] = True
    query = dict(query or {})
    if current_language() != "fr":
        query["lang"] = current_language()
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    return app


def visit_page(app: AppTest, page: str, demo: bool) -> AppTest:
    """The same session moves to `page`, as a viewer clicking through the navigation does."""
    if page != "views/overview.py":
        app.switch_page(page)
        app.run()
    check_common(app, page, demo)
    return app


def widget_with_prefix(widgets: list, prefix: str):
    return next((widget for widget in widgets if str(widget.key or "").startswith(prefix)), None)


def texts(app: AppTest) -> list[str]:
    """Every string the page sends to the browser, outside charts and tables (checked apart)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in ("spec", "arrowData", "data", "id", "formId", "key"):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            found.append(value)

    def visit(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            walk(MessageToDict(proto))
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(app.main)
    for kind in ("markdown", "caption", "header", "title", "subheader", "info", "warning", "success", "error"):
        found += [element.value for element in app.get(kind)]
    for metric in app.metric:
        found += [metric.label, metric.value, metric.delta or ""]
    return found


def table_cells(app: AppTest) -> list[str]:
    cells: list[str] = []
    for frame in [*app.dataframe, *app.table]:
        value = frame.value
        cells += [str(column) for column in value.columns]
        cells += [str(cell) for cell in value.astype(str).to_numpy().ravel()]
    return cells


def charts(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def check_common(app: AppTest, where: str, demo: bool) -> None:
    assert not app.exception, (where, [exception.message for exception in app.exception])
    assert not app.error, (where, [error.value for error in app.error])
    shown = texts(app)
    for text in shown + table_cells(app):
        assert not FORBIDDEN.search(text), (where, text)
    if not demo:
        for text in shown:
            assert not DEMO_WORDS.search(text), (where, text)
    if current_language() == "en":
        for text in shown + table_cells(app):
            part = interface_part(text)
            assert not FRENCH.search(part) and not FRENCH_NUMBER.search(part), (where, text)
    for spec in charts(app):
        check_chart(spec, where)


def numbers(traces: list[dict], letter: str) -> list[float]:
    """The numeric values a chart's traces put on one axis (Plotly may send them as typed arrays)."""
    found: list[float] = []
    for trace in traces:
        values = trace.get(letter, [])
        if isinstance(values, dict):
            values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
        found += [value for value in values if isinstance(value, (int, float))]
    return found


def check_chart(spec: dict, where: str) -> None:
    """A chart is never empty; count axes never repeat a tick label; time axes never go negative."""
    traces = spec["data"]
    assert traces, (where, "graphique vide")
    layout = spec["layout"]
    for trace in traces:
        for text in [trace.get("name", ""), trace.get("hovertemplate", ""), *map(str, trace.get("customdata", []))]:
            assert not FORBIDDEN.search(str(text)), (where, text)
    for axis_name, letter in (("yaxis", "y"), ("xaxis", "x")):
        axis = layout.get(axis_name, {})
        if axis.get("tickformat") == ",d" and axis.get("type") != "date":
            # Plotly's own ticks on a range under 10 are 0.5 apart: printed as whole numbers they
            # repeat ("0 0 1 1 2"); such an axis must set whole ticks itself.
            largest = max([*numbers(traces, letter), 0])
            assert largest >= 10 or axis.get("dtick", 0) >= 1, (where, axis_name, largest, axis)
        if axis.get("tickmode") == "array":
            labels = axis.get("ticktext", [])
            assert len(labels) == len(set(labels)), (where, axis_name, labels)
    x_axis = layout.get("xaxis", {})
    if "range" in x_axis and all(isinstance(bound, (int, float)) for bound in x_axis["range"]):
        assert "period" not in where or min(x_axis["range"]) >= 0, (where, x_axis["range"])
