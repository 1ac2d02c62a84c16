"""An analyst imports a Latin-1, semicolon, decimal-comma export through the real file chooser."""

from pathlib import Path

import pytest
from browser_support import assert_no_error, open_and_wait
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

MONTHS = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)]


def spreadsheet_export(folder: Path) -> tuple[Path, int]:
    """Monthly reports for Nanterre in 2025–2026, as Excel saves a French CSV; returns T4 2026's total."""
    lines = ["Indicateur;Code commune;Période;Sexe;Tranche d'âge;Nombre"]
    values = {month: 1000 + index for index, month in enumerate(MONTHS)}
    for month, value in values.items():
        year, number = month.split("-")
        lines.append(f"Signalements liés à un risque prostitutionnel;92050;01/{number}/{year};F;15-17;"
                     f"{value // 1000}\u00a0{value % 1000:03d}")
    path = folder / "export_signalements.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path, sum(values[month] for month in ("2026-10", "2026-11", "2026-12"))


def wait_for_rerun(page: Page) -> None:
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(800)


def test_upload_preview_confirm_then_trends_change(server, page, tmp_path):
    export, last_quarter = spreadsheet_export(tmp_path)
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
    total = f"{last_quarter // 1000} {last_quarter % 1000:03d}"
    assert heading.startswith(f"Signalements liés à un risque prostitutionnel (Hauts-de-Seine) : {total} signalements en T4 2026")
    assert "Données fictives de démonstration" not in main.inner_text()
    assert "export_signalements.csv" in main.inner_text()  # the source line names the imported file
    assert_no_error(page, "tendances_apres_import")

    open_and_wait(page, f"{server}/historique")
    # The version table is drawn on a canvas; the rollback form names the versions in text.
    assert "créer la version 2, identique à la version 1" in page.locator("[data-testid='stMain']").inner_text()
    assert_no_error(page, "historique_apres_import")
