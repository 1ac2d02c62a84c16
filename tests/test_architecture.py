"""The layers of docs/ARCHITECTURE.md hold: every module of the package has a layer there, and no
import (at the top of a module or inside a function) runs back up to a later layer."""

from __future__ import annotations

import ast
import re

from indicators.config import REPO_ROOT

PACKAGE = REPO_ROOT / "src" / "indicators"


def layers() -> dict[str, int]:
    """Module pattern → layer number, read from the table of docs/ARCHITECTURE.md."""
    text = (REPO_ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    found = {}
    for number, modules in re.findall(r"^\| (\d+)\. [^|]+\|[^|]+\|([^|]+)\|$", text, re.M):
        for pattern in re.findall(r"`([\w.*]+)`", modules):
            found[pattern] = int(number)
    return found


def layer_of(module: str, table: dict[str, int]) -> int | None:
    name = module.removeprefix("indicators.")
    if name in table:
        return table[name]
    parent = name.split(".")[0]
    return table.get(f"{parent}.*") if "." in name else table.get(name)


def package_imports() -> dict[str, set[str]]:
    """Each module of the package, with the package's modules it imports anywhere in its code."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ".".join(["indicators", *path.relative_to(PACKAGE).with_suffix("").parts]).removesuffix(".__init__")
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("indicators."):
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names if alias.name.startswith("indicators.")}
        found[module] = imported - {module}
    return found


def test_every_module_has_a_layer():
    table = layers()
    assert len(table) > 20 and set(table.values()) == set(range(1, 8))
    missing = sorted(
        module for module in package_imports() if module != "indicators" and layer_of(module, table) is None
    )
    assert not missing, f"absents du tableau de docs/ARCHITECTURE.md : {missing}"


def test_no_import_runs_back_up():
    table = layers()
    upward = [
        f"{module} ({layer_of(module, table)}) → {target} ({layer_of(target, table)})"
        for module, imported in sorted(package_imports().items())
        for target in sorted(imported)
        if module != "indicators"
        and layer_of(target, table) is not None
        and layer_of(target, table) > layer_of(module, table)  # type: ignore[operator]
    ]
    assert upward == []


def test_the_storage_layer_holds_storage_only():
    """store/ never reaches the domain, the secret or the outputs (it was once tied to all three)."""
    table = layers()
    for module, imported in package_imports().items():
        if module.startswith("indicators.store."):
            assert all(layer_of(target, table) <= 2 for target in imported), (module, imported)  # type: ignore[operator]
