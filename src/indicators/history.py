"""The history of stored versions, as officials and analysts read it."""

from __future__ import annotations

import pandas as pd

from indicators.formatting import format_number
from indicators.store import (
    ObservationDiff,
    ObservationStore,
    VersionInfo,
    diff_observations,
    empty_observations,
)


def describe_version(info: VersionInfo) -> str:
    if info.action == "rollback":
        return f"retour à la version {info.restored_from}"
    replaced = " (remplace les données fictives)" if info.parent == 0 else ""
    return f"import du fichier « {info.file_name} »{replaced}"


def version_table(versions: list[VersionInfo], baseline_rows: int) -> pd.DataFrame:
    """Newest first, with version 0 (the shipped demo data) at the bottom."""
    rows = [{
        "Version": info.version,
        "Date (UTC)": info.created_at.replace("T", " ").removesuffix("+00:00"),
        "Opération": describe_version(info),
        "Lignes": format_number(info.rows),
        "Ajoutées": format_number(info.rows_added),
        "Modifiées": format_number(info.rows_changed),
        "Retirées": format_number(info.rows_removed),
        "Empreinte sha256": (info.sha256 or "")[:16],
        "Par": info.user or "—",
    } for info in reversed(versions)]
    rows.append({"Version": 0, "Date (UTC)": "—", "Opération": "données fictives de démonstration livrées",
                 "Lignes": format_number(baseline_rows), "Ajoutées": "—", "Modifiées": "—", "Retirées": "—",
                 "Empreinte sha256": "", "Par": "—"})
    return pd.DataFrame(rows)


def version_changes(store: ObservationStore, version: int, baseline: pd.DataFrame) -> ObservationDiff:
    """What a version changed against the one it was built on."""
    info = next(info for info in store.versions() if info.version == version)
    if info.parent == 0:
        # Built on the shipped demo: an import replaced it whole, a rollback restored from it.
        before = empty_observations() if info.action == "import" else baseline
    else:
        before = store.read(info.parent)
    return diff_observations(before, store.read(version))
