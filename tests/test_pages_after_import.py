"""The faults seen after a first real import, each on the store that showed it (AppTest)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from app_support import check_common, new_app, visit_page
from store_shapes import write_store

# The two indicators of the first real import.
IMPORTED = ("signalements_risque_prostitutionnel", "jeunes_suivis_vaj")


def store(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator_id", "territory_code", "period", "sex", "age_group", "value"]).assign(
        source_id="IMPORT_000001"
    )


@pytest.fixture()
def imported(tmp_path, monkeypatch):
    def use(observations: pd.DataFrame):
        monkeypatch.setenv("INDICATORS_DATA_DIR", str(write_store(tmp_path / "data", observations)))
        return observations

    return use


def three_months() -> pd.DataFrame:
    return store(
        [
            (indicator, commune, month, "ensemble", "ensemble", value)
            for indicator in IMPORTED
            for commune in ("92002", "92012", "92040")
            for month, value in (("2026-01", 12), ("2026-02", 9), ("2026-03", 15))
        ]
    )


def test_overview_after_three_months_of_two_indicators(imported):
    imported(three_months())
    app = new_app()
    check_common(app, "overview", demo=False)
    cards = {metric.label: metric.value for metric in app.metric}
    assert cards["Signalements liés à un risque prostitutionnel"] == str(3 * (12 + 9 + 15))
    # An indicator the import did not bring says so: never 0.
    assert cards["Consultations de sexologie"] == "Aucune donnée"
    captions = " ".join(caption.value for caption in app.caption)
    assert "janvier – mars 2026" in captions and "ce n'est pas un zéro" in captions
    assert not any("fictive" in warning.value for warning in app.warning)


def test_territories_name_the_months_covered(imported):
    imported(three_months())
    app = visit_page(new_app(), "views/territories.py", demo=False)
    assert "en janvier – mars 2026" in app.header[0].value
    assert "Une commune sans donnée n'est pas une commune à zéro." in " ".join(caption.value for caption in app.caption)


def test_yearly_import_opens_tendances_by_year_on_a_drawn_chart(imported):
    imported(
        store(
            [
                ("jeunes_suivis_vaj", "92002", str(year), "ensemble", "ensemble", 20 + year % 7)
                for year in range(2019, 2026)
            ]
        )
    )
    app = visit_page(new_app(), "views/trends.py", demo=False)
    # By year (the data's own granularity), not an empty quarterly chart on an axis from −1 to 6.
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["type"] == "date"
    assert spec["layout"]["xaxis"]["ticktext"][:2] == ["2019", "2020"]
    assert "en 2025" in app.header[0].value


def test_quarterly_import_is_drawn_by_quarter(imported):
    imported(
        store(
            [
                ("participants_prevention", "92002", f"2025-Q{quarter}", "ensemble", "ensemble", 40 * quarter)
                for quarter in (1, 2, 3)
            ]
        )
    )
    app = visit_page(new_app(), "views/trends.py", demo=False)
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["ticktext"] == ["T1 2025", "T2 2025", "T3 2025"]
    assert "120 participants en T3 2025" in app.header[0].value


def test_small_counts_get_whole_ticks(imported):
    imported(
        store(
            [("professionnels_formes", commune, "2025", "ensemble", "ensemble", 0) for commune in ("92002", "92004")]
            + [("professionnels_formes", "92002", "2024", "ensemble", "ensemble", 0)]
        )
    )
    app = visit_page(new_app(), "views/trends.py", demo=False)
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["dtick"] == 1
    assert "0 professionnel en 2025" in app.header[0].value
