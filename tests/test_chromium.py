"""The one Chromium of the exports: its path is a setting, its command is built once, and a missing,
failing or stuck Chromium is said in French with its path (the conftest points it nowhere outside
`browser` tests)."""

from __future__ import annotations

import io
from pathlib import Path

import plotly.graph_objects as go
import pytest
from pypdf import PdfReader

import indicators.chromium
from indicators.chromium import A4_WINDOW, ChromiumError, figure_image, html_to_pdf, print_command
from indicators.config import DEFAULT_CHROMIUM_PATH, chromium_path
from indicators.i18n import in_language

PAGE = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>@page { size: A4; }</style></head>'
PAGE += "<body><h1>Fiche de Nanterre</h1></body></html>"


@pytest.mark.parametrize(
    ("configured", "expected"),
    [(None, DEFAULT_CHROMIUM_PATH), ("  ", DEFAULT_CHROMIUM_PATH), ("/opt/chromium/chrome", "/opt/chromium/chrome")],
)
def test_the_path_is_chromium_path_or_debian_s(monkeypatch, configured, expected):
    if configured is None:
        monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    else:
        monkeypatch.setenv("CHROMIUM_PATH", configured)
    assert chromium_path() == expected


def test_the_print_command_runs_the_configured_chromium_at_the_page_size(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", "/opt/chromium/chrome")
    page, output = "file:///tmp/page.html?print", tmp_path / "page.pdf"
    command = print_command(page, output, tmp_path / "profile", (1122, 631), 20_000)
    assert command[:2] == ["/opt/chromium/chrome", "--headless"]
    assert "--window-size=1122,631" in command and "--virtual-time-budget=20000" in command
    assert command[-2:] == [f"--print-to-pdf={output}", page]
    assert not any("virtual-time" in part for part in print_command("p", tmp_path, tmp_path, A4_WINDOW, None))


def test_a_missing_chromium_is_said_in_french_with_its_path(monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", "/nulle/part/chromium")
    with pytest.raises(ChromiumError, match="Chromium introuvable à /nulle/part/chromium : installer le paquet"):
        html_to_pdf(PAGE)
    with pytest.raises(ChromiumError, match="introuvable à /nulle/part/chromium"):
        figure_image(go.Figure(go.Bar(y=[1, 2])), "png", 200, 100)
    with in_language("en"), pytest.raises(ChromiumError, match="not found at /nulle/part/chromium"):
        html_to_pdf(PAGE)


def fake_chromium(folder: Path, script: str) -> str:
    """An executable standing in for Chromium: it runs `script` (shell) and prints nothing."""
    program = folder / "chromium"
    program.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    program.chmod(0o755)
    return str(program)


def test_a_failing_chromium_is_said_with_its_exit_code_and_last_words(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", fake_chromium(tmp_path, "echo 'profil verrouillé' >&2; exit 3"))
    with pytest.raises(ChromiumError, match=r"n'a pas pu imprimer le PDF \(code 3\) : profil verrouillé"):
        html_to_pdf(PAGE)


def test_a_stuck_chromium_is_stopped_and_said(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", fake_chromium(tmp_path, "exec sleep 30"))
    monkeypatch.setattr(indicators.chromium, "PRINT_TIMEOUT_SECONDS", 0.5)
    with pytest.raises(ChromiumError, match=r"n'a pas fini d'imprimer le PDF en 0\.5 secondes"):
        html_to_pdf(PAGE)


@pytest.mark.browser
def test_html_is_printed_on_one_a4_page():
    reader = PdfReader(io.BytesIO(html_to_pdf(PAGE)))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert "Fiche de Nanterre" in reader.pages[0].extract_text()


@pytest.mark.browser
def test_a_figure_is_drawn_at_the_size_asked():
    png = figure_image(go.Figure(go.Bar(y=[1, 2])), "png", 320, 200)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 320 and int.from_bytes(png[20:24], "big") == 200


@pytest.mark.parametrize(
    "command", [["deck", "--out", "deck.html", "--pdf", "deck.pdf"], ["fiche", "--territory", "92050"]]
)
def test_the_command_line_says_a_chromium_failure_in_french_without_a_traceback(monkeypatch, capsys, command):
    """`deck --pdf` and `fiche` print Chromium's French message alone and exit 1."""
    import indicators.__main__ as cli
    import indicators.sheet_cli

    def fails(*_args: object, **_kwargs: object) -> int:
        raise ChromiumError("Chromium introuvable à /nulle/part/chromium : installer le paquet chromium.")

    monkeypatch.setattr(cli, "run_deck", fails)
    monkeypatch.setattr(indicators.sheet_cli, "run_sheets", fails)
    assert cli.main(command) == 1
    printed = capsys.readouterr()
    assert printed.err.strip() == "Chromium introuvable à /nulle/part/chromium : installer le paquet chromium."
    assert "Traceback" not in printed.err + printed.out
