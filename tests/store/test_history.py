"""The history as the Historique page and `python -m indicators history` show it: the same counts."""

import os
import re
import subprocess
import sys

import pytest

from indicators.ingest.pipeline import analyse_upload, commit_import
from indicators.loading import demo_observations, load_tables, observation_store
from indicators.observations import is_demo
from indicators.store.commits import rollback
from indicators.store.history import (
    history_lines,
    version_changes,
    version_summaries,
    version_table,
)

HEADER = "indicateur;code_commune;periode;sexe;tranche_age;valeur\n"
TOTALS = HEADER + "consultations_sexologie;92050;2026-01;;;12\nconsultations_sexologie;92002;2026-01;;;5\n"
DETAIL = HEADER + "consultations_sexologie;92050;2026-01;F;15-17;9\nconsultations_sexologie;92050;2026-01;M;15-17;4\n"
BACK_TO_TOTAL = HEADER + "consultations_sexologie;92050;2026-01;ensemble;ensemble;14\n"


def import_text(folder, text: str, name: str) -> None:
    tables = load_tables(folder)
    communes = tables.territories.loc[tables.territories["level"] == "commune"]
    current = tables.field_observations
    report = analyse_upload(text.encode(), name, tables.indicators, communes, current, is_demo(current))
    commit_import(report, observation_store(folder), "all_or_nothing", user="analyste", audit_folder=folder)


@pytest.fixture()
def store_with_removals(data_copy):
    """Totals, then their detail (a total removed), then a total again (the detail removed), and rollbacks."""
    import_text(data_copy, TOTALS, "totaux.csv")
    import_text(data_copy, DETAIL, "detail.csv")
    import_text(data_copy, BACK_TO_TOTAL, "total.csv")
    store = observation_store(data_copy)
    rollback(store, 1, baseline=demo_observations(data_copy), user="analyste")
    rollback(store, 0, baseline=demo_observations(data_copy), user="analyste")
    return data_copy


def test_removed_rows_are_the_same_on_the_page_on_the_command_line_and_in_each_version_diff(store_with_removals):
    store = observation_store(store_with_removals)
    versions = store.versions()
    baseline = demo_observations(store_with_removals)
    env = {**os.environ, "INDICATORS_DATA_DIR": str(store_with_removals)}
    printed = subprocess.run(
        [sys.executable, "-m", "indicators", "history"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert printed == history_lines(versions)
    from_cli = {
        int(re.match(r"version (\d+)", line).group(1)): int(re.search(r"−(\d+)\)", line).group(1)) for line in printed
    }
    table = version_table(versions, len(baseline))
    from_page = dict(zip(table["Version"], table["Retirées"]))
    from_diffs = {info.version: len(version_changes(store, info.version, baseline).removed) for info in versions}
    # The import of the detail removes Nanterre's total, the next import the two detail rows; the
    # rollback to version 1 only changes that total (14 → 12), the rollback to the demo removes both totals.
    assert from_cli == from_diffs == {1: 0, 2: 1, 3: 2, 4: 0, 5: 2}
    assert {version: from_page[version] for version in from_cli} == {
        version: str(count) for version, count in from_cli.items()
    }


def test_summaries_are_newest_first_and_say_what_each_version_did(store_with_removals):
    summaries = version_summaries(observation_store(store_with_removals).versions())
    assert [summary.version for summary in summaries] == [5, 4, 3, 2, 1]
    assert [summary.operation for summary in summaries] == [
        "retour à la version 0",
        "retour à la version 1",
        "import du fichier « total.csv »",
        "import du fichier « detail.csv »",
        "import du fichier « totaux.csv » (remplace les données fictives)",
    ]
    assert [(summary.added, summary.changed, summary.removed) for summary in summaries][-2:] == [(2, 0, 1), (2, 0, 0)]
    assert all(summary.user == "analyste" for summary in summaries)


def test_history_of_a_store_without_imports_says_so(data_copy):
    env = {**os.environ, "INDICATORS_DATA_DIR": str(data_copy)}
    printed = subprocess.run(
        [sys.executable, "-m", "indicators", "history"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "Aucun import" in printed and "version 0" in printed
