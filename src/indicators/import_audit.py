"""Every write's outcome in the audit log (imports, refusals, rollbacks, exports of raw counts), from the
page and the command line alike.

analyse_upload() never writes (the page runs it on every rerun); what happened to a file is
recorded once it is decided, by record_outcome, which both the page and `python -m indicators
ingest` call. A refusal logs why, the file's hash and its counts; never its content, and not its
name either: a refused file's name may be the very personal data it was refused for.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from indicators import audit
from indicators.ingest import ImportReport, Mode
from indicators.store import ObservationStore, VersionInfo, rollback

# Why a file was refused, as the audit log names it.
PERSONAL_DATA = "données personnelles"
UNREADABLE = "fichier illisible"  # binary, damaged, malformed, empty or over-size
NO_VALID_ROW = "aucune ligne valide"
INVALID_ROWS = "lignes invalides"


def refusal_reason(report: ImportReport, mode: Mode) -> str | None:
    """Why the file is refused in this mode; None when it may be written."""
    if report.personal_data:
        return PERSONAL_DATA
    if report.refusal:
        return UNREADABLE
    if report.rows_valid == 0:
        return NO_VALID_ROW
    if not report.acceptable(mode):
        return INVALID_ROWS
    return None


def record_outcome(folder: Path, report: ImportReport, mode: Mode, user: str | None) -> str | None:
    """Log a refusal, or a written import (report.version set); a file accepted but not written
    (a dry run, a preview not yet confirmed) logs nothing. Returns the action logged, if any."""
    reason = refusal_reason(report, mode)
    if reason is not None:
        action = f"import refusé ({reason})"
        audit.record(folder, action, user, sha256=report.sha256, rows_read=report.rows_read,
                     rows_rejected=report.rows_rejected)
        return action
    if report.version is None:
        return None
    audit.record(folder, "import", user, file_name=report.file_name, sha256=report.sha256, version=report.version,
                 rows_added=len(report.added), rows_changed=len(report.changed), rows_removed=len(report.removed))
    return "import"


def restore_version(folder: Path, store: ObservationStore, target: int, baseline: pd.DataFrame,
                    user: str | None) -> VersionInfo:
    """A rollback (a new version with `target`'s contents) and its audit entry, whoever asks for it:
    the history page or `python -m indicators rollback`."""
    info = rollback(store, target, baseline=baseline, user=user)
    audit.record(folder, "retour à une version", user, restored_from=target, version=info.version)
    return info


def record_unsuppressed_export(folder: Path, payload: bytes, user: str | None, rows: int,
                               indicator: str | None, territory: str | None) -> None:
    """An export of raw counts (small ones included) leaves the statistical secret's protection:
    who took it, what it held and the SHA-256 of exactly what was written."""
    audit.record(folder, "export sans secret statistique", user, sha256=hashlib.sha256(payload).hexdigest(), rows=rows,
                 indicator=indicator or "tous", territory=territory or "tous")
