import io

import numpy as np
import pandas as pd
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from indicators.__main__ import main
from indicators.config import REPO_ROOT
from indicators.disclosure import public_cells
from indicators.exports import (
    DEMO_COLUMN,
    ENGLISH_ONLY,
    INDICATORS_FR,
    KEY_DATES_FR,
    OBSERVATIONS_FR,
    PUBLISHED_FR,
    SOURCES_FR,
    TERRITORIES_FR,
    chart_table,
    indicators_table,
    observations_table,
    public_table,
    published_table,
    stored_period_fr,
    territories_table,
    to_csv,
    to_english_csv,
    to_french_csv,
)
from indicators.i18n import in_language


def test_csv_is_french_spreadsheet_format():
    payload = to_french_csv(pd.DataFrame({"commune": ["Antony"], "valeur": [12.5]}))
    assert payload.startswith("\ufeff".encode())
    assert payload.decode("utf-8-sig").splitlines() == ["commune;valeur", "Antony;12,5"]


def test_demo_exports_carry_the_label_on_every_row():
    payload = to_french_csv(pd.DataFrame({"valeur": [1, 2]}), is_demo=True)
    frame = pd.read_csv(io.BytesIO(payload), sep=";", encoding="utf-8-sig")
    assert frame.columns[0] == DEMO_COLUMN
    assert frame[DEMO_COLUMN].eq("données fictives de démonstration").all()


def test_real_data_exports_have_no_demo_column():
    payload = to_french_csv(pd.DataFrame({"valeur": [1]}), is_demo=False)
    assert DEMO_COLUMN not in payload.decode("utf-8-sig")


# --- No English header or code, no True/False, in any CSV a viewer can download (issue 12, item 10). ---

ENGLISH_HEADERS = {
    "indicator_id",
    "territory_code",
    "level",
    "period",
    "split",
    "dimension",
    "group",
    "value",
    "suppressed",
    "source_id",
    "figure_id",
    "value_low",
    "value_high",
    "qualifier",
    "restates",
    "note_fr",
    "note",
    "publisher",
    "title",
    "published",
    "primary_url",
    "read_at",
    "relay",
    "relay_date",
    "licence",
    "label_fr",
    "unit_fr",
    "kind",
    "domain",
    "definition_fr",
    "caveat_fr",
    "name_fr",
    "parent_code",
    "end_date",
    "sex",
    "age_group",
}
ENGLISH_CODES = {
    "month",
    "quarter",
    "year",
    "none",
    "sex",
    "age_group",
    "published",
    "field",
    "estimate_range",
    "recorded_count",
    "share",
    "age",
    "change",
    "activity_count",
    "lower_bound",
    "approximate",
    "derived",
    "WLD",
    "True",
    "False",
}


def read_french_csv(payload: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(payload), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def assert_french(payload: bytes, name: str) -> pd.DataFrame:
    frame = read_french_csv(payload)
    english = [header for header in frame.columns if header in ENGLISH_HEADERS or header.endswith(("_en", "_fr"))]
    assert not english, f"{name} : en-têtes anglais {english}"
    cells = set(frame.to_numpy().ravel())
    assert not cells & ENGLISH_CODES, f"{name} : codes anglais {cells & ENGLISH_CODES}"
    return frame


def test_booleans_are_written_oui_and_non_whatever_their_dtype():
    frame = pd.DataFrame(
        {
            "numpy": [True, False],
            "nullable": pd.array([True, pd.NA], dtype="boolean"),
            "objets": pd.Series([np.True_, None], dtype=object),
            "texte": ["True", "vrai"],
            "nombre": [1, 0],
        }
    )
    lines = to_french_csv(frame).decode("utf-8-sig").splitlines()
    assert lines[1:] == ["oui;oui;oui;True;1", "non;;;vrai;0"]


def test_whole_numbers_have_no_decimal_part_and_fractions_keep_theirs():
    frame = pd.DataFrame({"effectif": [116.0, np.nan], "part": [12.5, 3.0]})
    assert to_french_csv(frame).decode("utf-8-sig").splitlines()[1:] == ["116;12,5", ";3,0"]


def test_every_column_of_the_data_tables_is_translated_or_left_out_on_purpose(tables):
    for frame, headers in (
        (tables.sources, SOURCES_FR),
        (tables.indicators, INDICATORS_FR),
        (tables.published_estimates, PUBLISHED_FR),
        (tables.territories, TERRITORIES_FR),
        (tables.key_dates, KEY_DATES_FR),
        (tables.field_observations, OBSERVATIONS_FR),
    ):
        assert set(frame.columns) - set(headers) <= ENGLISH_ONLY, set(frame.columns) - set(headers) - ENGLISH_ONLY


def test_codes_of_the_data_tables_are_written_in_french(tables):
    indicators = read_french_csv(to_french_csv(indicators_table(tables.indicators)))
    assert set(indicators["domaine"]) == {"chiffres publiés", "observations de terrain"}
    assert "Estimation (fourchette)" in set(indicators["nature"])
    published = read_french_csv(to_french_csv(published_table(tables.published_estimates)))
    assert set(published["qualificatif"]) <= {"exact", "borne basse (« plus de »)", "approximatif", "calculé"}
    territories = read_french_csv(to_french_csv(territories_table(tables.territories)))
    assert territories.loc[territories["nom"] == "Monde", "code"].tolist() == ["monde"]


def test_protected_aggregates_are_written_in_french():
    cells = pd.DataFrame(
        {
            "indicator_id": "signalements",
            "territory_code": ["92", "92", "92", "92002"],
            "level": ["month", "quarter", "year", "year"],
            "dimension": ["none", "sex", "age_group", "none"],
            "period_start": pd.to_datetime(["2025-03-01", "2025-01-01", "2025-01-01", "2024-01-01"]),
            "group": ["ensemble", "F", "15-17", "ensemble"],
            "value": [12.0, 7.0, 3.0, 2.0],
            "suppressed": [False, False, True, True],
        }
    )
    frame = assert_french(to_french_csv(public_cells(cells, 5)), "agrégats protégés")
    assert list(frame.columns) == ["indicateur", "territoire", "niveau", "période", "répartition", "groupe", "valeur"]
    assert frame["niveau"].tolist() == ["mois", "trimestre", "année", "année"]
    assert frame["période"].tolist() == ["2025-03", "T1 2025", "2025", "2024"]
    assert frame["répartition"].tolist() == ["aucune", "sexe", "tranche d'âge", "aucune"]
    assert frame["valeur"].tolist() == ["12", "7", "s", "s"]


def test_stored_quarters_are_exported_like_the_screen_writes_them():
    periods = pd.Series(["2025", "2025-03", "2025-Q4"])
    assert stored_period_fr(periods).tolist() == ["2025", "2025-03", "T4 2025"]


def record_downloads(monkeypatch) -> dict:
    """File name → the callable a download button registers: built later, as a click would."""
    offered = {}
    register = MediaFileManager.add_deferred

    def recording(self, data_callable, mimetype, coordinates, file_name=None, **options):
        offered[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return offered


def open_page(page: str) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    app.run()
    if page != "views/overview.py":
        app.switch_page(page)
        app.run()
    assert not app.exception, [exception.message for exception in app.exception]
    return app


def sources_page_downloads(monkeypatch) -> dict[str, bytes]:
    """Run the Sources page and build every file its download buttons offer."""
    offered = record_downloads(monkeypatch)
    app = open_page("views/sources.py")
    assert len(app.get("download_button")) == len(offered)
    return {name: build() for name, build in offered.items()}


def test_every_chart_csv_is_french(monkeypatch):
    offered = record_downloads(monkeypatch)
    for page in ("views/overview.py", "views/trends.py", "views/territories.py"):
        open_page(page)
    trends = open_page("views/trends.py")
    trends.button_group(key="donnees").set_value("Chiffres publiés").run()
    trends.selectbox(key="indicateur").set_value("victimes_mineurs_proxenetisme").run()
    csvs = {name: build() for name, build in offered.items() if name.endswith(".csv")}
    assert len(csvs) >= 3, sorted(csvs)
    for name, payload in csvs.items():
        assert_french(payload, name)


def test_every_download_of_the_sources_page_is_french(monkeypatch):
    downloads = sources_page_downloads(monkeypatch)
    assert set(downloads) == {
        "sources.csv",
        "indicateurs.csv",
        "chiffres_publies.csv",
        "territoires.csv",
        "dates_cles.csv",
        "observations_terrain.csv",
    }
    for name, payload in downloads.items():
        assert_french(payload, name)
    cells = read_french_csv(downloads["observations_terrain.csv"])
    assert set(cells["niveau"]) == {"mois", "trimestre", "année"}
    assert cells.loc[cells["niveau"] == "année", "période"].str.fullmatch(r"\d{4}").all()
    assert cells.loc[cells["niveau"] == "trimestre", "période"].str.fullmatch(r"T[1-4] \d{4}").all()
    assert cells.loc[cells["niveau"] == "mois", "période"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert cells["valeur"].str.fullmatch(r"\d+|s").all() and (cells["valeur"] == "s").any()


def test_export_command_writes_french_headers(tmp_path):
    out = tmp_path / "export.csv"
    assert main(["export", "--indicator", "signalements_risque_prostitutionnel", "--out", str(out)]) == 0
    frame = assert_french(out.read_bytes(), "python -m indicators export")
    # The public cells, as the pages' downloads (an analyst's raw export is --unsuppressed: tests/test_cli.py).
    assert list(frame.columns) == [
        "statut_donnees",
        "indicateur",
        "territoire",
        "niveau",
        "période",
        "répartition",
        "groupe",
        "valeur",
    ]


# --- In English (?lang=en, --lang en): English headers and codes, English spreadsheet format. ---


def read_english_csv(payload: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(payload), sep=",", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_csv_is_english_spreadsheet_format_in_english():
    frame = pd.DataFrame({"municipality": ["Antony", "Bagneux"], "value": [12.5, 3.0], "secret": [True, False]})
    with in_language("en"):
        payload = to_csv(frame)
    assert payload.startswith("\ufeff".encode())
    assert payload.decode("utf-8-sig").splitlines() == [
        "municipality,value,secret",
        "Antony,12.5,yes",
        "Bagneux,3.0,no",
    ]
    assert to_english_csv(pd.DataFrame({"a": [1.5]})).decode("utf-8-sig").splitlines() == ["a", "1.5"]


def test_csv_stays_french_in_french():
    frame = pd.DataFrame({"commune": ["Antony"], "valeur": [12.5], "secret": [True]})
    assert to_csv(frame, is_demo=True) == to_french_csv(frame, is_demo=True)
    assert to_csv(frame).decode("utf-8-sig").splitlines() == ["commune;valeur;secret", "Antony;12,5;oui"]


def test_english_demo_exports_say_so_in_english():
    with in_language("en"):
        frame = read_english_csv(to_csv(pd.DataFrame({"value": [1, 2]}), is_demo=True))
    assert list(frame.columns) == ["data_status", "value"]
    assert frame["data_status"].eq("fictitious demonstration data").all()


def test_data_tables_in_english_have_english_headers_codes_and_texts(tables):
    with in_language("en"):
        indicators = read_english_csv(to_csv(indicators_table(tables.indicators)))
        published = read_english_csv(to_csv(published_table(tables.published_estimates)))
        territories = read_english_csv(to_csv(territories_table(tables.territories)))
        observations = observations_table(tables.field_observations.head(50).assign(period="2025-Q1"))
    assert list(indicators.columns) == ["indicator", "label", "unit", "type", "domain", "definition", "caveat"]
    assert set(indicators["domain"]) == {"published figures", "field observations"}
    english_labels = tables.indicators.set_index("indicator_id")["label_en"]
    assert indicators.set_index("indicator")["label"].to_dict() == {
        code: label if label.strip() else tables.indicators.set_index("indicator_id")["label_fr"][code]
        for code, label in english_labels.fillna("").items()
    }
    assert set(published["qualifier"]) <= {"exact", "lower bound (“more than”)", "approximate", "derived"}
    assert published.columns[:5].tolist() == ["identifier", "indicator", "area", "period", "value"]
    assert territories.loc[territories["code"] == "world", "name"].tolist() == ["World"]
    assert list(observations.columns) == ["indicator", "area", "period", "sex", "age group", "value", "source"]
    assert set(observations["period"]) == {"Q1 2025"}
    # French once the block is left: the language is the caller's, never stuck.
    assert indicators_table(tables.indicators).columns[0] == "indicateur"


def test_protected_aggregates_in_english():
    cells = pd.DataFrame(
        {
            "indicator_id": "signalements",
            "territory_code": ["92", "92", "92"],
            "level": ["month", "quarter", "year"],
            "dimension": ["none", "sex", "age_group"],
            "period_start": pd.to_datetime(["2025-03-01", "2025-01-01", "2025-01-01"]),
            "group": ["ensemble", "F", "15-17"],
            "value": [12.0, 7.0, 3.0],
            "suppressed": [False, False, True],
        }
    )
    with in_language("en"):
        frame = read_english_csv(to_csv(public_table(public_cells(cells, 5))))
    assert list(frame.columns) == ["indicator", "area", "level", "period", "breakdown", "group", "value"]
    assert frame["level"].tolist() == ["month", "quarter", "year"]
    assert frame["period"].tolist() == ["2025-03", "Q1 2025", "2025"]
    assert frame["breakdown"].tolist() == ["none", "sex", "age group"]
    assert frame["value"].tolist() == ["12", "7", "s"]
    assert public_table(public_cells(cells, 5)).equals(public_cells(cells, 5))  # French: unchanged


def test_chart_tables_in_english():
    frame = pd.DataFrame({"level": ["month"], "dimension": ["age_group"], "value": [2.5], "kind": ["recorded_count"]})
    with in_language("en"):
        table = chart_table(frame)
        lines = to_csv(table).decode("utf-8-sig").splitlines()
    assert list(table.columns) == ["level", "breakdown", "value", "type"]
    assert lines[1].startswith("month,age group,2.5,")


def test_export_command_in_english_writes_an_english_csv(tmp_path):
    out = tmp_path / "export.csv"
    command = ["export", "--lang", "en", "--indicator", "signalements_risque_prostitutionnel", "--out", str(out)]
    assert main(command) == 0
    frame = read_english_csv(out.read_bytes())
    assert list(frame.columns) == ["data_status", "indicator", "area", "level", "period", "breakdown", "group", "value"]
    assert set(frame["level"]) == {"month", "quarter", "year"}
    assert frame.loc[frame["level"] == "quarter", "period"].str.fullmatch(r"Q[1-4] \d{4}").all()
    assert ";" not in out.read_bytes().decode("utf-8-sig").splitlines()[0]
