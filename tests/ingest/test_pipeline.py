"""The import pipeline end to end, on a copy of data/: preview, commit, merge, refusal, rollback."""

import json
from pathlib import Path

import pytest

from import_support import analyse
from indicators.ingest.pipeline import commit_import
from indicators.loading import demo_observations, load_tables, observation_store
from indicators.observations import is_demo
from indicators.store.commits import rollback

LATIN1_EXPORT = (
    "Indicateur;Code commune;Période;Sexe;Tranche d'âge;Nombre\r\n"
    "Consultations de sexologie;92050;01/01/2026;F;15-17;1\u00a0204\r\n"
    "Consultations de sexologie;92071;01/02/2026;M;18-25;3\r\n"
).encode("cp1252")


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def test_first_real_import_replaces_the_demo_data(data_copy):
    report = analyse(data_copy, LATIN1_EXPORT)
    assert (report.encoding, report.delimiter) == ("cp1252", "point-virgule")
    assert report.acceptable("all_or_nothing") and report.replaces_demo
    assert len(report.added) == 2 and report.changed.empty
    info = commit_import(report, observation_store(data_copy), "all_or_nothing", user=None, audit_folder=data_copy)
    assert info.version == 1 and info.rows == 2
    tables = load_tables(data_copy)
    assert not is_demo(tables.field_observations)
    assert sorted(tables.field_observations["value"]) == [3, 1204]
    source = tables.sources.set_index("source_id").loc["IMPORT_000001"]
    assert "export.csv" in source["title"] and source["read_at"].startswith("import n° 1")


def test_next_import_merges_and_shows_changes_old_to_new(data_copy):
    store = observation_store(data_copy)
    commit_import(analyse(data_copy, LATIN1_EXPORT), store, "all_or_nothing", user=None, audit_folder=data_copy)
    update = (
        "indicateur;code_commune;periode;sexe;tranche_age;valeur\nconsultations_sexologie;92050;2026-01;F;15-17;1300\n"
        "consultations_sexologie;92002;2026-01;F;15-17;8\n"
    )
    report = analyse(data_copy, update.encode(), "mise_a_jour.csv")
    assert report.changed[["territory_code", "value_old", "value_new"]].values.tolist() == [["92050", 1204, 1300]]
    assert report.added["territory_code"].tolist() == ["92002"]
    info = commit_import(report, store, "all_or_nothing", user=None, audit_folder=data_copy)
    assert (info.version, info.rows, info.rows_added, info.rows_changed) == (2, 3, 1, 1)


def test_file_with_errors_is_refused_whole_unless_the_analyst_keeps_valid_rows(data_copy):
    content = (
        b"indicateur;code_commune;periode;valeur\n"
        b"consultations_sexologie;92050;2026-01;4\nconsultations_sexologie;99999;2026-01;4\n"
    )
    report = analyse(data_copy, content)
    assert not report.acceptable("all_or_nothing")
    with pytest.raises(ValueError):
        commit_import(report, observation_store(data_copy), "all_or_nothing", user=None, audit_folder=data_copy)
    assert observation_store(data_copy).latest_version() == 0
    info = commit_import(report, observation_store(data_copy), "valid_rows", user=None, audit_folder=data_copy)
    assert info.rows == 1


def test_personal_data_refuses_the_file_and_leaves_nothing(data_copy):
    before = files_under(data_copy)
    content = (
        "indicateur;code_commune;periode;valeur;Nom;Téléphone\n"
        "consultations_sexologie;92050;2026-01;1;Martin;06 12 34 56 78\n"
    ).encode()
    report = analyse(data_copy, content)
    assert report.personal_data and report.refusal
    assert not report.acceptable("valid_rows") and report.rows.empty
    assert files_under(data_copy) == before
    assert "06 12 34 56 78" not in str(report.as_json("valid_rows"))


def test_rollback_to_version_zero_brings_the_demo_back(data_copy):
    store = observation_store(data_copy)
    baseline = demo_observations(data_copy)
    commit_import(analyse(data_copy, LATIN1_EXPORT), store, "all_or_nothing", user=None, audit_folder=data_copy)
    info = rollback(store, 0, baseline=baseline)
    assert info.version == 2 and info.restored_from == 0
    assert is_demo(load_tables(data_copy).field_observations)
    assert len(store.read(1)) == 2  # nothing deleted


def test_a_detail_replaces_the_stored_total_it_breaks_down(data_copy):
    store = observation_store(data_copy)
    total = (
        "indicateur;code_commune;periode;sexe;tranche_age;valeur\nconsultations_sexologie;92050;2026-01;;;12\n"
        "consultations_sexologie;92002;2026-01;;;5\n"
    )
    commit_import(
        analyse(data_copy, total.encode(), "totaux.csv"), store, "all_or_nothing", user=None, audit_folder=data_copy
    )
    detail = (
        "indicateur;code_commune;periode;sexe;tranche_age;valeur\nconsultations_sexologie;92050;2026-01;F;15-17;9\n"
        "consultations_sexologie;92050;2026-01;M;15-17;4\n"
    )
    report = analyse(data_copy, detail.encode(), "detail.csv")
    # Nanterre's total goes (its detail replaces it, or sums would count 13 + 12); Antony's stays.
    assert report.removed[["territory_code", "sex", "value"]].values.tolist() == [["92050", "ensemble", 12]]
    commit_import(report, store, "all_or_nothing", user=None, audit_folder=data_copy)
    stored = load_tables(data_copy).field_observations
    assert stored.groupby("territory_code")["value"].sum().to_dict() == {"92002": 5, "92050": 13}


def test_the_same_file_twice_writes_one_version_and_says_no_change(data_copy):
    store = observation_store(data_copy)
    assert (
        commit_import(
            analyse(data_copy, LATIN1_EXPORT), store, "all_or_nothing", user=None, audit_folder=data_copy
        ).version
        == 1
    )
    again = analyse(data_copy, LATIN1_EXPORT)
    assert again.unchanged and again.acceptable("all_or_nothing")
    assert again.added.empty and again.changed.empty and again.removed.empty
    assert commit_import(again, store, "all_or_nothing", user=None, audit_folder=data_copy) is None
    assert store.latest_version() == 1
    summary = again.as_json("all_or_nothing")
    assert summary["unchanged"] and summary["ok"] and summary["version"] is None
    assert summary["message"].startswith("Aucun changement")


def test_a_file_with_one_new_value_is_not_unchanged(data_copy):
    store = observation_store(data_copy)
    commit_import(analyse(data_copy, LATIN1_EXPORT), store, "all_or_nothing", user=None, audit_folder=data_copy)
    report = analyse(data_copy, LATIN1_EXPORT.replace(b";3\r\n", b";4\r\n"))
    assert not report.unchanged and len(report.changed) == 1
    assert commit_import(report, store, "all_or_nothing", user=None, audit_folder=data_copy).version == 2


def test_an_import_found_unchanged_still_writes_if_another_version_landed_meanwhile(data_copy):
    store = observation_store(data_copy)
    commit_import(analyse(data_copy, LATIN1_EXPORT), store, "all_or_nothing", user=None, audit_folder=data_copy)
    again = analyse(data_copy, LATIN1_EXPORT)
    other = b"indicateur;code_commune;periode;valeur\nconsultations_sexologie;92050;2026-01;9\n"
    commit_import(analyse(data_copy, other, "autre.csv"), store, "all_or_nothing", user=None, audit_folder=data_copy)
    # Merged on version 2, the file brings back the value 9 → 1 204: that is a change, written.
    assert commit_import(again, store, "all_or_nothing", user=None, audit_folder=data_copy).version == 3
    assert not again.unchanged


def demo_as_csv(folder: Path) -> bytes:
    demo = demo_observations(folder)
    header = "indicateur;code_commune;periode;sexe;tranche_age;valeur\n"
    return (
        header
        + "\n".join(
            ";".join(map(str, row))
            for row in demo[["indicator_id", "territory_code", "period", "sex", "age_group", "value"]].itertuples(
                index=False
            )
        )
    ).encode()


def test_importing_the_demo_file_itself_writes_nothing_and_the_data_stay_labelled_fictitious(data_copy):
    report = analyse(data_copy, demo_as_csv(data_copy), "demo.csv")
    assert report.replaces_demo and report.unchanged and report.acceptable("all_or_nothing")
    assert report.as_json("all_or_nothing")["message"].startswith(
        "Aucun changement : le fichier reproduit les données fictives"
    )
    assert (
        commit_import(report, observation_store(data_copy), "all_or_nothing", user=None, audit_folder=data_copy) is None
    )
    assert observation_store(data_copy).latest_version() == 0
    assert is_demo(load_tables(data_copy).field_observations)


def test_the_demo_file_minus_one_row_replaces_the_demo(data_copy):
    content = demo_as_csv(data_copy).rsplit(b"\n", 1)[0]
    report = analyse(data_copy, content, "demo.csv")
    assert not report.unchanged
    assert (
        commit_import(report, observation_store(data_copy), "all_or_nothing", user=None, audit_folder=data_copy).version
        == 1
    )


def test_cli_says_no_change_exits_0_and_writes_nothing(data_copy, tmp_path, monkeypatch, capsys):
    from indicators.__main__ import main

    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    upload = tmp_path / "export.csv"
    upload.write_bytes(LATIN1_EXPORT)
    assert main(["ingest", str(upload), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 1
    assert main(["ingest", str(upload), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["unchanged"], summary["version"]) == (True, None) and "Aucun changement" in summary["message"]
    assert main(["ingest", str(upload)]) == 0
    assert "Aucun changement" in capsys.readouterr().out
    assert observation_store(data_copy).latest_version() == 1


def test_a_cell_pasted_in_windows_1252_is_imported_and_named_in_the_report(data_copy, tmp_path, monkeypatch, capsys):
    from indicators.__main__ import main

    content = (
        "\ufeffindicateur;code_commune;periode;sexe;valeur;Commentaire\r\n"
        "consultations_sexologie;92050;2026-01;F;4;déjà vu\r\n"
    ).encode() + "consultations_sexologie;92002;2026-01;F;2;l’œuvre, 5 €\r\n".encode("cp1252")
    report = analyse(data_copy, content)
    assert report.acceptable("all_or_nothing") and report.encoding == "utf-8-sig"
    assert [(cell.line, cell.column, cell.value) for cell in report.misencoded] == [(3, "Commentaire", "l’œuvre, 5 €")]
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    upload = tmp_path / "colle.csv"
    upload.write_bytes(content)
    assert main(["ingest", str(upload), "--dry-run", "--json"]) == 0
    [cell] = json.loads(capsys.readouterr().out)["misencoded"]
    assert (cell["line"], cell["column"]) == (3, "Commentaire")
    assert cell["message"].startswith("Ligne 3, colonne « Commentaire » : des octets ne sont pas valides en UTF-8")


def test_the_import_page_says_no_change_and_offers_no_confirmation(data_copy, monkeypatch):
    from app_support import open_page

    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    commit_import(
        analyse(data_copy, LATIN1_EXPORT),
        observation_store(data_copy),
        "all_or_nothing",
        user=None,
        audit_folder=data_copy,
    )
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("export.csv", LATIN1_EXPORT, "text/csv")).run()
    assert not app.exception
    assert any(info.value.startswith("Aucun changement") for info in app.info)
    confirm = next(button for button in app.button if button.label == "Confirmer l'import")
    assert confirm.disabled
    assert observation_store(data_copy).latest_version() == 1


def test_the_import_page_shows_the_misencoded_cell_before_confirmation(data_copy, monkeypatch):
    from app_support import open_page

    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    content = (
        "indicateur;code_commune;periode;sexe;valeur;Commentaire\r\n"
        "consultations_sexologie;92050;2026-01;F;4;déjà vu\r\n"
    ).encode() + "consultations_sexologie;92002;2026-01;F;2;l’œuvre\r\n".encode("cp1252")
    app = open_page("views/importer.py", analyst=True)
    app.file_uploader[0].set_value(("colle.csv", content, "text/csv")).run()
    assert not app.exception
    assert any("1 ligne(s) contiennent des octets non valides" in warning.value for warning in app.warning)
    shown = next(frame.value for frame in app.dataframe if "Valeur lue" in frame.value.columns)
    assert shown.to_dict("records") == [{"Ligne": 3, "Colonne": "Commentaire", "Valeur lue": "l’œuvre"}]
