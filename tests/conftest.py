"""Shared fixtures: the real data folder and small copies of it that tests may break."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicators.config import DEFAULT_DATA_DIR
from indicators.loading import DataTables, load_tables

# Keeps each worker's BLAS thread limit alive for the whole run.
_BLAS_LIMIT = pytest.StashKey[object]()


def pytest_configure(config: pytest.Config) -> None:
    """Under several workers (scripts/test.sh), each worker's linear algebra keeps to one thread:
    OpenBLAS otherwise starts a thread per core in every worker, and their threads wait for one
    another by spinning, which doubled the attacker's solves on two busy cores. The processes the
    tests start (the app, the command line) keep the library's default."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from threadpoolctl import threadpool_limits

        config.stash[_BLAS_LIMIT] = threadpool_limits(limits=1, user_api="blas")


@pytest.fixture(autouse=True)
def no_shared_database(monkeypatch):
    """A developer's exported DATABASE_URL must never receive the suite's test imports."""
    monkeypatch.delenv("DATABASE_URL", raising=False)


NO_BROWSER = "/nonexistent/chromium-needs-the-browser-marker"


# The longest test files, longest first (measured on 2 cores, 2026-12-07). scripts/test.sh runs the suite on several
# workers, one file per worker at a time (pytest-xdist, --dist loadfile): started first, the long files
# run beside all the others instead of alone at the end.
LONGEST_FIRST = [
    "test_cluster.py",
    "test_accessibility.py",
    "test_pages_any_store.py",
    "test_load_test.py",
    "test_suppression.py",
    "test_browser_links.py",
    "test_browser_import.py",
    "test_browser.py",
    "test_browser_english.py",
    "test_browser_presentation.py",
    "test_browser_french.py",
    "test_code_quality.py",
    "test_browser_downloads.py",
    "test_sheet.py",
    "test_browser_territories.py",
    "test_sheet_export.py",
    "test_links.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reaches PostgreSQL (its fixtures, or the "postgres" store) is marked `postgres`, so
    that `-m "not browser and not postgres"` starts no database. The longest files come first (a
    stable sort: each file's tests stay together and in order)."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        uses_postgres = any(isinstance(value, str) and value == "postgres" for value in params.values())
        if {"postgres_server", "database_url"} & set(item.fixturenames) or uses_postgres:
            item.add_marker(pytest.mark.postgres)
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(autouse=True)
def chromium_only_with_the_browser_marker(request, monkeypatch):
    """Chromium (pages, PDF, images through kaleido) only in tests marked `browser`: elsewhere its path
    points nowhere, so a test that would start it fails and says which marker it lacks."""
    if request.node.get_closest_marker("browser"):
        return
    monkeypatch.setenv("CHROMIUM_PATH", NO_BROWSER)  # read by config.chromium_path() at each print or image
    monkeypatch.setenv("BROWSER_PATH", NO_BROWSER)


@pytest.fixture(autouse=True)
def main_module_restored():
    """AppTest runs dashboard.py as `__main__` and leaves it in sys.modules: a later test that
    starts processes (spawn, forkserver) would then run the dashboard in each child. The test
    runner's own `__main__` is put back after every test."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture()
def expected_page_errors() -> None:
    """Requested by a test that makes a page fail on purpose (see no_error_hidden_by_the_boundary)."""


@pytest.fixture(autouse=True)
def no_error_hidden_by_the_boundary(request):
    """The error boundary turns a page's exception into a French message, so `not app.exception`
    no longer sees it: any error the boundary logs fails the test instead."""
    from indicators.errors import LOGGER

    handler = _Records()
    LOGGER.addHandler(handler)
    yield
    LOGGER.removeHandler(handler)
    if handler.records and "expected_page_errors" not in request.fixturenames:
        pytest.fail(
            "erreur inattendue affichée par une page : "
            + "; ".join(
                record.getMessage() + f" : {record.exc_info[1]!r}" if record.exc_info else record.getMessage()
                for record in handler.records
            )
        )


@pytest.fixture(scope="session")
def tables() -> DataTables:
    return load_tables(DEFAULT_DATA_DIR)


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that alter a file."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The app served on a free loopback port, on its own copy of data/ (one per test module)."""
    from browser_support import copy_data, serve

    yield from serve(copy_data(tmp_path_factory.mktemp("served") / "data"))


@pytest.fixture(scope="module")
def browser():
    from browser_support import launch_browser

    yield from launch_browser()


@pytest.fixture()
def page(browser):
    from browser_support import new_page

    yield from new_page(browser)
