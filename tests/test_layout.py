"""The README's layout names every module, and the package stays free of Streamlit.

A module missing from the layout is a module a new engineer will not find; a package module that
imports Streamlit can no longer run from the command line or be tested without a page.
"""

import ast
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = REPO_ROOT / "src" / "indicators"


def layout_section() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"^## Layout\n(.*?)^## ", readme, re.S | re.M).group(1)


def modules() -> list[Path]:
    folders = [PACKAGE, REPO_ROOT / "views", REPO_ROOT / "benchmarks", REPO_ROOT / "deploy"]
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts
    )


def test_the_layout_names_every_module_and_sub_package():
    layout = layout_section()
    named = set(re.findall(r"[\w.]+\.py\b", layout))
    missing = [str(path.relative_to(REPO_ROOT)) for path in modules() if path.name not in named]
    assert not missing, f"absents de la section Layout du README : {missing}"
    for package in (PACKAGE / "ingest", PACKAGE / "store", PACKAGE / "secret"):
        assert f"{package.name}/" in layout


def test_the_layout_names_no_module_that_does_not_exist():
    scripts = {path.name for path in (REPO_ROOT / "scripts").iterdir()}
    existing = {path.name for path in modules()} | scripts | {"dashboard.py", "server.py"}
    stale = set(re.findall(r"[\w]+\.(?:py|sh)\b", layout_section())) - existing
    assert not stale, f"la section Layout nomme des fichiers disparus : {sorted(stale)}"


def test_the_package_never_imports_streamlit():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0] == "streamlit" for name in names):
                offenders.append(str(path.relative_to(REPO_ROOT)))
    assert not offenders


def names_in_architecture() -> tuple[set[str], set[str]]:
    """The files (`views/cached.py`, `secret/lattice.py`, `data/indicators.csv`…) and the package's
    functions and classes (`chart_views.TrendChoice`, `i18n.localized`) docs/ARCHITECTURE.md names."""
    text = (REPO_ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    quoted = re.findall(r"`([^`]+)`", text)
    files = {name for name in quoted if re.fullmatch(r"[\w./-]+\.(?:py|csv|md)|[\w/]+/", name)}
    attributes = {name for name in quoted if re.fullmatch(r"[a-z_0-9]+(?:\.[a-z_0-9]+)*\.[A-Za-z_]+", name)} - files
    return files, attributes


def is_module(name: str) -> bool:
    """A dotted name that is a submodule (`secret.rules`): an attribute of its package only once imported."""
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


def test_every_path_and_function_the_architecture_names_exists():
    """docs/ARCHITECTURE.md stays true: a file moved or a function renamed fails here."""
    import importlib

    files, attributes = names_in_architecture()
    roots = [REPO_ROOT, PACKAGE, REPO_ROOT / "src"]
    stale = sorted(name for name in files if not any((root / name).exists() for root in roots))
    for dotted in attributes:
        module_name, attribute = dotted.rsplit(".", 1)
        try:
            module = importlib.import_module(f"indicators.{module_name}")
        except ImportError:
            module = None
        if module is None or not (hasattr(module, attribute) or is_module(f"indicators.{dotted}")):
            stale.append(dotted)
    assert files and attributes
    assert not stale, f"docs/ARCHITECTURE.md nomme ce qui n'existe plus : {stale}"
