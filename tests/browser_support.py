"""Serving the app and driving Debian's Chromium for the browser tests (fixtures in conftest.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from indicators.config import DEFAULT_DATA_DIR, REPO_ROOT, chromium_path

CHROMIUM = chromium_path()
ARTIFACTS = REPO_ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(data_folder: Path) -> Iterator[str]:
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / f"streamlit-{port}.log", "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(REPO_ROOT / "server.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            # The served app works on a copy of data/: browser tests never write into the repository.
            env={**os.environ, "INDICATORS_DATA_DIR": str(data_folder)},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        pytest.fail(f"le serveur Streamlit n'a pas démarré (voir artifacts/streamlit-{port}.log)")
                    time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


def launch_browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable à {CHROMIUM} : installer le paquet Debian « chromium » (voir .ci/run)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def new_page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 2400}, locale="fr-FR")
    yield context.new_page()
    context.close()


def copy_data(target: Path) -> Path:
    shutil.copytree(DEFAULT_DATA_DIR, target, ignore=shutil.ignore_patterns("store", "audit", "protected"))
    return target


ERROR_BOXES = "[data-testid='stException'], [data-testid='stAlertContentError']"


def open_and_wait(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1", timeout=30_000)
    wait_until_idle(page)


def wait_until_idle(page: Page) -> None:
    """Wait until the script run is over: the status widget only shows after a delay, so a slow
    run can look idle to it while the end of the page (buttons, their shortcuts) is still coming."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def assert_no_error(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    errors = page.locator(ERROR_BOXES).all_inner_texts()
    assert not errors, f"{name} : {errors}"
