import io
from functools import cache

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from streamlit.runtime.media_file_manager import MediaFileManager

from app_support import open_page
from indicators.__main__ import main
from indicators.cell_coverage import CELL_KEYS, cell_coverage, series_coverage
from indicators.disclosure import public_cells, series_tables
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
    exported_periods,
    indicators_table,
    observations_table,
    public_table,
    published_table,
    territories_table,
    to_csv,
    to_english_csv,
    to_french_csv,
)
from indicators.i18n import in_language
from indicators.observations import with_month
from indicators.secret.lattice import STORED_ROWS, lattice
from indicators.territories import interco_of
from store_shapes import observation_tables, write_store


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
    assert exported_periods(periods).tolist() == ["2025", "2025-03", "T4 2025"]


def record_downloads(monkeypatch) -> dict:
    """File name → the callable a download button registers: built later, as a click would."""
    offered = {}
    register = MediaFileManager.add_deferred

    def recording(self, data_callable, mimetype, coordinates, file_name=None, **options):
        offered[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return offered


def sources_page_downloads(monkeypatch) -> dict[str, bytes]:
    """Run the Sources page and build every file its download buttons offer."""
    offered = record_downloads(monkeypatch)
    app = open_page("views/sources.py", timeout=120)
    assert len(app.get("download_button")) == len(offered)
    return {name: build() for name, build in offered.items()}


def test_every_chart_csv_is_french(monkeypatch):
    offered = record_downloads(monkeypatch)
    for page in ("views/overview.py", "views/trends.py", "views/territories.py"):
        open_page(page, timeout=120)
    trends = open_page("views/trends.py", timeout=120)
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
    assert list(cells.columns[-4:]) == ["communes comptées", "communes attendues", "mois couverts", "mois attendus"]
    assert cells[list(cells.columns[-4:])].apply(lambda column: column.str.fullmatch(r"\d+")).all().all()


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
        "communes comptées",
        "communes attendues",
        "mois couverts",
        "mois attendus",
    ]
    # Every figure says how many communes and months it adds up: the département's years all 36
    # communes and 12 months in the demo, a commune's month itself.
    years = frame.loc[(frame["territoire"] == "92") & (frame["niveau"] == "année")]
    assert set(years["communes comptées"]) == set(years["communes attendues"]) == {"36"}
    assert set(years["mois couverts"]) == set(years["mois attendus"]) == {"12"}
    months = frame.loc[(frame["territoire"] == "92050") & (frame["niveau"] == "mois")]
    assert set(
        months[["communes comptées", "communes attendues", "mois couverts", "mois attendus"]].to_numpy().ravel()
    ) == {"1"}


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
    assert list(frame.columns) == [
        "data_status",
        "indicator",
        "area",
        "level",
        "period",
        "breakdown",
        "group",
        "value",
        "municipalities counted",
        "municipalities expected",
        "months covered",
        "months expected",
    ]
    assert set(frame["level"]) == {"month", "quarter", "year"}
    assert frame.loc[frame["level"] == "quarter", "period"].str.fullmatch(r"Q[1-4] \d{4}").all()
    assert ";" not in out.read_bytes().decode("utf-8-sig").splitlines()[0]


# --- Coverage columns: how many communes and months a figure adds up (issue 25) ------------------------


def stored(cells: list[tuple[str, str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(cells, columns=["territory_code", "period", "sex", "age_group", "value"]).assign(
        indicator_id="signalements", source_id="IMPORT_000001"
    )


@cache
def period_start(year: int, month: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=month, day=1)


def naive_coverage(rows: pd.DataFrame, territories: pd.DataFrame) -> dict[tuple, tuple[int, int]]:
    """Communes and months of every cell, row by row with Python sets: the independent reading."""
    ept = dict(zip(territories["territory_code"], territories["interco_code"]))
    spans = {"month": 1, "quarter": 3, "year": 12}
    found: dict[tuple, tuple[set, set]] = {}
    for row in with_month(rows).itertuples(index=False):
        groups = [("none", "ensemble")]
        groups += [("sex", row.sex)] if row.sex != "ensemble" else []
        groups += [("age_group", row.age_group)] if row.age_group != "ensemble" else []
        first = row.month.year * 12 + row.month.month - 1
        months = [divmod(number, 12) for number in range(first, first + row.months_spanned)]  # (year, month − 1)
        places = [row.territory_code, "92"] + (
            [ept[row.territory_code]] if pd.notna(ept.get(row.territory_code)) else []
        )
        for level, span in spans.items():
            if row.months_spanned > span:
                continue
            for month in months:
                start = period_start(month[0], month[1] // span * span + 1)
                for place in places:
                    for dimension, group in groups:
                        communes, covered = found.setdefault(
                            (row.indicator_id, place, level, start, dimension, group), (set(), set())
                        )
                        communes.add(row.territory_code)
                        covered.add(month)
    return {key: (len(communes), len(covered)) for key, (communes, covered) in found.items()}


def test_cell_coverage_counts_the_communes_and_months_of_each_cell(tables):
    """10 communes of 36 in 2025 (yearly), then January–March 2026 monthly from one, by sex."""
    reporting = tables.territories.query("level == 'commune'")["territory_code"].tolist()[:10]
    rows = stored(
        [(code, "2025", "ensemble", "ensemble", 40) for code in reporting]
        + [("92050", month, sex, "ensemble", 6) for month in ("2026-01", "2026-02", "2026-03") for sex in "FM"]
    )
    coverage = cell_coverage(rows, tables.territories).set_index(CELL_KEYS)
    columns = ["communes", "communes_expected", "months", "months_expected"]

    def at(territory, level, start, dimension="none", group="ensemble"):
        key = ("signalements", territory, level, pd.Timestamp(start), dimension, group)
        return coverage.loc[key, columns].tolist()

    assert at("92", "year", "2025-01-01") == [10, 36, 12, 12]
    assert at("92", "year", "2026-01-01") == [1, 36, 3, 12]
    assert at("92", "quarter", "2026-01-01", "sex", "F") == [1, 36, 3, 3]
    assert at("200057982", "month", "2026-02-01") == [1, 11, 1, 1]  # Paris Ouest La Défense: 11 communes
    assert at("92050", "year", "2026-01-01") == [1, 1, 3, 12]
    assert ("signalements", "92", "quarter", pd.Timestamp("2025-01-01"), "none", "ensemble") not in coverage.index
    independent = naive_coverage(rows, tables.territories)
    assert {key: tuple(value) for key, value in coverage[["communes", "months"]].iterrows()} == independent


@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(observations=observation_tables())
def test_cell_coverage_is_the_row_by_row_count_and_has_every_cell_of_the_lattice(observations, tables):
    observations = observations.head(3_000)
    coverage = cell_coverage(observations, tables.territories)
    assert {key: tuple(value) for key, value in coverage.set_index(CELL_KEYS)[["communes", "months"]].iterrows()} == (
        naive_coverage(observations, tables.territories)
    )
    cells = lattice(observations, interco_of(tables.territories))
    shown = cells.loc[~cells["dimension"].isin(STORED_ROWS)]
    merged = shown.merge(coverage, on=CELL_KEYS, how="left")
    assert merged["communes"].notna().all() and (merged["communes"] <= merged["communes_expected"]).all()
    assert (merged["months"] <= merged["months_expected"]).all()


def test_export_command_gives_coverage_of_an_unequal_store(tmp_path, tables, monkeypatch):
    reporting = tables.territories.query("level == 'commune'")["territory_code"].tolist()[:10]
    rows = stored([(code, "2025", "ensemble", "ensemble", 40) for code in reporting])
    folder = write_store(tmp_path / "data", rows.assign(indicator_id="participants_prevention"))
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    out = tmp_path / "export.csv"
    assert main(["export", "--territory", "92", "--out", str(out)]) == 0
    frame = read_french_csv(out.read_bytes())
    assert frame[
        ["valeur", "communes comptées", "communes attendues", "mois couverts", "mois attendus"]
    ].to_numpy().tolist() == [["400", "10", "36", "12", "12"]]
    assert main(["export", "--territory", "92", "--lang", "en", "--out", str(out)]) == 0
    english = read_english_csv(out.read_bytes())
    assert english["municipalities counted"].tolist() == ["10"] and english["months expected"].tolist() == ["12"]


def test_a_chart_csv_says_what_each_point_adds_up():
    series = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2025-01-01", "2026-01-01"]),
            "group": "ensemble",
            "value": [400, 30],
            "complete": [True, False],
            "suppressed": [False, False],
        }
    )
    rows = stored(
        [(f"920{n:02d}", "2025", "ensemble", "ensemble", 40) for n in range(2, 12)]
        + [("92050", month, "ensemble", "ensemble", 10) for month in ("2026-01", "2026-02", "2026-03")]
    )
    coverage = series_coverage(rows, "year", "none", 36)
    download, shown = series_tables(
        series,
        indicator="Signalements",
        territory="Hauts-de-Seine",
        unit="signalements",
        frequency="year",
        group_names={},
        k=5,
        coverage=coverage,
    )
    assert download[
        ["communes_comptees", "communes_attendues", "mois_couverts", "mois_attendus"]
    ].to_numpy().tolist() == [[10, 36, 12, 12], [1, 36, 3, 12]]
    assert "communes_comptees" not in shown.columns  # the table on screen is unchanged
    with in_language("en"):
        english, _shown = series_tables(
            series,
            indicator="Reports",
            territory="Hauts-de-Seine",
            unit="reports",
            frequency="year",
            group_names={},
            k=5,
            coverage=coverage,
        )
    assert list(english.columns[-4:]) == [
        "municipalities_counted",
        "municipalities_expected",
        "months_covered",
        "months_expected",
    ]
