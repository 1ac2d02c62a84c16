"""The benchmark's pieces at small sizes: generated files, the JSON it prints, bounded chart payloads.

No timing is asserted here (a shared CI machine is too noisy): the figures and their targets
are in docs/PERFORMANCE.md, measured with `python -m indicators bench`.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from benchmarks.bench import (
    FIRST_ACCEPTED_MONTH,
    LAST_MONTH,
    PAGES,
    RESULT_KEYS,
    communes,
    fresh_data_folder,
    generate_observations,
    import_file,
    main,
    page_timings,
    write_bench_csv,
)
from indicators.config import REPO_ROOT
from indicators.ingest.parsing import KEY
from indicators.ingest.pipeline import analyse_upload
from indicators.loading import load_tables
from indicators.observations import is_demo, overlapping_totals

CHART_LIMIT = 300_000


def test_generated_file_is_a_french_csv_that_imports_whole(tmp_path):
    path = write_bench_csv(tmp_path / "observations.csv", 10_000)
    content = path.read_bytes()
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Indicateur", "Code commune", "Période", "Sexe", "Tranche d'âge", "Valeur"]
    assert len(rows) == 10_001 and {len(row) for row in rows} == {6}
    values, periods = [row[5] for row in rows[1:]], [row[2] for row in rows[1:]]
    assert any(" " in value for value in values) and any("," in value for value in values)
    assert any("/" in period for period in periods) and any("-" in period for period in periods)

    tables = load_tables()
    report = analyse_upload(
        content,
        path.name,
        tables.indicators,
        tables.territories.loc[tables.territories["level"] == "commune"],
        tables.field_observations,
        is_demo(tables.field_observations),
    )
    assert report.errors == [] and report.personal_data == [] and report.refusal is None
    assert report.rows_valid == 10_000 and not report.rows.duplicated(KEY).any()


def test_a_million_keys_are_unique_partitions_never_before_1990(tmp_path):
    folder = fresh_data_folder(tmp_path / "data", 1_000_000)
    territories = load_tables(folder).territories  # the roll-up's communes pass the shipped schema
    codes = territories.loc[territories["level"] == "commune", "territory_code"].tolist()
    assert len(codes) > 36 and codes[:36] == communes()
    observations = generate_observations(1_000_000, codes)
    assert len(observations) == 1_000_000
    assert not observations.duplicated(["indicator_id", "territory_code", "month", "sex", "age_group"]).any()
    assert observations["month"].min() >= FIRST_ACCEPTED_MONTH and observations["month"].max() <= LAST_MONTH
    assert (observations["value"] >= 0).all()
    # Never a total beside its own detail: the importer would refuse it (sums would count twice).
    keys = observations.assign(
        period=observations["month"].dt.strftime("%Y-%m"),
        sex=observations["sex"].replace("", "ensemble"),
        age_group=observations["age_group"].replace("", "ensemble"),
    )
    assert not overlapping_totals(keys).any()


def test_bench_json_has_the_documented_keys(capsys):
    assert main(["--rows", "2000", "--repeats", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == set(RESULT_KEYS)
    assert result["rows"] == 2000
    assert result["import_s"] > 0 and result["pyarrow_s"] > 0 and result["pandas_s"] > 0
    floor = min(result["pyarrow_s"], result["pandas_s"])
    assert result["import_ratio"] == pytest.approx(result["import_s"] / floor, rel=0.1, abs=0.1)
    assert result["checksum_s"] > 0 and result["parquet_write_s"] > 0
    assert result["storage_floor_ratio"] == pytest.approx(
        (floor + result["checksum_s"] + result["parquet_write_s"]) / floor, rel=0.1, abs=0.1
    )
    assert 50 < result["peak_rss_mb"] < 4_000
    for timings in (result["page_cold_ms"], result["page_warm_ms"]):
        assert set(timings) == set(PAGES) and all(milliseconds > 0 for milliseconds in timings.values())
    assert 0 < result["max_chart_bytes"] < CHART_LIMIT
    assert result["machine"]["cores"] >= 1
    # Pages against the plain page of the same run, and the import against its storage floor.
    assert result["plain_page_cold_ms"] > 0 and result["plain_page_warm_ms"] > 0
    for page, milliseconds in result["page_cold_ms"].items():
        assert result["page_cold_ratio"][page] == pytest.approx(
            milliseconds / result["plain_page_cold_ms"], rel=0.1, abs=0.1
        )
    assert set(result["page_warm_ratio"]) == set(PAGES)
    storage_floor = floor + result["checksum_s"] + result["parquet_write_s"]
    assert result["import_over_storage_floor"] == pytest.approx(result["import_s"] / storage_floor, rel=0.1, abs=0.1)
    # The secret: solved at a version's first view, read back afterwards.
    assert result["secret_solve_s"] > 0 and result["secret_read_s"] > 0
    # History: each later release solved against all the earlier ones.
    assert len(result["secret_history_s"]) == 2 and all(seconds > 0 for seconds in result["secret_history_s"])
    assert set(result["targets_met"]) == {"import_over_storage_floor", "peak_rss_mb", "page_cold_ms", "page_warm_ms"}


def test_several_sizes_print_a_list_and_bad_options_are_refused(capsys):
    assert main(["--rows", "500", "800", "--repeats", "1", "--no-pages", "--json"]) == 0
    assert [result["rows"] for result in json.loads(capsys.readouterr().out)] == [500, 800]
    assert main(["--rows", "0"]) == 2
    assert main(["--rows", "500", "--versions", "0"]) == 2


def test_chart_payloads_stay_bounded_when_the_data_grow_tenfold(tmp_path):
    charts = {page: PAGES[page] for page in ("trends", "territories")}
    largest = {}
    for rows in (10_000, 100_000):
        folder = fresh_data_folder(tmp_path / f"data_{rows}")
        import_file(write_bench_csv(tmp_path / f"observations_{rows}.csv", rows), folder)
        largest[rows] = page_timings(folder, repeats=1, pages=charts)["max_chart_bytes"]
    assert 0 < largest[100_000] < CHART_LIMIT
    # Ten times the rows is ten times the months here; a chart grows with periods drawn, not rows.
    assert largest[100_000] <= 3 * largest[10_000]


def test_benchmark_never_writes_into_the_data_folder(tmp_path):
    from indicators.config import DEFAULT_DATA_DIR

    before = sorted((path.name, path.stat().st_mtime_ns) for path in DEFAULT_DATA_DIR.rglob("*"))
    folder = fresh_data_folder(tmp_path / "data")
    import_file(write_bench_csv(tmp_path / "observations.csv", 1_000), folder)
    assert sorted((path.name, path.stat().st_mtime_ns) for path in DEFAULT_DATA_DIR.rglob("*")) == before
    assert pd.read_parquet(next(folder.glob("store/versions/*/observations.parquet"))).shape[0] == 1_000


def test_every_result_key_is_documented():
    performance = (REPO_ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    assert all(f"`{key}`" in performance for key in RESULT_KEYS), [
        key for key in RESULT_KEYS if f"`{key}`" not in performance
    ]
