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
    assert page.count('class="slide"') == 8 and page.startswith('<!DOCTYPE html><html lang="fr">')
    assert "Plotly.newPlot" in page and "Données fictives de démonstration" in page


def test_labels_cannot_close_the_script_element(slides):
    from dataclasses import replace

    hostile = replace(slides[0], headline="</script><script>alert(1)</script>")
    page = deck_html([hostile])
    assert "<script>alert(1)" not in page


def test_svg_has_headline_source_and_caveat(slides):
    slide = slides[4]
    svg = chart_image(slide.figure, slide.headline, slide.source, slide.caveat, slide.is_demo, "svg").decode()
    assert "Signalements liés à un risque" in svg and "Source" in svg and "Précaution" in svg
    assert "Données fictives de démonstration" in svg


def test_zip_holds_every_slide_at_1920_by_1080(slides):
    with zipfile.ZipFile(io.BytesIO(slides_zip(slides[:2]))) as archive:
        names = archive.namelist()
        assert names == ["diapositive_01_estimation_nationale.png", "diapositive_02_victimes_proxenetisme.png"]
        assert all(png_size(archive.read(name)) == (1920, 1080) for name in names)


def test_pdf_has_one_page_per_slide_and_the_sources(slides):
    reader = PdfReader(io.BytesIO(deck_pdf(slides)))
    assert len(reader.pages) == len(slides) + 1
    assert "Sources" in reader.pages[-1].extract_text()
    assert "7" in reader.pages[0].extract_text() and "10" in reader.pages[0].extract_text()
