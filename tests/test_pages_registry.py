"""One declaration of the pages (indicators/pages.py): complete, and what the app navigates."""

from __future__ import annotations

import ast

from app_support import dashboard_app
from indicators.config import REPO_ROOT
from indicators.pages import PAGES, PRESENTATION, addresses, page_at


def imported_views() -> set[str]:
    """Every `views.X` module some file of the app imports: helpers, not pages."""
    found = set()
    for path in [REPO_ROOT / "dashboard.py", *(REPO_ROOT / "views").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("views."):
                found.add(node.module.removeprefix("views."))
            elif isinstance(node, ast.Import):
                found |= {alias.name.removeprefix("views.") for alias in node.names if alias.name.startswith("views.")}
    return found


def test_every_page_script_is_registered_once():
    scripts = [entry.script for entry in [*PAGES, PRESENTATION]]
    assert len(scripts) == len(set(scripts)) and all((REPO_ROOT / script).is_file() for script in scripts)
    # A views/ file that nothing imports is a page: it must be in the registry, or no tour visits it.
    helpers = imported_views()
    pages = {f"views/{path.name}" for path in (REPO_ROOT / "views").glob("*.py") if path.stem not in helpers}
    assert pages - {"views/__init__.py"} == set(scripts)


def test_addresses_are_unique_with_one_home_page():
    assert len(addresses()) == len(set(addresses())) and addresses().count("") == 1
    assert page_at("fiche").script == "views/sheet.py"
    assert [entry.address for entry in PAGES if entry.audience == "analyst"] == ["importer", "historique"]


def test_the_navigation_opens_every_registered_page_under_its_title():
    app = dashboard_app()
    app.run()
    assert not app.exception
    for entry in PAGES[1:]:
        app.switch_page(entry.script)
        app.run()
        assert not app.exception, entry.script
        assert app.title, entry.script
