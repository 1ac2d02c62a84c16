"""`python -m indicators` as an analyst's script would call it, on a copy of data/."""

import json
import os
import subprocess
import sys

from cli_support import run_cli

LATIN1 = (
    "Indicateur;Code commune;Année;Mois;Nombre\r\n"
    "Jeunes entrés en suivi à la Veille active jeunes;92050;2026;3;1\u00a0204\r\n"
).encode("cp1252")


def test_ingest_json_then_export(data_copy, tmp_path):
    upload = tmp_path / "export.csv"
    upload.write_bytes(LATIN1)
    dry = run_cli(data_copy, "ingest", str(upload), "--dry-run", "--json")
    assert dry.returncode == 0
    report = json.loads(dry.stdout)
    assert {
        key: report[key]
        for key in ("ok", "encoding", "delimiter", "rows_read", "rows_valid", "rows_rejected", "version")
    } == {
        "ok": True,
        "encoding": "cp1252",
        "delimiter": "point-virgule",
        "rows_read": 1,
        "rows_valid": 1,
        "rows_rejected": 0,
        "version": None,
    }
    assert not (data_copy / "store").exists()
    done = run_cli(data_copy, "ingest", str(upload), "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["version"] == 1
    exported = run_cli(
        data_copy,
        "export",
        "--indicator",
        "jeunes_suivis_vaj",
        "--territory",
        "92050",
        "--unsuppressed",
        "--who",
        "analyste@example.fr",
    )
    lines = exported.stdout.decode("utf-8-sig").splitlines()
    assert lines == [
        "indicateur;territoire;période;sexe;tranche d'âge;valeur;source",
        "jeunes_suivis_vaj;92050;2026-03;ensemble;ensemble;1204;IMPORT_000001",
    ]
    assert b"version 1" in run_cli(data_copy, "history").stdout
    # The public export of the same figures: the protected cells, the month, its quarter and its year.
    public = run_cli(data_copy, "export", "--indicator", "jeunes_suivis_vaj", "--territory", "92050")
    rows = public.stdout.decode("utf-8-sig").splitlines()
    # Then what each figure adds up: one commune of one, one month of one.
    assert rows[0] == (
        "indicateur;territoire;niveau;période;répartition;groupe;valeur;"
        "communes comptées;communes attendues;mois couverts;mois attendus"
    )
    assert "jeunes_suivis_vaj;92050;mois;2026-03;aucune;ensemble;1204;1;1;1;1" in rows


def audit_entries(data_dir) -> list[dict]:
    return [json.loads(line) for line in (data_dir / "audit" / "audit.log").read_text(encoding="utf-8").splitlines()]


def test_the_default_export_is_public_and_the_raw_one_is_audited(data_copy, tmp_path):
    """An export mailed to a partner carries no count from 1 to k − 1; the raw counts leave a trace."""
    import hashlib
    import re

    public = run_cli(data_copy, "export", "--out", str(tmp_path / "public.csv"))
    assert public.returncode == 0
    rows = (tmp_path / "public.csv").read_text(encoding="utf-8-sig").splitlines()
    value = rows[0].split(";").index("valeur")
    values = [row.split(";")[value] for row in rows[1:]]
    assert "s" in values, "les données de démonstration ont des effectifs masqués"
    assert not [value for value in values if re.fullmatch(r"[1-4]", value)]
    assert not (data_copy / "audit" / "audit.log").exists()  # a public export is not an event
    raw = run_cli(
        data_copy, "export", "--unsuppressed", "--who", "analyste@example.fr", "--out", str(tmp_path / "raw.csv")
    )
    assert raw.returncode == 0
    written = (tmp_path / "raw.csv").read_bytes()
    assert re.search(rb";[1-4];DEMO_FICTIVE", written), "l'export brut garde les petits effectifs"
    [entry] = audit_entries(data_copy)
    assert entry["action"] == "export sans secret statistique" and entry["who"] == "analyste@example.fr"
    assert entry["sha256"] == hashlib.sha256(written).hexdigest()
    assert run_cli(data_copy, "export", "--territory", "75056").returncode == 2


def test_a_command_line_rollback_and_import_leave_audit_entries(data_copy, tmp_path):
    upload = tmp_path / "un.csv"
    upload.write_bytes(LATIN1)
    assert run_cli(data_copy, "ingest", str(upload), "--who", "analyste@example.fr").returncode == 0
    back = run_cli(data_copy, "rollback", "0", "--who", "analyste@example.fr")
    assert back.returncode == 0 and b"Version 2" in back.stdout
    actions = [(entry["action"], entry["who"]) for entry in audit_entries(data_copy)]
    assert actions == [("import", "analyste@example.fr"), ("retour à une version", "analyste@example.fr")]
    assert audit_entries(data_copy)[1]["restored_from"] == 0 and audit_entries(data_copy)[1]["version"] == 2


def test_refused_file_exits_1_with_errors_and_writes_nothing(data_copy, tmp_path):
    upload = tmp_path / "bad.csv"
    upload.write_bytes(b"indicateur;code_commune;periode;valeur\nconsultations_sexologie;92050;2026-13;4\n")
    result = run_cli(data_copy, "ingest", str(upload), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["version"] is None
    assert report["errors"] == [
        {"line": 2, "column": "periode", "value": "2026-13", "message": report["errors"][0]["message"]}
    ]
    assert report["errors"][0]["message"].startswith("période illisible")
    assert not (data_copy / "store").exists()


def test_usage_errors_exit_2(data_copy, tmp_path):
    assert run_cli(data_copy, "ingest").returncode == 2
    assert run_cli(data_copy, "ingest", str(tmp_path / "absent.csv")).returncode == 2


def test_demo_export_carries_the_label(data_copy):
    exported = run_cli(data_copy, "export", "--indicator", "professionnels_formes")
    header, first = exported.stdout.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("statut_donnees;") and first.startswith("données fictives de démonstration;")


def test_several_imports_at_once_all_land_in_order(data_copy, tmp_path):
    """Four analysts' scripts import different communes at the same moment: four versions, every row."""
    communes = ["92002", "92004", "92007", "92009"]
    env = {**os.environ, "INDICATORS_DATA_DIR": str(data_copy)}
    processes = []
    for commune in communes:
        upload = tmp_path / f"{commune}.csv"
        upload.write_text(
            "indicateur;code_commune;periode;valeur\n"
            + "".join(f"consultations_sexologie;{commune};2026-{month:02d};{month}\n" for month in range(1, 13)),
            encoding="utf-8",
        )
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "indicators", "ingest", str(upload), "--json"], env=env, stdout=subprocess.PIPE
            )
        )
    versions = sorted(json.loads(process.communicate(timeout=120)[0])["version"] for process in processes)
    assert versions == [1, 2, 3, 4]
    from indicators.loading import observation_store

    latest = observation_store(data_copy).read()
    assert len(latest) == 48
    assert sorted(latest["territory_code"].unique()) == communes
