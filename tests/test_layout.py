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
