"""The history of stored versions, as officials and analysts read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.formatting import format_number
from indicators.i18n import _
from indicators.store.audit import record
from indicators.store.commits import rollback
from indicators.store.contract import (
    ObservationDiff,
    ObservationStore,
    VersionInfo,
    empty_observations,
    read_published,
)
from indicators.store.diff import diff_observations


def describe_version(info: VersionInfo) -> str:
    if info.action == "rollback":
        return _("retour à la version {version}").format(version=info.restored_from)
    if info.parent == 0:
        return _("import du fichier « {file} » (remplace les données fictives)").format(file=info.file_name)
    return _("import du fichier « {file} »").format(file=info.file_name)


@dataclass(frozen=True)
class VersionSummary:
    """One version as the history shows it, on the page and on the command line alike."""

    version: int
    created_at: str
    operation: str
    rows: int
    added: int
    changed: int
    removed: int
    sha256: str
    user: str


def version_summaries(versions: list[VersionInfo]) -> list[VersionSummary]:
    """Newest first. The counts are the ones recorded at commit time against the version each one
    was built on (see version_changes): both the Historique page and `python -m indicators history`
    read them here, so they cannot disagree."""
    return [
        VersionSummary(
            version=info.version,
            created_at=info.created_at.replace("T", " ").removesuffix("+00:00"),
            operation=describe_version(info),
            rows=info.rows,
            added=info.rows_added,
            changed=info.rows_changed,
            removed=info.rows_removed,
            sha256=info.sha256 or "",
            user=info.user or "—",
        )
        for info in reversed(versions)
    ]


def history_lines(versions: list[VersionInfo]) -> list[str]:
    """The history as `python -m indicators history` prints it, newest first."""
    line = _(
        "version {version} · {created_at} · {operation} · {rows} lignes "
        "(+{added} / ~{changed} / −{removed}) · par {user}"
    )
    return [
        line.format(
            version=summary.version,
            created_at=summary.created_at,
            operation=summary.operation,
            rows=summary.rows,
            added=summary.added,
            changed=summary.changed,
            removed=summary.removed,
            user=summary.user,
        )
        for summary in version_summaries(versions)
    ]


def version_table(versions: list[VersionInfo], baseline_rows: int) -> pd.DataFrame:
    """Newest first, with version 0 (the shipped demo data) at the bottom."""
    rows = [
        [
            summary.version,
            summary.created_at,
            summary.operation,
            format_number(summary.rows),
            format_number(summary.added),
            format_number(summary.changed),
            format_number(summary.removed),
            summary.sha256[:16],
            summary.user,
        ]
        for summary in version_summaries(versions)
    ]
    rows.append(
        [0, "—", _("données fictives de démonstration livrées"), format_number(baseline_rows), "—", "—", "—", "", "—"]
    )
    columns = [
        _("Version"),
        _("Date (UTC)"),
        _("Opération"),
        _("Lignes"),
        _("Ajoutées"),
        _("Modifiées"),
        _("Retirées"),
        _("Empreinte sha256"),
        _("Par"),
    ]
    return pd.DataFrame(rows, columns=columns)


def version_changes(store: ObservationStore, version: int, baseline: pd.DataFrame) -> ObservationDiff:
    """What a version changed against the one it was built on."""
    info = next(info for info in store.versions() if info.version == version)
    if info.parent == 0:
        # Built on the shipped demo: an import replaced it whole, a rollback restored from it.
        before = empty_observations() if info.action == "import" else baseline
    else:
        before = read_published(store, info.parent)
    return diff_observations(before, read_published(store, version))


def restore_version(
    folder: Path, store: ObservationStore, target: int, baseline: pd.DataFrame, user: str | None
) -> VersionInfo:
    """A rollback (a new version with `target`'s contents) and its audit entry, whoever asks for it:
    the history page or `python -m indicators rollback`."""
    info = rollback(store, target, baseline=baseline, user=user)
    record(folder, "retour à une version", user, restored_from=target, version=info.version)
    return info
