"""The import pipeline end to end, on a copy of data/: preview, commit, merge, refusal, rollback."""

from pathlib import Path

import pytest

from indicators.ingest import analyse_upload, commit_import
from indicators.loading import demo_observations, load_tables, observation_store
from indicators.observations import is_demo
from indicators.store import rollback

LATIN1_EXPORT = ("Indicateur;Code commune;Période;Sexe;Tranche d'âge;Nombre\r\n"
                 "Consultations de sexologie;92050;01/01/2026;F;15-17;1\u00a0204\r\n"
                 "Consultations de sexologie;92071;01/02/2026;M;18-25;3\r\n").encode("cp1252")


def analyse(folder: Path, content: bytes, name: str = "export.csv", **options):
    tables = load_tables(folder)
    communes = tables.territories.loc[tables.territories["level"] == "commune"]
    current = tables.field_observations
    return analyse_upload(content, name, tables.indicators, communes, current, is_demo(current), **options)


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")}


def test_first_real_import_replaces_the_demo_data(data_copy):
    report = analyse(data_copy, LATIN1_EXPORT)
    assert (report.encoding, report.delimiter) == ("cp1252", "point-virgule")
    assert report.acceptable("all_or_nothing") and report.replaces_demo
    assert len(report.added) == 2 and report.changed.empty
    info = commit_import(report, observation_store(data_copy), "all_or_nothing")
    assert info.version == 1 and info.rows == 2
    tables = load_tables(data_copy)
    assert not is_demo(tables.field_observations)
    assert sorted(tables.field_observations["value"]) == [3, 1204]
    source = tables.sources.set_index("source_id").loc["IMPORT_000001"]
    assert "export.csv" in source["title"] and source["read_at"].startswith("import n° 1")


def test_next_import_merges_and_shows_changes_old_to_new(data_copy):
    store = observation_store(data_copy)
    commit_import(analyse(data_copy, LATIN1_EXPORT), store, "all_or_nothing")
    update = "indicateur;code_commune;periode;sexe;tranche_age;valeur\nconsultations_sexologie;92050;2026-01;F;15-17;1300\n" \
             "consultations_sexologie;92002;2026-01;F;15-17;8\n"
    report = analyse(data_copy, update.encode(), "mise_a_jour.csv")
    assert report.changed[["territory_code", "value_old", "value_new"]].values.tolist() == [["92050", 1204, 1300]]
    assert report.added["territory_code"].tolist() == ["92002"]
    info = commit_import(report, store, "all_or_nothing")
    assert (info.version, info.rows, info.rows_added, info.rows_changed) == (2, 3, 1, 1)


def test_file_with_errors_is_refused_whole_unless_the_analyst_keeps_valid_rows(data_copy):
    content = b"indicateur;code_commune;periode;valeur\nconsultations_sexologie;92050;2026-01;4\nconsultations_sexologie;99999;2026-01;4\n"
    report = analyse(data_copy, content)
    assert not report.acceptable("all_or_nothing")
    with pytest.raises(ValueError):
        commit_import(report, observation_store(data_copy), "all_or_nothing")
    assert observation_store(data_copy).latest_version() == 0
    info = commit_import(report, observation_store(data_copy), "valid_rows")
    assert info.rows == 1


def test_personal_data_refuses_the_file_and_leaves_nothing(data_copy):
    before = files_under(data_copy)
    content = ("indicateur;code_commune;periode;valeur;Nom;Téléphone\n"
               "consultations_sexologie;92050;2026-01;1;Martin;06 12 34 56 78\n").encode()
    report = analyse(data_copy, content)
    assert report.personal_data and report.refusal
    assert not report.acceptable("valid_rows") and report.rows.empty
    assert files_under(data_copy) == before
    assert "06 12 34 56 78" not in str(report.as_json("valid_rows"))


def test_rollback_to_version_zero_brings_the_demo_back(data_copy):
    store = observation_store(data_copy)
    baseline = demo_observations(data_copy)
    commit_import(analyse(data_copy, LATIN1_EXPORT), store, "all_or_nothing")
    info = rollback(store, 0, baseline=baseline)
    assert info.version == 2 and info.restored_from == 0
    assert is_demo(load_tables(data_copy).field_observations)
    assert len(store.read(1)) == 2  # nothing deleted


def test_a_detail_replaces_the_stored_total_it_breaks_down(data_copy):
    store = observation_store(data_copy)
    total = "indicateur;code_commune;periode;sexe;tranche_age;valeur\nconsultations_sexologie;92050;2026-01;;;12\n" \
            "consultations_sexologie;92002;2026-01;;;5\n"
    commit_import(analyse(data_copy, total.encode(), "totaux.csv"), store, "all_or_nothing")
    detail = "indicateur;code_commune;periode;sexe;tranche_age;valeur\nconsultations_sexologie;92050;2026-01;F;15-17;9\n" \
             "consultations_sexologie;92050;2026-01;M;15-17;4\n"
    report = analyse(data_copy, detail.encode(), "detail.csv")
    # Nanterre's total goes (its detail replaces it, or sums would count 13 + 12); Antony's stays.
    assert report.removed[["territory_code", "sex", "value"]].values.tolist() == [["92050", "ensemble", 12]]
    commit_import(report, store, "all_or_nothing")
    stored = load_tables(data_copy).field_observations
    assert stored.groupby("territory_code")["value"].sum().to_dict() == {"92002": 5, "92050": 13}
