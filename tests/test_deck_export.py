import io
import re
import struct
import zipfile

import pytest
from pypdf import PdfReader

from indicators.config import DEFAULT_DATA_DIR
from indicators.deck import protected_deck, read_deck
from indicators.deck_export import chart_image, deck_html, deck_pdf, slides_zip


@pytest.fixture(scope="module")
def slides(tables):
    return protected_deck(tables, read_deck(DEFAULT_DATA_DIR), 5)


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG")
    return struct.unpack(">II", png[16:24])


def test_offline_deck_needs_no_network(slides):
    page = deck_html(slides)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    assert page.count('class="slide"') == 10 and page.startswith('<!DOCTYPE html><html lang="fr">')
    assert "Plotly.newPlot" in page and "Données fictives de démonstration" in page


def test_labels_cannot_close_the_script_element(slides):
    from dataclasses import replace

    hostile = replace(slides[0], headline="</script><script>alert(1)</script>")
    page = deck_html([hostile])
    assert "<script>alert(1)" not in page


@pytest.mark.browser
def test_svg_has_headline_source_and_caveat(slides):
    slide = slides[4]
    svg = chart_image(slide.figure, slide.headline, slide.source, slide.caveat, slide.is_demo, "svg").decode()
    assert "Signalements liés à un risque" in svg and "Source" in svg and "Précaution" in svg
    assert "Données fictives de démonstration" in svg


@pytest.mark.browser
def test_zip_holds_every_slide_at_1920_by_1080(slides):
    with zipfile.ZipFile(io.BytesIO(slides_zip(slides[:2]))) as archive:
        names = archive.namelist()
        assert names == ["diapositive_01_estimation_nationale.png", "diapositive_02_victimes_proxenetisme.png"]
        assert all(png_size(archive.read(name)) == (1920, 1080) for name in names)


@pytest.mark.browser
def test_pdf_has_one_page_per_slide_and_the_sources(slides):
    reader = PdfReader(io.BytesIO(deck_pdf(slides)))
    assert len(reader.pages) == len(slides) + 1
    assert "Sources" in reader.pages[-1].extract_text()
    assert "7" in reader.pages[0].extract_text() and "10" in reader.pages[0].extract_text()


# --- `python -m indicators deck` says what it wrote ------------------------------------------------


def short_deck(folder, slide_ids):
    import pandas as pd

    deck = pd.read_csv(folder / "deck.csv", dtype=str, keep_default_na=False)
    deck.loc[deck["slide_id"].isin(slide_ids)].to_csv(folder / "deck.csv", index=False)


@pytest.mark.browser
def test_deck_command_says_what_it_wrote_where(data_copy, tmp_path, monkeypatch, capsys):
    from indicators.__main__ import main

    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    short_deck(data_copy, ["estimation_nationale", "signalements_92"])
    out = tmp_path / "nouveau dossier"  # created if missing
    code = main(["deck", "--out", str(out / "p.html"), "--pdf", str(out / "p.pdf"), "--png-zip", str(out / "d.zip")])
    printed = capsys.readouterr().out
    assert code == 0
    assert printed.startswith("Présentation hors ligne : 2 diapositives.\n")
    assert f"- HTML autonome : {out / 'p.html'} (" in printed
    assert (
        f"- PDF à distribuer : {out / 'p.pdf'} (" in printed
        and "3 pages : une par diapositive, puis les sources" in printed
    )
    assert f"- Images PNG 1920×1080 : {out / 'd.zip'} (" in printed and "2 images" in printed
    assert "diapositive_01_estimation_nationale.png" in printed and "diapositive_02_signalements_92.png" in printed
    assert all((out / name).stat().st_size > 0 for name in ("p.html", "p.pdf", "d.zip"))
    assert "Laissées de côté" not in printed


def test_deck_command_without_any_slide_writes_nothing_and_says_why(data_copy, tmp_path, monkeypatch, capsys):
    from indicators.__main__ import main

    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    short_deck(data_copy, ["vaj_92", "formation_92"])
    demo = data_copy / "field_observations_demo.csv"
    demo.write_text(demo.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")  # no field data at all
    assert main(["deck", "--out", str(tmp_path / "p.html")]) == 1
    said = capsys.readouterr()
    assert said.err.startswith("Aucune diapositive à écrire") and "vaj_92, formation_92" in said.err
    assert "Rien n'a été écrit" in said.err and not (tmp_path / "p.html").exists()


# --- Demo wording only with the demo's figures -------------------------------------------------------


@pytest.mark.browser
def test_an_imported_deck_never_says_demo(tables):
    from deck_support import deck_asking, imported

    data = imported(
        tables,
        [
            ("signalements_risque_prostitutionnel", "92002", "2024", 15),
            ("signalements_risque_prostitutionnel", "92002", "2025", 18),
        ],
    )
    imported_slides = protected_deck(data, deck_asking(), 5)
    page = deck_html(imported_slides)
    assert 'class="slide"' in page and page.count('class="slide"') == 6  # the four published, the series, the map
    assert "fictive" not in page.lower() and "démonstration" not in page.lower()
    field = imported_slides[4]
    svg = chart_image(field.figure, field.headline, field.source, field.caveat, field.is_demo, "svg").decode()
    assert "fictive" not in svg.lower() and "démonstration" not in svg.lower()
    assert "import d&#39;un analyste" in svg or "import d'un analyste" in svg


# --- In English (?lang=en, `deck --lang en`) ---------------------------------------------------------


def test_offline_deck_in_english(tables):
    from indicators.deck_export import slide_file_name
    from indicators.i18n import in_language

    with in_language("en"):
        english = protected_deck(tables, read_deck(DEFAULT_DATA_DIR), 5)
        page = deck_html(english)
        name = slide_file_name(english[0])
    assert page.startswith('<!DOCTYPE html><html lang="en">')
    assert "<title>Prostitution of minors: key figures</title>" in page
    assert f'aria-label="Slide 1 of {len(english)}"' in page and "← Previous" in page and "Next →" in page
    assert '<p class="caveat">Caveat: ' in page and "Full screen (F)" in page
    assert "Précédente" not in page and "Précaution" not in page and "Diapositive" not in page
    assert name == "slide_01_estimation_nationale.png"


def test_deck_command_in_english(data_copy, tmp_path, monkeypatch, capsys):
    from indicators.__main__ import main

    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    short_deck(data_copy, ["estimation_nationale", "signalements_92"])
    assert main(["deck", "--lang", "en", "--out", str(tmp_path / "p.html")]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Offline presentation: 2 slides.\n")
    assert re.search(rf"- Self-contained HTML: {re.escape(str(tmp_path / 'p.html'))} \(\d+\.\d MB\)", printed)
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html><html lang="en">') and "Next →" in page


def test_command_help_in_english(capsys):
    from indicators.__main__ import main

    with pytest.raises(SystemExit) as exit_code:
        main(["deck", "--lang", "en", "--help"])
    assert exit_code.value.code == 0
    said = capsys.readouterr().out
    assert "self-contained HTML file to write" in said and "language of the files and messages" in said
    with pytest.raises(SystemExit):
        main(["deck", "--help"])
    assert "fichier HTML autonome à écrire" in capsys.readouterr().out
