import os
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from indicators.config import DEFAULT_DATA_DIR
from indicators.loading import DataFileError, data_fingerprint, load_tables


def rewrite(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_shipped_data_loads_and_validates(tables):
    assert len(tables.sources) > 20
    assert set(tables.indicators["domain"]) == {"published", "field"}
    assert len(tables.field_observations) > 50_000


def test_codes_stay_text(tables):
    assert set(tables.published_estimates["territory_code"]) <= {"FR", "92", "93", "WLD"}
    assert "2016/2020" in set(tables.published_estimates["period"])


def test_range_with_a_single_value_is_refused_with_line_and_column(data_copy):
    # E1 is on line 2: give it a value beside its range.
    rewrite(
        data_copy / "published_estimates.csv",
        "E1,estimation_mineurs_risque_ou_prostitution,FR,2021,,",
        "E1,estimation_mineurs_risque_ou_prostitution,FR,2021,8500,",
    )
    with pytest.raises(DataFileError) as error:
        load_tables(data_copy)
    assert "published_estimates.csv" in str(error.value)
    assert "ligne 2" in str(error.value)
    assert "jamais les deux" in str(error.value)


def test_negative_count_is_refused(data_copy):
    path = data_copy / "field_observations_demo.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(",")
    fields[5] = "-4"
    lines[3] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_tables(data_copy)
    assert "ligne 4" in str(error.value) and "« value »" in str(error.value)


def test_unknown_source_is_named(data_copy):
    rewrite(data_copy / "published_estimates.csv", ",CHAMPRENAULT_2021,", ",SOURCE_INVENTEE,")
    with pytest.raises(DataFileError) as error:
        load_tables(data_copy)
    assert "SOURCE_INVENTEE" in str(error.value) and "source_id" in str(error.value)


def test_unknown_column_is_refused(data_copy):
    path = data_copy / "territories.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([lines[0] + ",population"] + [line + ",1" for line in lines[1:]]) + "\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError, match=re.escape("territories.csv")):
        load_tables(data_copy)


def test_a_key_date_for_an_unknown_territory_is_refused(data_copy):
    path = data_copy / "key_dates.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",92,", ",99,"), encoding="utf-8")
    with pytest.raises(
        DataFileError, match=re.escape("key_dates.csv, ligne 3, colonne « territory_code » : « 99 » est inconnu")
    ):
        load_tables(data_copy)


def test_missing_file_is_a_french_error(data_copy):
    (data_copy / "key_dates.csv").unlink()
    with pytest.raises(DataFileError, match=re.escape("Fichier introuvable : key_dates.csv")):
        load_tables(data_copy)


def test_fingerprint_changes_when_a_file_changes(data_copy):
    before = data_fingerprint(data_copy)
    path = data_copy / "key_dates.csv"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))
    assert data_fingerprint(data_copy) != before


def test_data_dir_comes_from_the_environment(monkeypatch, tmp_path):
    from indicators.config import DEFAULT_DATA_DIR, data_dir

    monkeypatch.setenv("INDICATORS_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv("INDICATORS_DATA_DIR")
    assert data_dir() == DEFAULT_DATA_DIR


def test_a_missing_column_is_named_in_french(data_copy):
    # An older key_dates.csv without territory_code said « colonne « KeyDateSchema » : column_in_dataframe ».
    path = data_copy / "key_dates.csv"
    frame = pd.read_csv(path)
    frame.drop(columns="territory_code").to_csv(path, index=False)
    with pytest.raises(DataFileError) as error:
        load_tables(data_copy)
    assert "colonne « territory_code » absente du fichier" in str(error.value)
    assert "KeyDateSchema" not in str(error.value)


def test_the_tables_offer_the_indexed_catalogue_and_the_field_indicator_ids():
    tables = load_tables()
    assert tables.catalogue.index.name == "indicator_id" and tables.catalogue.index.is_unique
    assert tables.catalogue.loc["consultations_sexologie", "domain"] == "field"
    assert (
        tables.field_indicator_ids
        == tables.indicators.loc[tables.indicators["domain"] == "field", "indicator_id"].tolist()
    )
    assert tables.catalogue is tables.catalogue  # indexed once per tables


def test_the_imports_sources_are_written_in_the_viewers_language_and_the_published_ones_as_published():
    from indicators.i18n import in_language
    from indicators.loading import with_import_sources
    from indicators.store.contract import VersionInfo

    data = load_tables(DEFAULT_DATA_DIR)
    imported = VersionInfo(1, "2026-11-30T10:00:00", "import", "genere.csv", "ab" * 32, 3, 3, 0, 0, 0, None, None, None)
    french = with_import_sources(data, [imported]).sources
    with in_language("en"):
        english = with_import_sources(with_import_sources(data, [imported]), [imported]).sources
    assert len(french) == len(english) == len(data.sources) + 1
    assert french.iloc[-1]["title"] == "Fichier « genere.csv »"
    assert english.iloc[-1][["publisher", "title", "read_at"]].tolist() == [
        "Hauts-de-Seine département (analyst's import)",
        "File “genere.csv”",
        f"import no. 1 (sha256 {'ab' * 6}…)",
    ]
    pd.testing.assert_frame_equal(english.iloc[:-1], data.sources, check_dtype=False)
    assert english is not data.sources and with_import_sources(data, []).field_observations is data.field_observations
