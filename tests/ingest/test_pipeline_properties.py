"""Property-based: random or mutated files never crash the pipeline and never write when refused."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from import_support import analyse
from indicators.ingest.pipeline import commit_import
from indicators.loading import load_tables, observation_store

VALID = (
    "indicateur;code_commune;periode;sexe;tranche_age;valeur\r\n"
    "consultations_sexologie;92050;2025-01;F;15-17;4\r\n"
    "consultations_sexologie;92071;03/2025;M;18-25;1\u00a0204\r\n"
).encode("cp1252")


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    import shutil

    from indicators.config import DEFAULT_DATA_DIR

    folder = tmp_path_factory.mktemp("properties") / "data"
    shutil.copytree(DEFAULT_DATA_DIR, folder, ignore=shutil.ignore_patterns("store"))
    tables = load_tables(folder)
    return folder, tables, tables.territories.loc[tables.territories["level"] == "commune"]


def files_under(folder: Path) -> set[tuple[str, int]]:
    return {(str(path), path.stat().st_size) for path in folder.rglob("*") if path.is_file()}


def mutate(content: bytes, position: int, replacement: bytes, cut: int) -> bytes:
    position %= len(content) + 1
    return content[:position] + replacement + content[position + cut :]


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(content=st.binary(max_size=2000), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt"]))
def test_random_bytes_never_crash(context, content, name):
    report = analyse(context[1], content, name)
    assert report.acceptable("all_or_nothing") == (
        report.refusal is None and not report.errors and report.rows_valid > 0
    )


@SETTINGS
@given(
    position=st.integers(0, 400),
    replacement=st.binary(max_size=12),
    cut=st.integers(0, 12),
    mode=st.sampled_from(["all_or_nothing", "valid_rows"]),
)
def test_mutated_files_are_refused_without_writing_or_accepted_consistently(context, position, replacement, cut, mode):
    folder = context[0]
    before = files_under(folder)
    report = analyse(context[1], mutate(VALID, position, replacement, cut), "f.csv")
    if not report.acceptable(mode):
        with pytest.raises(ValueError):
            commit_import(report, observation_store(folder), mode, user=None, audit_folder=folder)
        assert files_under(folder) == before
    else:
        assert report.rows_valid >= 1
        assert set(report.rows["territory_code"]) <= set(context[2]["territory_code"])
        assert (report.rows["value"] >= 0).all()


@SETTINGS
@given(text=st.text(alphabet=st.characters(codec="cp1252"), max_size=300))
def test_random_text_cells_never_crash(context, text):
    content = "indicateur;code_commune;periode;valeur;note\r\nconsultations_sexologie;92050;2025-01;4;" + text + "\r\n"
    report = analyse(context[1], content.encode("cp1252"), "f.csv")
    assert report.rows_read >= 0
