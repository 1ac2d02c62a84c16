"""Headless Chromium, the one program that turns the deck and the sheets into PDF and charts into images.

Which Chromium is a setting (`config.chromium_path()`: Debian's package unless $CHROMIUM_PATH says
otherwise). A PDF is printed by one Chromium run on the page's HTML; an image is drawn by kaleido,
told the same Chromium. A missing, failing or stuck Chromium is said in words (`ChromiumError`, in
the current language), its path named.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import kaleido
import plotly.graph_objects as go
from kaleido.errors import ChromeNotFoundError

from indicators.config import chromium_path
from indicators.errors import ChromiumError as ChromiumError  # raised here, named where no browser loads
from indicators.i18n import _

# Nothing a print does not need: no sandbox (a container has no user namespaces), no GPU, no
# updates, sync or background requests (the pages are files that fetch nothing).
QUIET_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
PRINT_TIMEOUT_SECONDS = 120
A4_WINDOW = (794, 1123)  # an A4 page at 96 dpi


def not_found(path: str) -> ChromiumError:
    """The error for a Chromium that is not where the setting says."""
    return ChromiumError(
        _(
            "Chromium introuvable à {path} : installer le paquet Debian « chromium » "
            "ou donner son chemin dans CHROMIUM_PATH."
        ).format(path=path)
    )


def print_command(
    page: str, output: Path, profile: Path, window: tuple[int, int], script_time_ms: int | None
) -> list[str]:
    """The headless Chromium command printing `page` (a file address) to `output`, at the window's width."""
    budget = [f"--virtual-time-budget={script_time_ms}"] if script_time_ms else []
    return [
        chromium_path(),
        "--headless",
        *QUIET_FLAGS,
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--window-size={window[0]},{window[1]}",
        "--no-pdf-header-footer",
        *budget,
        f"--print-to-pdf={output}",
        page,
    ]


def html_to_pdf(
    page_html: str, window: tuple[int, int] = A4_WINDOW, query: str = "", script_time_ms: int | None = None
) -> bytes:
    """The page printed by headless Chromium, at the page size its CSS asks for. `window` is the size
    its scripts and layout see (the printed page's, at 96 dpi), `query` is added to its address, and
    `script_time_ms` lets its scripts draw (Plotly) before the print."""
    with tempfile.TemporaryDirectory() as folder:
        page, output = Path(folder) / "page.html", Path(folder) / "page.pdf"
        page.write_text(page_html, encoding="utf-8")
        command = print_command(page.as_uri() + query, output, Path(folder) / "profile", window, script_time_ms)
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PRINT_TIMEOUT_SECONDS)
        except FileNotFoundError as error:
            raise not_found(command[0]) from error
        except subprocess.TimeoutExpired as error:
            raise ChromiumError(
                _("Chromium ({path}) n'a pas fini d'imprimer le PDF en {seconds} secondes.").format(
                    path=command[0], seconds=PRINT_TIMEOUT_SECONDS
                )
            ) from error
        except subprocess.CalledProcessError as error:
            said = error.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ChromiumError(
                _("Chromium ({path}) n'a pas pu imprimer le PDF (code {code}) : {said}").format(
                    path=command[0], code=error.returncode, said=" ".join(said)
                )
            ) from error
        return output.read_bytes()


def figure_image(figure: go.Figure, image_format: str, width: int, height: int) -> bytes:
    """A Plotly figure as a PNG or SVG of `width` × `height` pixels, drawn by kaleido in this Chromium."""
    path = chromium_path()
    try:
        image: bytes = kaleido.calc_fig_sync(  # kaleido is untyped: it returns the file's bytes
            figure.to_dict(),
            opts={"format": image_format, "width": width, "height": height, "scale": 1},
            kopts={"path": path},
        )
    except ChromeNotFoundError as error:
        raise not_found(path) from error
    return image
