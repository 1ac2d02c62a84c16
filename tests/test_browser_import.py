"""An analyst imports files through the real file chooser: a Latin-1, semicolon, decimal-comma export;
then a quarterly file, a yearly wide workbook and a three-month file, after which every page renders."""

import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page

from browser_support import (
    assert_no_error,
    copy_data,
    open_and_wait,
    serve,
    wait_until_idle,
)
from indicators.pages import addresses

pytestmark = pytest.mark.browser

MONTHS = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)]


def spreadsheet_export(folder: Path) -> tuple[Path, int]:
    """Monthly reports for Nanterre in 2025–2026, as Excel saves a French CSV; returns December 2026's figure."""
    lines = ["Indicateur;Code commune;Période;Sexe;Tranche d'âge;Nombre"]
    values = {month: 1000 + index for index, month in enumerate(MONTHS)}
    for month, value in values.items():
        year, number = month.split("-")
        lines.append(
            f"Signalements liés à un risque prostitutionnel;92050;01/{number}/{year};F;15-17;"
            f"{value // 1000}\u00a0{value % 1000:03d}"
        )
    path = folder / "export_signalements.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path, values["2026-12"]


def wait_for_rerun(page: Page) -> None:
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(800)


def test_upload_preview_confirm_then_trends_change(server, page, tmp_path):
    export, last_month = spreadsheet_export(tmp_path)
    open_and_wait(page, f"{server}/importer")
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone'] button").click()
    chooser.value.set_files(str(export))
    page.get_by_text("Lecture du fichier").wait_for(timeout=30_000)
    wait_for_rerun(page)
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    assert "encodage cp1252" in text and "séparateur point-virgule" in text
    assert "Lignes ajoutées (24)" in text
    assert "données fictives de démonstration seront retirées" in text
    assert_no_error(page, "import_apercu")

    page.get_by_role("button", name="Confirmer l'import").click()
    page.get_by_text("Import enregistré : version 1").wait_for(timeout=30_000)
    assert_no_error(page, "import_confirme")

    open_and_wait(page, f"{server}/tendances")
    heading = page.locator("h2").first.inner_text().replace("\u202f", " ")
    total = f"{last_month // 1000} {last_month % 1000:03d}"
    # Monthly data are drawn by month by default (the grouping follows the data's own granularity).
    assert heading.startswith(
        f"Signalements liés à un risque prostitutionnel (Hauts-de-Seine) : {total} signalements en décembre 2026"
    )
    assert "Données fictives de démonstration" not in main.inner_text()
    assert "export_signalements.csv" in main.inner_text()  # the source line names the imported file
    assert_no_error(page, "tendances_apres_import")

    open_and_wait(page, f"{server}/historique")
    # The version table is drawn on a canvas; the rollback form names the versions in text.
    assert "créer la version 2, identique à la version 1" in page.locator("[data-testid='stMain']").inner_text()
    assert_no_error(page, "historique_apres_import")


# Three files of other shapes, imported one after the other, then every page opened -------------

QUARTERS = [
    "T1 2024",
    "2e trimestre 2024",
    "2024-Q3",
    "T4-2024",
    "1er trimestre 2025",
    "2025 T2",
    "Q3 2025",
    "4e trim. 2025",
]
QUARTER_COMMUNES = ["92050", "92002", "92071"]
WIDE_COMMUNES = ["Nanterre", "Antony", "Sceaux", "Clamart"]
MONTHS_2025 = ["octobre", "novembre", "décembre"]
MONTHLY_INDICATORS = [
    "Signalements liés à un risque prostitutionnel",
    "Jeunes entrés en suivi à la Veille active jeunes",
]
IMPORTED = ["Consultations de sexologie", "Professionnels formés au risque prostitutionnel", *MONTHLY_INDICATORS]
# The pages opened once for each imported indicator, chosen in their first select box.
BY_INDICATOR = ("tendances", "territoires")
# An exception's class name, a traceback, or a value JavaScript or pandas failed to give.
ENGLISH_ERROR = re.compile(
    r"Traceback|\b[A-Z]\w*(?:Error|Exception)\b|\bNaN\b|\bundefined\b|\bNone\b|"
    r"Something went wrong|\bOh no\b|\bPlease\b"
)


def quarterly_file(folder: Path) -> tuple[Path, int]:
    """One indicator, three communes, eight quarters written as analysts write them (UTF-8, « Trimestre »)."""
    lines = ["Indicateur;Code commune;Trimestre;Nombre"]
    lines += [
        f"Consultations de sexologie;{commune};{quarter};{10 + index + 3 * position}"
        for position, commune in enumerate(QUARTER_COMMUNES)
        for index, quarter in enumerate(QUARTERS)
    ]
    path = folder / "consultations_trimestrielles.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(lines) - 1


def yearly_wide_workbook(folder: Path) -> tuple[Path, int]:
    """One column per year, communes by name, as a workbook."""
    workbook = Workbook()
    workbook.active.append(["Indicateur", "Commune", "2022", "2023", "2024"])
    for position, commune in enumerate(WIDE_COMMUNES):
        workbook.active.append(
            ["Professionnels formés au risque prostitutionnel", commune, 20 + position, 25 + position, 30 + position]
        )
    path = folder / "formations_par_annee.xlsx"
    workbook.save(path)
    return path, 3 * len(WIDE_COMMUNES)


def three_months_file(folder: Path) -> tuple[Path, int]:
    """Two indicators, October to December 2025, Année + Mois columns, by sex (Windows-1252)."""
    lines = ["Indicateur;Code INSEE;Année;Mois;Sexe;Effectif"]
    lines += [
        f"{indicator};{commune};2025;{month};{sex};{6 + index}"
        for indicator in MONTHLY_INDICATORS
        for commune in ("92050", "92002")
        for index, month in enumerate(MONTHS_2025)
        for sex in ("F", "M")
    ]
    path = folder / "trois_mois.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path, len(lines) - 1


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """A server of its own: these imports do not depend on, or disturb, the test above."""
    yield from serve(copy_data(tmp_path_factory.mktemp("shapes") / "data"))


def assert_no_english_error(page: Page, name: str) -> None:
    assert_no_error(page, name)
    found = ENGLISH_ERROR.findall(page.locator("[data-testid='stMain']").inner_text())
    assert not found, f"{name} : texte d'erreur en anglais {found}"


def choose(page: Page, position: int, option: str) -> None:
    page.locator("[data-testid='stSelectbox']").nth(position).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


def import_through_the_page(page: Page, server: str, path: Path, rows: int) -> None:
    open_and_wait(page, f"{server}/importer")
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone'] button").click()
    chooser.value.set_files(str(path))
    page.get_by_text("Lecture du fichier").wait_for(timeout=30_000)
    wait_for_rerun(page)
    wait_until_idle(page)
    text = page.locator("[data-testid='stMain']").inner_text()
    assert f"Lignes ajoutées ({rows})" in text, text[:2000]
    assert_no_english_error(page, f"apercu_{path.stem}")
    page.get_by_role("button", name="Confirmer l'import").click()
    page.get_by_text("Import enregistré : version").wait_for(timeout=30_000)
    assert_no_english_error(page, f"confirme_{path.stem}")


def test_quarterly_yearly_wide_and_monthly_imports_then_every_page_renders(fresh_server, page, tmp_path):
    for make in (quarterly_file, yearly_wide_workbook, three_months_file):
        import_through_the_page(page, fresh_server, *make(tmp_path))

    failures = []

    def check(name: str) -> None:
        try:
            assert_no_english_error(page, name)
        except AssertionError as error:  # every page is looked at, then all failures are reported together
            failures.append(str(error))

    # Every registered page; Tendances and Territoires below, once for each imported indicator.
    for path in addresses():
        if path in BY_INDICATOR:
            continue
        open_and_wait(page, f"{fresh_server}/{path}")
        check(f"formes_{path or 'vue_ensemble'}")
    for indicator in IMPORTED:
        for path in BY_INDICATOR:
            open_and_wait(page, f"{fresh_server}/{path}")
            choose(page, 0, indicator)
            check(f"formes_{path}_{indicator[:20]}")
    open_and_wait(page, f"{fresh_server}/?mode=presentation&slide=1")
    counter = re.search(r"1 / (\d+)", page.locator("[data-testid='stMain']").inner_text())
    check("formes_diapositive_1")
    for number in range(2, int(counter.group(1)) + 1 if counter else 1):
        open_and_wait(page, f"{fresh_server}/?mode=presentation&slide={number}")
        check(f"formes_diapositive_{number}")
    assert not failures, "\n".join(failures)


@pytest.fixture()
def served_folder(tmp_path):
    """A server on a data folder this test can look into."""
    folder = copy_data(tmp_path / "data")
    for url in serve(folder):
        yield url, folder


def test_after_an_import_the_new_version_s_secret_is_prepared_before_anyone_asks(served_folder, page, tmp_path):
    import time

    url, folder = served_folder
    export, _ = spreadsheet_export(tmp_path)
    import_through_the_page(page, url, export, 24)
    # Nobody opens a page: the lattice of version 1 is solved in the background and recorded as a release.
    from indicators.loading import load_tables, observation_store
    from indicators.secret.releases import protection_key

    store = observation_store(folder)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not store.releases():
        time.sleep(0.5)
    releases = store.releases()
    assert len(releases) == 1, "le secret de la nouvelle version n'a pas été préparé"
    assert (releases[0].version, releases[0].digest) == (1, protection_key(load_tables(folder), 5))
